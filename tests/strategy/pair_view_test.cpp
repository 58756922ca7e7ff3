// make_pair_view: the view of a pair built from an engine fed known quotes.
// Premium, HK-equivalent mid and edges are the contract's formulas
// (docs/FORMATS.md, "Pricing") evaluated in the contract's order, so they are
// compared bit for bit; quotes, leg timestamps (ages), freshness at `as_of`
// and the breach state are compared with what the engine was fed.
#include "adrmon/strategy/pair_view.hpp"

#include <gtest/gtest.h>

#include "adrmon/strategy/spread_engine.hpp"
#include "pricing_contract.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

using namespace test;  // the builders and contract formulas of this suite

// Pair 0 (BABA/9988, ratio 8): FX 7.8/7.8002 at kT0, ADR 100/100.02 at
// kT0 + 1 ms, HK 96.0/96.1 at kT0 + 2 ms: 100 × 7.8 ÷ 8 = 97.5 HKD against
// an ask of 96.1, so sell_adr opens (≈ +128.7 bp) on the HK tick.
constexpr double kFxBid = 7.8, kFxAsk = 7.8002;
constexpr double kAdrBid = 100, kAdrAsk = 100.02;
constexpr double kHkBid = 96.0, kHkAsk = 96.1;
constexpr std::int64_t kFxTs = kT0;
constexpr std::int64_t kAdrTs = kT0 + 1 * kMs;
constexpr std::int64_t kHkTs = kT0 + 2 * kMs;

class PairViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(engine_.on_tick(fx(kFxTs, kFxBid, kFxAsk)), Reject::None);
    ASSERT_EQ(engine_.on_tick(adr(0, kAdrTs, kAdrBid, kAdrAsk, 300, 500)), Reject::None);
    ASSERT_EQ(engine_.on_tick(hk(0, kHkTs, kHkBid, kHkAsk, 800, 1200)), Reject::None);
    ASSERT_EQ(engine_.alerts().size(), 1u);  // sell_adr open
  }

  Config config_ = test::two_pair_config();
  SpreadEngine engine_{config_};
};

TEST_F(PairViewTest, CarriesThePairTheQuotesAndTheirTimestamps) {
  const PairView v = make_pair_view(engine_, 0, kHkTs);
  EXPECT_EQ(v.pair, 0u);
  EXPECT_EQ(v.ratio, 8);
  EXPECT_TRUE(v.fungible);
  EXPECT_EQ(v.adr.bid, kAdrBid);
  EXPECT_EQ(v.adr.ask, kAdrAsk);
  EXPECT_EQ(v.adr.bid_size, 300);
  EXPECT_EQ(v.adr.ask_size, 500);
  EXPECT_EQ(v.hk.bid, kHkBid);
  EXPECT_EQ(v.hk.ask, kHkAsk);
  EXPECT_EQ(v.hk.bid_size, 800);
  EXPECT_EQ(v.hk.ask_size, 1200);
  EXPECT_EQ(v.fx.bid, kFxBid);
  EXPECT_EQ(v.fx.ask, kFxAsk);
  EXPECT_EQ(v.as_of, kHkTs);
  EXPECT_EQ(v.max_age_ns, kMaxAge);
  // Each leg's age at as_of is as_of − its last accepted ts.
  EXPECT_EQ(v.as_of - v.adr.ts, 1 * kMs);
  EXPECT_EQ(v.as_of - v.hk.ts, 0);
  EXPECT_EQ(v.as_of - v.fx.ts, 2 * kMs);
}

