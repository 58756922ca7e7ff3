// Length: a small reader of the alert line plus one printed step per formula
// of the contract; each step is a few lines and they read in order.
// `adrmon explain`: read alert lines, recompute each figure with the pricing
// contract's functions in the engine's order, print the steps, compare bit
// for bit. The JSON reader below handles exactly what the alert log writes:
// one flat object of strings, numbers and nulls (std::from_chars reads each
// number back to the double that was written, so "identical" means
// identical bits, not "equal to 2 decimals").
#include "explain.hpp"

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

#include "adrmon/core/alert.hpp"
#include "adrmon/strategy/pricing.hpp"
#include "cli_text.hpp"

namespace adrmon {

namespace {

using cli::num;

struct JsonField {
  enum class Kind : std::uint8_t { Number, String, Null, Bool };
  Kind kind;
  std::string_view text;  // the number's text, or the string's contents
};

std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  return i;
}

[[noreturn]] void bad(const std::string& why) {
  throw std::invalid_argument("not an alert line: " + why);
}

// Reads a string starting at the quote s[i]; alerts contain no escapes, so
// an escape is refused rather than half-decoded.
std::string_view read_string(std::string_view s, std::size_t& i) {
  const std::size_t start = ++i;
  while (i < s.size() && s[i] != '"') {
    if (s[i] == '\\') bad("escaped characters are not part of the alert format");
    ++i;
  }
  if (i >= s.size()) bad("unterminated string");
  return s.substr(start, i++ - start);
}

std::map<std::string, JsonField, std::less<>> read_flat_object(std::string_view s) {
  std::map<std::string, JsonField, std::less<>> fields;
  std::size_t i = skip_ws(s, 0);
  if (i >= s.size() || s[i] != '{') bad("expected a JSON object");
  i = skip_ws(s, i + 1);
  if (i < s.size() && s[i] == '}') bad("empty object");
  while (true) {
    if (i >= s.size() || s[i] != '"') bad("expected a field name");
    const std::string_view key = read_string(s, i);
    i = skip_ws(s, i);
    if (i >= s.size() || s[i] != ':') bad("expected ':' after \"" + std::string(key) + "\"");
    i = skip_ws(s, i + 1);
    if (i >= s.size()) bad("truncated");
    JsonField f{JsonField::Kind::Number, {}};
    if (s[i] == '"') {
      f = {JsonField::Kind::String, read_string(s, i)};
    } else if (s.substr(i, 4) == "null") {
      f = {JsonField::Kind::Null, s.substr(i, 4)};
      i += 4;
    } else if (s.substr(i, 4) == "true" || s.substr(i, 5) == "false") {
      const std::size_t n = s[i] == 't' ? 4 : 5;
      f = {JsonField::Kind::Bool, s.substr(i, n)};
      i += n;
    } else {
      const std::size_t start = i;
      while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-' ||
                              s[i] == '+' || s[i] == '.' || s[i] == 'e' || s[i] == 'E')) {
        ++i;
      }
      if (i == start) bad("field \"" + std::string(key) + "\": not a string, number or null");
      f = {JsonField::Kind::Number, s.substr(start, i - start)};
    }
    if (!fields.emplace(std::string(key), f).second) {
      bad("field \"" + std::string(key) + "\" appears twice");
    }
    i = skip_ws(s, i);
    if (i < s.size() && s[i] == ',') {
      i = skip_ws(s, i + 1);
      continue;
    }
    if (i < s.size() && s[i] == '}') break;
    bad("expected ',' or '}' after \"" + std::string(key) + "\"");
  }
  if (skip_ws(s, i + 1) != s.size()) bad("text after the closing '}'");
  return fields;
}

class Fields {
 public:
  explicit Fields(std::string_view line) : f_(read_flat_object(line)) {}

  const JsonField* find(std::string_view key) const {
    const auto it = f_.find(key);
    return it == f_.end() ? nullptr : &it->second;
  }
  const JsonField& need(std::string_view key) const {
    const JsonField* f = find(key);
    if (f == nullptr) bad("field \"" + std::string(key) + "\" is missing");
    return *f;
  }
  std::string str(std::string_view key) const {
    const JsonField& f = need(key);
    if (f.kind != JsonField::Kind::String) bad("field \"" + std::string(key) + "\" is no string");
    return std::string(f.text);
  }
  std::optional<std::string> opt_str(std::string_view key) const {
    if (find(key) == nullptr) return std::nullopt;
    return str(key);
  }
  double number(std::string_view key) const { return to_double(key, need(key)); }
  std::optional<double> opt_number(std::string_view key) const {
    const JsonField* f = find(key);
    if (f == nullptr) return std::nullopt;
    return to_double(key, *f);
  }
  std::int64_t integer(std::string_view key) const { return to_int(key, need(key)); }
  std::optional<std::int64_t> opt_integer(std::string_view key) const {
    const JsonField* f = find(key);
    if (f == nullptr) return std::nullopt;
    return to_int(key, *f);
  }

