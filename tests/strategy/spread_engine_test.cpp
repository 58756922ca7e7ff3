// SpreadEngine: gating, ordering, FX fan-out, reloads and per-side bars
// (what the alerts carry: spread_engine_alerts_test.cpp), and the FX scan
// against the scalar evaluation of every pair (fx_differential.hpp). Expected edges come
// from the contract formulas in pricing_contract.hpp and are compared bit for
// bit (EXPECT_EQ): the engine evaluates them in the contract's order.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "fx_differential.hpp"
#include "spread_engine_fixture.hpp"

namespace adrmon::test {
namespace {

void expect_alert(const Alert& a, PairId pair, Side side, AlertKind kind) {
  EXPECT_EQ(a.pair, pair);
  EXPECT_EQ(a.side, side);
  EXPECT_EQ(a.kind, kind);
}

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
  Config c = two_pair_config();
  c.pairs[0].thresholds.max_age_ns = 10 * kMs;
  use(c);
  EXPECT_TRUE(price_pair0(kHkCheapBid, kHkCheapAsk, kT0 + 10 * kMs + 1).empty());
}

// ---- FX fan-out and alert order -----------------------------------------------

TEST_F(SpreadEngineTest, FxTickEvaluatesEveryPair) {
  // Both pairs at parity at 7.80; at 7.89 the ADRs are worth 1.15 % more: both sell_adr open.
  feed(fx(kT0, 7.80, 7.80));
  feed(adr(0, kT0, 100, 100));
  feed(hk(0, kT0, 97.5, 97.5));
  feed(adr(1, kT0, 60, 60));
  ASSERT_TRUE(feed(hk(1, kT0, 234, 234)).empty());
  const std::vector<Alert> a = feed(fx(kT0 + 1, 7.89, 7.89));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].pair, 0u);
  EXPECT_EQ(a[1].pair, 1u);
  EXPECT_EQ(a[0].edge_bps, contract_sell_edge(100, 7.89, 8, 97.5, 12, 0.05));
  EXPECT_EQ(a[1].edge_bps, contract_sell_edge(60, 7.89, 2, 234, 12, 0.05));
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
  expect_alert(a[0], 0, Side::SellAdr, AlertKind::Close);
  EXPECT_EQ(a[0].reason, CloseReason::Reverted);
  expect_alert(a[1], 0, Side::BuyAdr, AlertKind::Open);
  EXPECT_EQ(a[1].edge_bps, contract_buy_edge(100, 7.70, 8, 97, 12, 0.05));
  expect_alert(a[2], 1, Side::SellAdr, AlertKind::Close);
  EXPECT_EQ(a[2].reason, CloseReason::Reverted);
  expect_alert(a[3], 1, Side::BuyAdr, AlertKind::Open);
  EXPECT_EQ(a[3].edge_bps, contract_buy_edge(60, 7.70, 2, 232.8, 12, 0.05));
  for (const Alert& x : a) EXPECT_EQ(x.ts_event, kT0 + 1);
}

TEST_F(SpreadEngineTest, QuoteTickEvaluatesOnlyItsOwnPair) {
  // Pair 1 opens sell_adr at kT0 (60 × 7.8 ÷ 2 = 234 against an HK ask of
  // 230). Pair 0's quotes max_age + 1 ns later would close it stale if they
  // evaluated pair 1; only the FX tick that follows does.
  feed(fx(kT0, kFx, kFx));
  feed(adr(1, kT0, 60, 60));
  ASSERT_EQ(feed(hk(1, kT0, 230, 230)).size(), 1u);
  const std::int64_t late = kT0 + kMaxAge + 1;
  EXPECT_TRUE(feed(adr(0, late, kAdrBid, kAdrAsk)).empty());
  EXPECT_TRUE(feed(hk(0, late, kHkFairBid, kHkFairAsk)).empty());
  EXPECT_TRUE(engine_.pair(1).machine[0].is_open());
  const std::vector<Alert> a = feed(fx(late, kFx, kFx));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].pair, 1u);
  EXPECT_EQ(a[0].reason, CloseReason::Stale);
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
  EXPECT_FALSE(engine_.pair(0).machine[0].is_open());
}

