// SpreadEngine: what each alert carries (times, quotes, edges, sizes,
// open_ts and peak on closes) and the counts. Expected edges come from the
// contract formulas in pricing_contract.hpp and are compared bit for bit
// (EXPECT_EQ): the engine evaluates them in the contract's order. A
// tolerance is kept only against a decimal worked out by hand, which is not
// the double the formula rounds to.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "spread_engine_fixture.hpp"

namespace adrmon::test {
namespace {

// ---- alert contents ---------------------------------------------------------------

TEST_F(SpreadEngineTest, SellAdrOpenCarriesEveryField) {
  feed(fx(kT0, kFx, 7.8002));
  feed(adr(0, kT0 + 1 * kMs, kAdrBid, kAdrAsk, 300, 500));
  const std::vector<Alert> a = feed(hk(0, kT0 + 2 * kMs, kHkCheapBid, kHkCheapAsk, 800, 1200));
  ASSERT_EQ(a.size(), 1u);
  const Alert& x = a[0];
  EXPECT_EQ(x.ts_event, kT0 + 2 * kMs);
  EXPECT_EQ(x.ts_recv, (kT0 + 2 * kMs) / 1000);
  EXPECT_EQ(x.open_ts, kT0 + 2 * kMs);
  EXPECT_EQ(x.adr_ts, kT0 + 1 * kMs);
  EXPECT_EQ(x.hk_ts, kT0 + 2 * kMs);
  EXPECT_EQ(x.fx_ts, kT0);
  EXPECT_EQ(x.pair, 0u);
  EXPECT_EQ(x.side, Side::SellAdr);
  EXPECT_EQ(x.kind, AlertKind::Open);
  EXPECT_EQ(x.reason, CloseReason::None);
  // 100 × 7.8 ÷ 8 = 97.5; (97.5 / 96.1 − 1) × 1e4 = 145.68158168 bp; − 12 − 5
  // (a hand decimal: within a tolerance of the formula's double).
  const double edge = contract_sell_edge(kAdrBid, kFx, 8, kHkCheapAsk, 12, 0.05);
  EXPECT_NEAR(edge, 145.68158168 - 17, 1e-6);
  EXPECT_EQ(x.edge_bps, edge);
  EXPECT_EQ(x.peak_edge_bps, edge);
  EXPECT_EQ(x.mid_premium_bps,
            contract_mid_premium(kAdrBid, kAdrAsk, kHkCheapBid, kHkCheapAsk, kFx, 7.8002, 8));
  EXPECT_GT(x.mid_premium_bps, 0);  // ADR rich
  EXPECT_EQ(x.adr_bid, kAdrBid);
  EXPECT_EQ(x.adr_ask, kAdrAsk);
  EXPECT_EQ(x.hk_bid, kHkCheapBid);
  EXPECT_EQ(x.hk_ask, kHkCheapAsk);
  EXPECT_EQ(x.fx_bid, kFx);
  EXPECT_EQ(x.fx_ask, 7.8002);
  EXPECT_EQ(x.ratio, 8);
  // min(ADR bid size 300, HK ask size 1200 ÷ 8 = 150) = 150 ADS; × US$100.
  EXPECT_EQ(x.size_ads, 150);
  EXPECT_EQ(x.notional_usd, 15000);
}

TEST_F(SpreadEngineTest, SellAdrSizeLimitedByTheAdrBidSize) {
  feed(fx(kT0, kFx, kFx));
  feed(adr(0, kT0, kAdrBid, kAdrAsk, 300, 500));
  const std::vector<Alert> a = feed(hk(0, kT0, kHkCheapBid, kHkCheapAsk, 10, 4000));
  ASSERT_EQ(a.size(), 1u);
  // min(300, 4000 ÷ 8 = 500) = 300 ADS at the bid of US$100.
  EXPECT_EQ(a[0].size_ads, 300);
  EXPECT_EQ(a[0].notional_usd, 30000);
}

TEST_F(SpreadEngineTest, BuyAdrOpenUsesAdrAskSizeAndHkBidSize) {
  feed(fx(kT0, kFx, kFx));
  feed(adr(0, kT0, kAdrBid, kAdrAsk, 300, 500));
  const std::vector<Alert> a = feed(hk(0, kT0, kHkRichBid, kHkRichAsk, 800, 1));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].side, Side::BuyAdr);
  // 100.02 × 7.8 ÷ 8 = 97.5195; (99 / 97.5195 − 1) × 1e4 = 151.81579069 bp;
  // − 12 − 0.05 / 100.02 × 1e4 (= 4.99900020 bp): hand decimals, so a tolerance.
  EXPECT_NEAR(a[0].edge_bps, 151.81579069 - 12 - 4.99900020, 1e-6);
  EXPECT_EQ(a[0].edge_bps, buy_edge0(kHkRichBid));
  EXPECT_LT(a[0].mid_premium_bps, 0);  // ADR cheap
  // min(ADR ask size 500, HK bid size 800 ÷ 8 = 100) = 100 ADS at the ask
  // (100.02 is not a double: the notional is 100 × that double, not 10002).
  EXPECT_EQ(a[0].size_ads, 100);
  EXPECT_EQ(a[0].notional_usd, 100 * kAdrAsk);
}

