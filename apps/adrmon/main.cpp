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

#include "adrmon/dashboard/dashboard.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/feeds/tick_parser.hpp"
#include "adrmon/sinks/human_format.hpp"
#include "alerts.hpp"
#include "board.hpp"
#include "check_config.hpp"
#include "convert.hpp"
#include "daemon.hpp"
#include "explain.hpp"
#include "feed.hpp"
#include "replay.hpp"
#include "version.hpp"

namespace {

// Options several subcommands share, spelled once.
void config_option(CLI::App* cmd, std::string& path,
                   const std::string& help = "Config file (TOML)") {
  cmd->add_option("--config", path, help)->required();
}
void quiet_flag(CLI::App* cmd, bool& quiet) {
  cmd->add_flag("--quiet", quiet, "Do not print the summary to stderr");
}
void required_list(CLI::App* cmd, const char* name, std::vector<std::string>& into,
                   const std::string& help) {
  cmd->add_option(name, into, help)->required();
}
constexpr const char* kVenueFileSpecs = "itch:PATH[?date=YYYY-MM-DD], omdc:PATH";

// Runs one subcommand: its exit code, or 2 with one line for an exception.
template <class F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adrmon: %s\n", e.what());
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"adrmon: ADR/HK dual-listing arbitrage monitor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(adrmon::version_line()),
                       "Print the version (git describe at build time) and exit");

  adrmon::CheckConfigOptions check;
  CLI::App* check_cmd = app.add_subcommand(
      "check-config", "Validate a config (exit 2 on the first error) and print what it watches");
  check_cmd->add_option("file", check.config, "Config file (TOML)")->required();

  adrmon::ExplainOptions explain;
  CLI::App* explain_cmd = app.add_subcommand(
      "explain",
      "Recompute an alert's figures step by step; exit 0 when reproduced bit for bit, 1 if not");
  config_option(explain_cmd, explain.config, "Config file (TOML): costs and thresholds");
  explain_cmd->add_flag("--brief", explain.brief, "One verdict line per alert");
  explain_cmd->add_option("alerts", explain.alerts,
                          "Alert JSON lines (default, or -: one per line on stdin)");

  adrmon::ReplayOptions replay;
  CLI::App* replay_cmd =
      app.add_subcommand("replay", "Replay tick files (merged by ts) through the engine");
  config_option(replay_cmd, replay.config);
  replay_cmd->add_option("--alerts", replay.alerts,
                         "Append alerts as JSON Lines to this file (default: stdout)");
  replay_cmd->add_option("--summary-json", replay.summary_json,
                         "Also write the summary as JSON to this file");
  quiet_flag(replay_cmd, replay.quiet);
  replay_cmd->add_flag("--human", replay.human,
                       "Print the readable alert line on stdout instead of JSON Lines "
                       "(JSON still goes to --alerts FILE)");
  std::string tz = "UTC";
  const char* const kTzHelp =
      "Time zone of the readable alert lines: UTC (default), Asia/Hong_Kong, America/New_York "
      "or any tz database name";
  replay_cmd->add_option("--tz", tz, kTzHelp);
  unsigned parse_threads = 0;
  const char* const kParseThreadsHelp =
      "Threads parsing the JSON Lines files, the merging one included: 0 (default) picks "
      "min(cores, JSON files + 1) and decodes a capture on a second thread; 1 does it all on "
      "that thread. Output is the same";
  replay_cmd->add_option("--parse-threads", parse_threads, kParseThreadsHelp);
  replay_cmd->add_option("--from", replay.from,
                         "Only ticks with ts >= T (integer ns or RFC 3339); a capture seeks "
                         "there through its block index");
  replay_cmd->add_option("--to", replay.to, "Only ticks with ts <= T (integer ns or RFC 3339)");
  required_list(replay_cmd, "files", replay.files,
                std::string("Tick files (JSON Lines paths or file:PATH), or venue files (") +
                    kVenueFileSpecs + "), or one binary capture (adrmon convert --to capture)");

  adrmon::ConvertOptions convert;
  CLI::App* convert_cmd = app.add_subcommand(
      "convert", "Write what the engine would see from these sources as tick JSON Lines");
  config_option(convert_cmd, convert.config);
  convert_cmd->add_option("-o,--out", convert.out, "Write here (truncated; default: stdout)");
  convert_cmd
      ->add_option("--to", convert.format,
                   "Output format: jsonl (tick JSON Lines, default) or capture (binary, "
                   "zstd blocks; needs --out FILE)")
      ->check(CLI::IsMember({"jsonl", "capture"}));
  quiet_flag(convert_cmd, convert.quiet);
  convert_cmd->add_option("--idle-ms", convert.idle_ms,
                          "Network sources: end once no record came for this long (0: when "
                          "they end, e.g. SoupBinTCP's end of session, or on SIGINT/SIGTERM)");
  required_list(convert_cmd, "specs", convert.specs,
                std::string("Sources: JSON Lines paths or file:PATH, ") + kVenueFileSpecs);

  adrmon::BoardOptions board;
  CLI::App* board_cmd = app.add_subcommand(
      "board", "The indicative board at an instant: live or not and why, per pair, and the index");
  config_option(board_cmd, board.config);
  board_cmd
      ->add_option(
          "--at", board.at,
          "The instant: integer ns since the epoch, or RFC 3339 (2026-11-25T10:30:00+08:00)")
      ->required();
  required_list(board_cmd, "files", board.files, "Tick files (records with ts <= T are replayed)");

  adrmon::FeedOptions feed;
  CLI::App* feed_cmd = app.add_subcommand(
      "feed",
      "Feed handler: read sources as run does, publish every accepted tick to NATS "
      "JetStream (adrmon.ticks.<venue>.<symbol>)");
  config_option(feed_cmd, feed.config);
  feed_cmd->add_option("--bus", feed.bus,
                       "nats://HOST:PORT[,nats://HOST:PORT...] (overrides [bus] url)");
  required_list(feed_cmd, "--source", feed.sources, "Source SPEC, repeatable (as for run)");
  feed_cmd->add_flag("--exit-when-done", feed.exit_when_done,
                     "Exit once every source has ended and every tick is acked");
  feed_cmd->add_option("--window", feed.window, "Publishes awaiting their ack at most (16384)");
  feed_cmd->add_option("--name", feed.name, "Msg-Id prefix (default: each source's own name)");
  quiet_flag(feed_cmd, feed.quiet);

  adrmon::AlertsOptions alerts;
  CLI::App* alerts_cmd = app.add_subcommand(
      "alerts", "Read alerts from the bus (NATS JetStream alerts stream), oldest first");
  alerts_cmd->add_option("--bus", alerts.bus,
                         "nats://HOST:PORT[,nats://HOST:PORT...] (overrides [bus] url)");
  alerts_cmd->add_option("--config", alerts.config,
                         "Config file: its [bus] (login, TLS, stream names) and the pairs' max "
                         "ages (the legs a stale close names)");
  alerts_cmd->add_option("--since", alerts.since,
                         "Only alerts with ts >= T (integer ns or RFC 3339)");
  alerts_cmd->add_flag("--follow", alerts.follow,
                       "After the stored alerts, wait for new ones until SIGINT/SIGTERM");
  alerts_cmd->add_flag("--json", alerts.json, "Print the JSON lines (default: readable lines)");
  alerts_cmd->add_option("--tz", tz, kTzHelp);

  adrmon::RunOptions run;
  CLI::App* run_cmd = app.add_subcommand(
      "run",
      "Run as a daemon: sources -> lock-free pipeline -> engine -> sinks, until SIGINT/SIGTERM");
  config_option(run_cmd, run.config_path, "Config file (TOML); SIGHUP reloads it");
  run_cmd->add_option("--alerts", run.alerts_path,
                      "Append alerts as JSON Lines to this file (overrides [sinks] alerts)");
  run_cmd->add_option(
      "--source", run.sources,
      "Source SPEC, repeatable (replaces the config's [[source]] list):\n"
      "  file:PATH[?speed=N|max][&follow=1]  tick file, paced at real time x N\n"
      "                                      (max: as fast as possible); follow:\n"
      "                                      keep reading as it grows (tail -f; no speed)\n"
      "  itch:PATH[?date=YYYY-MM-DD][&speed=N][&orders=N]\n"
      "                                      Nasdaq ITCH 5.0 file (.gz too), replayed\n"
      "                                      with the tick files\n"
      "  omdc:PATH[?speed=N]                 HKEX OMD-C capture, likewise\n"
      "  tcp://HOST:PORT                     connect; reconnects with backoff\n"
      "  udp://HOST:PORT[?iface=ADDR][&source=ADDR][&rcvbuf=BYTES]\n"
      "                                      bind; a multicast group is joined on\n"
      "                                      iface (default: the routing table's)\n"
      "  moldudp64://GROUP:PORT?session=S[&rerequest=HOST:PORT]\n"
      "                                      ITCH 5.0 over MoldUDP64, gaps re-requested\n"
      "  soupbin://HOST:PORT?user=U&password=P[&session=S][&seq=N]\n"
      "                                      ITCH 5.0 over SoupBinTCP\n"
      "  omdc-udp://GROUP:PORT[?rts=HOST:PORT]\n"
      "                                      OMD-C over UDP, gaps retransmitted by RTS\n"
      "  nats://HOST:PORT[?durable=NAME]     the ticks stream of NATS JetStream (adrmon feed)\n"
      "  (every option: docs/FORMATS.md)");
  run_cmd->add_option("--record", run.record_path,
                      "Write every tick the engine prices, in engine order, to this binary "
                      "capture (truncated; replay it with adrmon replay PATH)");
  run_cmd->add_option("--pairs", run.pairs,
                      "Run only these pairs (\"BABA/9988,JD/9618\"); FX goes to every engine");
  run_cmd->add_option("--shard", run.shard,
                      "Run shard I of N (\"2/3\"): the pairs whose config position % N = I-1");
  run_cmd->add_option("--parse-threads", parse_threads,
                      std::string(kParseThreadsHelp) + " (the file group of --source FILE)");
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
  run_cmd->add_option("--tz", tz,
                      std::string(kTzHelp) + "; each line ends with the tick's receive time");

  CLI11_PARSE(app, argc, argv);
  adrmon::set_build_info({std::string(adrmon::package_version()),
                          std::string(adrmon::git_version()),
                          std::string(adrmon::parser_simd_level())});
  // check-config and explain parse no ticks: they run on any CPU.
  if (check_cmd->parsed()) return guarded([&] { return adrmon::run_check_config(check); });
  if (explain_cmd->parsed()) return guarded([&] { return adrmon::run_explain(explain); });
  if (!adrmon::cpu_supports_parser()) {
    std::fprintf(stderr,
                 "adrmon: this CPU lacks the instructions the tick parser was built for (%s); "
                 "rebuild with -DADRMON_SIMD=westmere or generic\n",
                 std::string(adrmon::parser_simd_level()).c_str());
    return 2;
  }
  return guarded([&] {
    // The zone is looked up once, here; `run` lines add the receive time.
    adrmon::set_default_human_clock(adrmon::HumanClock(tz, /*recv=*/run_cmd->parsed()));
    adrmon::set_file_parse_threads(parse_threads);
    if (replay_cmd->parsed()) return adrmon::run_replay(replay);
    if (convert_cmd->parsed()) return adrmon::run_convert(convert);
    if (board_cmd->parsed()) return adrmon::run_board(board);
    if (feed_cmd->parsed()) return adrmon::run_feed(feed);
    if (alerts_cmd->parsed()) return adrmon::run_alerts(alerts);
    if (run_cmd->parsed()) return adrmon::run_daemon(run);
    return 0;
  });
}
