// The end-of-run summary: what was read, accepted, rejected (by reason) and
// alerted, how fast, and (for `adrmon run`) per-source counts and latency per
// stage. Printed for people on stderr; optionally written as JSON.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "adrmon/core/latency_histogram.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/strategy/spread_engine.hpp"

namespace adrmon {

// Steady-clock latency of each stage a tick or alert goes through.
struct LatencyStages {
  LatencyHistogram recv_to_parsed;    // bytes in hand -> Tick (feed thread)
  LatencyHistogram parsed_to_priced;  // queue hop + engine
  LatencyHistogram recv_to_priced;    // per tick, end to end through the engine
  LatencyHistogram priced_to_alert;   // alert queue hop + formatting and write
  LatencyHistogram recv_to_alert;     // per alert, end to end
};

struct SourceSummary {
  std::string name;
  std::uint64_t lines = 0, parsed = 0;
  std::uint64_t seq_gaps = 0, seq_missing = 0, seq_duplicates = 0;
  std::uint64_t connects = 0, disconnects = 0, datagrams = 0, dropped = 0;
  std::size_t queue_depth = 0;
};

struct RunSummary {
  FeedCounts feed;       // lines, bytes and parse-time rejects
  RejectCounts rejects;  // all rejects: parse time plus engine (out_of_order)
  EngineCounts engine;   // accepted, evaluations, opens, closes
  std::uint64_t alerts = 0;
  std::uint64_t dropped = 0;  // network ticks dropped on a full queue
  double wall_seconds = 0;
  double engine_seconds = 0;  // start -> engine drained (run); = wall for replay
  // `adrmon run` only:
  bool has_latency = false;
  LatencyStages latency;
  std::vector<SourceSummary> sources;
  std::uint64_t alert_queue_waits = 0;
  std::uint64_t alert_write_errors = 0;
  std::uint64_t alerts_lost = 0;  // alerts the log could not store
  bool webhook = false;
  std::uint64_t webhook_delivered = 0, webhook_failed = 0, webhook_dropped = 0;
};

void print_summary(std::FILE* out, const RunSummary& s);
void print_latency(std::FILE* out, const LatencyStages& l);
// Throws std::runtime_error when the file cannot be written.
void write_summary_json(const std::string& path, const RunSummary& s);

}  // namespace adrmon