TEST_F(SpreadEngineTest, OutOfOrderHkTickIsRejected) {
  seed_pair0();
  EXPECT_EQ(engine_.on_tick(hk(0, kT0 - 1, kHkCheapBid, kHkCheapAsk)), Reject::OutOfOrder);
  EXPECT_TRUE(engine_.alerts().empty());
  EXPECT_EQ(engine_.pair(0).hk.ask, kHkFairAsk);
}

TEST_F(SpreadEngineTest, OutOfOrderFxTickIsRejectedAndChangesNothing) {
  seed_pair0();
  const EngineCounts counts = engine_.counts();
  // At 7.85 the ADR would be rich enough to open sell_adr, were it accepted.
  EXPECT_EQ(engine_.on_tick(fx(kT0 - 1, 7.85, 7.85)), Reject::OutOfOrder);
  EXPECT_TRUE(engine_.alerts().empty());
  EXPECT_EQ(engine_.fx().bid, kFx);
  EXPECT_EQ(engine_.fx().ts, kT0);
  EXPECT_EQ(engine_.counts().accepted, counts.accepted);
  EXPECT_FALSE(engine_.pair(0).machine[0].is_open());
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

Thresholds persist_100ms() {
  Thresholds t = default_thresholds();
  t.min_persist_ns = 100 * kMs;
  return t;
}

TEST_F(SpreadEngineTest, RejectedTickDoesNotRestartThePersistenceWait) {
  use(persist_100ms());
  ASSERT_TRUE(price_pair0(kHkCheapBid, kHkCheapAsk, kT0 + 10 * kMs).empty());
  // Late HK tick at a fair price: had it been evaluated it would restart the wait.
  ASSERT_EQ(engine_.on_tick(hk(0, kT0 + 5 * kMs, kHkFairBid, kHkFairAsk)), Reject::OutOfOrder);
  const std::vector<Alert> a = feed(fx(kT0 + 110 * kMs, kFx, kFx));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, AlertKind::Open);
  EXPECT_EQ(a[0].ts_event, kT0 + 110 * kMs);
}

TEST_F(SpreadEngineTest, PersistenceCountsEvaluationsFromFxTicksToo) {
  use(persist_100ms());
  ASSERT_TRUE(price_pair0(kHkCheapBid, kHkCheapAsk).empty());
  EXPECT_TRUE(feed(fx(kT0 + 99 * kMs, kFx, kFx)).empty());
  EXPECT_EQ(feed(fx(kT0 + 100 * kMs, kFx, kFx)).size(), 1u);
}

TEST_F(SpreadEngineTest, UnknownInstrumentIsRejected) {
  seed_pair0();
  const EngineCounts counts = engine_.counts();
  EXPECT_EQ(engine_.on_tick(adr(2, kT0 + 1, 1, 2)), Reject::UnknownSymbol);
  EXPECT_EQ(engine_.on_tick(hk(7, kT0 + 1, 1, 2)), Reject::UnknownSymbol);
  EXPECT_TRUE(engine_.alerts().empty());
  EXPECT_EQ(engine_.counts().accepted, counts.accepted);
}

// ---- apply_thresholds ---------------------------------------------------------------

TEST_F(SpreadEngineTest, ApplyThresholdsKeepsQuotesAndOpenBreaches) {
  seed_pair0();
  ASSERT_EQ(feed(hk(0, kT0 + 1, kHkCheapBid, kHkCheapAsk)).size(), 1u);
  Thresholds t = default_thresholds();
  t.enter_bps = 300;
  t.exit_bps = 200;  // above the current ≈128.7 bp edge
  const Config next = two_pair_config(t);
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
  Thresholds t = default_thresholds();
  t.conversion_fee_usd = 0.5;  // 50 bp on a US$100 ADS
  ASSERT_TRUE(engine_.apply_thresholds(two_pair_config(t)));
  // No new ADR tick: the fee must still be the new one.
  const std::vector<Alert> a = feed(hk(0, kT0 + 1, kHkCheapBid, kHkCheapAsk));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].edge_bps, contract_sell_edge(kAdrBid, kFx, 8, kHkCheapAsk, 12, 0.5));
}

