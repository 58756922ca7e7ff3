// The SpreadEngine tests' fixture: a fresh engine on the two test pairs
// (tests/support/test_config.hpp), feed() that insists a tick is accepted and
// returns its alerts, and the quotes of pair 0 the tests price. Shared by
// spread_engine_test.cpp (gate, ordering, FX fan-out, reloads, per-side bars)
// and spread_engine_alerts_test.cpp (what the alerts carry).
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "adrmon/strategy/spread_engine.hpp"
#include "pricing_contract.hpp"
#include "test_config.hpp"

namespace adrmon::test {

// BABA/9988 (pair 0, ratio 8) at FX 7.8: the ADR bid is worth 100 × 7.8 ÷ 8
// = 97.5 HKD. HK at 97.4/97.5 is fair (both edges negative after 17 bp of
// costs); at 96.0/96.1 sell_adr opens (≈ +128.7 bp); at 99.0/99.1 buy_adr
// opens (≈ +134.8 bp).
constexpr double kFx = 7.8;
constexpr double kAdrBid = 100, kAdrAsk = 100.02;
constexpr double kHkFairBid = 97.4, kHkFairAsk = 97.5;
constexpr double kHkCheapBid = 96.0, kHkCheapAsk = 96.1;
constexpr double kHkRichBid = 99.0, kHkRichAsk = 99.1;

inline std::vector<Alert> alerts_of(const SpreadEngine& e) {
  return {e.alerts().begin(), e.alerts().end()};
}

class SpreadEngineTest : public ::testing::Test {
 protected:
  // Feeds a tick that must be accepted and returns the alerts it caused.
  std::vector<Alert> feed(const Tick& t) {
    EXPECT_EQ(reject_name(engine_.on_tick(t)), reject_name(Reject::None));
    return alerts_of(engine_);
  }
  // Starts again with a fresh engine on `c` (or on the two pairs with `t`).
  void use(const Config& c) {
    config_ = c;
    engine_ = SpreadEngine(config_);
  }
  void use(const Thresholds& t) { use(two_pair_config(t)); }
  // FX at kFx and the ADR at kAdrBid/kAdrAsk at kT0, then pair 0's HK quote
  // at `hk_ts`: returns the alerts of that HK tick.
  std::vector<Alert> price_pair0(double hk_bid, double hk_ask, std::int64_t hk_ts = kT0) {
    feed(fx(kT0, kFx, kFx));
    feed(adr(0, kT0, kAdrBid, kAdrAsk));
    return feed(hk(0, hk_ts, hk_bid, hk_ask));
  }
  // Every leg of pair 0 seen at kT0 at a fair price: nothing open.
  void seed_pair0() { ASSERT_TRUE(price_pair0(kHkFairBid, kHkFairAsk).empty()); }
  double sell_edge0(double hk_ask) const {
    return contract_sell_edge(kAdrBid, kFx, 8, hk_ask, 12, 0.05);
  }
  double buy_edge0(double hk_bid) const {
    return contract_buy_edge(kAdrAsk, kFx, 8, hk_bid, 12, 0.05);
  }

  Config config_ = two_pair_config();
  SpreadEngine engine_{config_};
};

}  // namespace adrmon::test
