// The daemon's counters gathered into one RunSummary (engine snapshot, sink
// snapshot, every source's stats and liveness, the sinks' own counts), the
// one-line status that `adrmon run` prints every status interval and on
// SIGUSR1, and the end of a run: summary, exit code, and the sources' Log that
// remembers whether one failed. /metrics and /api read the same RunSummary.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/log.hpp"
#include "adrmon/feeds/source.hpp"
#include "adrmon/pipeline/engine_stage.hpp"
#include "adrmon/pipeline/run_summary.hpp"
#include "adrmon/pipeline/sink_stage.hpp"
#include "adrmon/sinks/json_lines_sink.hpp"
#include "adrmon/sinks/webhook_sink.hpp"
#include "liveness_watchdog.hpp"

namespace adrmon {

// The sources' Log: stderr as before, and the first error kept (a file that
// cannot be read, a venue file that cannot be decoded, a refused login), so
// such a run exits 1 after its summary instead of 0 over empty counts.
class SourceLog final : public Log {
 public:
  // Any thread: the line to stderr; an Error is also counted and the first kept.
  void write(LogLevel level, std::string_view who, std::string_view what) noexcept override;
  // Any thread (a mutex): errors so far, and the first as "WHO: WHAT".
  std::uint64_t errors() const;
  std::string first() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t errors_ = 0;
  std::string first_;
};

// What collect_run_summary reads; every reference must outlive its use.
struct DaemonParts {
  const EngineStage& engine;
  const SinkStage& sink_stage;
  const JsonLinesSink* json;  // null: no alert log
  const std::vector<std::unique_ptr<WebhookSink>>& webhooks;
  const std::vector<std::unique_ptr<Source>>& sources;
  const LivenessWatchdog& watchdog;
  const std::vector<std::string>& names;  // pair names by PairId
};

// Any thread (the stages' snapshot mutexes, the watchdog's): the run so far,
// timed from start_ns (steady). Allocates.
RunSummary collect_run_summary(const DaemonParts& parts, std::int64_t start_ns);

// Main thread: "status: up …" on `out`, and the latency percentiles too when
// with_latency.
void print_status_line(std::FILE* out, const RunSummary& s, bool with_latency);

// Main thread, once at the end of `adrmon run`: the summary on `out` (and as
// JSON to summary_json when not empty), then a last line for each reason to
// fail; returns the exit code: 1 when a source logged an error or alerts
// were lost (json may be null: no alert log), else 0.
int report_run_end(std::FILE* out, const RunSummary& s, const std::string& summary_json,
                   const JsonLinesSink* json, const SourceLog& sources);

}  // namespace adrmon
