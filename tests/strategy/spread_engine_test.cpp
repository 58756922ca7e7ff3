// SpreadEngine: gating, ordering, FX fan-out, alert contents, reloads.
// Expected edges come from the contract formulas in engine_test_support.hpp.
#include "adrmon/strategy/spread_engine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine_test_support.hpp"

namespace adrmon {
namespace {

using test::adr;
using test::contract_buy_edge;
using test::contract_mid_premium;
using test::contract_sell_edge;
using test::fx;
using test::hk;
using test::kMaxAge;
using test::kMs;
using test::kT0;

// BABA/9988 (pair 0, ratio 8) at FX 7.8: the ADR bid is worth 100 × 7.8 ÷ 8
// = 97.5 HKD. HK at 97.4/97.5 is fair (both edges negative after 17 bp of
// costs); at 96.0/96.1 sell_adr opens (≈ +128.7 bp); at 99.0/99.1 buy_adr
// opens (≈ +134.8 bp).
constexpr double kFx = 7.8;
constexpr double kAdrBid = 100, kAdrAsk = 100.02;
constexpr double kHkFairBid = 97.4, kHkFairAsk = 97.5;
constexpr double kHkCheapBid = 96.0, kHkCheapAsk = 96.1;
constexpr double kHkRichBid = 99.0, kHkRichAsk = 99.1;

std::vector<Alert> alerts_of(const SpreadEngine& e) {
  return {e.alerts().begin(), e.alerts().end()};
}

class SpreadEngineTest : public ::testing::Test {
 protected:
  // Feeds a tick that must be accepted and returns the alerts it caused.
  std::vector<Alert> feed(const Tick& t) {
    EXPECT_EQ(reject_name(engine_.on_tick(t)), reject_name(Reject::None));
    return alerts_of(engine_);
  }
  // FX, ADR and fair HK for pair 0 at kT0: every leg seen, nothing open.
  void seed_pair0() {
    feed(fx(kT0, kFx, kFx));
    feed(adr(0, kT0, kAdrBid, kAdrAsk));
    ASSERT_TRUE(feed(hk(0, kT0, kHkFairBid, kHkFairAsk)).empty());
  }
  double sell_edge0(double hk_ask) const {
    return contract_sell_edge(kAdrBid, kFx, 8, hk_ask, 12, 0.05);
  }
  double buy_edge0(double hk_bid) const {
    return contract_buy_edge(kAdrAsk, kFx, 8, hk_bid, 12, 0.05);
  }