TEST_F(SpreadEngineTest, FractionalRatioSizesInAds) {
  Config c = two_pair_config();
  c.pairs[0].ratio = 0.5;  // 2 ADS = 1 share: HK size ÷ 0.5
  use(c);
  // ADR bid worth 100 × 7.8 ÷ 0.5 = 1560 HKD; HK ask 1500.
  feed(fx(kT0, kFx, kFx));
  feed(adr(0, kT0, 100, 100.02, 1000, 1000));
  const std::vector<Alert> a = feed(hk(0, kT0, 1499, 1500, 0, 30));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].size_ads, 60);  // min(1000, 30 ÷ 0.5)
  EXPECT_EQ(a[0].notional_usd, 6000);
  EXPECT_EQ(a[0].edge_bps, contract_sell_edge(100, kFx, 0.5, 1500, 12, 0.05));
}

TEST_F(SpreadEngineTest, RevertedCloseCarriesOpenTsPeakAndItsEdge) {
  seed_pair0();
  const std::int64_t t_open = kT0 + 1 * kMs;
  ASSERT_EQ(feed(hk(0, t_open, kHkCheapBid, kHkCheapAsk)).size(), 1u);
  EXPECT_TRUE(feed(hk(0, kT0 + 2 * kMs, 95.0, 95.1)).empty());  // better: new peak
  EXPECT_TRUE(feed(hk(0, kT0 + 3 * kMs, 97.0, 97.1)).empty());  // worse, above exit
  const std::vector<Alert> a = feed(hk(0, kT0 + 4 * kMs, kHkFairBid, kHkFairAsk));
  ASSERT_EQ(a.size(), 1u);
  const Alert& x = a[0];
  EXPECT_EQ(x.kind, AlertKind::Close);
  EXPECT_EQ(x.reason, CloseReason::Reverted);
  EXPECT_EQ(x.side, Side::SellAdr);
  EXPECT_EQ(x.ts_event, kT0 + 4 * kMs);
  EXPECT_EQ(x.open_ts, t_open);
  EXPECT_EQ(x.peak_edge_bps, sell_edge0(95.1));
  EXPECT_EQ(x.edge_bps, sell_edge0(kHkFairAsk));
  // 97.5 / 97.5 − 1 = 0, − 12 − 5 = −17 bp; 0.05 is not a double, so the fee
  // is 5 bp only to within an ulp.
  EXPECT_NEAR(x.edge_bps, -17, 1e-9);
  EXPECT_EQ(x.hk_ask, kHkFairAsk);
  EXPECT_EQ(x.size_ads, 0);
  EXPECT_EQ(x.notional_usd, 0);
  EXPECT_EQ(x.failed_legs, 0);  // reverted: no leg failed the gate
}

