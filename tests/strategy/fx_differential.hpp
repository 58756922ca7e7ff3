// The FX scan against the scalar evaluation of every pair: two engines on the
// same config, one with SpreadEngine::FxPath::Lanes (the default) and one with
// FxPath::Scalar, fed the same random stream, must agree after every call on
// the reject, every alert field (doubles bit for bit), the suspects, the
// counts and each pair's gate and breach state. Used by spread_engine_test.cpp.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <random>
#include <string>

#include "adrmon/core/config.hpp"
#include "adrmon/strategy/spread_engine.hpp"
#include "calendar_test_support.hpp"
#include "test_config.hpp"

namespace adrmon::test {

inline std::uint64_t bits_of(double d) {
  return std::bit_cast<std::uint64_t>(d);
}

inline void expect_same_alert(const Alert& a, const Alert& b, const std::string& where) {
  EXPECT_EQ(a.ts_event, b.ts_event) << where;
  EXPECT_EQ(a.ts_recv, b.ts_recv) << where;
  EXPECT_EQ(a.open_ts, b.open_ts) << where;
  EXPECT_EQ(a.adr_ts, b.adr_ts) << where;
  EXPECT_EQ(a.hk_ts, b.hk_ts) << where;
  EXPECT_EQ(a.fx_ts, b.fx_ts) << where;
  for (auto [x, y] : {std::pair{a.edge_bps, b.edge_bps},
                      {a.mid_premium_bps, b.mid_premium_bps},
                      {a.peak_edge_bps, b.peak_edge_bps},
                      {a.adr_bid, b.adr_bid},
                      {a.adr_ask, b.adr_ask},
                      {a.hk_bid, b.hk_bid},
                      {a.hk_ask, b.hk_ask},
                      {a.fx_bid, b.fx_bid},
                      {a.fx_ask, b.fx_ask},
                      {a.ratio, b.ratio},
                      {a.size_ads, b.size_ads},
                      {a.notional_usd, b.notional_usd}}) {
    EXPECT_EQ(bits_of(x), bits_of(y)) << where << ": " << x << " vs " << y;
  }
  EXPECT_EQ(a.pair, b.pair) << where;
  EXPECT_EQ(a.side, b.side) << where;
  EXPECT_EQ(a.kind, b.kind) << where;
  EXPECT_EQ(a.reason, b.reason) << where;
  EXPECT_EQ(a.has_phases, b.has_phases) << where;
  EXPECT_EQ(std::memcmp(a.us_phase, b.us_phase, kPhaseNameBytes), 0) << where;
  EXPECT_EQ(std::memcmp(a.hk_phase, b.hk_phase, kPhaseNameBytes), 0) << where;
}

// Both engines after the same call: everything a caller can see is equal.
inline void expect_same_engines(const SpreadEngine& lanes, const SpreadEngine& scalar,
                                const std::string& where) {
  ASSERT_EQ(lanes.alerts().size(), scalar.alerts().size()) << where;
  for (std::size_t k = 0; k < lanes.alerts().size(); ++k) {
    expect_same_alert(lanes.alerts()[k], scalar.alerts()[k], where + " alert " + std::to_string(k));
  }
  ASSERT_EQ(lanes.suspects().size(), scalar.suspects().size()) << where;
  for (std::size_t k = 0; k < lanes.suspects().size(); ++k) {
    const SuspectEvent& a = lanes.suspects()[k];
    const SuspectEvent& b = scalar.suspects()[k];
    EXPECT_EQ(a.pair, b.pair) << where;
    EXPECT_EQ(a.ts, b.ts) << where;
    EXPECT_EQ(bits_of(a.mid_premium_bps), bits_of(b.mid_premium_bps)) << where;
    EXPECT_EQ(bits_of(a.ratio), bits_of(b.ratio)) << where;
  }
  const EngineCounts& a = lanes.counts();
  const EngineCounts& b = scalar.counts();
  EXPECT_EQ(a.accepted, b.accepted) << where;
  EXPECT_EQ(a.opens, b.opens) << where;
  EXPECT_EQ(a.closes, b.closes) << where;
  EXPECT_EQ(a.open_breaches, b.open_breaches) << where;
  EXPECT_EQ(a.suspect_evaluations, b.suspect_evaluations) << where;
  for (PairId id = 0; id < lanes.pair_count(); ++id) {
    const PairState& p = lanes.pair(id);
    const PairState& q = scalar.pair(id);
    EXPECT_EQ(p.gate, q.gate) << where << " pair " << id;
    EXPECT_EQ(bits_of(p.ratio), bits_of(q.ratio)) << where << " pair " << id;
    EXPECT_EQ(p.suspect_evaluations, q.suspect_evaluations) << where << " pair " << id;
    for (int s = 0; s < kSideCount; ++s) {
      EXPECT_EQ(p.machine[s].is_open(), q.machine[s].is_open()) << where << " pair " << id;
      EXPECT_EQ(p.machine[s].waiting_since(), q.machine[s].waiting_since()) << where;
      EXPECT_EQ(p.machine[s].open_ts(), q.machine[s].open_ts()) << where;
      EXPECT_EQ(bits_of(p.machine[s].peak_edge_bps()), bits_of(q.machine[s].peak_edge_bps()))
          << where;
    }
  }
}

// `n` pairs around parity with thresholds that vary by pair: per-side bars,
// persistence, an FX age of its own, a tight premium bound (suspects), some
// not fungible, some with a ratio history whose change falls mid-stream.
inline Config differential_config(std::size_t n, std::int64_t t_change) {
  Config c = empty_config();
  for (std::size_t i = 0; i < n; ++i) {
    Thresholds t = default_thresholds(2000 * kMs);
    t.enter_bps = 10 + static_cast<double>(i % 5) * 10;
    t.exit_bps = t.enter_bps - 15;
    t.cost_bps = static_cast<double>(i % 3) * 4;
    t.conversion_fee_usd = i % 2 == 0 ? 0.05 : 0;
    t.min_persist_ns = i % 4 == 1 ? 500 * kMs : 0;
    if (i % 6 == 2) t.side_enter_bps[1] = 35;
    if (i % 6 == 3) t.side_exit_bps[0] = -20;
    if (i % 5 == 4) t.fx_max_age_ns = 700 * kMs;
    if (i % 7 == 5) t.max_premium_bps = 150;
    const double ratio = static_cast<double>(1 + i % 8);
    PairConfig p = make_pair("A" + std::to_string(i), std::to_string(1000 + i), ratio, t);
    p.fungible = i % 9 != 7;
    if (i % 11 == 3) p.ratio_history = {{t_change, ratio * 1.004}};
    c.pairs.push_back(p);
  }
  return c;
}

// Calendars for the differential stream (kT0 is 10:30 in Hong Kong, 21:30 the
// evening before, a Sunday, in New York): HK is live three minutes in every
// five from 10:30 to 11:00 and shut in between, US live from 20:00 the
// evening before (a wrapping interval belongs to the day it ends), so the
// stream crosses
// a dozen session edges, with pairs busy, halted, stale and unseen at them.
inline void add_toggling_calendars(Config& c) {
  const Config cal = parse_config(kCalendarPrefix +
                                      "[calendar.US]\ntimezone = \"America/New_York\"\n"
                                      "live = [\"all\"]\n[calendar.US.phases]\n"
                                      "all = [\"20:00-19:00\"]\n"
                                      "[calendar.HK]\ntimezone = \"Asia/Hong_Kong\"\n"
                                      "live = [\"on\"]\n[calendar.HK.phases]\n"
                                      "on = [\"10:30-10:33\", \"10:35-10:38\", \"10:40-10:43\", "
                                      "\"10:45-10:48\", \"10:50-10:53\", \"10:55-10:58\"]\n",
                                  "differential.toml");
  c.calendar[0] = cal.calendar[0];
  c.calendar[1] = cal.calendar[1];
}

}  // namespace adrmon::test