  Config config_ = test::engine_config();
  SpreadEngine engine_{config_};
};

// ---- gate -------------------------------------------------------------------

TEST_F(SpreadEngineTest, NoAlertUntilAdrHkAndFxHaveAllBeenSeen) {
  EXPECT_TRUE(feed(adr(0, kT0, kAdrBid, kAdrAsk)).empty());
  EXPECT_TRUE(feed(hk(0, kT0, kHkCheapBid, kHkCheapAsk)).empty());  // no FX yet
  const std::vector<Alert> a = feed(fx(kT0, kFx, kFx));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, AlertKind::Open);
  EXPECT_EQ(a[0].side, Side::SellAdr);
}

TEST_F(SpreadEngineTest, NoAlertWithoutTheHkLeg) {
  feed(fx(kT0, kFx, kFx));
  EXPECT_TRUE(feed(adr(0, kT0, 200, 200.02)).empty());  // wildly rich, but no HK quote
  EXPECT_FALSE(engine_.pair(0).machine[0].is_open());
}

TEST_F(SpreadEngineTest, NoAlertWithoutTheAdrLeg) {
  feed(fx(kT0, kFx, kFx));
  EXPECT_TRUE(feed(hk(0, kT0, 10, 10.01)).empty());
}

TEST_F(SpreadEngineTest, LegExactlyMaxAgeOldIsFresh) {
  feed(fx(kT0, kFx, kFx));
  feed(adr(0, kT0, kAdrBid, kAdrAsk));
  EXPECT_EQ(feed(hk(0, kT0 + kMaxAge, kHkCheapBid, kHkCheapAsk)).size(), 1u);
}

TEST_F(SpreadEngineTest, AdrLegOneNanosecondPastMaxAgeIsStale) {
  feed(adr(0, kT0, kAdrBid, kAdrAsk));
  feed(fx(kT0 + kMaxAge + 1, kFx, kFx));
  EXPECT_TRUE(feed(hk(0, kT0 + kMaxAge + 1, kHkCheapBid, kHkCheapAsk)).empty());
}

TEST_F(SpreadEngineTest, FxLegOneNanosecondPastMaxAgeIsStale) {
  feed(fx(kT0, kFx, kFx));
  feed(adr(0, kT0 + kMaxAge + 1, kAdrBid, kAdrAsk));
  EXPECT_TRUE(feed(hk(0, kT0 + kMaxAge + 1, kHkCheapBid, kHkCheapAsk)).empty());
}

TEST_F(SpreadEngineTest, HkLegOneNanosecondPastMaxAgeIsStale) {
  feed(fx(kT0, kFx, kFx));
  feed(hk(0, kT0, kHkCheapBid, kHkCheapAsk));
  feed(fx(kT0 + kMaxAge + 1, kFx, kFx));
  EXPECT_TRUE(feed(adr(0, kT0 + kMaxAge + 1, kAdrBid, kAdrAsk)).empty());
}

TEST_F(SpreadEngineTest, GateUsesThePairsOwnMaxAge) {
  Config c = test::engine_config();
  c.pairs[0].thresholds.max_age_ns = 10 * kMs;
  SpreadEngine e(c);
  ASSERT_EQ(e.on_tick(fx(kT0, kFx, kFx)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kT0, kAdrBid, kAdrAsk)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kT0 + 10 * kMs + 1, kHkCheapBid, kHkCheapAsk)), Reject::None);
  EXPECT_TRUE(e.alerts().empty());
}

// ---- FX fan-out and alert order -----------------------------------------------

TEST_F(SpreadEngineTest, FxTickEvaluatesEveryPair) {
  // Both pairs at parity at 7.80; at 7.89 the ADRs are worth 1.15 % more: both sell_adr open.
  feed(fx(kT0, 7.80, 7.80));
  feed(adr(0, kT0, 100, 100));
  feed(hk(0, kT0, 97.5, 97.5));
  feed(adr(1, kT0, 60, 60));
  ASSERT_TRUE(feed(hk(1, kT0, 234, 234)).empty());
  const std::uint64_t evaluations = engine_.counts().evaluations;
  const std::vector<Alert> a = feed(fx(kT0 + 1, 7.89, 7.89));
  EXPECT_EQ(engine_.counts().evaluations, evaluations + 2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].pair, 0u);
  EXPECT_EQ(a[1].pair, 1u);
  EXPECT_NEAR(a[0].edge_bps, contract_sell_edge(100, 7.89, 8, 97.5, 12, 0.05), 1e-9);
  EXPECT_NEAR(a[1].edge_bps, contract_sell_edge(60, 7.89, 2, 234, 12, 0.05), 1e-9);
}

