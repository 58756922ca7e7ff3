// collect_run_summary and the status line (daemon_status.hpp).
#include "daemon_status.hpp"

#include <cstring>

#include "adrmon/core/clock.hpp"

namespace adrmon {

void SourceLog::write(LogLevel level, std::string_view who, std::string_view what) noexcept {
  stderr_log().write(level, who, what);
  if (level != LogLevel::Error) return;
  std::lock_guard lock(mutex_);
  if (errors_++ != 0) return;
  try {
    first_.assign(who).append(": ").append(what);
  } catch (...) {  // bad_alloc: the count still fails the run
  }
}

std::uint64_t SourceLog::errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

std::string SourceLog::first() const {
  std::lock_guard lock(mutex_);
  return first_;
}

RunSummary collect_run_summary(const DaemonParts& parts, std::int64_t start_ns) {
  RunSummary s;
  const EngineSnapshot e = parts.engine.snapshot();
  s.engine = e.counts;
  s.rejects = e.rejects;
  s.latency = e.latency;
  s.alert_queue_waits = e.alert_queue_waits;
  const SinkSnapshot k = parts.sink_stage.snapshot();
  s.alerts = k.alerts;
  s.latency.recv_to_alert = k.latency.recv_to_alert;
  s.latency.priced_to_alert = k.latency.priced_to_alert;
  if (parts.json != nullptr) {
    s.alert_write_errors = parts.json->write_errors();
    s.alerts_lost = parts.json->lost();
  }
  s.has_latency = true;
  for (PairId id = 0; id < parts.names.size(); ++id) {
    s.pairs.push_back({parts.names[id], id < e.suspect_by_pair.size() ? e.suspect_by_pair[id] : 0});
  }
  for (std::size_t i = 0; i < parts.sources.size(); ++i) {
    Source& src = *parts.sources[i];  // channel() is not const; only read here
    const SourceStats& st = src.stats();
    // Rejects before "read": the source publishes read first, so read >=
    // accepted (the engine snapshot, taken above) + rejected in every sample.
    const RejectCounts feed_rejects = st.reject_counts();
    SourceSummary ss;
    ss.name = src.name();
    ss.lines = st.lines.get();
    ss.parsed = st.parsed.get();
    ss.seq_gaps = st.seq_gaps.get();
    ss.seq_missing = st.seq_missing.get();
    ss.seq_duplicates = st.seq_duplicates.get();
    ss.connects = st.connects.get();
    ss.disconnects = st.disconnects.get();
    ss.datagrams = st.datagrams.get();
    ss.kernel_drops = st.kernel_drops.get();
    ss.kernel_stamped = st.kernel_stamped.get();
    ss.wire_wait_seconds = static_cast<double>(st.wire_wait_ns.get()) * 1e-9;
    ss.dropped = st.dropped.get() + src.channel().dropped();
    ss.queue_depth = src.channel().depth();
    ss.unknown_symbols = st.unknown_symbols.list();
    const LivenessWatchdog::SourceState live = parts.watchdog.state(i);
    ss.up = live.up;
    ss.downs = live.downs;
    ss.last_tick_seconds = live.last_tick_seconds;
    for (std::size_t c = 0; c < st.itch.size(); ++c) {
      if (const std::uint64_t v = st.itch[c].get()) ss.counters.emplace_back(itch_count_name(c), v);
    }
    for (std::size_t c = 0; c < st.omdc.size(); ++c) {
      if (const std::uint64_t v = st.omdc[c].get()) ss.counters.emplace_back(omdc_count_name(c), v);
    }
    s.feed.lines += ss.lines;
    s.feed.parsed += ss.parsed;
    s.feed.blank += st.blank.get();
    s.feed.bytes += st.bytes.get();
    s.feed.rejects += feed_rejects;
    s.dropped += ss.dropped;
    s.sources.push_back(std::move(ss));
  }
  s.rejects += s.feed.rejects;
  for (const auto& hook : parts.webhooks) {
    const WebhookSink::Counts w = hook->counts();
    s.webhook = true;
    s.webhook_delivered += w.delivered;
    s.webhook_failed += w.failed;
    s.webhook_dropped += w.dropped_full + w.dropped_rate + w.dropped_shutdown;
  }
  s.wall_seconds = static_cast<double>(steady_ns() - start_ns) / 1e9;
  const std::int64_t done = parts.engine.done_ns();
  s.engine_seconds = done != 0 ? static_cast<double>(done - start_ns) / 1e9 : s.wall_seconds;
  return s;
}

void print_status_line(std::FILE* out, const RunSummary& s, bool with_latency) {
  const double rate =
      s.wall_seconds > 0 ? static_cast<double>(s.engine.accepted) / s.wall_seconds : 0;
  std::size_t depth = 0;
  std::uint64_t gaps = 0;
  for (const SourceSummary& src : s.sources) {
    depth += src.queue_depth;
    gaps += src.seq_gaps;
  }
  using ull = unsigned long long;
  std::fprintf(out,
               "status: up %.1fs | ticks read %llu accepted %llu rejected %llu | %.0f ticks/s | "
               "queued %zu | open breaches %llu | alerts %llu | seq gaps %llu | dropped %llu\n",
               s.wall_seconds, static_cast<ull>(s.feed.lines), static_cast<ull>(s.engine.accepted),
               static_cast<ull>(s.rejects.total()), rate, depth,
               static_cast<ull>(s.engine.open_breaches), static_cast<ull>(s.alerts),
               static_cast<ull>(gaps), static_cast<ull>(s.dropped));
  if (with_latency) print_latency(out, s.latency);
}

}  // namespace adrmon

namespace adrmon {

int report_run_end(std::FILE* out, const RunSummary& s, const std::string& summary_json,
                   const JsonLinesSink* json, const SourceLog& sources) {
  print_summary(out, s);
  if (!summary_json.empty()) write_summary_json(summary_json, s);
  int rc = 0;
  if (sources.errors() > 0) {
    std::fprintf(out, "adrmon: exit 1: a source failed: %s\n", sources.first().c_str());
    rc = 1;
  }
  if (json != nullptr && json->write_errors() > 0) {
    std::fprintf(out, "adrmon: %s: %llu alert write error(s), %llu alert(s) lost, last: %s\n",
                 json->path().c_str(), static_cast<unsigned long long>(json->write_errors()),
                 static_cast<unsigned long long>(json->lost()), std::strerror(json->error()));
    rc = 1;
  }
  return rc;
}

}  // namespace adrmon
