// adrmon: the ADR/HK arbitrage monitor.
//
// `adrmon replay` reads tick files, merges them by event time, runs the spread
// engine on one thread and writes alerts as JSON Lines, then a summary.
// `adrmon run` is the daemon: sources (files, TCP, UDP) on feed threads, a
// lock-free pipeline to one engine thread, sinks on their own thread; it runs
// until SIGINT/SIGTERM. Errors at start-up (config, files, sockets) print one
// message and exit 2.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/strategy/spread_engine.hpp"
#include "alert_writer.hpp"
#include "daemon.hpp"
#include "summary.hpp"

namespace adrmon {
namespace {

struct ReplayOptions {
  std::string config;
  std::string alerts;
  std::string summary_json;
  std::vector<std::string> files;
  bool quiet = false;
};

int run_replay(const ReplayOptions& opt) {
  const Config config = load_config(opt.config);
  FileMerger merger(opt.files, config);
  SpreadEngine engine(config);
  AlertWriter writer = opt.alerts.empty() ? AlertWriter(STDOUT_FILENO, pair_names(config))
                                          : AlertWriter::open_file(opt.alerts, pair_names(config));

  RejectCounts engine_rejects;
  const auto start = std::chrono::steady_clock::now();
  Tick tick;
  while (merger.next(tick)) {
    const Reject r = engine.on_tick(tick);
    if (r != Reject::None) {
      engine_rejects.add(r);
      continue;
    }
    for (const Alert& a : engine.alerts()) writer.write(a);
  }
  const bool flushed = writer.flush();
  const auto stop = std::chrono::steady_clock::now();

  RunSummary s;
  s.feed = merger.counts();
  s.rejects = s.feed.rejects;
  s.rejects += engine_rejects;
  s.engine = engine.counts();
  s.alerts = writer.written();
  s.wall_seconds = std::chrono::duration<double>(stop - start).count();
  if (!opt.quiet) print_summary(stderr, s);
  if (!opt.summary_json.empty()) write_summary_json(opt.summary_json, s);
  for (const auto& r : merger.readers()) {
    if (r->read_error() != 0) {
      std::fprintf(stderr, "adrmon: %s: read error: %s\n", r->path().c_str(),
                   std::strerror(r->read_error()));
      return 1;
    }
  }
  if (!flushed || writer.write_errors() > 0) {
    std::fprintf(stderr, "adrmon: %llu alert(s) could not be written: %s\n",
                 static_cast<unsigned long long>(writer.lost()), std::strerror(writer.error()));
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace adrmon

int main(int argc, char** argv) {
  CLI::App app{"adrmon: ADR/HK dual-listing arbitrage monitor"};
  app.require_subcommand(1);

  adrmon::ReplayOptions replay;
  CLI::App* replay_cmd =
      app.add_subcommand("replay", "Replay tick files (merged by ts) through the engine");
  replay_cmd->add_option("--config", replay.config, "Config file (TOML)")->required();
  replay_cmd->add_option("--alerts", replay.alerts,
                         "Append alerts as JSON Lines to this file (default: stdout)");
  replay_cmd->add_option("--summary-json", replay.summary_json,
                         "Also write the summary as JSON to this file");
  replay_cmd->add_flag("--quiet", replay.quiet, "Do not print the summary to stderr");
  replay_cmd->add_option("files", replay.files, "Tick files (JSON Lines)")->required();

  adrmon::RunOptions run;
  CLI::App* run_cmd = app.add_subcommand(
      "run",
      "Run as a daemon: sources -> lock-free pipeline -> engine -> sinks, until SIGINT/SIGTERM");
  run_cmd->add_option("--config", run.config_path, "Config file (TOML); SIGHUP reloads it")
      ->required();
  run_cmd->add_option("--alerts", run.alerts_path,
                      "Append alerts as JSON Lines to this file (overrides [sinks] alerts)");
  run_cmd->add_option("--source", run.sources,
                      "Source SPEC, repeatable (replaces the config's [[source]] list):\n"
                      "  file:PATH[?speed=N|max][&follow=1]  tick file, paced at real time x N\n"
                      "                                      (max: as fast as possible); follow:\n"
                      "                                      keep reading as it grows (tail -f)\n"
                      "  tcp://HOST:PORT                     connect; reconnects with backoff\n"
                      "  udp://HOST:PORT                     bind; a multicast group joins it");
  run_cmd->add_option("--summary-json", run.summary_json,
                      "Also write the final summary as JSON to this file");
  run_cmd->add_option("--status-interval", run.status_interval_s,
                      "Print a status line every N seconds (0: off; overrides [pipeline])");
  run_cmd->add_flag("--exit-when-done", run.exit_when_done,
                    "Exit once every source has ended (for replaying files)");
  run_cmd->add_option("--dashboard", run.dashboard,
                      "HOST:PORT for the dashboard (overrides [dashboard] listen), or off");
  run_cmd->add_flag("--no-stdout-alerts", run.no_stdout_alerts,
                    "Do not print alerts on stdout (overrides [sinks] stdout)");

  CLI11_PARSE(app, argc, argv);
  if (!adrmon::cpu_supports_parser()) {
    std::fprintf(stderr,
                 "adrmon: this CPU lacks the instructions the tick parser was built for (%s); "
                 "rebuild with -DADRMON_SIMD=westmere or generic\n",
                 std::string(adrmon::parser_simd_level()).c_str());
    return 2;
  }
  try {
    if (replay_cmd->parsed()) return adrmon::run_replay(replay);
    if (run_cmd->parsed()) return adrmon::run_daemon(run);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adrmon: %s\n", e.what());
    return 2;
  }
  return 0;
}
