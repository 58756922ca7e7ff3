// `adrmon replay`: tick files merged by event time, priced and written on one
// thread, with the same stages as `adrmon run` (EngineStage::price,
// SinkStage::deliver) and no queues or clocks in between. A binary capture
// (feeds/capture.hpp, told by its magic) is read block by block instead.
#pragma once

#include <string>
#include <vector>

namespace adrmon {

struct ReplayOptions {
  std::string config;
  std::string alerts;        // JSON Lines file to append to; empty: stdout
  std::string summary_json;  // also write the summary as JSON here
  std::vector<std::string> files;
  bool quiet = false;  // no summary on stderr
  bool human = false;  // stdout gets the readable line (StdoutSink), not JSON Lines
  // Only ticks with from <= ts_event <= to (integer ns or RFC 3339; empty:
  // no bound). A capture seeks to `from` through its block index.
  std::string from, to;
};

// Returns the process exit code (1: a file could not be read to its end, or
// alerts could not be written). Throws on start-up errors (config, files).
int run_replay(const ReplayOptions& options);

}  // namespace adrmon