TEST_F(PairViewTest, PremiumAndEdgesAreTheContractsBitForBit) {
  const PairView v = make_pair_view(engine_, 0, kHkTs);
  ASSERT_TRUE(v.priced);
  EXPECT_TRUE(v.fresh);
  // adr_mid × fx_mid ÷ ratio, the first half of the premium formula.
  EXPECT_EQ(v.hk_equiv_mid, contract_mid(kAdrBid, kAdrAsk) * contract_mid(kFxBid, kFxAsk) / 8);
  EXPECT_EQ(v.mid_premium_bps,
            contract_mid_premium(kAdrBid, kAdrAsk, kHkBid, kHkAsk, kFxBid, kFxAsk, 8));
  EXPECT_EQ(v.edge_bps[0], contract_sell_edge(kAdrBid, kFxBid, 8, kHkAsk, 12, 0.05));
  EXPECT_EQ(v.edge_bps[1], contract_buy_edge(kAdrAsk, kFxAsk, 8, kHkBid, 12, 0.05));
  // Hand check of the signs: 97.5 / 96.1 − 1 ≈ +145.7 bp gross (ADR rich).
  EXPECT_GT(v.mid_premium_bps, 0);
  EXPECT_GT(v.edge_bps[0], 50);
  EXPECT_LT(v.edge_bps[1], 0);
}

TEST_F(PairViewTest, EdgesAgreeWithTheAlertTheEngineRaised) {
  const Alert open = engine_.alerts()[0];
  const PairView v = make_pair_view(engine_, 0, kHkTs);
  EXPECT_EQ(v.edge_bps[0], open.edge_bps);
  EXPECT_EQ(v.mid_premium_bps, open.mid_premium_bps);
}

TEST_F(PairViewTest, BreachStateIsTheMachines) {
  const PairView v = make_pair_view(engine_, 0, kHkTs);
  EXPECT_TRUE(v.open[0]);
  EXPECT_FALSE(v.open[1]);
  EXPECT_EQ(v.open_ts[0], kHkTs);
  EXPECT_EQ(v.peak_edge_bps[0], contract_sell_edge(kAdrBid, kFxBid, 8, kHkAsk, 12, 0.05));
  EXPECT_EQ(v.open_ts[1], 0);
  EXPECT_EQ(v.peak_edge_bps[1], 0);
}

TEST_F(PairViewTest, FreshUntilTheOldestLegIsMaxAgeOld) {
  // The FX leg (kT0) is the oldest: fresh at kT0 + max_age, stale 1 ns later.
  EXPECT_TRUE(make_pair_view(engine_, 0, kFxTs + kMaxAge).fresh);
  const PairView stale = make_pair_view(engine_, 0, kFxTs + kMaxAge + 1);
  EXPECT_FALSE(stale.fresh);
  // Still priced from the last quotes, and the view changes no state: the
  // breach stays open until an evaluation closes it.
  EXPECT_TRUE(stale.priced);
  EXPECT_EQ(stale.edge_bps[0], contract_sell_edge(kAdrBid, kFxBid, 8, kHkAsk, 12, 0.05));
  EXPECT_TRUE(stale.open[0]);
  EXPECT_TRUE(engine_.pair(0).machine[0].is_open());
}

TEST_F(PairViewTest, AReloadedFeeShowsWithoutANewAdrTick) {
  Thresholds t = test::default_thresholds();
  t.conversion_fee_usd = 0.5;
  t.cost_bps = 3;
  ASSERT_TRUE(engine_.apply_thresholds(test::two_pair_config(t)));
  const PairView v = make_pair_view(engine_, 0, kHkTs);
  EXPECT_EQ(v.edge_bps[0], contract_sell_edge(kAdrBid, kFxBid, 8, kHkAsk, 3, 0.5));
  EXPECT_EQ(v.edge_bps[1], contract_buy_edge(kAdrAsk, kFxAsk, 8, kHkBid, 3, 0.5));
}

TEST_F(PairViewTest, APairWithoutQuotesIsNotPriced) {
  // Pair 1 (JD/9618) has seen FX only.
  const PairView v = make_pair_view(engine_, 1, kHkTs);
  EXPECT_EQ(v.pair, 1u);
  EXPECT_EQ(v.ratio, 2);
  EXPECT_TRUE(v.fx.seen);
  EXPECT_FALSE(v.adr.seen);
  EXPECT_FALSE(v.priced);
  EXPECT_FALSE(v.fresh);
  EXPECT_EQ(v.hk_equiv_mid, 0);
  EXPECT_EQ(v.mid_premium_bps, 0);
  EXPECT_EQ(v.edge_bps[0], 0);
  EXPECT_EQ(v.edge_bps[1], 0);
  EXPECT_FALSE(v.open[0]);
}