 private:
  static double to_double(std::string_view key, const JsonField& f) {
    if (f.kind == JsonField::Kind::Null) return std::nan("");
    double v = 0;
    const char* end = f.text.data() + f.text.size();
    const auto r = f.kind == JsonField::Kind::Number
                       ? std::from_chars(f.text.data(), end, v)
                       : std::from_chars_result{f.text.data(), std::errc::invalid_argument};
    if (r.ec != std::errc() || r.ptr != end) bad("field \"" + std::string(key) + "\" is no number");
    return v;
  }
  static std::int64_t to_int(std::string_view key, const JsonField& f) {
    std::int64_t v = 0;
    const char* end = f.text.data() + f.text.size();
    const auto r = f.kind == JsonField::Kind::Number
                       ? std::from_chars(f.text.data(), end, v)
                       : std::from_chars_result{f.text.data(), std::errc::invalid_argument};
    if (r.ec != std::errc() || r.ptr != end) {
      bad("field \"" + std::string(key) + "\" is no integer");
    }
    return v;
  }

  std::map<std::string, JsonField, std::less<>> f_;
};

// Distance in units in the last place between two finite doubles.
std::uint64_t ulps(double a, double b) {
  const auto ordered = [](double x) {
    const auto u = std::bit_cast<std::int64_t>(x);
    return u < 0 ? std::numeric_limits<std::int64_t>::min() - u : u;
  };
  const std::int64_t d = ordered(a) - ordered(b);
  return d < 0 ? static_cast<std::uint64_t>(-d) : static_cast<std::uint64_t>(d);
}

bool identical(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;  // both written null
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// "x ms" for a nanosecond age or limit.
std::string ms(std::int64_t ns) {
  return num(static_cast<double>(ns) / 1e6) + " ms";
}

class Report {
 public:
  Report(std::FILE* out, bool brief) : out_(out), brief_(brief) {}

  template <typename... A>
  void line(const char* fmt, A... args) {
    if (brief_) return;
    if constexpr (sizeof...(A) == 0) {
      std::fputs(fmt, out_);
    } else {
      std::fprintf(out_, fmt, args...);
    }
  }
  // A figure the alert carries against its recomputation: must be the same bits.
  void figure(const char* name, double alert, double computed) {
    if (identical(alert, computed)) {
      line("    %s: alert %s, recomputed %s: identical\n", name, num(alert).c_str(),
           num(computed).c_str());
      reproduced_.push_back(name);
      return;
    }
    const std::string d = std::isfinite(alert) && std::isfinite(computed)
                              ? std::to_string(ulps(alert, computed)) + " ulp apart"
                              : std::string("one is not finite");
    line("    %s: alert %s, recomputed %s: DIFFERS (%s)\n", name, num(alert).c_str(),
         num(computed).c_str(), d.c_str());
    problems_.push_back(std::string(name) + " differs: alert " + num(alert) + ", recomputed " +
                        num(computed) + " (" + d + ")");
  }
  // A condition the alert implies about the gate or thresholds.
  void check(bool ok, const std::string& what, const std::string& problem) {
    line("    %s: %s\n", what.c_str(), ok ? "consistent" : "NOT consistent");
    if (!ok) problems_.push_back(problem);
  }
  std::vector<std::string>& problems() { return problems_; }
  const std::vector<std::string>& reproduced() const { return reproduced_; }

 private:
  std::FILE* out_;
  bool brief_;
  std::vector<std::string> problems_;
  std::vector<std::string> reproduced_;
};

std::string threshold_source(const Thresholds& t, int side, bool enter) {
  const std::string s(side_name(static_cast<Side>(side)));
  const bool own = enter ? t.side_enter_bps[side].has_value() : t.side_exit_bps[side].has_value();
  return own ? s + (enter ? "_enter_bps" : "_exit_bps") : (enter ? "enter_bps" : "exit_bps");
}

// The required fields every alert line has, by type, in the order they
// are read (the first one missing is the one reported).
constexpr std::pair<const char*, double AlertRecord::*> kRequiredNumbers[] = {
    {"mid_premium_bps", &AlertRecord::mid_premium_bps},
    {"adr_bid", &AlertRecord::adr_bid},
    {"adr_ask", &AlertRecord::adr_ask},
    {"hk_bid", &AlertRecord::hk_bid},
    {"hk_ask", &AlertRecord::hk_ask},
    {"fx_bid", &AlertRecord::fx_bid},
    {"fx_ask", &AlertRecord::fx_ask},
    {"ratio", &AlertRecord::ratio}};
constexpr std::pair<const char*, std::int64_t AlertRecord::*> kRequiredIntegers[] = {
    {"adr_ts", &AlertRecord::adr_ts},
    {"hk_ts", &AlertRecord::hk_ts},
    {"fx_ts", &AlertRecord::fx_ts}};

}  // namespace