TEST_F(SpreadEngineTest, ApplyThresholdsRefusesADifferentPairCount) {
  Config next = two_pair_config();
  next.pairs.pop_back();
  next.pairs[0].thresholds.enter_bps = 999;
  EXPECT_FALSE(engine_.apply_thresholds(next));
  EXPECT_EQ(engine_.pair(0).thresholds.enter_bps, 50);
}

TEST_F(SpreadEngineTest, ApplyThresholdsRefusesAChangedRatio) {
  Config next = two_pair_config();
  next.pairs[1].ratio = 3;
  next.pairs[0].thresholds.enter_bps = 999;
  EXPECT_FALSE(engine_.apply_thresholds(next));
  EXPECT_EQ(engine_.pair(0).thresholds.enter_bps, 50);  // nothing changed, not even pair 0
}

// Two pairs of equal ratio swapped: counts and ratios match, only the names
// tell, and accepting it would relabel each pair's quotes and open breaches.
TEST_F(SpreadEngineTest, ApplyThresholdsRefusesReorderedPairs) {
  Config two_equal = empty_config();
  two_equal.pairs.push_back(make_pair("JD", "9618", 2));
  two_equal.pairs.push_back(make_pair("XPEV", "9868", 2));
  use(two_equal);
  Config swapped = two_equal;
  std::swap(swapped.pairs[0], swapped.pairs[1]);
  EXPECT_FALSE(engine_.apply_thresholds(swapped));
}

TEST_F(SpreadEngineTest, ApplyThresholdsRefusesAFlippedFungibility) {
  Config next = two_pair_config();
  next.pairs[1].fungible = false;
  next.pairs[0].thresholds.enter_bps = 999;
  EXPECT_FALSE(engine_.apply_thresholds(next));
  EXPECT_EQ(engine_.pair(0).thresholds.enter_bps, 50);
}

// ---- per-side thresholds ------------------------------------------------------

// sell_adr at ≈ +128.7 bp and buy_adr at ≈ +134.8 bp (see the constants
// above): a sell_adr bar of 130 keeps the premium side shut while the generic
// 50 lets the discount side open.
TEST_F(SpreadEngineTest, EachSideUsesItsOwnEnterThreshold) {
  Thresholds t = default_thresholds();
  t.side_enter_bps[0] = 130;  // sell_adr
  use(t);
  EXPECT_TRUE(price_pair0(kHkCheapBid, kHkCheapAsk, kT0 + 1).empty());        // sell_adr ≈ +128.7
  const std::vector<Alert> a = feed(hk(0, kT0 + 2, kHkRichBid, kHkRichAsk));  // buy_adr ≈ +134.8
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].side, Side::BuyAdr);
  EXPECT_EQ(a[0].kind, AlertKind::Open);
}

TEST_F(SpreadEngineTest, EachSideUsesItsOwnExitThreshold) {
  Thresholds t = default_thresholds();
  t.side_exit_bps[1] = 134;  // buy_adr closes as soon as the edge dips below 134
  use(t);
  ASSERT_EQ(price_pair0(kHkRichBid, kHkRichAsk, kT0 + 1).size(), 1u);    // open at ≈ +134.8
  const std::vector<Alert> a = feed(hk(0, kT0 + 2, 98.99, kHkRichAsk));  // ≈ +133.8: below 134
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].reason, CloseReason::Reverted);
}

// ---- the FX scan (FxLanes) against every pair evaluated one by one ---------

