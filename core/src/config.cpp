// Strict TOML config loader: every key known, every value checked once here.
#include "adrmon/core/config.hpp"

#include <toml++/toml.h>

#include <cmath>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "adrmon/core/instrument.hpp"

namespace adrmon {

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& message)
    : std::runtime_error(file + ":" + std::to_string(line) + ": key '" + key + "': " + message),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

std::string_view strip_leading_zeros(std::string_view code) noexcept {
  std::size_t i = 0;
  while (i + 1 < code.size() && code[i] == '0') ++i;
  return code.substr(i);
}

namespace {

constexpr std::size_t kMaxSymbolBytes = 16;

int line_of(const toml::node& node) {
  return static_cast<int>(node.source().begin.line);
}

// Walks one TOML table, remembering which keys were read so that anything
// left over (a misspelt key) is reported with its own line.
class TableReader {
 public:
  // Checks at once that every key of `table` is one of `allowed`, so a
  // misspelt key is named at its own line before anything reports it missing.
  TableReader(const toml::table& table, std::string file, std::string context,
              std::initializer_list<std::string_view> allowed)
      : table_(table), file_(std::move(file)), context_(std::move(context)) {
    for (auto&& [key, node] : table_) {
      bool known = false;
      for (std::string_view a : allowed) known = known || a == key.str();
      if (!known) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(key.str(), line_of(node), "unknown key in " + context_ + " (known: " + list + ")");
      }
    }
  }

  [[noreturn]] void fail(std::string_view key, int line, const std::string& message) const {
    throw ConfigError(file_, line, qualified(key), message);
  }
  [[noreturn]] void fail_missing(std::string_view key) const {
    fail(key, line_of(table_), "missing (required in " + context_ + ")");
  }

  const toml::node* find(std::string_view key) const { return table_.get(key); }

  std::optional<double> number(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_number()) fail(key, line_of(*node), "must be a number");
    const double value = *node->value<double>();
    if (!std::isfinite(value)) fail(key, line_of(*node), "must be finite");
    return value;
  }
  double required_number(std::string_view key) {
    auto value = number(key);
    if (!value) fail_missing(key);
    return *value;
  }
  std::optional<std::string> string(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) fail(key, line_of(*node), "must be a string");
    return *node->value<std::string>();
  }
  std::string required_string(std::string_view key) {
    auto value = string(key);
    if (!value) fail_missing(key);
    return *value;
  }
  std::optional<bool> boolean(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_boolean()) fail(key, line_of(*node), "must be true or false");
    return *node->value<bool>();
  }
  int line(std::string_view key) const {
    const toml::node* node = table_.get(key);
    return node != nullptr ? line_of(*node) : line_of(table_);
  }

 private:
  std::string qualified(std::string_view key) const {
    return context_.empty() ? std::string(key) : context_ + "." + std::string(key);
  }

  const toml::table& table_;
  std::string file_;
  std::string context_;
};

void check_symbol(TableReader& reader, std::string_view key, const std::string& symbol) {
  if (symbol.empty() || symbol.size() > kMaxSymbolBytes) {
    reader.fail(key, reader.line(key), "must be 1 to 16 characters");
  }
  for (char c : symbol) {
    if (c <= ' ' || c == '"' || c == '\\' || c == 0x7f) {
      reader.fail(key, reader.line(key), "must not contain spaces, quotes or control characters");
    }
  }
}

