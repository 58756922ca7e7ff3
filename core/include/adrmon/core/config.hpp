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

#include "adrmon/core/calendar_config.hpp"
#include "adrmon/core/wait_strategy.hpp"

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
  // The FX leg's max age (fx_max_age_ms); unset: max_age_ns.
  std::optional<std::int64_t> fx_max_age_ns;
  // |mid_premium_bps| above this gates the pair off as `suspect`.
  double max_premium_bps = 1500;

  double enter_for(int side) const noexcept { return side_enter_bps[side].value_or(enter_bps); }
  double exit_for(int side) const noexcept { return side_exit_bps[side].value_or(exit_bps); }
  std::int64_t fx_age_ns() const noexcept { return fx_max_age_ns.value_or(max_age_ns); }
};

// One entry of a pair's ratio_history: `ratio` was in force before `until_ns`.
struct RatioChange {
  std::int64_t until_ns = 0;
  double ratio = 0;
  friend bool operator==(const RatioChange&, const RatioChange&) = default;
};

struct FxConfig {
  std::string pair;  // symbol as it appears in FX ticks, e.g. "USDHKD"
  double min = 0;    // FX ticks with bid or ask outside [min, max] are rejected
  double max = 0;
};

struct PairConfig {
  std::string adr;   // US symbol, exact
  std::string hk;    // HK code, leading zeros stripped ("09988" -> "9988")
  double ratio = 0;  // HK ordinary shares per ADS in force after every ratio_history entry
  std::vector<RatioChange> ratio_history;  // strictly increasing until_ns; first t < until wins
  std::optional<double> index_weight;      // weight in [index] (0 < w <= 1), for the board
  bool fungible = true;                    // false: priced and shown, never alerts
  Thresholds thresholds;                   // [defaults] with this pair's overrides applied
  std::string name;                        // "ADR/HK", e.g. "BABA/9988"
  int line = 0;                            // where the [[pair]] starts in the file
};

// How `adrmon run` lays its work on threads (docs/ARCHITECTURE.md, "Threads").
// Staged: a feed thread per source -> engine thread -> sink thread. Inline
// (run to completion): the engine thread itself busy-polls the udp:// sockets,
// parses, prices and writes the alert lines; other sources keep their feed
// threads. Auto: inline when the process may run on at most 2 CPUs and a
// udp:// source is given, else staged.
enum class PipelineDesign : std::uint8_t { Auto, Staged, Inline };

// [pipeline]: queues and threads of `adrmon run`.
struct PipelineConfig {
  PipelineDesign design = PipelineDesign::Auto;
  // Inline: the engine keeps polling this long after the last datagram,
  // then sleeps in poll(2) (waking within 1 ms for anything else).
  std::int64_t busy_poll_us = 10000;
  WaitStrategy wait = WaitStrategy::Block;  // idle wait (wait_strategy.hpp); block suits 2 cores
  WaitStrategy sink_wait = WaitStrategy::Block;  // staged: the sink thread's (default: `wait`)
  std::size_t queue_capacity = 65536;            // ticks per source queue
  std::size_t alert_queue_capacity = 65536;      // alerts engine -> sink thread
  int engine_cpu = -1;                           // pin the engine thread; -1: no pinning
  int feed_cpu = -1;                             // pin feed threads; -1: no pinning
  double status_interval_s = 0;                  // periodic status line; 0: off
};

// The body a webhook POSTs for each alert (docs/FORMATS.md [webhook]).
enum class WebhookFormat : std::uint8_t {
  Json,      // the alert's JSON line (format_alert_json), as the alert log has it
  Slack,     // {"text": LINE}
  Teams,     // {"text": LINE} (the Teams incoming webhook's minimal message card)
  Discord,   // {"content": LINE}
  Telegram,  // {"chat_id": CHAT_ID, "text": LINE} to .../bot<TOKEN>/sendMessage
};

