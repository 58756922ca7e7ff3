// Pacer: due times from an injected clock (no sleeps measured): the first
// tick fixes the origin, later ones are due (ts - origin_ts) / speed after
// it; wait_until_due returns at once for a due tick and false on a stop.
#include "adrmon/feeds/pacer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <stop_token>

namespace adrmon {
namespace {

constexpr std::int64_t kT0 = 1763951400000000000;
constexpr std::int64_t kSec = 1'000'000'000;

// The fake clock: reads `now`, then moves it on by `step` (0: stands still).
std::int64_t g_now = 0;
std::int64_t g_step = 0;
int g_reads = 0;
std::int64_t fake_clock() noexcept {
  ++g_reads;
  const std::int64_t t = g_now;
  g_now += g_step;
  return t;
}

class PacerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_now = 5 * kSec;
    g_step = 0;
    g_reads = 0;
  }
  std::atomic<bool> stop_{false};
};

TEST_F(PacerTest, SpeedZeroOrLessIsUnpacedAndDueNow) {
  for (const double speed : {0.0, -1.0}) {
    Pacer pacer(speed, &fake_clock);
    EXPECT_TRUE(pacer.unpaced());
    EXPECT_EQ(pacer.due_ns(kT0), 5 * kSec);
    EXPECT_EQ(pacer.due_ns(kT0 + 60 * kSec), 5 * kSec);
    EXPECT_TRUE(pacer.wait_until_due(kT0 + 3600 * kSec, stop_));
  }
}

TEST_F(PacerTest, FirstTickFixesTheOrigin) {
  Pacer pacer(1, &fake_clock);
  EXPECT_FALSE(pacer.unpaced());
  EXPECT_EQ(pacer.due_ns(kT0), 5 * kSec);
  g_now = 9 * kSec;  // the clock moves on; the origin does not
  EXPECT_EQ(pacer.due_ns(kT0), 5 * kSec);
  EXPECT_EQ(pacer.due_ns(kT0 + 2 * kSec), 7 * kSec);
}

TEST_F(PacerTest, EventTimeIsScaledBySpeed) {
  Pacer twice(2, &fake_clock);
  twice.due_ns(kT0);
  EXPECT_EQ(twice.due_ns(kT0 + 3 * kSec), 5 * kSec + 1'500'000'000);
  Pacer half(0.5, &fake_clock);
  half.due_ns(kT0);
  EXPECT_EQ(half.due_ns(kT0 + 3 * kSec), 11 * kSec);
  Pacer third(3, &fake_clock);
  third.due_ns(kT0);
  EXPECT_EQ(third.due_ns(kT0 + kSec), 5 * kSec + 333'333'333);  // truncated toward zero
}

TEST_F(PacerTest, TicksBeforeTheOriginAreAlreadyDue) {
  Pacer pacer(1, &fake_clock);
  pacer.due_ns(kT0);
  EXPECT_EQ(pacer.due_ns(kT0 - kSec), 4 * kSec);
  EXPECT_TRUE(pacer.wait_until_due(kT0 - kSec, stop_));
}

TEST_F(PacerTest, WaitReturnsAtOnceForTheFirstAndForDueTicks) {
  Pacer pacer(1, &fake_clock);
  EXPECT_TRUE(pacer.wait_until_due(kT0, stop_));  // the origin: due now
  g_now += 10 * kSec;
  EXPECT_TRUE(pacer.wait_until_due(kT0 + kSec, stop_));
}

TEST_F(PacerTest, WaitSpinsUntilTheClockReachesTheDueTime) {
  Pacer pacer(1, &fake_clock);
  pacer.due_ns(kT0);
  g_step = 10'000;  // 10 us per read: the last 200 us stretch is spun, not slept
  g_reads = 0;
  const std::int64_t due = 5 * kSec + 150'000;
  EXPECT_TRUE(pacer.wait_until_due(kT0 + 150'000, stop_));
  EXPECT_GE(g_now, due);
  EXPECT_GT(g_reads, 10);
}

TEST_F(PacerTest, StopEndsTheWaitWithFalse) {
  Pacer pacer(1, &fake_clock);
  pacer.due_ns(kT0);
  stop_ = true;
  EXPECT_FALSE(pacer.wait_until_due(kT0 + 3600 * kSec, stop_));
  EXPECT_FALSE(pacer.wait_until_due(kT0, stop_));  // even when due

  std::stop_source source;
  EXPECT_TRUE(pacer.wait_until_due(kT0, source.get_token()));
  source.request_stop();
  EXPECT_FALSE(pacer.wait_until_due(kT0 + 3600 * kSec, source.get_token()));
  Pacer unpaced(0, &fake_clock);
  EXPECT_FALSE(unpaced.wait_until_due(kT0, source.get_token()));
}

}  // namespace
}  // namespace adrmon
