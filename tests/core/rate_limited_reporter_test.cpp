// RateLimitedReporter: the first problem after a quiet interval is due at
// once; the ones that follow within the interval are counted and due as one
// report when it ends; take() hands over the count and starts the interval.
#include "adrmon/core/rate_limited_reporter.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace adrmon {
namespace {

constexpr std::int64_t kT0 = 5'000'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kNothingDue = std::numeric_limits<std::int64_t>::max();

TEST(RateLimitedReporter, DefaultIntervalIsOneSecond) {
  EXPECT_EQ(RateLimitedReporter::kDefaultIntervalNs, kSecond);
}

TEST(RateLimitedReporter, NothingPendingIsNeverDue) {
  const RateLimitedReporter r;
  EXPECT_EQ(r.pending(), 0u);
  EXPECT_FALSE(r.due(kT0));
  EXPECT_FALSE(r.due(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(r.next_due_ns(), kNothingDue);
}

TEST(RateLimitedReporter, FirstProblemIsDueAtOnce) {
  RateLimitedReporter r;
  EXPECT_TRUE(r.note(kT0));
  EXPECT_TRUE(r.due(kT0));
  EXPECT_EQ(r.pending(), 1u);
  EXPECT_EQ(r.take(kT0), 1u);
  EXPECT_EQ(r.pending(), 0u);
  EXPECT_FALSE(r.due(kT0));
  EXPECT_EQ(r.next_due_ns(), kNothingDue);
}

TEST(RateLimitedReporter, ProblemsWithinTheIntervalAreCountedIntoOneReport) {
  RateLimitedReporter r;
  ASSERT_TRUE(r.note(kT0));
  ASSERT_EQ(r.take(kT0), 1u);
  EXPECT_FALSE(r.note(kT0 + 1));
  EXPECT_FALSE(r.note(kT0 + 500'000'000, 5));
  EXPECT_EQ(r.pending(), 6u);
  EXPECT_EQ(r.next_due_ns(), kT0 + kSecond);
  EXPECT_FALSE(r.due(kT0 + kSecond - 1));
  EXPECT_TRUE(r.due(kT0 + kSecond));
  EXPECT_EQ(r.take(kT0 + kSecond), 6u);
  EXPECT_EQ(r.pending(), 0u);
}

TEST(RateLimitedReporter, TakeStartsTheNextIntervalAtItsOwnTime) {
  RateLimitedReporter r;
  ASSERT_TRUE(r.note(kT0));
  ASSERT_EQ(r.take(kT0), 1u);
  ASSERT_TRUE(r.note(kT0 + 3 * kSecond));
  ASSERT_EQ(r.take(kT0 + 3 * kSecond), 1u);  // late: the interval restarts at 3 s
  EXPECT_FALSE(r.note(kT0 + 3 * kSecond + 1));
  EXPECT_EQ(r.next_due_ns(), kT0 + 4 * kSecond);
}

TEST(RateLimitedReporter, TakeWithNothingPendingStartsNoInterval) {
  RateLimitedReporter r;
  ASSERT_TRUE(r.note(kT0));
  ASSERT_EQ(r.take(kT0), 1u);
  // A shutdown flush with nothing to say at 0.5 s must not delay the next report.
  EXPECT_EQ(r.take(kT0 + kSecond / 2), 0u);
  EXPECT_FALSE(r.note(kT0 + kSecond - 1));  // still inside the first interval
  EXPECT_TRUE(r.due(kT0 + kSecond));
}

TEST(RateLimitedReporter, AfterAQuietIntervalTheNextProblemIsDueAtOnce) {
  RateLimitedReporter r;
  ASSERT_TRUE(r.note(kT0));
  ASSERT_EQ(r.take(kT0), 1u);
  EXPECT_TRUE(r.note(kT0 + kSecond + 5));
}

TEST(RateLimitedReporter, CustomInterval) {
  RateLimitedReporter r(100);
  ASSERT_TRUE(r.note(kT0));
  ASSERT_EQ(r.take(kT0), 1u);
  EXPECT_FALSE(r.note(kT0 + 99));
  EXPECT_EQ(r.next_due_ns(), kT0 + 100);
  EXPECT_TRUE(r.due(kT0 + 100));
}

TEST(RateLimitedReporter, NoteCountsEveryOccurrenceEvenWhenDue) {
  RateLimitedReporter r;
  EXPECT_TRUE(r.note(kT0, 3));
  EXPECT_TRUE(r.note(kT0, 4));
  EXPECT_EQ(r.take(kT0), 7u);
}

}  // namespace
}  // namespace adrmon
