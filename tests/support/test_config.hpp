// Config and tick builders shared by the test suites (and the fuzz targets):
// one make_pair, the thresholds of the contract's example config, the
// two-pair universe the unit tests price (BABA/9988 at ratio 8 is pair 0,
// JD/9618 at ratio 2 is pair 1), the same [fx] and [defaults] as TOML text,
// and Tick builders for each leg. Header-only; everything allocates (cold
// path) and returns fresh values, so any thread may call it.
#pragma once

#include <cstdint>
#include <string_view>

#include "adrmon/core/config.hpp"
#include "adrmon/core/instrument.hpp"
#include "adrmon/core/tick.hpp"

namespace adrmon::test {

inline constexpr std::int64_t kT0 = 1763951400000000000;  // 2025-11-24 02:30 UTC
inline constexpr std::int64_t kMs = 1'000'000;
inline constexpr std::int64_t kMaxAge = 3000 * kMs;

// [defaults] of the contract's example config: enter 50, exit 20, 3 s max
// age, no persistence, 12 bp costs, US$0.05 conversion fee.
inline Thresholds default_thresholds(std::int64_t max_age_ns = kMaxAge) {
  Thresholds t;
  t.enter_bps = 50;
  t.exit_bps = 20;
  t.max_age_ns = max_age_ns;  // min_persist_ns: Thresholds' 0
  t.cost_bps = 12;
  t.conversion_fee_usd = 0.05;
  return t;
}

// A fungible pair named "ADR/HK", as the config loader would build it.
inline PairConfig make_pair(std::string_view adr, std::string_view hk, double ratio,
                            const Thresholds& t = default_thresholds()) {
  PairConfig p;
  p.adr = adr;
  p.hk = hk;
  p.ratio = ratio;
  p.fungible = true;
  p.thresholds = t;
  p.name = p.adr + "/" + p.hk;
  return p;
}

// USDHKD in [7.70, 7.90], `t` as [defaults] and as every pair's thresholds,
// and no pairs yet.
inline Config empty_config(const Thresholds& t = default_thresholds()) {
  Config c;
  c.path = "<test>";
  c.fx.pair = "USDHKD";
  c.fx.min = 7.70;
  c.fx.max = 7.90;
  c.defaults = t;
  return c;
}

// Pair 0: BABA/9988 at ratio 8; pair 1: JD/9618 at ratio 2.
inline Config two_pair_config(const Thresholds& t = default_thresholds()) {
  Config c = empty_config(t);
  c.pairs.push_back(make_pair("BABA", "9988", 8, t));
  c.pairs.push_back(make_pair("JD", "9618", 2, t));
  return c;
}

// The name tests/feeds was written with.
inline Config feeds_config() {
  return two_pair_config();
}

// The [fx] and [defaults] tables of empty_config() as TOML, 11 lines, no
// blank line (tests count lines after it); append [[pair]] tables.
inline constexpr std::string_view kBaseToml = R"([fx]
pair = "USDHKD"
min = 7.70
max = 7.90
[defaults]
enter_bps = 50
exit_bps = 20
max_age_ms = 3000
min_persist_ms = 0
cost_bps = 12
conversion_fee_usd = 0.05
)";

// A quote tick on instrument `id`; ts_recv is a recognisable stamp (ts / 1000),
// every other field zero.
inline Tick quote_tick(InstrumentId id, std::int64_t ts, double bid, double ask, double bid_size,
                       double ask_size) {
  Tick t{};
  t.ts_event = ts;
  t.ts_recv = ts / 1000;
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

}  // namespace adrmon::test
