// BreachMachine: every transition of one (pair, side), in event time.
#include "adrmon/strategy/breach_machine.hpp"

#include <gtest/gtest.h>

namespace adrmon {
namespace {

constexpr std::int64_t kMs = 1'000'000;

Thresholds thresholds(double enter, double exit, std::int64_t min_persist_ns = 0) {
  Thresholds t;
  t.enter_bps = enter;
  t.exit_bps = exit;
  t.max_age_ns = 3000 * kMs;
  t.min_persist_ns = min_persist_ns;
  return t;
}

const Thresholds kTh = thresholds(50, 20);

TEST(BreachMachine, StartsClosed) {
  const BreachMachine m;
  EXPECT_FALSE(m.is_open());
  EXPECT_EQ(m.waiting_since(), BreachMachine::kNever);
}

TEST(BreachMachine, OpensWhenEdgeReachesEnterExactly) {
  BreachMachine m;
  EXPECT_EQ(m.step(true, 50.0, 100, kTh), Transition::Open);
  EXPECT_TRUE(m.is_open());
  EXPECT_EQ(m.open_ts(), 100);
  EXPECT_EQ(m.peak_edge_bps(), 50.0);
}

TEST(BreachMachine, StaysClosedBelowEnter) {
  BreachMachine m;
  EXPECT_EQ(m.step(true, 49.999, 100, kTh), Transition::None);
  EXPECT_FALSE(m.is_open());
}

TEST(BreachMachine, StaysClosedWhenGateFailsWhateverTheEdge) {
  BreachMachine m;
  EXPECT_EQ(m.step(false, 1000.0, 100, kTh), Transition::None);
  EXPECT_FALSE(m.is_open());
}

TEST(BreachMachine, StaysOpenWhileEdgeAtOrAboveExit) {
  BreachMachine m;
  ASSERT_EQ(m.step(true, 60, 100, kTh), Transition::Open);
  EXPECT_EQ(m.step(true, 30, 200, kTh), Transition::None);  // between exit and enter
  EXPECT_EQ(m.step(true, 20, 300, kTh), Transition::None);  // exactly exit
  EXPECT_TRUE(m.is_open());
}

TEST(BreachMachine, ClosesRevertedWhenEdgeFallsBelowExit) {
  BreachMachine m;
  ASSERT_EQ(m.step(true, 60, 100, kTh), Transition::Open);
  EXPECT_EQ(m.step(true, 19.999, 200, kTh), Transition::CloseReverted);
  EXPECT_FALSE(m.is_open());
  EXPECT_EQ(m.open_ts(), 100);  // still readable for the close alert
}

TEST(BreachMachine, ClosesStaleWhenGateFailsEvenWithAGoodEdge) {
  BreachMachine m;
  ASSERT_EQ(m.step(true, 60, 100, kTh), Transition::Open);
  EXPECT_EQ(m.step(false, 500, 200, kTh), Transition::CloseStale);
  EXPECT_FALSE(m.is_open());
}

TEST(BreachMachine, StaleTakesPrecedenceOverReverted) {
  BreachMachine m;
  ASSERT_EQ(m.step(true, 60, 100, kTh), Transition::Open);
  EXPECT_EQ(m.step(false, -100, 200, kTh), Transition::CloseStale);
}

TEST(BreachMachine, PeakTracksTheHighestEdgeWhileOpen) {
  BreachMachine m;
  ASSERT_EQ(m.step(true, 60, 100, kTh), Transition::Open);
  EXPECT_EQ(m.peak_edge_bps(), 60);
  m.step(true, 90, 200, kTh);
  EXPECT_EQ(m.peak_edge_bps(), 90);
  m.step(true, 70, 300, kTh);
  EXPECT_EQ(m.peak_edge_bps(), 90);
  // The closing evaluation is excluded (its edge is below exit anyway).
  EXPECT_EQ(m.step(true, 10, 400, kTh), Transition::CloseReverted);
  EXPECT_EQ(m.peak_edge_bps(), 90);
}

TEST(BreachMachine, PeakStartsAfreshOnTheNextOpen) {
  BreachMachine m;
  ASSERT_EQ(m.step(true, 90, 100, kTh), Transition::Open);
  ASSERT_EQ(m.step(true, 0, 200, kTh), Transition::CloseReverted);
  ASSERT_EQ(m.step(true, 55, 300, kTh), Transition::Open);
  EXPECT_EQ(m.peak_edge_bps(), 55);
  EXPECT_EQ(m.open_ts(), 300);
}

TEST(BreachMachine, ExitEqualToEnterIsAllowed) {
  const Thresholds th = thresholds(50, 50);
  BreachMachine m;
  ASSERT_EQ(m.step(true, 50, 100, th), Transition::Open);
  EXPECT_EQ(m.step(true, 50, 200, th), Transition::None);
  EXPECT_EQ(m.step(true, 49.99, 300, th), Transition::CloseReverted);
  EXPECT_EQ(m.step(true, 50, 400, th), Transition::Open);
}

TEST(BreachMachine, ClosingEvaluationNeverReopens) {
  // Even with exit == enter and no persistence, the close stands for this
  // evaluation; the next qualifying one opens.
  const Thresholds th = thresholds(50, 50);
  BreachMachine m;
  ASSERT_EQ(m.step(true, 80, 100, th), Transition::Open);
  EXPECT_EQ(m.step(false, 80, 200, th), Transition::CloseStale);
  EXPECT_FALSE(m.is_open());
  EXPECT_EQ(m.waiting_since(), BreachMachine::kNever);
  EXPECT_EQ(m.step(true, 80, 300, th), Transition::Open);
  EXPECT_EQ(m.open_ts(), 300);
}

TEST(BreachMachine, MinPersistOpensOnlyOnceTheEdgeHasHeldThatLong) {
  const Thresholds th = thresholds(50, 20, 100 * kMs);
  const std::int64_t s = 1'000 * kMs;
  BreachMachine m;
  EXPECT_EQ(m.step(true, 60, s, th), Transition::None);
  EXPECT_EQ(m.waiting_since(), s);
  EXPECT_EQ(m.step(true, 70, s + 50 * kMs, th), Transition::None);
  EXPECT_EQ(m.step(true, 60, s + 100 * kMs - 1, th), Transition::None);
  EXPECT_FALSE(m.is_open());
  EXPECT_EQ(m.step(true, 55, s + 100 * kMs, th), Transition::Open);  // t − s == min_persist
  EXPECT_EQ(m.open_ts(), s + 100 * kMs);
  EXPECT_EQ(m.peak_edge_bps(), 55);  // the opening evaluation's edge
}

TEST(BreachMachine, MinPersistOpensAtTheFirstEvaluationPastTheWait) {
  const Thresholds th = thresholds(50, 20, 100 * kMs);
  BreachMachine m;
  EXPECT_EQ(m.step(true, 60, 0 + 1, th), Transition::None);
  EXPECT_EQ(m.step(true, 60, 1 + 250 * kMs, th), Transition::Open);
}

TEST(BreachMachine, MinPersistWaitRestartsAfterALowEdge) {
  const Thresholds th = thresholds(50, 20, 100 * kMs);
  BreachMachine m;
  EXPECT_EQ(m.step(true, 60, 1 * kMs, th), Transition::None);
  EXPECT_EQ(m.step(true, 49, 50 * kMs, th), Transition::None);  // restarts the wait
  EXPECT_EQ(m.waiting_since(), BreachMachine::kNever);
  EXPECT_EQ(m.step(true, 60, 60 * kMs, th), Transition::None);
  EXPECT_EQ(m.waiting_since(), 60 * kMs);
  EXPECT_EQ(m.step(true, 60, 101 * kMs, th),
            Transition::None);  // 100 ms after the first, not the restart
  EXPECT_EQ(m.step(true, 60, 159 * kMs, th), Transition::None);
  EXPECT_EQ(m.step(true, 60, 160 * kMs, th), Transition::Open);
}

TEST(BreachMachine, MinPersistWaitRestartsAfterAFailedGate) {
  const Thresholds th = thresholds(50, 20, 100 * kMs);
  BreachMachine m;
  EXPECT_EQ(m.step(true, 60, 1 * kMs, th), Transition::None);
  EXPECT_EQ(m.step(false, 60, 50 * kMs, th), Transition::None);
  EXPECT_EQ(m.step(true, 60, 101 * kMs, th), Transition::None);
  EXPECT_EQ(m.step(true, 60, 201 * kMs, th), Transition::Open);
}

TEST(BreachMachine, MinPersistZeroOpensAtOnce) {
  BreachMachine m;
  EXPECT_EQ(m.step(true, 50, 7, thresholds(50, 20, 0)), Transition::Open);
}

TEST(BreachMachine, MinPersistAppliesAgainAfterAClose) {
  const Thresholds th = thresholds(50, 20, 100 * kMs);
  BreachMachine m;
  ASSERT_EQ(m.step(true, 60, 0 + 1, th), Transition::None);
  ASSERT_EQ(m.step(true, 60, 1 + 100 * kMs, th), Transition::Open);
  ASSERT_EQ(m.step(true, 0, 200 * kMs, th), Transition::CloseReverted);
  EXPECT_EQ(m.step(true, 60, 210 * kMs, th), Transition::None);
  EXPECT_EQ(m.step(true, 60, 309 * kMs, th), Transition::None);
  EXPECT_EQ(m.step(true, 60, 310 * kMs, th), Transition::Open);
}

TEST(BreachMachine, NaNEdgeNeverOpens) {
  BreachMachine m;
  EXPECT_EQ(m.step(true, std::numeric_limits<double>::quiet_NaN(), 1, kTh), Transition::None);
  EXPECT_FALSE(m.is_open());
}

}  // namespace
}  // namespace adrmon
