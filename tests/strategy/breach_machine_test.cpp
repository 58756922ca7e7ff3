// BreachMachine: every transition of one (pair, side), in event time.
// Each test is a script of evaluations (gate, edge, t) and the transition
// each must give, run through the engine's own step(gate, edge, t, enter,
// exit, min_persist) with the bars named in the test.
#include "adrmon/strategy/breach_machine.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <limits>
#include <ostream>

namespace adrmon {

void PrintTo(Transition t, std::ostream* os) {
  static constexpr const char* kNames[] = {"None", "Open", "CloseGate", "CloseReverted"};
  *os << kNames[static_cast<int>(t)];
}

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr auto kNone = Transition::None;
constexpr auto kOpen = Transition::Open;
constexpr auto kStale = Transition::CloseGate;
constexpr auto kReverted = Transition::CloseReverted;

// One side's thresholds, as the engine resolves them per side.
struct Bars {
  double enter_bps;
  double exit_bps;
  std::int64_t min_persist_ns = 0;
};
constexpr Bars kBars{50, 20};
constexpr Bars kPersist100ms{50, 20, 100 * kMs};

// One evaluation and the transition it must give.
struct Step {
  bool gate;
  double edge_bps;
  std::int64_t t;
  Transition want;
};

Transition step(BreachMachine& m, const Bars& b, bool gate, double edge_bps, std::int64_t t) {
  return m.step(gate, edge_bps, t, b.enter_bps, b.exit_bps, b.min_persist_ns);
}

// Runs `steps` in order on `m`; a failure names the step.
void run(BreachMachine& m, const Bars& b, std::initializer_list<Step> steps) {
  int i = 0;
  for (const Step& s : steps) {
    EXPECT_EQ(step(m, b, s.gate, s.edge_bps, s.t), s.want) << "step " << i << " at t=" << s.t;
    ++i;
  }
}

TEST(BreachMachine, StartsClosed) {
  const BreachMachine m;
  EXPECT_FALSE(m.is_open());
  EXPECT_EQ(m.waiting_since(), BreachMachine::kNever);
}

TEST(BreachMachine, OpensWhenEdgeReachesEnterExactly) {
  BreachMachine m;
  EXPECT_EQ(step(m, kBars, true, 50.0, 100), kOpen);
  EXPECT_TRUE(m.is_open());
  EXPECT_EQ(m.open_ts(), 100);
  EXPECT_EQ(m.peak_edge_bps(), 50.0);
}

TEST(BreachMachine, StaysClosedBelowEnter) {
  BreachMachine m;
  EXPECT_EQ(step(m, kBars, true, 49.999, 100), kNone);
  EXPECT_FALSE(m.is_open());
}

TEST(BreachMachine, StaysClosedWhenGateFailsWhateverTheEdge) {
  BreachMachine m;
  EXPECT_EQ(step(m, kBars, false, 1000.0, 100), kNone);
  EXPECT_FALSE(m.is_open());
}

TEST(BreachMachine, StaysOpenWhileEdgeAtOrAboveExit) {
  BreachMachine m;
  run(m, kBars,
      {{true, 60, 100, kOpen},
       {true, 30, 200, kNone},    // between exit and enter
       {true, 20, 300, kNone}});  // exactly exit
  EXPECT_TRUE(m.is_open());
}

TEST(BreachMachine, ClosesRevertedWhenEdgeFallsBelowExit) {
  BreachMachine m;
  run(m, kBars, {{true, 60, 100, kOpen}, {true, 19.999, 200, kReverted}});
  EXPECT_FALSE(m.is_open());
  EXPECT_EQ(m.open_ts(), 100);  // still readable for the close alert
}

TEST(BreachMachine, ClosesStaleWhenGateFailsEvenWithAGoodEdge) {
  BreachMachine m;
  run(m, kBars, {{true, 60, 100, kOpen}, {false, 500, 200, kStale}});
  EXPECT_FALSE(m.is_open());
}

TEST(BreachMachine, StaleTakesPrecedenceOverReverted) {
  BreachMachine m;
  run(m, kBars, {{true, 60, 100, kOpen}, {false, -100, 200, kStale}});
}

TEST(BreachMachine, PeakTracksTheHighestEdgeWhileOpen) {
  BreachMachine m;
  ASSERT_EQ(step(m, kBars, true, 60, 100), kOpen);
  EXPECT_EQ(m.peak_edge_bps(), 60);
  step(m, kBars, true, 90, 200);
  EXPECT_EQ(m.peak_edge_bps(), 90);
  step(m, kBars, true, 70, 300);
  EXPECT_EQ(m.peak_edge_bps(), 90);
  // The closing evaluation is excluded (its edge is below exit anyway).
  EXPECT_EQ(step(m, kBars, true, 10, 400), kReverted);
  EXPECT_EQ(m.peak_edge_bps(), 90);
}

TEST(BreachMachine, PeakStartsAfreshOnTheNextOpen) {
  BreachMachine m;
  run(m, kBars, {{true, 90, 100, kOpen}, {true, 0, 200, kReverted}, {true, 55, 300, kOpen}});
  EXPECT_EQ(m.peak_edge_bps(), 55);
  EXPECT_EQ(m.open_ts(), 300);
}

TEST(BreachMachine, ExitEqualToEnterIsAllowed) {
  BreachMachine m;
  run(m, {50, 50},
      {{true, 50, 100, kOpen},
       {true, 50, 200, kNone},
       {true, 49.99, 300, kReverted},
       {true, 50, 400, kOpen}});
}

TEST(BreachMachine, ClosingEvaluationNeverReopens) {
  // Even with exit == enter and no persistence, the close stands for this
  // evaluation; the next qualifying one opens.
  BreachMachine m;
  run(m, {50, 50}, {{true, 80, 100, kOpen}, {false, 80, 200, kStale}});
  EXPECT_FALSE(m.is_open());
  EXPECT_EQ(m.waiting_since(), BreachMachine::kNever);
  EXPECT_EQ(step(m, {50, 50}, true, 80, 300), kOpen);
  EXPECT_EQ(m.open_ts(), 300);
}

// The bars are an argument of every step, not state: a reload (or the other
// side's bars) applies from the next evaluation on.
TEST(BreachMachine, EachStepUsesTheBarsItIsGiven) {
  BreachMachine m;
  EXPECT_EQ(step(m, {80, 20}, true, 60, 100), kNone);  // 60 < this side's 80
  EXPECT_EQ(step(m, {50, 20}, true, 60, 200), kOpen);
  EXPECT_EQ(step(m, {50, 20}, true, 30, 300), kNone);
  EXPECT_EQ(step(m, {50, 40}, true, 30, 400), kReverted);  // a raised exit bar
}

TEST(BreachMachine, MinPersistOpensOnlyOnceTheEdgeHasHeldThatLong) {
  const std::int64_t s = 1'000 * kMs;
  BreachMachine m;
  EXPECT_EQ(step(m, kPersist100ms, true, 60, s), kNone);
  EXPECT_EQ(m.waiting_since(), s);
  run(m, kPersist100ms,
      {{true, 70, s + 50 * kMs, kNone},
       {true, 60, s + 100 * kMs - 1, kNone},
       {true, 55, s + 100 * kMs, kOpen}});  // t − s == min_persist
  EXPECT_EQ(m.open_ts(), s + 100 * kMs);
  EXPECT_EQ(m.peak_edge_bps(), 55);  // the opening evaluation's edge
}

TEST(BreachMachine, MinPersistOpensAtTheFirstEvaluationPastTheWait) {
  BreachMachine m;
  run(m, kPersist100ms, {{true, 60, 1, kNone}, {true, 60, 1 + 250 * kMs, kOpen}});
}

TEST(BreachMachine, MinPersistWaitRestartsAfterALowEdge) {
  BreachMachine m;
  run(m, kPersist100ms, {{true, 60, 1 * kMs, kNone}, {true, 49, 50 * kMs, kNone}});
  EXPECT_EQ(m.waiting_since(), BreachMachine::kNever);  // the low edge restarted the wait
  EXPECT_EQ(step(m, kPersist100ms, true, 60, 60 * kMs), kNone);
  EXPECT_EQ(m.waiting_since(), 60 * kMs);
  run(m, kPersist100ms,
      {{true, 60, 101 * kMs, kNone},  // 100 ms after the first, not the restart
       {true, 60, 159 * kMs, kNone},
       {true, 60, 160 * kMs, kOpen}});
}

TEST(BreachMachine, MinPersistWaitRestartsAfterAFailedGate) {
  BreachMachine m;
  run(m, kPersist100ms,
      {{true, 60, 1 * kMs, kNone},
       {false, 60, 50 * kMs, kNone},
       {true, 60, 101 * kMs, kNone},
       {true, 60, 201 * kMs, kOpen}});
}

TEST(BreachMachine, MinPersistZeroOpensAtOnce) {
  BreachMachine m;
  EXPECT_EQ(step(m, {50, 20, 0}, true, 50, 7), kOpen);
}

TEST(BreachMachine, MinPersistAppliesAgainAfterAClose) {
  BreachMachine m;
  run(m, kPersist100ms,
      {{true, 60, 1, kNone},
       {true, 60, 1 + 100 * kMs, kOpen},
       {true, 0, 200 * kMs, kReverted},
       {true, 60, 210 * kMs, kNone},
       {true, 60, 309 * kMs, kNone},
       {true, 60, 310 * kMs, kOpen}});
}

TEST(BreachMachine, NaNEdgeNeverOpens) {
  BreachMachine m;
  EXPECT_EQ(step(m, kBars, true, std::numeric_limits<double>::quiet_NaN(), 1), kNone);
  EXPECT_FALSE(m.is_open());
}

}  // namespace
}  // namespace adrmon