TEST_F(SpreadEngineTest, StaleCloseOnAnFxTickHasNaNEdge) {
  seed_pair0();
  ASSERT_EQ(feed(hk(0, kT0 + 1 * kMs, kHkCheapBid, kHkCheapAsk)).size(), 1u);
  // The ADR leg (ts kT0) is now max_age + 1 ns old.
  const std::vector<Alert> a = feed(fx(kT0 + kMaxAge + 1, kFx, kFx));
  ASSERT_EQ(a.size(), 1u);
  const Alert& x = a[0];
  EXPECT_EQ(x.kind, AlertKind::Close);
  EXPECT_EQ(x.reason, CloseReason::Stale);
  EXPECT_TRUE(std::isnan(x.edge_bps));
  EXPECT_EQ(x.open_ts, kT0 + 1 * kMs);
  EXPECT_EQ(x.peak_edge_bps, sell_edge0(kHkCheapAsk));
  EXPECT_EQ(x.adr_ts, kT0);
  EXPECT_EQ(x.fx_ts, kT0 + kMaxAge + 1);
  EXPECT_EQ(x.ts_event, kT0 + kMaxAge + 1);
  EXPECT_EQ(x.failed_legs, 1);  // the ADR leg only: HK (kT0 + 1 ms) and FX are within max_age
}

TEST_F(SpreadEngineTest, StaleLegClosesEvenWhenTheEdgeStillHolds) {
  seed_pair0();
  ASSERT_EQ(feed(hk(0, kT0, kHkCheapBid, kHkCheapAsk)).size(), 1u);
  // A fresh HK tick at the same dislocated price, but ADR and FX are too old.
  const std::vector<Alert> a = feed(hk(0, kT0 + kMaxAge + 1, kHkCheapBid, kHkCheapAsk));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].reason, CloseReason::Stale);
  EXPECT_EQ(a[0].failed_legs, 1 | 4);  // ADR and FX
}

// With its own fx_max_age the FX leg can fail while an older ADR leg does
// not: the close names the leg that failed its limit, not the oldest one.
TEST_F(SpreadEngineTest, StaleCloseNamesTheLegPastItsOwnLimit) {
  Thresholds t = default_thresholds();
  t.fx_max_age_ns = kMaxAge / 4;
  use(t);
  feed(adr(0, kT0, kAdrBid, kAdrAsk));
  feed(fx(kT0 + kMaxAge / 2, kFx, kFx));
  ASSERT_EQ(feed(hk(0, kT0 + kMaxAge / 2, kHkCheapBid, kHkCheapAsk)).size(), 1u);
  // ADR is 0.8 max_age old (fine); FX is 0.3 max_age old, past fx_max_age.
  const std::vector<Alert> a = feed(hk(0, kT0 + kMaxAge * 8 / 10, kHkCheapBid, kHkCheapAsk));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].reason, CloseReason::Stale);
  EXPECT_EQ(a[0].failed_legs, 4);
}

TEST_F(SpreadEngineTest, AlertsLastOnlyUntilTheNextTick) {
  seed_pair0();
  ASSERT_EQ(feed(hk(0, kT0 + 1, kHkCheapBid, kHkCheapAsk)).size(), 1u);
  EXPECT_TRUE(feed(hk(0, kT0 + 2, kHkCheapBid, kHkCheapAsk)).empty());  // still open, no alert
  EXPECT_TRUE(engine_.pair(0).machine[0].is_open());
}

TEST_F(SpreadEngineTest, CountsOpensClosesAndOpenBreaches) {
  seed_pair0();
  feed(hk(0, kT0 + 1, kHkCheapBid, kHkCheapAsk));
  EXPECT_EQ(engine_.counts().opens, 1u);
  EXPECT_EQ(engine_.counts().open_breaches, 1u);
  feed(hk(0, kT0 + 2, kHkRichBid, kHkRichAsk));  // sell reverts, buy opens
  EXPECT_EQ(engine_.counts().opens, 2u);
  EXPECT_EQ(engine_.counts().closes, 1u);
  EXPECT_EQ(engine_.counts().open_breaches, 1u);
  feed(hk(0, kT0 + 3, kHkFairBid, kHkFairAsk));
  EXPECT_EQ(engine_.counts().closes, 2u);
  EXPECT_EQ(engine_.counts().open_breaches, 0u);
  EXPECT_EQ(engine_.counts().accepted, 6u);
}

