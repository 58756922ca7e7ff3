// Prometheus text exposition format 0.0.4 for /metrics: a small writer
// (HELP/TYPE lines, samples with escaped labels) and what the dashboard
// exports through it — the build, the daemon's RunSummary (through the
// pipeline's field table), its latency histograms, the board's per-pair
// gauges and the dashboard's own counters.
//
// Dashboard thread only (one scrape at a time); everything allocates (the
// text is built in one std::string per scrape). Cold path.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "adrmon/core/latency_histogram.hpp"
#include "adrmon/dashboard/dashboard.hpp"
#include "adrmon/pipeline/run_summary.hpp"
#include "pair_feed.hpp"

namespace adrmon::dashboard {

class PromWriter {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // "# HELP name help" (help escaped) and "# TYPE name type".
  void family(std::string_view name, std::string_view type, std::string_view help);
  // "name{k="v",...} value"; label values escaped here.
  void sample(std::string_view name, Labels labels, double value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  // A family with one unlabelled sample.
  void one(std::string_view name, std::string_view type, std::string_view help, double value);

  // The exposition so far; the writer is empty afterwards.
  std::string take() { return std::move(out_); }

  // A sample value: integers without a fraction, NaN, +Inf, -Inf.
  static void value_text(std::string& out, double v);

 private:
  std::string out_;
};

// Every metric derived from the RunSummary: the pipeline's field table
// (pipeline/run_summary.hpp: ticks, rejects, seq, per-source, alerts,
// webhook, uptime — the same rows the text and JSON summaries print), then
// the latency histograms.
void write_summary_metrics(PromWriter& w, const RunSummary& s);

// adrmon_build_info{version,commit,simd} 1 (set_build_info's labels).
void write_build_info(PromWriter& w);

// The board as gauges, labelled pair="ADR/HK" (the names /api/board uses):
// adrmon_pair_premium_bps and adrmon_pair_edge_bps{side} for priced pairs,
// adrmon_pair_leg_age_seconds{leg=adr|hk|fx} (as_of - leg ts, event time)
// for legs seen, adrmon_pair_breach_open{side} and adrmon_pair_live for
// every pair. `views` as PairBoard::read gives them; `names` by pair id.
void write_pair_metrics(PromWriter& w, std::span<const PairView> views,
                        std::span<const PairName> names);

// One histogram family member per stage: cumulative _bucket{stage,le} on
// exact internal bucket edges near a 1-2.5-5 series (1 us .. 10 s), +Inf,
// _sum (approximate: each value at its bucket's midpoint) and _count.
// The family's HELP/TYPE must already be written.
void write_histogram(PromWriter& w, std::string_view name, std::string_view stage,
                     const LatencyHistogram& h);

// The dashboard's own counters (adrmon_dashboard_*).
void write_dashboard_metrics(PromWriter& w, const Dashboard::Counts& c);

}  // namespace adrmon::dashboard
