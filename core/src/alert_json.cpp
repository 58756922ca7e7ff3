// Alert -> JSON Lines, with std::to_chars for exact, allocation-free numbers.
#include "adrmon/core/alert_json.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

namespace adrmon {

namespace {

class Writer {
 public:
  explicit Writer(char* out) : begin_(out), p_(out) {}

  void raw(std::string_view s) noexcept {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void key(std::string_view k) noexcept {
    *p_++ = first_ ? '{' : ',';
    first_ = false;
    *p_++ = '"';
    raw(k);
    raw("\":");
  }
  void string(std::string_view k, std::string_view v) noexcept {
    key(k);
    *p_++ = '"';
    raw(v);
    *p_++ = '"';
  }
  void integer(std::string_view k, std::int64_t v) noexcept {
    key(k);
    p_ = std::to_chars(p_, p_ + 24, v).ptr;
  }
  void number(std::string_view k, double v) noexcept {
    key(k);
    if (!std::isfinite(v)) {
      raw("null");
      return;
    }
    p_ = std::to_chars(p_, p_ + 32, v).ptr;
  }
  std::size_t finish() noexcept {
    raw("}\n");
    return static_cast<std::size_t>(p_ - begin_);
  }

 private:
  char* begin_;
  char* p_;
  bool first_ = true;
};

}  // namespace

std::size_t format_alert_json(const Alert& a, std::string_view pair_name, char* out) noexcept {
  Writer w(out);
  w.integer("ts", a.ts_event);
  w.string("pair", pair_name.substr(0, 40));
  w.string("side", side_name(a.side));
  w.string("kind", kind_name(a.kind));
  const bool close = a.kind == AlertKind::Close;
  if (close) w.string("reason", reason_name(a.reason));
  // A close because the gate failed has no edge to show; reverted has.
  if (!close || a.reason == CloseReason::Reverted) w.number("edge_bps", a.edge_bps);
  w.number("mid_premium_bps", a.mid_premium_bps);
  w.number("adr_bid", a.adr_bid);
  w.number("adr_ask", a.adr_ask);
  w.number("hk_bid", a.hk_bid);
  w.number("hk_ask", a.hk_ask);
  w.number("fx_bid", a.fx_bid);
  w.number("fx_ask", a.fx_ask);
  w.number("ratio", a.ratio);
  if (close) {
    w.integer("open_ts", a.open_ts);
    w.number("peak_edge_bps", a.peak_edge_bps);
  } else {
    w.number("size_ads", a.size_ads);
    w.number("notional_usd", a.notional_usd);
  }
  w.integer("adr_ts", a.adr_ts);
  w.integer("hk_ts", a.hk_ts);
  w.integer("fx_ts", a.fx_ts);
  if (!close && a.has_phases) {
    w.string("us_phase", {a.us_phase, ::strnlen(a.us_phase, kPhaseNameBytes)});
    w.string("hk_phase", {a.hk_phase, ::strnlen(a.hk_phase, kPhaseNameBytes)});
  }
  return w.finish();
}

}  // namespace adrmon
