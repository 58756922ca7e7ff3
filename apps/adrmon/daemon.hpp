// Daemon: `adrmon run`. Feed threads -> per-source SPSC queues -> one engine
// thread that owns all pricing state -> bounded alert queue -> one sink
// thread (JSON Lines log, stdout, webhook). The main thread only handles
// signals (INT/TERM: drain and stop; HUP: reload thresholds; USR1: print
// status and latency now) and the periodic status line.
#pragma once

#include <string>
#include <vector>

namespace adrmon {

struct RunOptions {
  std::string config_path;
  std::vector<std::string> sources;  // replaces the config's [[source]] list when non-empty
  std::string alerts_path;           // overrides [sinks] alerts when non-empty
  std::string summary_json;          // also write the summary as JSON here
  bool exit_when_done = false;       // stop once every source has finished (files)
  bool no_stdout_alerts = false;     // overrides [sinks] stdout
  std::string dashboard;             // "off", or HOST:PORT overriding [dashboard] listen
  double status_interval_s = -1;     // overrides [pipeline] status_interval_s when >= 0
};

// Runs until SIGINT/SIGTERM (or, with exit_when_done, until all sources end).
// Returns the process exit code. Throws on start-up errors (config, sources).
int run_daemon(const RunOptions& options);

}  // namespace adrmon