// Reads the threshold keys present in `reader` over `base` (defaults or the
// pair's starting point). Checks ranges of whatever it reads.
Thresholds read_thresholds(TableReader& reader, Thresholds base, bool all_required) {
  auto get = [&](std::string_view key, double fallback) {
    if (all_required) return reader.required_number(key);
    return reader.number(key).value_or(fallback);
  };
  auto non_negative = [&](std::string_view key, double value) {
    if (value < 0) reader.fail(key, reader.line(key), "must be >= 0");
    return value;
  };
  auto ms_to_ns = [](double ms) { return static_cast<std::int64_t>(std::llround(ms * 1e6)); };

  Thresholds t;
  t.enter_bps = get("enter_bps", base.enter_bps);
  t.exit_bps = get("exit_bps", base.exit_bps);
  const double max_age_ms =
      non_negative("max_age_ms", get("max_age_ms", static_cast<double>(base.max_age_ns) / 1e6));
  if (max_age_ms > 1e9) reader.fail("max_age_ms", reader.line("max_age_ms"), "too large");
  t.max_age_ns = ms_to_ns(max_age_ms);
  const double persist_ms = non_negative(
      "min_persist_ms", get("min_persist_ms", static_cast<double>(base.min_persist_ns) / 1e6));
  if (persist_ms > 1e9) reader.fail("min_persist_ms", reader.line("min_persist_ms"), "too large");
  t.min_persist_ns = ms_to_ns(persist_ms);
  t.cost_bps = get("cost_bps", base.cost_bps);
  t.conversion_fee_usd =
      non_negative("conversion_fee_usd", get("conversion_fee_usd", base.conversion_fee_usd));
  if (t.exit_bps > t.enter_bps) {
    const std::string_view key = reader.find("exit_bps") != nullptr ? "exit_bps" : "enter_bps";
    std::ostringstream msg;
    msg << "exit_bps (" << t.exit_bps << ") must not exceed enter_bps (" << t.enter_bps << ")";
    reader.fail(key, reader.line(key), msg.str());
  }
  // Per-side keys: the most specific setting wins. A side key here beats this
  // table's enter/exit_bps, which beat the side keys inherited from [defaults].
  static constexpr std::string_view kSide[2] = {"sell_adr", "buy_adr"};
  for (int side = 0; side < 2; ++side) {
    const std::string enter_key = std::string(kSide[side]) + "_enter_bps";
    const std::string exit_key = std::string(kSide[side]) + "_exit_bps";
    t.side_enter_bps[side] =
        reader.find("enter_bps") != nullptr ? std::nullopt : base.side_enter_bps[side];
    t.side_exit_bps[side] =
        reader.find("exit_bps") != nullptr ? std::nullopt : base.side_exit_bps[side];
    if (auto v = reader.number(enter_key)) t.side_enter_bps[side] = *v;
    if (auto v = reader.number(exit_key)) t.side_exit_bps[side] = *v;
    if (t.exit_for(side) > t.enter_for(side)) {
      const std::string& key = reader.find(exit_key) != nullptr ? exit_key : enter_key;
      std::ostringstream msg;
      msg << kSide[side] << " exit (" << t.exit_for(side) << ") must not exceed its enter ("
          << t.enter_for(side) << ")";
      reader.fail(key, reader.line(key), msg.str());
    }
  }
  return t;
}

const toml::table& required_table(const toml::table& root, std::string_view name,
                                  const std::string& file) {
  const toml::node* node = root.get(name);
  if (node == nullptr)
    throw ConfigError(file, 1, std::string(name), "missing table [" + std::string(name) + "]");
  if (!node->is_table())
    throw ConfigError(file, line_of(*node), std::string(name), "must be a table");
  return *node->as_table();
}

const toml::table* optional_table(const toml::table& root, std::string_view name,
                                  const std::string& file) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table())
    throw ConfigError(file, line_of(*node), std::string(name), "must be a table");
  return node->as_table();
}

