// The universe: [fx], [defaults], [[pair]], [index] and [aliases] (see
// config_reader.hpp for how the loader is split).
#include <sstream>
#include <unordered_map>

#include "adrmon/core/instrument.hpp"
#include "config_reader.hpp"

namespace adrmon::config_detail {

namespace {

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
  t.fx_max_age_ns = base.fx_max_age_ns;
  if (auto fx_ms = reader.number("fx_max_age_ms")) {
    non_negative("fx_max_age_ms", *fx_ms);
    if (*fx_ms > 1e9) reader.fail("fx_max_age_ms", reader.line("fx_max_age_ms"), "too large");
    t.fx_max_age_ns = ms_to_ns(*fx_ms);
  }
  t.max_premium_bps = reader.number("max_premium_bps").value_or(base.max_premium_bps);
  if (!(t.max_premium_bps > 0)) {
    reader.fail("max_premium_bps", reader.line("max_premium_bps"), "must be > 0");
  }
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

// ns since the epoch of a TOML offset date-time; false for a local one.
bool offset_date_time_ns(const toml::date_time& dt, std::int64_t& out) {
  if (!dt.offset) return false;
  // days_from_civil (proleptic Gregorian), as in Howard Hinnant's algorithms.
  const int y0 = static_cast<int>(dt.date.year) - (dt.date.month <= 2 ? 1 : 0);
  const int era = (y0 >= 0 ? y0 : y0 - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y0 - era * 400);
  const unsigned m = dt.date.month;
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + dt.date.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  const std::int64_t secs = days * 86400 + dt.time.hour * 3600 + dt.time.minute * 60 +
                            dt.time.second - static_cast<std::int64_t>(dt.offset->minutes) * 60;
  out = secs * 1'000'000'000 + dt.time.nanosecond;
  return true;
}

// ratio_history = [ { until = OFFSET-DATE-TIME, ratio = R }, ... ]: strictly
// increasing `until`, every ratio > 0.
std::vector<RatioChange> read_ratio_history(TableReader& reader, const toml::table& table,
                                            const std::string& file) {
  std::vector<RatioChange> out;
  const toml::node* node = table.get("ratio_history");
  if (node == nullptr) return out;
  const toml::array* list = node->as_array();
  if (list == nullptr) {
    reader.fail("ratio_history", line_of(*node), "must be an array of { until, ratio } tables");
  }
  std::size_t i = 0;
  for (const toml::node& entry : *list) {
    ++i;
    const toml::table* t = entry.as_table();
    if (t == nullptr) {
      reader.fail("ratio_history", line_of(entry),
                  "entry " + std::to_string(i) + " must be { until = ..., ratio = ... }");
    }
    TableReader er(*t, file, reader.context() + ".ratio_history[" + std::to_string(i) + "]",
                   {"until", "ratio"});
    RatioChange c;
    const toml::node* until = t->get("until");
    if (until == nullptr) er.fail("until", line_of(entry), "missing");
    const auto* dt = until->as_date_time();
    if (dt == nullptr || !offset_date_time_ns(dt->get(), c.until_ns)) {
      er.fail("until", line_of(*until),
              "must be an offset date-time, e.g. 2020-10-02T09:30:00-04:00");
    }
    c.ratio = er.required_number("ratio");
    if (!(c.ratio > 0)) er.fail("ratio", er.line("ratio"), "must be > 0");
    if (!out.empty() && c.until_ns <= out.back().until_ns) {
      er.fail("until", line_of(*until), "must be later than the entry before it");
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

// [fx], [defaults], [[pair]] (thresholds over the defaults, ratio history),
// [index]: the universe. Pairs are named ADR/HK; a symbol or code twice is an
// error at its second line.
void read_pairs(const toml::table& root, const std::string& file, Config& config) {
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
         "sell_adr_enter_bps", "sell_adr_exit_bps", "buy_adr_enter_bps", "buy_adr_exit_bps",
         "fx_max_age_ms", "max_premium_bps"});
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
                        "sell_adr_exit_bps", "buy_adr_enter_bps", "buy_adr_exit_bps",
                        "fx_max_age_ms", "max_premium_bps", "ratio_history", "index_weight"});
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
    pair.ratio_history = read_ratio_history(reader, table, file);
    if (auto w = reader.number("index_weight")) {
      if (!(*w > 0 && *w <= 1)) {
        reader.fail("index_weight", reader.line("index_weight"), "must be > 0 and <= 1");
      }
      pair.index_weight = *w;
    }
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
  if (const toml::table* t = optional_table(root, "index", file)) {
    TableReader r(*t, file, "index", {"name"});
    if (auto name = r.string("name")) config.index_name = *name;
  }
}

// [aliases.US|HK|FX] "VENDOR" = "CONFIGURED": errors name the key as
// 'aliases.US."BABA US"' at its line. Needs the pairs and [fx] read first.
void read_aliases(const toml::table& root, const std::string& file, Config& config) {
  const toml::table* all = optional_table(root, "aliases", file);
  if (all == nullptr) return;
  for (auto&& [venue_key, node] : *all) {
    const std::string venue(venue_key.str());
    if (venue != "US" && venue != "HK" && venue != "FX") {
      throw ConfigError(file, line_of(node), "aliases." + venue,
                        "unknown venue (known: US, HK, FX)");
    }
    if (!node.is_table()) {
      throw ConfigError(file, line_of(node), "aliases." + venue, "must be a table");
    }
    std::vector<SymbolAlias>& out = venue == "US"   ? config.aliases.us
                                    : venue == "HK" ? config.aliases.hk
                                                    : config.aliases.fx;
    for (auto&& [vendor_key, target_node] : *node.as_table()) {
      const std::string vendor(vendor_key.str());
      const std::string key = "aliases." + venue + ".\"" + vendor + "\"";
      const int line = line_of(target_node);
      if (!target_node.is_string()) throw ConfigError(file, line, key, "must be a string");
      std::string target = *target_node.value<std::string>();
      if (vendor.empty() || vendor.size() > kMaxSymbolBytes) {
        throw ConfigError(file, line, key, "the vendor symbol must be 1 to 16 bytes");
      }
      bool known = false;
      if (venue == "US") {
        for (const PairConfig& p : config.pairs) known = known || p.adr == target;
      } else if (venue == "HK") {
        target = std::string(strip_leading_zeros(target));
        for (const PairConfig& p : config.pairs) known = known || p.hk == target;
      } else {
        known = target == config.fx.pair;
      }
      if (!known) {
        throw ConfigError(file, line, key,
                          "'" + target + "' is no configured " +
                              (venue == "US"   ? std::string("ADR symbol")
                               : venue == "HK" ? std::string("HK code")
                                               : "fx pair (" + config.fx.pair + ")"));
      }
      out.push_back({vendor, target});
    }
  }
}

}  // namespace adrmon::config_detail