TEST_F(SpreadEngineTest, FxTickAlertsAreOrderedByPairThenSellBeforeBuy) {
  // At 7.85 both ADRs are rich (sell_adr open); at 7.70 both are cheap: each
  // pair closes sell_adr (reverted) and opens buy_adr on the same FX tick.
  feed(fx(kT0, 7.85, 7.85));
  feed(adr(0, kT0, 100, 100));
  ASSERT_EQ(feed(hk(0, kT0, 97, 97)).size(), 1u);
  feed(adr(1, kT0, 60, 60));
  ASSERT_EQ(feed(hk(1, kT0, 232.8, 232.8)).size(), 1u);

  const std::vector<Alert> a = feed(fx(kT0 + 1, 7.70, 7.70));
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].pair, 0u);
  EXPECT_EQ(a[0].side, Side::SellAdr);
  EXPECT_EQ(a[0].kind, AlertKind::Close);
  EXPECT_EQ(a[0].reason, CloseReason::Reverted);
  EXPECT_EQ(a[1].pair, 0u);
  EXPECT_EQ(a[1].side, Side::BuyAdr);
  EXPECT_EQ(a[1].kind, AlertKind::Open);
  EXPECT_NEAR(a[1].edge_bps, contract_buy_edge(100, 7.70, 8, 97, 12, 0.05), 1e-9);
  EXPECT_EQ(a[2].pair, 1u);
  EXPECT_EQ(a[2].side, Side::SellAdr);
  EXPECT_EQ(a[2].kind, AlertKind::Close);
  EXPECT_EQ(a[3].pair, 1u);
  EXPECT_EQ(a[3].side, Side::BuyAdr);
  EXPECT_EQ(a[3].kind, AlertKind::Open);
  EXPECT_NEAR(a[3].edge_bps, contract_buy_edge(60, 7.70, 2, 232.8, 12, 0.05), 1e-9);
  for (const Alert& x : a) EXPECT_EQ(x.ts_event, kT0 + 1);
}

TEST_F(SpreadEngineTest, QuoteTickEvaluatesOnlyItsOwnPair) {
  seed_pair0();
  feed(adr(1, kT0, 60, 60));
  feed(hk(1, kT0, 234, 234));
  const std::uint64_t evaluations = engine_.counts().evaluations;
  feed(hk(0, kT0 + 1, kHkFairBid, kHkFairAsk));
  EXPECT_EQ(engine_.counts().evaluations, evaluations + 1);
}

// ---- ordering -------------------------------------------------------------------

TEST_F(SpreadEngineTest, OutOfOrderAdrTickIsRejectedAndChangesNothing) {
  seed_pair0();
  const LegQuote before = engine_.pair(0).adr;
  const EngineCounts counts = engine_.counts();
  // Were it accepted, this price would open sell_adr at once.
  EXPECT_EQ(engine_.on_tick(adr(0, kT0 - 1, 200, 200.02)), Reject::OutOfOrder);
  EXPECT_TRUE(engine_.alerts().empty());
  EXPECT_EQ(engine_.pair(0).adr.bid, before.bid);
  EXPECT_EQ(engine_.pair(0).adr.ask, before.ask);
  EXPECT_EQ(engine_.pair(0).adr.ts, before.ts);
  EXPECT_EQ(engine_.counts().accepted, counts.accepted);
  EXPECT_EQ(engine_.counts().evaluations, counts.evaluations);
  EXPECT_FALSE(engine_.pair(0).machine[0].is_open());
}

TEST_F(SpreadEngineTest, OutOfOrderHkTickIsRejected) {
  seed_pair0();
  EXPECT_EQ(engine_.on_tick(hk(0, kT0 - 1, kHkCheapBid, kHkCheapAsk)), Reject::OutOfOrder);
  EXPECT_TRUE(engine_.alerts().empty());
  EXPECT_EQ(engine_.pair(0).hk.ask, kHkFairAsk);
}

TEST_F(SpreadEngineTest, OutOfOrderFxTickIsRejectedAndEvaluatesNothing) {
  seed_pair0();
  const EngineCounts counts = engine_.counts();
  EXPECT_EQ(engine_.on_tick(fx(kT0 - 1, 7.85, 7.85)), Reject::OutOfOrder);
  EXPECT_TRUE(engine_.alerts().empty());
  EXPECT_EQ(engine_.fx().bid, kFx);
  EXPECT_EQ(engine_.fx().ts, kT0);
  EXPECT_EQ(engine_.counts().evaluations, counts.evaluations);
  EXPECT_EQ(engine_.counts().accepted, counts.accepted);
}

