// Shared helpers for the engine tests: a two-pair config, tick builders, and
// the pricing contract written out again (independently of pricing.hpp) so
// the tests check the engine against the contract text, not against itself.
#pragma once

#include <cstdint>

#include "adrmon/core/config.hpp"
#include "adrmon/core/instrument.hpp"
#include "adrmon/core/tick.hpp"

namespace adrmon::test {

inline constexpr std::int64_t kT0 = 1763951400000000000;  // 2025-11-24 02:30 UTC
inline constexpr std::int64_t kMs = 1'000'000;
inline constexpr std::int64_t kMaxAge = 3000 * kMs;

inline Thresholds default_thresholds() {
  Thresholds t;
  t.enter_bps = 50;
  t.exit_bps = 20;
  t.max_age_ns = kMaxAge;
  t.min_persist_ns = 0;
  t.cost_bps = 12;
  t.conversion_fee_usd = 0.05;
  return t;
}

inline PairConfig make_pair(const char* adr, const char* hk, double ratio, const Thresholds& t) {
  PairConfig p;
  p.adr = adr;
  p.hk = hk;
  p.ratio = ratio;
  p.fungible = true;
  p.thresholds = t;
  p.name = p.adr + "/" + p.hk;
  return p;
}

// Pair 0: BABA/9988 at ratio 8; pair 1: JD/9618 at ratio 2.
inline Config engine_config(const Thresholds& t = default_thresholds()) {
  Config c;
  c.path = "<engine test>";
  c.fx.pair = "USDHKD";
  c.fx.min = 7.70;
  c.fx.max = 7.90;
  c.defaults = t;
  c.pairs.push_back(make_pair("BABA", "9988", 8, t));
  c.pairs.push_back(make_pair("JD", "9618", 2, t));
  return c;
}

inline Tick quote_tick(InstrumentId id, std::int64_t ts, double bid, double ask, double bid_size,
                       double ask_size) {
  Tick t{};
  t.ts_event = ts;
  t.ts_recv = ts / 1000;  // any recognisable stamp
  t.bid = bid;
  t.ask = ask;
  t.bid_size = bid_size;
  t.ask_size = ask_size;
  t.instrument = static_cast<std::uint16_t>(id);
  t.kind = TickKind::Quote;
  return t;
}

inline Tick adr(PairId p, std::int64_t ts, double bid, double ask, double bid_size = 300,
                double ask_size = 500) {
  return quote_tick(adr_instrument(p), ts, bid, ask, bid_size, ask_size);
}

inline Tick hk(PairId p, std::int64_t ts, double bid, double ask, double bid_size = 800,
               double ask_size = 1200) {
  return quote_tick(hk_instrument(p), ts, bid, ask, bid_size, ask_size);
}

inline Tick fx(std::int64_t ts, double bid, double ask) {
  Tick t = quote_tick(kFxInstrument, ts, bid, ask, 0, 0);
  t.kind = TickKind::Fx;
  return t;
}

// The contract (docs/FORMATS.md, "Pricing"), written out here on purpose.
inline double contract_sell_edge(double adr_bid, double fx_bid, double ratio, double hk_ask,
                                 double cost_bps, double fee_usd) {
  return (adr_bid * fx_bid / ratio / hk_ask - 1) * 1e4 - cost_bps - fee_usd / adr_bid * 1e4;
}
inline double contract_buy_edge(double adr_ask, double fx_ask, double ratio, double hk_bid,
                                double cost_bps, double fee_usd) {
  return (hk_bid / (adr_ask * fx_ask / ratio) - 1) * 1e4 - cost_bps - fee_usd / adr_ask * 1e4;
}
inline double contract_mid_premium(double adr_bid, double adr_ask, double hk_bid, double hk_ask,
                                   double fx_bid, double fx_ask, double ratio) {
  const double adr_mid = (adr_bid + adr_ask) / 2;
  const double hk_mid = (hk_bid + hk_ask) / 2;
  const double fx_mid = (fx_bid + fx_ask) / 2;
  return (adr_mid * fx_mid / ratio / hk_mid - 1) * 1e4;
}

}  // namespace adrmon::test