// A random stream around parity that crosses every bar: quotes, FX, halts,
// stale gaps, wild prints (suspect), out-of-order ticks, feed_down, a reload
// and a ratio change; the lanes engine must match the scalar one after every
// call. 1 pair, 5 (one partial block) and 70 (two bitmap words); with
// calendars that shut HK every few minutes, 5 again.
void run_differential(std::size_t n, std::uint32_t seed, SpreadEngine::FxPath path,
                      bool calendars = false) {
  const std::int64_t t_change = kT0 + 400'000 * kMs;
  Config config = differential_config(n, t_change);
  if (calendars) add_toggling_calendars(config);
  SpreadEngine lanes(config);
  lanes.set_fx_path(path);
  ASSERT_EQ(lanes.fx_path(), path);
  SpreadEngine scalar(config);
  scalar.set_fx_path(SpreadEngine::FxPath::Scalar);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> adr_mid(n, 100);
  double fx_mid = 7.8;
  std::int64_t t = kT0;
  std::uint8_t feeds = 0;
  std::size_t opens = 0, suspects = 0, session_closes = 0;
  for (int step = 0; step < 20000; ++step) {
    t += static_cast<std::int64_t>(u(rng) * 60 * kMs);
    if (u(rng) < 0.003) t += 2500 * kMs;  // everything goes stale
    const std::string where = "n=" + std::to_string(n) + " step " + std::to_string(step);
    const double r = u(rng);
    if (r < 0.004) {
      feeds = feeds != 0 ? 0 : 2;
      const std::int64_t recv = t / 1000 + step;
      lanes.set_feeds_down(feeds, recv);
      scalar.set_feeds_down(feeds, recv);
    } else if (step == 10000) {
      Config next = config;
      for (PairConfig& p : next.pairs) {
        p.thresholds.enter_bps += 5;
        p.thresholds.cost_bps += 1;
        p.thresholds.max_age_ns -= 300 * kMs;
      }
      ASSERT_TRUE(lanes.apply_thresholds(next)) << where;
      ASSERT_TRUE(scalar.apply_thresholds(next)) << where;
    } else {
      Tick tick{};
      if (r < 0.4) {
        fx_mid += (u(rng) - 0.5) * 0.004;
        tick = fx(t, fx_mid - 0.0002, fx_mid + 0.0002);
      } else {
        const auto id = static_cast<PairId>(rng() % n);
        const double ratio = config.pairs[id].ratio;
        if (u(rng) < 0.5) {
          adr_mid[id] *= 1 + (u(rng) - 0.5) * 0.004;
          tick = adr(id, t, adr_mid[id] * (1 - 1e-4), adr_mid[id] * (1 + 1e-4),
                     100 + std::floor(u(rng) * 900), 100 + std::floor(u(rng) * 900));
        } else {
          const double par = adr_mid[id] * fx_mid / ratio * (1 + (u(rng) - 0.5) * 0.016);
          const double wild = u(rng) < 0.01 ? 0.6 : 1;
          tick = hk(id, t, par * wild * (1 - 1e-4), par * (1 + 1e-4),
                    1000 + std::floor(u(rng) * 9000), 1000 + std::floor(u(rng) * 9000));
        }
        const double k = u(rng);
        if (k < 0.03) tick.kind = k < 0.015 ? TickKind::Halted : TickKind::Trading;
      }
      if (u(rng) < 0.01) tick.ts_event -= 200 * kMs;  // out of order for its leg, maybe
      ASSERT_EQ(lanes.on_tick(tick), scalar.on_tick(tick)) << where;
    }
    expect_same_engines(lanes, scalar, where);
    if (::testing::Test::HasFailure()) return;
    for (const Alert& a : lanes.alerts()) {
      opens += a.kind == AlertKind::Open;
      session_closes += a.kind == AlertKind::Close && a.reason == CloseReason::Session;
    }
    suspects += lanes.suspects().size();
  }
  // The stream did exercise the machines, the suspect gate and the sessions.
  EXPECT_GT(opens, n) << "n=" << n;
  EXPECT_GT(suspects, 0u) << "n=" << n;
  if (calendars) {
    EXPECT_GT(session_closes, 0u) << "n=" << n;
  }
}

TEST(FxLanes, EveryCallMatchesTheScalarEvaluationOfEveryPair) {
  if (best_fx_isa() == FxIsa::None) GTEST_SKIP() << "no AVX2: the engine evaluates every pair";
  for (const auto path : {SpreadEngine::FxPath::Avx2, SpreadEngine::FxPath::Avx512}) {
    if (path == SpreadEngine::FxPath::Avx512 && best_fx_isa() != FxIsa::Avx512) continue;
    SCOPED_TRACE(path == SpreadEngine::FxPath::Avx2 ? "AVX2" : "AVX-512");
    run_differential(1, 1, path);
    run_differential(5, 2, path);
    run_differential(70, 3, path);
    run_differential(5, 4, path, true);
  }
}

}  // namespace
}  // namespace adrmon::test