// Inputs where a regrouped formula gives another double: ratio 3 (÷ 8 and
// ÷ 2 are exact, so the fixture's pairs cannot tell adr_mid × (fx_mid ÷ 3)
// from adr_mid × fx_mid ÷ 3), and JD's sell edge, where subtracting
// (cost + fee) at once differs from cost then fee in the last bit.
TEST(PairView, OrderSensitiveQuotesStillMatchTheContractBitForBit) {
  Config c = test::empty_config();
  c.pairs.push_back(test::make_pair("JD", "9618", 2));
  c.pairs.push_back(test::make_pair("TAL", "9910", 3));
  SpreadEngine e(c);
  ASSERT_EQ(e.on_tick(fx(kFxTs, 7.7513, 7.7515)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kAdrTs, 56.52, 56.53)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kHkTs, 219.0, 219.05)), Reject::None);
  const PairView jd = make_pair_view(e, 0, kHkTs);
  EXPECT_EQ(jd.edge_bps[0], contract_sell_edge(56.52, 7.7513, 2, 219.05, 12, 0.05));
  EXPECT_NE(jd.edge_bps[0], (56.52 * 7.7513 / 2 / 219.05 - 1) * 1e4 - (12 + 0.05 / 56.52 * 1e4));
  EXPECT_EQ(jd.edge_bps[1], contract_buy_edge(56.53, 7.7515, 2, 219.0, 12, 0.05));

  ASSERT_EQ(e.on_tick(fx(kHkTs, 7.8497, 7.8499)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(1, kHkTs, 100, 100.02)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(1, kHkTs, 280.4, 280.6)), Reject::None);
  const PairView tal = make_pair_view(e, 1, kHkTs);
  const double adr_mid = contract_mid(100, 100.02);
  const double fx_mid = contract_mid(7.8497, 7.8499);
  EXPECT_EQ(tal.hk_equiv_mid, adr_mid * fx_mid / 3);
  EXPECT_NE(tal.hk_equiv_mid, adr_mid * (fx_mid / 3));
  EXPECT_EQ(tal.mid_premium_bps,
            contract_mid_premium(100, 100.02, 280.4, 280.6, 7.8497, 7.8499, 3));
  EXPECT_NE(tal.mid_premium_bps, (adr_mid * fx_mid / (3 * contract_mid(280.4, 280.6)) - 1) * 1e4);
  EXPECT_EQ(tal.edge_bps[0], contract_sell_edge(100, 7.8497, 3, 280.6, 12, 0.05));
  EXPECT_EQ(tal.edge_bps[1], contract_buy_edge(100.02, 7.8499, 3, 280.4, 12, 0.05));
}

TEST(PairView, NonFungiblePairIsPricedButNeverOpen) {
  Config c = test::two_pair_config();
  c.pairs[0].fungible = false;
  SpreadEngine e(c);
  ASSERT_EQ(e.on_tick(fx(kFxTs, kFxBid, kFxAsk)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kAdrTs, kAdrBid, kAdrAsk)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kHkTs, kHkBid, kHkAsk)), Reject::None);
  const PairView v = make_pair_view(e, 0, kHkTs);
  EXPECT_FALSE(v.fungible);
  EXPECT_TRUE(v.priced);
  EXPECT_EQ(v.edge_bps[0], contract_sell_edge(kAdrBid, kFxBid, 8, kHkAsk, 12, 0.05));
  EXPECT_FALSE(v.open[0]);
  EXPECT_FALSE(v.open[1]);
}

}  // namespace
}  // namespace adrmon
