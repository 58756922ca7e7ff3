// Daemon: `adrmon run`. Feed threads -> per-source SPSC queues -> one engine
// thread that owns all pricing state -> bounded alert queue -> one sink
// thread (JSON Lines log, stdout, webhook). The main thread only handles
// signals (INT/TERM: drain and stop; HUP: reload thresholds; USR1: print
// status and latency now) and the periodic status line.
#pragma once

#include <string>
#include <vector>

#include "adrmon/core/config.hpp"

namespace adrmon {

struct RunOptions {
  std::string config_path;
  std::vector<std::string> sources;  // replaces the config's [[source]] list when non-empty
  std::string alerts_path;           // overrides [sinks] alerts when non-empty
  std::string summary_json;          // also write the summary as JSON here
  std::string record_path;           // --record: every priced tick to this capture
  bool exit_when_done = false;       // stop once every source has finished (files)
  bool no_stdout_alerts = false;     // overrides [sinks] stdout
  std::string dashboard;             // "off", or HOST:PORT overriding [dashboard] listen
  double status_interval_s = -1;     // overrides [pipeline] status_interval_s when >= 0
  std::string pairs;                 // --pairs "BABA/9988,JD/9618": run only these
  std::string shard;                 // --shard "I/N": pairs whose config index % N == I - 1
};

// Runs until SIGINT/SIGTERM (or, with exit_when_done, until all sources end).
// Returns the process exit code. Throws on start-up errors (config, sources).
int run_daemon(const RunOptions& options);

// --pairs and --shard (issue 12): keeps in `config` the pairs chosen (config
// order kept; FX is every shard's), and the aliases of the pairs kept.
// Throws std::invalid_argument naming a pair not in the config, a bad I/N,
// or a choice that leaves no pair. Cold path.
void select_pairs(Config& config, const std::string& pairs, const std::string& shard);

}  // namespace adrmon
