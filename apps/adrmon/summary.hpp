// The end-of-run summary: what was read, accepted, rejected (by reason) and
// alerted, and how fast. Printed for people on stderr; optionally written as
// JSON for scripts and tests.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/strategy/spread_engine.hpp"

namespace adrmon {

struct RunSummary {
  FeedCounts feed;       // lines, bytes and parse-time rejects
  RejectCounts rejects;  // all rejects: parse time plus engine (out_of_order)
  EngineCounts engine;   // accepted, evaluations, opens, closes
  std::uint64_t alerts = 0;
  double wall_seconds = 0;
};

void print_summary(std::FILE* out, const RunSummary& s);
// Throws std::runtime_error when the file cannot be written.
void write_summary_json(const std::string& path, const RunSummary& s);

}  // namespace adrmon