// [pipeline], [[source]], [sinks], [webhook]: all optional, all strict.
void read_daemon_sections(const toml::table& root, const std::string& file, Config& config) {
  if (const toml::table* t = optional_table(root, "pipeline", file)) {
    TableReader r(*t, file, "pipeline",
                  {"wait", "queue_capacity", "alert_queue_capacity", "engine_cpu", "feed_cpu",
                   "status_interval_s"});
    PipelineConfig& p = config.pipeline;
    if (auto wait = r.string("wait")) {
      if (*wait == "spin") {
        p.wait = WaitStrategy::Spin;
      } else if (*wait == "yield") {
        p.wait = WaitStrategy::Yield;
      } else if (*wait == "block") {
        p.wait = WaitStrategy::Block;
      } else {
        r.fail("wait", r.line("wait"), "must be \"spin\", \"yield\" or \"block\"");
      }
    }
    auto whole = [&](std::string_view key, double fallback, double lo, double hi) {
      const double v = r.number(key).value_or(fallback);
      if (v < lo || v > hi || v != std::floor(v)) {
        std::ostringstream msg;
        msg << "must be a whole number in [" << lo << ", " << hi << "]";
        r.fail(key, r.line(key), msg.str());
      }
      return static_cast<std::int64_t>(v);
    };
    p.queue_capacity = static_cast<std::size_t>(
        whole("queue_capacity", static_cast<double>(p.queue_capacity), 16, 1 << 24));
    p.alert_queue_capacity = static_cast<std::size_t>(
        whole("alert_queue_capacity", static_cast<double>(p.alert_queue_capacity), 16, 1 << 24));
    p.engine_cpu = static_cast<int>(whole("engine_cpu", -1, -1, 4095));
    p.feed_cpu = static_cast<int>(whole("feed_cpu", -1, -1, 4095));
    p.status_interval_s = r.number("status_interval_s").value_or(0);
    if (p.status_interval_s < 0)
      r.fail("status_interval_s", r.line("status_interval_s"), "must be >= 0");
  }
  if (const toml::node* sources = root.get("source")) {
    if (!sources->is_array_of_tables()) {
      throw ConfigError(file, line_of(*sources), "source",
                        "must be an array of tables ([[source]])");
    }
    std::size_t index = 0;
    for (const toml::node& node : *sources->as_array()) {
      TableReader r(*node.as_table(), file, "source[" + std::to_string(++index) + "]", {"spec"});
      config.sources.push_back(r.required_string("spec"));
    }
  }
  if (const toml::table* t = optional_table(root, "sinks", file)) {
    TableReader r(*t, file, "sinks", {"alerts", "stdout"});
    config.sinks.alerts_path = r.string("alerts").value_or("");
    config.sinks.stdout_human = r.boolean("stdout").value_or(true);
  }
  if (const toml::table* t = optional_table(root, "webhook", file)) {
    TableReader r(*t, file, "webhook",
                  {"url", "max_per_second", "retries", "timeout_ms", "queue_capacity"});
    WebhookConfig& w = config.webhook;
    w.url = r.required_string("url");
    if (w.url.rfind("http://", 0) != 0) r.fail("url", r.line("url"), "must start with http://");
    w.max_per_second = r.number("max_per_second").value_or(w.max_per_second);
    if (!(w.max_per_second > 0)) r.fail("max_per_second", r.line("max_per_second"), "must be > 0");
    const double retries = r.number("retries").value_or(w.retries);
    if (retries < 0 || retries > 100 || retries != std::floor(retries)) {
      r.fail("retries", r.line("retries"), "must be a whole number in [0, 100]");
    }
    w.retries = static_cast<int>(retries);
    const double timeout = r.number("timeout_ms").value_or(w.timeout_ms);
    if (!(timeout >= 1 && timeout <= 600000))
      r.fail("timeout_ms", r.line("timeout_ms"), "must be in [1, 600000]");
    w.timeout_ms = static_cast<int>(timeout);
    const double cap = r.number("queue_capacity").value_or(static_cast<double>(w.queue_capacity));
    if (cap < 1 || cap > 1e6 || cap != std::floor(cap)) {
      r.fail("queue_capacity", r.line("queue_capacity"), "must be a whole number in [1, 1000000]");
    }
    w.queue_capacity = static_cast<std::size_t>(cap);
  }
  if (const toml::table* t = optional_table(root, "dashboard", file)) {
    TableReader r(*t, file, "dashboard",
                  {"listen", "token", "updates_per_second", "history_seconds"});
    DashboardConfig& d = config.dashboard;
    d.listen = r.required_string("listen");
    const std::size_t colon = d.listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == d.listen.size()) {
      r.fail("listen", r.line("listen"), "must be HOST:PORT, e.g. \"127.0.0.1:8480\"");
    }
    d.token = r.string("token").value_or("");
    d.updates_per_second = r.number("updates_per_second").value_or(d.updates_per_second);
    if (!(d.updates_per_second > 0 && d.updates_per_second <= 1000)) {
      r.fail("updates_per_second", r.line("updates_per_second"), "must be in (0, 1000]");
    }
    d.history_seconds = r.number("history_seconds").value_or(d.history_seconds);
    if (!(d.history_seconds >= 1 && d.history_seconds <= 86400)) {
      r.fail("history_seconds", r.line("history_seconds"), "must be in [1, 86400]");
    }
  }
}

