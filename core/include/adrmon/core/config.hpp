// The config model (what a TOML config file means) and its strict loader.
//
// load_config() runs once at start-up (and on SIGHUP reloads). It validates
// everything the engine relies on, so the hot path never re-checks config:
// every key known, every number finite and in range, every symbol in at most
// one pair. A bad file throws ConfigError naming file, line and key.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace adrmon {

// Breach thresholds and costs; [defaults] gives them, a [[pair]] may override.
struct Thresholds {
  double enter_bps = 0;             // a breach opens when net edge >= enter_bps
  double exit_bps = 0;              // an open breach closes when net edge < exit_bps
  std::int64_t max_age_ns = 0;      // a leg older than this gates the pair off
  std::int64_t min_persist_ns = 0;  // edge must hold >= enter_bps this long to open
  double cost_bps = 0;              // round-trip costs in bps
  double conversion_fee_usd = 0;    // depositary fee per ADS
  // Optional per-side thresholds (index: Side, sell_adr = 0, buy_adr = 1):
  // premium and discount often deserve different bars. Unset: enter/exit_bps.
  std::optional<double> side_enter_bps[2];
  std::optional<double> side_exit_bps[2];

  double enter_for(int side) const noexcept { return side_enter_bps[side].value_or(enter_bps); }
  double exit_for(int side) const noexcept { return side_exit_bps[side].value_or(exit_bps); }
};

struct FxConfig {
  std::string pair;  // symbol as it appears in FX ticks, e.g. "USDHKD"
  double min = 0;    // FX ticks with bid or ask outside [min, max] are rejected
  double max = 0;
};

struct PairConfig {
  std::string adr;        // US symbol, exact
  std::string hk;         // HK code, leading zeros stripped ("09988" -> "9988")
  double ratio = 0;       // HK ordinary shares per ADS; > 0, may be fractional
  bool fungible = true;   // false: priced and shown, never alerts
  Thresholds thresholds;  // [defaults] with this pair's overrides applied
  std::string name;       // "ADR/HK", e.g. "BABA/9988"
  int line = 0;           // where the [[pair]] starts in the file
};

// How an idle thread waits for work: busy-spin (lowest latency, burns a
// core), spin then yield, or spin then sleep in the kernel until woken
// (the default; behaves on a 2-core machine).
enum class WaitStrategy : std::uint8_t { Spin, Yield, Block };

// [pipeline]: queues and threads of `adrmon run`.
struct PipelineConfig {
  WaitStrategy wait = WaitStrategy::Block;
  std::size_t queue_capacity = 65536;        // ticks per source queue
  std::size_t alert_queue_capacity = 65536;  // alerts engine -> sink thread
  int engine_cpu = -1;                       // pin the engine thread; -1: no pinning
  int feed_cpu = -1;                         // pin feed threads; -1: no pinning
  double status_interval_s = 0;              // periodic status line; 0: off
};

// [webhook]: HTTP POST of each alert's JSON, off unless url is set.
struct WebhookConfig {
  std::string url;                    // "http://host:port/path"; empty: off
  double max_per_second = 10;         // rate limit; alerts beyond it are dropped and counted
  int retries = 3;                    // attempts after the first failure
  int timeout_ms = 2000;              // per attempt (connect + send + response)
  std::size_t queue_capacity = 1024;  // alerts waiting for the endpoint; overflow dropped, counted
};

// [sinks]: where alerts go in `adrmon run` (the command line may override).
struct SinksConfig {
  std::string alerts_path;   // JSON Lines alert log, appended; empty: none
  bool stdout_human = true;  // one readable line per alert on stdout
};

// [dashboard]: the HTTP + WebSocket server inside `adrmon run`; off unless
// listen is set. Binding beyond loopback requires a token.
struct DashboardConfig {
  std::string listen;              // "127.0.0.1:8480"; empty: off
  std::string token;               // required (Bearer or ?token=) when set
  double updates_per_second = 10;  // per pair, pushed to each browser
  double history_seconds = 300;    // premium sparkline length
};

struct Config {
  std::string path;  // file it was loaded from ("<string>" for parse_config)
  FxConfig fx;
  Thresholds defaults;
  std::vector<PairConfig> pairs;  // config order; pair id = index
  PipelineConfig pipeline;
  std::vector<std::string> sources;  // [[source]] spec = "..." (see docs/OPERATIONS.md)
  SinksConfig sinks;
  WebhookConfig webhook;
  DashboardConfig dashboard;
};

// A config problem: which file, which line (0 when unknown) and which key.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string file, int line, std::string key, const std::string& message);
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  const std::string& key() const noexcept { return key_; }

 private:
  std::string file_;
  int line_;
  std::string key_;
};

// Reads and validates a TOML config file. Throws ConfigError. Cold path.
Config load_config(const std::string& path);

// The same from text already in memory; `source_name` is used in errors.
Config parse_config(std::string_view toml_text, const std::string& source_name);

// "09988" -> "9988"; "0" stays "0". HK codes appear zero-padded in some feeds.
std::string_view strip_leading_zeros(std::string_view code) noexcept;

}  // namespace adrmon