AlertRecord parse_alert_line(std::string_view line) {
  const Fields f(line);
  AlertRecord a;
  a.ts = f.integer("ts");
  a.pair = f.str("pair");
  a.side = f.str("side");
  a.kind = f.str("kind");
  if (a.side != "sell_adr" && a.side != "buy_adr") bad("side \"" + a.side + "\"");
  if (a.kind != "open" && a.kind != "close") bad("kind \"" + a.kind + "\"");
  if (a.kind == "close") {
    a.reason = f.str("reason");
    a.open_ts = f.integer("open_ts");
    a.peak_edge_bps = f.number("peak_edge_bps");
  } else {
    a.size_ads = f.number("size_ads");
    a.notional_usd = f.number("notional_usd");
  }
  a.edge_bps = f.opt_number("edge_bps");
  if ((a.kind == "open" || a.reason == "reverted") && !a.edge_bps) {
    bad("field \"edge_bps\" is missing");
  }
  for (const auto& [key, member] : kRequiredNumbers) a.*member = f.number(key);
  for (const auto& [key, member] : kRequiredIntegers) a.*member = f.integer(key);
  a.us_phase = f.opt_str("us_phase");
  a.hk_phase = f.opt_str("hk_phase");
  return a;
}

Explainer::Explainer(const Config& config) : config_(config) {
  for (std::size_t v = 0; v < kVenueCount; ++v) {
    if (config.calendar[v]) {
      calendar_[v] = VenueCalendar(*config.calendar[v]);
      has_calendars_ = true;
    }
  }
}

