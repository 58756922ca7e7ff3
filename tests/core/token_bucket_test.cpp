// TokenBucket: starts full at `burst`, refills `rate` tokens per second of
// the caller's clock up to `burst`, and a clock that goes backwards adds
// nothing. Token counts are compared bit for bit against the header's own
// arithmetic (elapsed ns × 1e-9 × rate), evaluated in the same order.
#include "adrmon/core/token_bucket.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace adrmon {
namespace {

constexpr std::int64_t kT0 = 1'000'000'000'000;  // any steady-clock reading
constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kS = 1'000 * kMs;

// Takes until refused at `now`; returns how many were granted.
int drain(TokenBucket& b, std::int64_t now) {
  int n = 0;
  while (b.try_take(now)) {
    ++n;
    if (n > 1000) break;  // a broken bucket must not hang the test
  }
  return n;
}

TEST(TokenBucket, StartsFullAndGrantsExactlyTheBurst) {
  TokenBucket b(2, 3, kT0);
  EXPECT_EQ(b.tokens(), 3.0);
  EXPECT_EQ(drain(b, kT0), 3);
  EXPECT_EQ(b.tokens(), 0.0);
}

TEST(TokenBucket, FractionalBurstGrantsWholeTokensOnly) {
  TokenBucket b(1, 2.5, kT0);
  EXPECT_EQ(drain(b, kT0), 2);
  EXPECT_EQ(b.tokens(), 0.5);
}

TEST(TokenBucket, BurstBelowOneIsOne) {
  TokenBucket b(1, 0.2, kT0);
  EXPECT_EQ(b.tokens(), 1.0);
  EXPECT_EQ(drain(b, kT0), 1);
}

TEST(TokenBucket, RefillsRateTokensPerSecondOfTheInjectedClock) {
  TokenBucket b(2, 3, kT0);
  ASSERT_EQ(drain(b, kT0), 3);
  // 499 ms at 2/s is 0.998 of a token: not yet.
  EXPECT_FALSE(b.try_take(kT0 + 499 * kMs));
  const double after_499 = 0.0 + static_cast<double>(499 * kMs) * 1e-9 * 2;
  EXPECT_EQ(b.tokens(), after_499);
  // 2 ms more make 1.002: one token, 0.002 left.
  EXPECT_TRUE(b.try_take(kT0 + 501 * kMs));
  EXPECT_EQ(b.tokens(), after_499 + static_cast<double>(2 * kMs) * 1e-9 * 2 - 1.0);
  EXPECT_FALSE(b.try_take(kT0 + 501 * kMs));
}

TEST(TokenBucket, RefillStopsAtTheBurst) {
  TokenBucket b(2, 3, kT0);
  ASSERT_EQ(drain(b, kT0), 3);
  EXPECT_EQ(drain(b, kT0 + 3600 * kS), 3);  // an hour idle still buys only the burst
}

TEST(TokenBucket, ClockGoingBackwardsAddsNothing) {
  TokenBucket b(2, 3, kT0 + 10 * kS);
  ASSERT_EQ(drain(b, kT0 + 10 * kS), 3);
  EXPECT_FALSE(b.try_take(kT0 + 5 * kS));
  EXPECT_EQ(b.tokens(), 0.0);
  // Back at 10.5 s: refilled from 10 s (the latest reading), not from 5 s,
  // so one token and no more.
  EXPECT_TRUE(b.try_take(kT0 + 10 * kS + 500 * kMs));
  EXPECT_FALSE(b.try_take(kT0 + 10 * kS + 500 * kMs));
}

TEST(TokenBucket, SameInstantAddsNothing) {
  TokenBucket b(1000, 1, kT0);
  ASSERT_TRUE(b.try_take(kT0));
  EXPECT_FALSE(b.try_take(kT0));
  EXPECT_TRUE(b.try_take(kT0 + 1 * kMs));  // 1 ms at 1000/s is one token
}

TEST(TokenBucket, SustainedRateOverAMinute) {
  // 5 per second, burst 1, asked every 10 ms for 60 s: 1 + 5 × 60 granted.
  TokenBucket b(5, 1, kT0);
  int granted = 0;
  for (std::int64_t t = kT0; t <= kT0 + 60 * kS; t += 10 * kMs) granted += b.try_take(t) ? 1 : 0;
  EXPECT_GE(granted, 300);
  EXPECT_LE(granted, 301);
}

}  // namespace
}  // namespace adrmon