// [webhook] or one [[webhook]]: HTTP(S) POST of each alert, off unless url
// is set. The filter (pairs, sides, kinds, min_edge_bps) chooses which
// alerts this endpoint gets; see WebhookSink for the rule on closes.
struct WebhookConfig {
  std::string url;                    // "http[s]://host[:port]/path"; empty: off
  double max_per_second = 10;         // rate limit; alerts beyond it are dropped and counted
  int retries = 3;                    // attempts after the first failure
  int timeout_ms = 2000;              // per attempt (connect + TLS handshake + send + response)
  std::size_t queue_capacity = 1024;  // alerts waiting for the endpoint; overflow dropped, counted
  int shutdown_grace_ms = 2000;       // at shutdown: how long pending deliveries may still take
  std::string ca_file;  // https: PEM CA certificates to trust instead of the system store
  WebhookFormat format = WebhookFormat::Json;
  std::string chat_id;     // telegram: the chat ("-100123..." or "@channel"); required
  std::string token_file;  // telegram: file holding the bot token (else it is in the url)
  std::string token;       // telegram: the token read from token_file at load (a secret:
                           // never printed); empty: read token_file, or none
  std::string public_url;  // the dashboard's address for people; appended to messages
  // Filter; empty / all true: everything passes.
  std::vector<std::string> pairs;      // pair names ("BABA/9988")
  bool sides[2] = {true, true};        // indexed by Side: sell_adr = 0, buy_adr = 1
  bool kinds[2] = {true, true};        // indexed by AlertKind: open = 0, close = 1
  std::optional<double> min_edge_bps;  // opens with a lower edge_bps are kept out
  std::string label = "webhook";       // its name in log lines: "webhook", "webhook[2]"
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

// [liveness]: wall-clock silence timeouts of live sources (network sources
// and followed files; never replayed files), in ms; 0 = off, -1 = not set.
// A source's timeout: its spec's ?silence_ms=, else the smallest venue
// setting among the venues it has carried (us_/hk_/fx_silence_ms), else
// silence_ms, else 5000 for a network source and 0 for a followed file.
struct LivenessConfig {
  std::int64_t silence_ms = -1;
  std::int64_t us_silence_ms = -1;
  std::int64_t hk_silence_ms = -1;
  std::int64_t fx_silence_ms = -1;
};

// [aliases.US] / [aliases.HK] / [aliases.FX]: a vendor's symbol for a
// configured one ("BABA US" = "BABA", "09988.HK" = "9988", "USD/HKD" =
// "USDHKD"), in file order. The parser resolves them once into its symbol
// table, so an alias costs nothing per tick.
struct SymbolAlias {
  std::string vendor;  // as the feed writes it (1 to 16 bytes)
  std::string target;  // a configured ADR, HK code (no leading zeros) or the fx pair
};
struct SymbolAliases {
  std::vector<SymbolAlias> us, hk, fx;
};

// [bus]: NATS JetStream (issue 12; docs/OPERATIONS.md "Bus"). Absent: no
// bus. `adrmon feed` publishes ticks to ticks_stream, `adrmon run` publishes
// alerts to alerts_stream, `adrmon alerts` reads them back. At most one of
// token, user (+ password) and creds.
struct BusConfig {
  std::vector<std::string> urls;                       // "nats://host:port", one or more
  std::string ticks_stream = "ADRMON_TICKS";           // subjects adrmon.ticks.>
  std::string alerts_stream = "ADRMON_ALERTS";         // subjects adrmon.alerts.>
  int replicas = 1;                                    // 1 or 3 (streams created with it)
  std::string token;                                   // a secret: never printed
  std::string user, password;                          // password is a secret: never printed
  std::string creds;                                   // path of a .creds file (JWT + nkey seed)
  std::string tls_ca;                                  // PEM CA file: TLS to the servers
  std::int64_t max_age_ns = 0;                         // streams' max age; 0: unlimited
  std::int64_t max_bytes = -1;                         // streams' max bytes; -1: unlimited
  std::int64_t duplicate_window_ns = 120'000'000'000;  // Msg-Id de-duplication window
  int line = 0;                                        // where [bus] starts
};

struct Config {
  std::string path;  // file it was loaded from ("<string>" for parse_config)
  FxConfig fx;
  Thresholds defaults;
  std::vector<PairConfig> pairs;  // config order; pair id = index
  PipelineConfig pipeline;
  std::vector<std::string> sources;  // [[source]] spec = "..." (see docs/OPERATIONS.md)
  SinksConfig sinks;
  // [webhook] (one) or [[webhook]] (one or more), in file order.
  std::vector<WebhookConfig> webhooks;
  WebhookConfig webhook;  // webhooks.front() when any, else off (url empty)
  DashboardConfig dashboard;
  LivenessConfig liveness;  // [liveness]
  // [calendar.US] / [calendar.HK], indexed by Venue (Us = 0, Hk = 1); a
  // venue without one is always open (VenueCalendar::always_open()).
  std::optional<CalendarConfig> calendar[kVenueCount];
  std::string index_name = "HSI";  // [index] name: the board's implied index
  SymbolAliases aliases;           // [aliases]
  std::optional<BusConfig> bus;    // [bus]; absent: no bus
};

// The ratio of `pair` in force at event time `t` (ns): the ratio of the
// first ratio_history entry with t < until, else `ratio`. Cold path helper;
// the engine keeps its own cursor.
double ratio_at(const PairConfig& pair, std::int64_t t) noexcept;

// A config problem: which file, which line (0 when unknown) and which key.
class ConfigError : public std::runtime_error {
 public:
  // "FILE:LINE: key 'KEY': MESSAGE".
  ConfigError(std::string file, int line, std::string key, const std::string& message);
  // A problem with the file itself (cannot open, a directory): "FILE: MESSAGE",
  // line 0 and no key.
  ConfigError(std::string file, const std::string& message);
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  const std::string& key() const noexcept { return key_; }

 private:
  std::string file_;
  int line_;
  std::string key_;
};

// Reads and validates a TOML config file. Throws ConfigError: one naming
// just the file and the errno text when it cannot be read ("nope.toml:
// cannot open: No such file or directory", "config/: is a directory").
// Relative paths in it ([[source]] file:/itch:/omdc: specs, [sinks] alerts,
// [webhook] ca_file and token_file) resolve against the config file's
// directory; absolute ones are kept. Cold path.
Config load_config(const std::string& path);

// The same from text already in memory; `source_name` is used in errors.
// Relative paths are kept as written (they resolve against the working
// directory).
Config parse_config(std::string_view toml_text, const std::string& source_name);

// "09988" -> "9988"; "0" stays "0". HK codes appear zero-padded in some feeds.
std::string_view strip_leading_zeros(std::string_view code) noexcept;

// "BABA/9988"-style names of the configured pairs, indexed by pair id.
// Allocates. Cold path.
std::vector<std::string> pair_names(const Config& config);

}  // namespace adrmon