std::vector<std::string> Explainer::explain(const AlertRecord& a, std::FILE* out,
                                            bool brief) const {
  const PairConfig* pair = nullptr;
  for (const PairConfig& p : config_.pairs) {
    if (p.name == a.pair) pair = &p;
  }
  if (pair == nullptr) {
    throw std::invalid_argument("pair " + a.pair + " is not in " + config_.path);
  }
  const Thresholds& th = pair->thresholds;
  const int side = a.side == "sell_adr" ? 0 : 1;
  const bool sell = side == 0;
  const bool open = a.kind == "open";
  Report r(out, brief);

  r.line("alert  %s %s %s%s%s at %s (ts %lld)\n", a.pair.c_str(), a.side.c_str(), a.kind.c_str(),
         open ? "" : ", reason ", open ? "" : a.reason.c_str(), cli::utc(a.ts).c_str(),
         static_cast<long long>(a.ts));
  r.line("config %s, [[pair]] at line %d\n", config_.path.c_str(), pair->line);

  // 0. The ratio in force at ts (ratio_history, then ratio).
  const double ratio_cfg = ratio_at(*pair, a.ts);
  r.line("\n0. ratio in force at ts (config%s): %s HK shares per ADS\n",
         pair->ratio_history.empty() ? "" : ", ratio_history", num(ratio_cfg).c_str());
  r.figure("ratio", a.ratio, ratio_cfg);

  // 1. ADR in HKD per HK share.
  const double ratio = a.ratio;  // the alert's: a wrong ratio is reported once, above
  const double bid_hkd = adr_bid_hkd(a.adr_bid, a.fx_bid, ratio);
  const double ask_hkd = adr_ask_hkd(a.adr_ask, a.fx_ask, ratio);
  r.line("\n1. ADR in HKD per HK share\n");
  r.line("    adr_bid_hkd = adr_bid x fx_bid / ratio = %s x %s / %s = %s\n", num(a.adr_bid).c_str(),
         num(a.fx_bid).c_str(), num(ratio).c_str(), num(bid_hkd).c_str());
  r.line("    adr_ask_hkd = adr_ask x fx_ask / ratio = %s x %s / %s = %s\n", num(a.adr_ask).c_str(),
         num(a.fx_ask).c_str(), num(ratio).c_str(), num(ask_hkd).c_str());

  // 2. Gross edges, costs, fees, net edges (the engine's calls, in its order).
  const double gross_sell = sell_adr_edge_bps(bid_hkd, a.hk_ask, 0, 0);
  const double gross_buy = buy_adr_edge_bps(ask_hkd, a.hk_bid, 0, 0);
  const double fee_bid = conversion_fee_bps(th.conversion_fee_usd, a.adr_bid);
  const double fee_ask = conversion_fee_bps(th.conversion_fee_usd, a.adr_ask);
  const double net_sell = sell_adr_edge_bps(bid_hkd, a.hk_ask, th.cost_bps, fee_bid);
  const double net_buy = buy_adr_edge_bps(ask_hkd, a.hk_bid, th.cost_bps, fee_ask);
  r.line("\n2. edges in bp\n");
  r.line("    sell_adr gross = (adr_bid_hkd / hk_ask - 1) x 1e4 = (%s / %s - 1) x 1e4 = %s\n",
         num(bid_hkd).c_str(), num(a.hk_ask).c_str(), num(gross_sell).c_str());
  r.line("    buy_adr  gross = (hk_bid / adr_ask_hkd - 1) x 1e4 = (%s / %s - 1) x 1e4 = %s\n",
         num(a.hk_bid).c_str(), num(ask_hkd).c_str(), num(gross_buy).c_str());
  r.line("    cost_bps = %s (round trip)\n", num(th.cost_bps).c_str());
  r.line("    conversion fee sell_adr = conversion_fee_usd / adr_bid x 1e4 = %s / %s x 1e4 = %s\n",
         num(th.conversion_fee_usd).c_str(), num(a.adr_bid).c_str(), num(fee_bid).c_str());
  r.line("    conversion fee buy_adr  = conversion_fee_usd / adr_ask x 1e4 = %s / %s x 1e4 = %s\n",
         num(th.conversion_fee_usd).c_str(), num(a.adr_ask).c_str(), num(fee_ask).c_str());
  r.line("    sell_adr net = gross - cost_bps - fee = %s - %s - %s = %s (%s bp)\n",
         num(gross_sell).c_str(), num(th.cost_bps).c_str(), num(fee_bid).c_str(),
         num(net_sell).c_str(), cli::fixed(net_sell, 2).c_str());
  r.line("    buy_adr  net = gross - cost_bps - fee = %s - %s - %s = %s (%s bp)\n",
         num(gross_buy).c_str(), num(th.cost_bps).c_str(), num(fee_ask).c_str(),
         num(net_buy).c_str(), cli::fixed(net_buy, 2).c_str());
  const double edge = sell ? net_sell : net_buy;
  if (a.edge_bps) {
    r.figure("edge_bps", *a.edge_bps, edge);
  } else {
    r.line("    (a %s close carries no edge_bps: the gate failed before pricing)\n",
           a.reason.c_str());
  }

  // 3. The mid premium.
  const double adr_mid = (a.adr_bid + a.adr_ask) / 2;
  const double hk_mid = (a.hk_bid + a.hk_ask) / 2;
  const double fx_mid = (a.fx_bid + a.fx_ask) / 2;
  const double premium =
      mid_premium_bps({a.adr_bid, a.adr_ask}, {a.hk_bid, a.hk_ask}, {a.fx_bid, a.fx_ask}, ratio);
  r.line("\n3. mid premium in bp (positive: ADR rich)\n");
  r.line("    mids: adr %s, hk %s, fx %s (each (bid + ask) / 2)\n", num(adr_mid).c_str(),
         num(hk_mid).c_str(), num(fx_mid).c_str());
  r.line("    (adr_mid x fx_mid / ratio / hk_mid - 1) x 1e4 = (%s x %s / %s / %s - 1) x 1e4 = %s\n",
         num(adr_mid).c_str(), num(fx_mid).c_str(), num(ratio).c_str(), num(hk_mid).c_str(),
         num(premium).c_str());
  r.figure("mid_premium_bps", a.mid_premium_bps, premium);

  // 4. Thresholds.
  const double enter = th.enter_for(side);
  const double exit = th.exit_for(side);
  r.line("\n4. thresholds of %s: enter %s bp (%s), exit %s bp (%s)\n", a.side.c_str(),
         num(enter).c_str(), threshold_source(th, side, true).c_str(), num(exit).c_str(),
         threshold_source(th, side, false).c_str());
  if (open) {
    r.check(edge >= enter, "edge " + num(edge) + " >= enter " + num(enter) + ": the breach opens",
            "edge_bps " + num(edge) + " is below enter " + num(enter) + " (" +
                threshold_source(th, side, true) + ")");
    if (th.min_persist_ns > 0) {
      r.line(
          "    min_persist %s: the edge had to hold >= enter for %s before this open (those "
          "evaluations are not in the alert)\n",
          ms(th.min_persist_ns).c_str(), ms(th.min_persist_ns).c_str());
    }
  } else {
    r.line("    open since %s (ts %lld): %s\n", cli::utc(*a.open_ts).c_str(),
           static_cast<long long>(*a.open_ts), ms(a.ts - *a.open_ts).c_str());
    r.check(*a.peak_edge_bps >= enter,
            "peak_edge_bps " + num(*a.peak_edge_bps) + " >= enter " + num(enter),
            "peak_edge_bps " + num(*a.peak_edge_bps) + " is below enter " + num(enter));
    if (a.reason == "reverted") {
      r.check(edge < exit, "edge " + num(edge) + " < exit " + num(exit) + ": reverted",
              "edge_bps " + num(edge) + " is not below exit " + num(exit) + " (" +
                  threshold_source(th, side, false) + ")");
    }
  }
  const int other = 1 - side;
  r.line("    the other side, %s: net %s bp against enter %s / exit %s\n",
         std::string(side_name(static_cast<Side>(other))).c_str(),
         cli::fixed(sell ? net_buy : net_sell, 2).c_str(), num(th.enter_for(other)).c_str(),
         num(th.exit_for(other)).c_str());

  // 5. The gate: phases, leg ages, plausibility (in the engine's order).
  r.line("\n5. gate at ts (session, halted, stale, suspect)\n");
  bool session_ok = true;
  if (has_calendars_) {
    const char* venue[2] = {"US", "HK"};
    const std::optional<std::string>* alert_phase[2] = {&a.us_phase, &a.hk_phase};
    for (int v = 0; v < 2; ++v) {
      const VenueCalendar& cal = calendar_[v];
      const std::uint8_t ph = cal.find_phase(a.ts);
      const std::string name(cal.phase_name(ph));
      session_ok = session_ok && cal.live(ph);
      r.line("    %s phase %s (%s)%s\n", venue[v], name.c_str(), cal.live(ph) ? "live" : "not live",
             cal.has_calendar() ? "" : ", no calendar: always open");
      if (open) {
        const std::string key = v == 0 ? "us_phase" : "hk_phase";
        const bool same = alert_phase[v]->has_value() && **alert_phase[v] == name;
        r.check(same, key + " " + alert_phase[v]->value_or("(absent)") + " = calendar's " + name,
                key + " " + alert_phase[v]->value_or("(absent)") + ", the calendar says " + name);
      }
    }
  } else {
    r.line("    no calendars in the config: both venues always open\n");
    if (a.us_phase || a.hk_phase) {
      r.check(false, "phases", "the alert carries phases but the config has no calendar");
    }
  }
  const std::int64_t age[3] = {a.ts - a.adr_ts, a.ts - a.hk_ts, a.ts - a.fx_ts};
  const std::int64_t limit[3] = {th.max_age_ns, th.max_age_ns, th.fx_age_ns()};
  const char* leg[3] = {"ADR", "HK ", "FX "};
  const char* limit_name[3] = {"max_age_ms", "max_age_ms",
                               th.fx_max_age_ns ? "fx_max_age_ms" : "max_age_ms"};
  bool fresh = true;
  for (int i = 0; i < 3; ++i) {
    const bool f = age[i] <= limit[i];
    fresh = fresh && f;
    r.line("    %s age = ts - %s_ts = %s (%lld ns) against %s %s: %s\n", leg[i],
           i == 0   ? "adr"
           : i == 1 ? "hk"
                    : "fx",
           ms(age[i]).c_str(), static_cast<long long>(age[i]), limit_name[i], ms(limit[i]).c_str(),
           f ? "fresh" : "STALE");
  }
  const bool plausible =
      std::fabs(premium) <= th.max_premium_bps && std::isfinite(net_sell) && std::isfinite(net_buy);
  r.line("    |mid premium| %s against max_premium_bps %s: %s\n",
         cli::fixed(std::fabs(premium), 2).c_str(), num(th.max_premium_bps).c_str(),
         plausible ? "plausible" : "SUSPECT");
  std::string gate = !session_ok ? "session" : !fresh ? "stale" : !plausible ? "suspect" : "holds";
  r.line("    the gate from the alert's figures: %s%s\n", gate.c_str(),
         gate == "holds" ? " (a halt is not in the alert)" : "");
  if (open || a.reason == "reverted") {
    r.check(gate == "holds",
            std::string("the gate held, as ") + (open ? "an open" : "a reverted close") + " needs",
            "the gate fails (" + gate + ") but the alert is an " + a.kind +
                (open ? "" : " (reverted)"));
  } else if (a.reason == "halted") {
    r.check(session_ok, "halted: sessions live, the halt itself is not in the alert",
            "reason halted, but a session gate comes first and fails");
  } else {
    r.check(gate == a.reason, "reason " + a.reason + " = the gate's first failing check",
            "reason " + a.reason + ", but the alert's figures give " + gate);
  }

  // 6. Size and notional (opens).
  if (open) {
    const double price = sell ? a.adr_bid : a.adr_ask;
    const double notional = *a.size_ads * price;
    r.line("\n6. size and notional\n");
    r.line("    size_ads %s = min(ADR %s size, HK %s size / ratio) (sizes are not in the alert)\n",
           num(*a.size_ads).c_str(), sell ? "bid" : "ask", sell ? "ask" : "bid");
    r.line("    notional_usd = size_ads x adr_%s = %s x %s = %s\n", sell ? "bid" : "ask",
           num(*a.size_ads).c_str(), num(price).c_str(), num(notional).c_str());
    r.figure("notional_usd", *a.notional_usd, notional);
  }

  std::vector<std::string>& problems = r.problems();
  std::string same;
  for (const std::string& s : r.reproduced()) same += (same.empty() ? "" : ", ") + s;
  if (problems.empty()) {
    if (brief) {
      std::fprintf(out, "reproduced  %s %s %s %s: %s identical\n", cli::utc(a.ts).c_str(),
                   a.pair.c_str(), a.side.c_str(), a.kind.c_str(), same.c_str());
    } else {
      std::fprintf(out, "\nreproduced exactly: %s bit-identical; gate and thresholds consistent\n",
                   same.c_str());
    }
  } else {
    std::string all;
    for (const std::string& p : problems) all += (all.empty() ? "" : "; ") + p;
    std::fprintf(out, "%sNOT reproduced  %s %s %s %s: %s\n", brief ? "" : "\n",
                 cli::utc(a.ts).c_str(), a.pair.c_str(), a.side.c_str(), a.kind.c_str(),
                 all.c_str());
  }
  return std::move(problems);
}

int run_explain(const ExplainOptions& opt) {
  const Config config = load_config(opt.config);
  const Explainer explainer(config);
  std::vector<std::string> lines;
  const bool from_stdin = opt.alerts.empty() || (opt.alerts.size() == 1 && opt.alerts[0] == "-");
  if (from_stdin) {
    for (std::string l; std::getline(std::cin, l);) {
      if (l.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(l);
    }
    if (lines.empty()) throw std::invalid_argument("no alert line on stdin");
  } else {
    lines = opt.alerts;
  }
  std::size_t failed = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0 && !opt.brief) std::printf("\n");
    AlertRecord a;
    try {
      a = parse_alert_line(lines[i]);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("alert " + std::to_string(i + 1) + ": " + e.what());
    }
    if (!explainer.explain(a, stdout, opt.brief).empty()) ++failed;
  }
  if (lines.size() > 1) {
    std::printf("%s%zu alert(s): %zu reproduced exactly, %zu not\n", opt.brief ? "" : "\n",
                lines.size(), lines.size() - failed, failed);
  }
  std::fflush(stdout);
  return failed == 0 ? 0 : 1;
}

}  // namespace adrmon