TEST_F(SpreadEngineTest, EqualTsIsAcceptedAndUpdates) {
  seed_pair0();
  const std::vector<Alert> a = feed(hk(0, kT0, kHkCheapBid, kHkCheapAsk));
  EXPECT_EQ(engine_.pair(0).hk.ask, kHkCheapAsk);
  EXPECT_EQ(a.size(), 1u);
}

TEST_F(SpreadEngineTest, OrderIsCheckedPerInstrument) {
  feed(fx(kT0 + 5, kFx, kFx));
  feed(adr(0, kT0 + 10, kAdrBid, kAdrAsk));
  // Earlier than the ADR and FX ticks, but the first HK tick: accepted.
  EXPECT_EQ(engine_.on_tick(hk(0, kT0 + 1, kHkFairBid, kHkFairAsk)), Reject::None);
  EXPECT_EQ(engine_.on_tick(adr(1, kT0 + 1, 60, 60)), Reject::None);
}

TEST_F(SpreadEngineTest, RejectedTickDoesNotRestartThePersistenceWait) {
  Thresholds t = test::default_thresholds();
  t.min_persist_ns = 100 * kMs;
  Config c = test::engine_config(t);
  SpreadEngine e(c);
  ASSERT_EQ(e.on_tick(fx(kT0, kFx, kFx)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kT0, kAdrBid, kAdrAsk)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kT0 + 10 * kMs, kHkCheapBid, kHkCheapAsk)), Reject::None);
  // Late HK tick at a fair price: had it been evaluated it would restart the wait.
  ASSERT_EQ(e.on_tick(hk(0, kT0 + 5 * kMs, kHkFairBid, kHkFairAsk)), Reject::OutOfOrder);
  ASSERT_EQ(e.on_tick(fx(kT0 + 110 * kMs, kFx, kFx)), Reject::None);
  ASSERT_EQ(e.alerts().size(), 1u);
  EXPECT_EQ(e.alerts()[0].kind, AlertKind::Open);
  EXPECT_EQ(e.alerts()[0].ts_event, kT0 + 110 * kMs);
}

TEST_F(SpreadEngineTest, PersistenceCountsEvaluationsFromFxTicksToo) {
  Thresholds t = test::default_thresholds();
  t.min_persist_ns = 100 * kMs;
  Config c = test::engine_config(t);
  SpreadEngine e(c);
  ASSERT_EQ(e.on_tick(fx(kT0, kFx, kFx)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kT0, kAdrBid, kAdrAsk)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kT0, kHkCheapBid, kHkCheapAsk)), Reject::None);
  ASSERT_TRUE(e.alerts().empty());
  ASSERT_EQ(e.on_tick(fx(kT0 + 99 * kMs, kFx, kFx)), Reject::None);
  EXPECT_TRUE(e.alerts().empty());
  ASSERT_EQ(e.on_tick(fx(kT0 + 100 * kMs, kFx, kFx)), Reject::None);
  EXPECT_EQ(e.alerts().size(), 1u);
}