Config build(const toml::table& root, const std::string& file) {
  Config config;
  config.path = file;

  for (auto&& [key, node] : root) {
    const std::string_view k = key.str();
    if (k != "fx" && k != "defaults" && k != "pair" && k != "pipeline" && k != "source" &&
        k != "sinks" && k != "webhook" && k != "dashboard") {
      throw ConfigError(file, line_of(node), std::string(k), "unknown table or key");
    }
  }

  {
    TableReader fx(required_table(root, "fx", file), file, "fx", {"pair", "min", "max"});
    config.fx.pair = fx.required_string("pair");
    check_symbol(fx, "pair", config.fx.pair);
    config.fx.min = fx.required_number("min");
    config.fx.max = fx.required_number("max");
    if (config.fx.min <= 0) fx.fail("min", fx.line("min"), "must be > 0");
    if (config.fx.min >= config.fx.max) fx.fail("max", fx.line("max"), "must be greater than min");
  }
  {
    TableReader defaults(
        required_table(root, "defaults", file), file, "defaults",
        {"enter_bps", "exit_bps", "max_age_ms", "min_persist_ms", "cost_bps", "conversion_fee_usd",
         "sell_adr_enter_bps", "sell_adr_exit_bps", "buy_adr_enter_bps", "buy_adr_exit_bps"});
    config.defaults = read_thresholds(defaults, Thresholds{}, /*all_required=*/true);
  }

  const toml::node* pairs = root.get("pair");
  if (pairs == nullptr) throw ConfigError(file, 1, "pair", "no [[pair]] configured");
  if (!pairs->is_array_of_tables()) {
    throw ConfigError(file, line_of(*pairs), "pair", "must be an array of tables ([[pair]])");
  }
  std::unordered_map<std::string, std::size_t> adr_seen, hk_seen;
  std::size_t index = 0;
  for (const toml::node& node : *pairs->as_array()) {
    const toml::table& table = *node.as_table();
    ++index;
    TableReader reader(table, file, "pair[" + std::to_string(index) + "]",
                       {"adr", "hk", "ratio", "fungible", "enter_bps", "exit_bps", "max_age_ms",
                        "min_persist_ms", "cost_bps", "conversion_fee_usd", "sell_adr_enter_bps",
                        "sell_adr_exit_bps", "buy_adr_enter_bps", "buy_adr_exit_bps"});
    PairConfig pair;
    pair.line = line_of(table);
    pair.adr = reader.required_string("adr");
    check_symbol(reader, "adr", pair.adr);
    const std::string hk_raw = reader.required_string("hk");
    check_symbol(reader, "hk", hk_raw);
    for (char c : hk_raw) {
      if (c < '0' || c > '9')
        reader.fail("hk", reader.line("hk"), "must be a numeric HK stock code");
    }
    pair.hk = std::string(strip_leading_zeros(hk_raw));
    pair.ratio = reader.required_number("ratio");
    if (pair.ratio <= 0) reader.fail("ratio", reader.line("ratio"), "must be > 0");
    pair.fungible = reader.boolean("fungible").value_or(true);
    pair.thresholds = read_thresholds(reader, config.defaults, /*all_required=*/false);
    pair.name = pair.adr + "/" + pair.hk;

    if (auto [it, fresh] = adr_seen.emplace(pair.adr, index); !fresh) {
      reader.fail("adr", reader.line("adr"),
                  "symbol " + pair.adr + " is already in pair[" + std::to_string(it->second) + "]");
    }
    if (auto [it, fresh] = hk_seen.emplace(pair.hk, index); !fresh) {
      reader.fail("hk", reader.line("hk"),
                  "code " + pair.hk + " is already in pair[" + std::to_string(it->second) + "]");
    }
    config.pairs.push_back(std::move(pair));
  }
  if (config.pairs.empty())
    throw ConfigError(file, line_of(*pairs), "pair", "no [[pair]] configured");
  if (config.pairs.size() > kMaxPairs) {
    throw ConfigError(file, line_of(*pairs), "pair",
                      "too many pairs (at most " + std::to_string(kMaxPairs) + ")");
  }
  read_daemon_sections(root, file, config);
  return config;
}

}  // namespace

Config parse_config(std::string_view toml_text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    throw ConfigError(source_name, static_cast<int>(e.source().begin.line), "(syntax)",
                      std::string(e.description()));
  }
  return build(root, source_name);
}

Config load_config(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto line = static_cast<int>(e.source().begin.line);
    throw ConfigError(path, line, e.source().begin.line == 0 ? "(file)" : "(syntax)",
                      std::string(e.description()));
  }
  return build(root, path);
}

}  // namespace adrmon