TEST_F(SpreadEngineTest, NonFungiblePairNeverAlertsButKeepsQuotes) {
  Config c = two_pair_config();
  c.pairs[0].fungible = false;
  use(c);
  EXPECT_TRUE(price_pair0(kHkCheapBid, kHkCheapAsk).empty());
  EXPECT_TRUE(feed(hk(0, kT0 + 1, kHkRichBid, kHkRichAsk)).empty());
  EXPECT_TRUE(feed(fx(kT0 + 2, 7.85, 7.85)).empty());
  EXPECT_EQ(engine_.pair(0).hk.bid, kHkRichBid);
  EXPECT_EQ(engine_.counts().opens, 0u);
}

TEST_F(SpreadEngineTest, ExitEqualToEnterClosesJustBelowIt) {
  Thresholds t = default_thresholds();
  t.exit_bps = t.enter_bps;
  use(t);
  ASSERT_EQ(price_pair0(kHkCheapBid, kHkCheapAsk).size(), 1u);
  // 97.5 / 97.0 − 1 = 51.5 bp − 17 = 34.5 bp: below 50, closes.
  const std::vector<Alert> a = feed(hk(0, kT0 + 1, 96.9, 97.0));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].reason, CloseReason::Reverted);
}

// ---- feed_down (the daemon's wall-clock watchdog) ---------------------------------

TEST_F(SpreadEngineTest, FeedDownClosesOpenBreachesAtTheLatestEventTime) {
  feed(fx(kT0, kFx, 7.8002));
  feed(adr(0, kT0 + 1 * kMs, kAdrBid, kAdrAsk, 300, 500));
  ASSERT_EQ(feed(hk(0, kT0 + 2 * kMs, kHkCheapBid, kHkCheapAsk, 800, 1200)).size(), 1u);
  engine_.set_feeds_down(2, 777);  // HK has no live source: no tick needed
  const std::vector<Alert> a = alerts_of(engine_);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, AlertKind::Close);
  EXPECT_EQ(a[0].reason, CloseReason::FeedDown);
  EXPECT_EQ(a[0].failed_legs, 2);  // the HK leg's venue
  EXPECT_EQ(reason_name(a[0].reason), "feed_down");
  EXPECT_EQ(a[0].ts_event, kT0 + 2 * kMs);  // the latest event ts seen: the stream stays ordered
  EXPECT_EQ(a[0].ts_recv, 777);
  EXPECT_EQ(engine_.gate_at(0, kT0 + 2 * kMs).reason, GateReason::FeedDown);
  engine_.set_feeds_down(2, 0);  // still down: nothing new
  EXPECT_TRUE(alerts_of(engine_).empty());
  // While down, fresh edge-wide quotes open nothing.
  EXPECT_TRUE(feed(hk(0, kT0 + 3 * kMs, kHkCheapBid, kHkCheapAsk, 800, 1200)).empty());
  EXPECT_EQ(engine_.pair(0).gate, GateReason::FeedDown);
  // Up again: evaluates nothing by itself; the next tick may open.
  engine_.set_feeds_down(0, 0);
  EXPECT_TRUE(alerts_of(engine_).empty());
  const std::vector<Alert> b = feed(hk(0, kT0 + 4 * kMs, kHkCheapBid, kHkCheapAsk, 800, 1200));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].kind, AlertKind::Open);
}

TEST_F(SpreadEngineTest, FeedDownComesAfterHaltedAndBeforeStale) {
  feed(fx(kT0, kFx, 7.8002));
  feed(adr(0, kT0, kAdrBid, kAdrAsk, 300, 500));
  feed(hk(0, kT0, kHkCheapBid, kHkCheapAsk, 800, 1200));
  engine_.set_feeds_down(1, 0);
  // Long after max_age: stale too, but feed_down comes first.
  EXPECT_EQ(engine_.gate_at(0, kT0 + 3600 * 1000 * kMs).reason, GateReason::FeedDown);
  EXPECT_EQ(gate_reason_name(GateReason::FeedDown), "feed_down");
  EXPECT_LT(static_cast<int>(GateReason::Halted), static_cast<int>(GateReason::FeedDown));
  EXPECT_LT(static_cast<int>(GateReason::FeedDown), static_cast<int>(GateReason::Stale));
}

}  // namespace
}  // namespace adrmon::test