TEST_F(SpreadEngineTest, UnknownInstrumentIsRejected) {
  seed_pair0();
  const EngineCounts counts = engine_.counts();
  EXPECT_EQ(engine_.on_tick(adr(2, kT0 + 1, 1, 2)), Reject::UnknownSymbol);
  EXPECT_EQ(engine_.on_tick(hk(7, kT0 + 1, 1, 2)), Reject::UnknownSymbol);
  EXPECT_TRUE(engine_.alerts().empty());
  EXPECT_EQ(engine_.counts().accepted, counts.accepted);
}

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
  // 100 × 7.8 ÷ 8 = 97.5; (97.5 / 96.1 − 1) × 1e4 = 145.68158168 bp; − 12 − 5.
  const double edge = contract_sell_edge(kAdrBid, kFx, 8, kHkCheapAsk, 12, 0.05);
  EXPECT_NEAR(edge, 145.68158168 - 17, 1e-6);
  EXPECT_NEAR(x.edge_bps, edge, 1e-9);
  EXPECT_NEAR(x.peak_edge_bps, edge, 1e-9);
  EXPECT_NEAR(x.mid_premium_bps,
              contract_mid_premium(kAdrBid, kAdrAsk, kHkCheapBid, kHkCheapAsk, kFx, 7.8002, 8),
              1e-9);
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
  // − 12 − 0.05 / 100.02 × 1e4 (= 4.99900020 bp).
  EXPECT_NEAR(a[0].edge_bps, 151.81579069 - 12 - 4.99900020, 1e-6);
  EXPECT_NEAR(a[0].edge_bps, buy_edge0(kHkRichBid), 1e-9);
  EXPECT_LT(a[0].mid_premium_bps, 0);  // ADR cheap
  // min(ADR ask size 500, HK bid size 800 ÷ 8 = 100) = 100 ADS at the ask.
  EXPECT_EQ(a[0].size_ads, 100);
  EXPECT_NEAR(a[0].notional_usd, 10002, 1e-9);
}

TEST_F(SpreadEngineTest, FractionalRatioSizesInAds) {
  Config c = test::engine_config();
  c.pairs[0].ratio = 0.5;  // 2 ADS = 1 share: HK size ÷ 0.5
  SpreadEngine e(c);
  // ADR bid worth 100 × 7.8 ÷ 0.5 = 1560 HKD; HK ask 1500.
  ASSERT_EQ(e.on_tick(fx(kT0, kFx, kFx)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kT0, 100, 100.02, 1000, 1000)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kT0, 1499, 1500, 0, 30)), Reject::None);
  ASSERT_EQ(e.alerts().size(), 1u);
  EXPECT_EQ(e.alerts()[0].size_ads, 60);  // min(1000, 30 ÷ 0.5)
  EXPECT_EQ(e.alerts()[0].notional_usd, 6000);
  EXPECT_NEAR(e.alerts()[0].edge_bps, contract_sell_edge(100, kFx, 0.5, 1500, 12, 0.05), 1e-9);
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
  EXPECT_NEAR(x.peak_edge_bps, sell_edge0(95.1), 1e-9);
  EXPECT_NEAR(x.edge_bps, sell_edge0(kHkFairAsk), 1e-9);  // −17 bp
  EXPECT_NEAR(x.edge_bps, -17, 1e-9);
  EXPECT_EQ(x.hk_ask, kHkFairAsk);
  EXPECT_EQ(x.size_ads, 0);
  EXPECT_EQ(x.notional_usd, 0);
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
  EXPECT_NEAR(x.peak_edge_bps, sell_edge0(kHkCheapAsk), 1e-9);
  EXPECT_EQ(x.adr_ts, kT0);
  EXPECT_EQ(x.fx_ts, kT0 + kMaxAge + 1);
  EXPECT_EQ(x.ts_event, kT0 + kMaxAge + 1);
}

TEST_F(SpreadEngineTest, StaleLegClosesEvenWhenTheEdgeStillHolds) {
  seed_pair0();
  ASSERT_EQ(feed(hk(0, kT0, kHkCheapBid, kHkCheapAsk)).size(), 1u);
  // A fresh HK tick at the same dislocated price, but ADR and FX are too old.
  const std::vector<Alert> a = feed(hk(0, kT0 + kMaxAge + 1, kHkCheapBid, kHkCheapAsk));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].reason, CloseReason::Stale);
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
  Config c = test::engine_config();
  c.pairs[0].fungible = false;
  SpreadEngine e(c);
  ASSERT_EQ(e.on_tick(fx(kT0, kFx, kFx)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kT0, kAdrBid, kAdrAsk)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kT0, kHkCheapBid, kHkCheapAsk)), Reject::None);
  EXPECT_TRUE(e.alerts().empty());
  ASSERT_EQ(e.on_tick(hk(0, kT0 + 1, kHkRichBid, kHkRichAsk)), Reject::None);
  EXPECT_TRUE(e.alerts().empty());
  ASSERT_EQ(e.on_tick(fx(kT0 + 2, 7.85, 7.85)), Reject::None);
  EXPECT_TRUE(e.alerts().empty());
  EXPECT_EQ(e.pair(0).hk.bid, kHkRichBid);
  EXPECT_EQ(e.counts().opens, 0u);
}

