#include "adrmon/pipeline/board.hpp"

#include <cstring>

#include "adrmon/core/json_text.hpp"

namespace adrmon {

namespace {

void key(std::string& out, std::string_view k) {
  out += ",\"";
  out += k;
  out += "\":";
}

void number(std::string& out, std::string_view k, double v, bool present = true) {
  key(out, k);
  if (!present) {
    out += "null";
    return;
  }
  append_number(out, v);
}

void integer(std::string& out, std::string_view k, std::int64_t v, bool present = true) {
  key(out, k);
  if (!present) {
    out += "null";
    return;
  }
  append_int(out, v);
}

void string(std::string& out, std::string_view k, std::string_view v) {
  key(out, k);
  append_json_string(out, v);
}

std::string_view phase(const char (&name)[kPhaseNameBytes]) {
  return {name, ::strnlen(name, kPhaseNameBytes)};
}

}  // namespace

std::string board_pair_json(const PairView& v, std::string_view pair_name, std::int64_t at) {
  std::string out = "{\"pair\":";
  append_json_string(out, pair_name);
  integer(out, "at", at);
  key(out, "live");
  out += v.gate == GateReason::None ? "true" : "false";
  key(out, "why");
  if (v.gate == GateReason::None) {
    out += "null";
  } else {
    append_json_string(out, gate_reason_name(v.gate));
  }
  string(out, "us_phase", phase(v.us_phase));
  string(out, "hk_phase", phase(v.hk_phase));
  number(out, "ratio", v.ratio);
  number(out, "adr_bid", v.adr.bid, v.adr.seen);
  number(out, "adr_ask", v.adr.ask, v.adr.seen);
  number(out, "hk_bid", v.hk.bid, v.hk.seen);
  number(out, "hk_ask", v.hk.ask, v.hk.seen);
  number(out, "fx_bid", v.fx.bid, v.fx.seen);
  number(out, "fx_ask", v.fx.ask, v.fx.seen);
  integer(out, "adr_ts", v.adr.ts, v.adr.seen);
  integer(out, "hk_ts", v.hk.ts, v.hk.seen);
  integer(out, "fx_ts", v.fx.ts, v.fx.seen);
  const bool adr_hkd = v.adr.seen && v.fx.seen;
  number(out, "adr_hkd", (v.adr.bid + v.adr.ask) / 2 * ((v.fx.bid + v.fx.ask) / 2) / v.ratio,
         adr_hkd);
  number(out, "mid_premium_bps", v.mid_premium_bps, v.priced);
  out += '}';
  return out;
}

std::string board_index_json(const Config& config, std::span<const PairView> views,
                             std::int64_t at) {
  double move = 0;
  double covered = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < config.pairs.size() && i < views.size(); ++i) {
    const std::optional<double>& w = config.pairs[i].index_weight;
    if (!w || !views[i].priced) continue;
    move += *w * views[i].mid_premium_bps;
    covered += *w;
    ++n;
  }
  std::string out = "{\"index\":";
  append_json_string(out, config.index_name);
  integer(out, "at", at);
  number(out, "implied_move_bps", move);
  number(out, "weight_covered", covered);
  integer(out, "pairs", static_cast<std::int64_t>(n));
  out += '}';
  return out;
}

}  // namespace adrmon
