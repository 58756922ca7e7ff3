// RunSummary: what a run read, accepted, rejected (by reason) and alerted,
// how fast, and (for `adrmon run`) per-source counts and latency per stage.
//
// One field table (summary_fields(), source_fields()) names every scalar
// once — its JSON key, its words in the human summary, its Prometheus
// metric — and the three renderings walk it: print_summary (stderr, for
// people), summary_json (--summary-json) and write_summary_metrics
// (/metrics). A number added to the table shows up in all three.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adrmon/core/feed_counts.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/pipeline/latency_stages.hpp"
#include "adrmon/strategy/spread_engine.hpp"

namespace adrmon {

struct SourceSummary {
  std::string name;
  std::uint64_t lines = 0, parsed = 0;
  std::uint64_t seq_gaps = 0, seq_missing = 0, seq_duplicates = 0;
  std::uint64_t connects = 0, disconnects = 0, datagrams = 0, dropped = 0;
  // udp://: datagrams the kernel dropped (socket buffer full); datagrams that
  // carried its receive stamp and their summed wait in the socket (stamp -> read).
  std::uint64_t kernel_drops = 0, kernel_stamped = 0;
  double wire_wait_seconds = 0;
  std::size_t queue_depth = 0;
  // Liveness (live sources only: network, followed files): up = 0 once
  // silent past its silence_ms (or never heard from that long); seconds since
  // its last tick (-1: none yet); times it went down.
  bool up = true;
  double last_tick_seconds = -1;
  std::uint64_t downs = 0;
  // Named counters of a venue decoder (itch_msg_A, omdc_seq_gaps, ...), only
  // the non-zero ones: JSON "counters", metrics adrmon_source_counter_total.
  std::vector<std::pair<std::string, std::uint64_t>> counters;
  // JSON sources: the first distinct unknown_symbol values (at most 4, in
  // the order seen): the text's "unknown symbols" line, JSON "unknown_symbols".
  std::vector<std::string> unknown_symbols;
};

// Per pair: evaluations gated `suspect` (issue 9's sanity gate).
struct PairSummary {
  std::string name;
  std::uint64_t suspect_evaluations = 0;
};

struct RunSummary {
  FeedCounts feed;       // lines, bytes and parse-time rejects
  RejectCounts rejects;  // all rejects: parse time plus engine (out_of_order)
  EngineCounts engine;   // accepted, opens, closes, open breaches
  std::uint64_t alerts = 0;
  std::uint64_t dropped = 0;  // network ticks dropped on a full queue
  double wall_seconds = 0;
  double engine_seconds = 0;  // start -> engine drained (run); = wall for replay
  // `adrmon run` only:
  bool has_latency = false;
  LatencyStages latency;
  std::vector<SourceSummary> sources;
  std::vector<PairSummary> pairs;  // every configured pair, config order
  std::uint64_t alert_queue_waits = 0;
  std::uint64_t alert_write_errors = 0;
  std::uint64_t alerts_lost = 0;  // alerts the log could not store
  bool webhook = false;
  std::uint64_t webhook_delivered = 0, webhook_failed = 0, webhook_dropped = 0;
  // `adrmon replay` (no per-source rows): each file with unknown_symbol
  // rejects and its first distinct unknown symbols (as SourceSummary's),
  // file order. Text "  file NAME: unknown symbols '…', … — see [aliases]";
  // JSON "unknown_symbols":{"NAME":[…]} (only when any).
  std::vector<std::pair<std::string, std::vector<std::string>>> file_unknown_symbols;
};

// Symbols listed in the summary and the reject hint: at most this many
// (UnknownSymbols::kCount in feeds keeps as many); a full list ends ", …".
inline constexpr std::size_t kListedUnknownSymbols = 4;

// ---- the field table ---------------------------------------------------------

enum class FieldUnit : std::uint8_t { Count, Seconds, Rate, Bytes };
enum class FieldWhen : std::uint8_t {
  Always,   // every rendering
  NonZero,  // JSON and metrics always; the human summary only when non-zero
  Run,      // `adrmon run` only (has_latency)
  Webhook,  // only with a webhook configured
};
enum class MetricType : std::uint8_t { None, Counter, Gauge };

template <class Row>
struct Field {
  std::string_view json;  // key in the summary JSON
  std::string_view text;  // human words, "{}" where the value goes ("" = not printed)
  int line;               // which human summary line (fields of a line join with ", ")
  FieldUnit unit;
  FieldWhen when;
  MetricType type;
  std::string_view metric;  // Prometheus name ("" = not exported)
  std::string_view label;   // "key=value" label of the sample, or ""
  std::string_view help;
  double (*value)(const Row&);
};

using SummaryField = Field<RunSummary>;
using SourceField = Field<SourceSummary>;

// The summary's scalars, in rendering order. Static storage.
std::span<const SummaryField> summary_fields() noexcept;
// One source's scalars (its name is the JSON "name" and the metric label).
std::span<const SourceField> source_fields() noexcept;

// ---- renderings ----------------------------------------------------------------

void print_summary(std::FILE* out, const RunSummary& s);
void print_latency(std::FILE* out, const LatencyStages& l);

// The summary as one JSON object (no newline). Strings are escaped.
std::string summary_json(const RunSummary& s);
// summary_json + "\n" into `path`. Throws std::runtime_error naming the file.
void write_summary_json(const std::string& path, const RunSummary& s);

// Where write_summary_metrics puts Prometheus families and samples.
class MetricOut {
 public:
  virtual ~MetricOut() = default;
  virtual void family(std::string_view name, std::string_view type, std::string_view help) = 0;
  // `label_key` empty: no label.
  virtual void sample(std::string_view name, std::string_view label_key,
                      std::string_view label_value, double value) = 0;
};

// Every exported field of `s`: totals, rejects by reason, per-source
// families, seq totals. (Latency histograms are the caller's: their bucket
// export is the dashboard's.)
void write_summary_metrics(const RunSummary& s, MetricOut& out);

// The stages of LatencyStages with their names, for renderings.
struct LatencyStage {
  std::string_view name;
  const LatencyHistogram* histogram;
};
std::vector<LatencyStage> latency_stages(const LatencyStages& l);

}  // namespace adrmon