TEST_F(SpreadEngineTest, ExitEqualToEnterClosesJustBelowIt) {
  Thresholds t = test::default_thresholds();
  t.exit_bps = t.enter_bps;
  Config c = test::engine_config(t);
  SpreadEngine e(c);
  ASSERT_EQ(e.on_tick(fx(kT0, kFx, kFx)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kT0, kAdrBid, kAdrAsk)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kT0, kHkCheapBid, kHkCheapAsk)), Reject::None);
  ASSERT_EQ(e.alerts().size(), 1u);
  // 97.5 / 97.0 − 1 = 51.5 bp − 17 = 34.5 bp: below 50, closes.
  ASSERT_EQ(e.on_tick(hk(0, kT0 + 1, 96.9, 97.0)), Reject::None);
  ASSERT_EQ(e.alerts().size(), 1u);
  EXPECT_EQ(e.alerts()[0].reason, CloseReason::Reverted);
}

// ---- apply_thresholds ---------------------------------------------------------------

TEST_F(SpreadEngineTest, ApplyThresholdsKeepsQuotesAndOpenBreaches) {
  seed_pair0();
  ASSERT_EQ(feed(hk(0, kT0 + 1, kHkCheapBid, kHkCheapAsk)).size(), 1u);
  Thresholds t = test::default_thresholds();
  t.enter_bps = 300;
  t.exit_bps = 200;  // above the current ≈128.7 bp edge
  const Config next = test::engine_config(t);
  ASSERT_TRUE(engine_.apply_thresholds(next));
  EXPECT_TRUE(engine_.pair(0).machine[0].is_open());
  EXPECT_EQ(engine_.pair(0).machine[0].open_ts(), kT0 + 1);
  EXPECT_EQ(engine_.pair(0).hk.ask, kHkCheapAsk);
  EXPECT_EQ(engine_.pair(0).adr.bid, kAdrBid);
  EXPECT_EQ(engine_.fx().bid, kFx);
  EXPECT_EQ(engine_.pair(0).thresholds.exit_bps, 200);
  // Same prices, new exit: the open breach now reverts.
  const std::vector<Alert> a = feed(hk(0, kT0 + 2, kHkCheapBid, kHkCheapAsk));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].reason, CloseReason::Reverted);
  EXPECT_EQ(a[0].open_ts, kT0 + 1);
}

TEST_F(SpreadEngineTest, ApplyThresholdsRecomputesTheConversionFee) {
  seed_pair0();
  Thresholds t = test::default_thresholds();
  t.conversion_fee_usd = 0.5;  // 50 bp on a US$100 ADS
  ASSERT_TRUE(engine_.apply_thresholds(test::engine_config(t)));
  // No new ADR tick: the fee must still be the new one.
  const std::vector<Alert> a = feed(hk(0, kT0 + 1, kHkCheapBid, kHkCheapAsk));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_NEAR(a[0].edge_bps, contract_sell_edge(kAdrBid, kFx, 8, kHkCheapAsk, 12, 0.5), 1e-9);
}

TEST_F(SpreadEngineTest, ApplyThresholdsRefusesADifferentPairCount) {
  Config next = test::engine_config();
  next.pairs.pop_back();
  next.pairs[0].thresholds.enter_bps = 999;
  EXPECT_FALSE(engine_.apply_thresholds(next));
  EXPECT_EQ(engine_.pair(0).thresholds.enter_bps, 50);
}

TEST_F(SpreadEngineTest, ApplyThresholdsRefusesAChangedRatio) {
  Config next = test::engine_config();
  next.pairs[1].ratio = 3;
  next.pairs[0].thresholds.enter_bps = 999;
  EXPECT_FALSE(engine_.apply_thresholds(next));
  EXPECT_EQ(engine_.pair(0).thresholds.enter_bps, 50);  // nothing changed, not even pair 0
}

// BUG (strategy/src/spread_engine.cpp, SpreadEngine::apply_thresholds): the
// header promises false unless `next` lists the same pairs in the same order,
// but only the count and ratios are compared (the engine keeps no symbols), so
// a reload that swaps two pairs of equal ratio is accepted and each pair's
// quotes and open breaches are silently relabelled.
TEST_F(SpreadEngineTest, ApplyThresholdsRefusesReorderedPairs) {
  Config two_equal = test::engine_config();
  two_equal.pairs[0] = test::make_pair("JD", "9618", 2, test::default_thresholds());
  two_equal.pairs[1] = test::make_pair("XPEV", "9868", 2, test::default_thresholds());
  SpreadEngine e(two_equal);
  Config swapped = two_equal;
  std::swap(swapped.pairs[0], swapped.pairs[1]);
  EXPECT_FALSE(e.apply_thresholds(swapped));
}

}  // namespace
}  // namespace adrmon

namespace adrmon {
namespace {

// ---- per-side thresholds ------------------------------------------------------

// sell_adr at ≈ +128.7 bp and buy_adr at ≈ +134.8 bp (see the fixture above):
// a sell_adr bar of 130 keeps the premium side shut while the generic 50 lets
// the discount side open.
TEST(SpreadEnginePerSide, EachSideUsesItsOwnEnterThreshold) {
  Thresholds t = test::default_thresholds();
  t.side_enter_bps[0] = 130;  // sell_adr
  Config c = test::engine_config(t);
  SpreadEngine e(c);
  ASSERT_EQ(e.on_tick(fx(kT0, 7.8, 7.8)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kT0, 100, 100.02)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kT0 + 1, 96.0, 96.1)), Reject::None);  // sell_adr ≈ +128.7
  EXPECT_TRUE(e.alerts().empty());
  ASSERT_EQ(e.on_tick(hk(0, kT0 + 2, 99.0, 99.1)), Reject::None);  // buy_adr ≈ +134.8
  ASSERT_EQ(e.alerts().size(), 1u);
  EXPECT_EQ(e.alerts()[0].side, Side::BuyAdr);
  EXPECT_EQ(e.alerts()[0].kind, AlertKind::Open);
}

TEST(SpreadEnginePerSide, EachSideUsesItsOwnExitThreshold) {
  Thresholds t = test::default_thresholds();
  t.side_exit_bps[1] = 134;  // buy_adr closes as soon as the edge dips below 134
  Config c = test::engine_config(t);
  SpreadEngine e(c);
  ASSERT_EQ(e.on_tick(fx(kT0, 7.8, 7.8)), Reject::None);
  ASSERT_EQ(e.on_tick(adr(0, kT0, 100, 100.02)), Reject::None);
  ASSERT_EQ(e.on_tick(hk(0, kT0 + 1, 99.0, 99.1)), Reject::None);
  ASSERT_EQ(e.alerts().size(), 1u);  // open at ≈ +134.8
  ASSERT_EQ(e.on_tick(hk(0, kT0 + 2, 98.99, 99.1)), Reject::None);  // ≈ +133.8: below 134
  ASSERT_EQ(e.alerts().size(), 1u);
  EXPECT_EQ(e.alerts()[0].reason, CloseReason::Reverted);
}

}  // namespace
}  // namespace adrmon
