// Doorbell: park() returns at once when there is work, sleeps until a ring or
// the timeout otherwise, and never loses a wake-up: a producer that publishes
// and then rings while the consumer is going to sleep always wakes it. The
// race is run many thousands of times with real threads; a lost wake-up shows
// as a consumer that slept through a ring until its (long) timeout.
#include "adrmon/core/doorbell.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

namespace adrmon {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::int64_t ms_since(Clock::time_point start) {
  return duration_cast<milliseconds>(Clock::now() - start).count();
}

constexpr std::int64_t kSecondNs = 1'000'000'000;

TEST(Doorbell, ParkReturnsAtOnceWhenThereIsWork) {
  Doorbell bell;
  int checks = 0;
  const auto start = Clock::now();
  bell.park(
      [&] {
        ++checks;
        return true;
      },
      10 * kSecondNs);
  EXPECT_LT(ms_since(start), 1000);  // far below the 10 s timeout
  EXPECT_EQ(checks, 1);              // has_work is asked, after announcing the sleep
}

TEST(Doorbell, ParkWithoutWorkOrRingSleepsTheTimeout) {
  Doorbell bell;
  const auto start = Clock::now();
  bell.park([] { return false; }, 30'000'000);  // 30 ms
  EXPECT_GE(ms_since(start), 30);
}

TEST(Doorbell, RingWakesAParkedConsumer) {
  // A 10 s timeout (whole seconds in the futex timespec): the consumer must
  // return because of the ring, after the work was published.
  Doorbell bell;
  std::atomic<bool> work{false};
  std::atomic<bool> parked_returned{false};
  bool work_seen_at_return = false;
  const auto start = Clock::now();
  std::thread consumer([&] {
    bell.park([&] { return work.load(); }, 10 * kSecondNs);
    work_seen_at_return = work.load();
    parked_returned.store(true);
  });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(parked_returned.load());  // it really sleeps
  work.store(true);
  bell.ring();
  consumer.join();
  EXPECT_TRUE(work_seen_at_return);
  EXPECT_LT(ms_since(start), 5000);
}

TEST(Doorbell, RingWithNobodyParkedIsHarmless) {
  Doorbell bell;
  for (int i = 0; i < 1000; ++i) bell.ring();
  const auto start = Clock::now();
  bell.park([] { return true; }, 10 * kSecondNs);
  EXPECT_LT(ms_since(start), 1000);
}

// The producer publishes item i and rings, at a varying moment relative to
// the consumer going to sleep for it (before it parks, while it announces the
// sleep, after it is in the futex). The consumer parks with a 2 s timeout; a
// lost wake-up makes one wait last that long, far above any scheduling delay.
TEST(Doorbell, NoLostWakeUpUnderARacingProducer) {
  constexpr std::uint64_t kRounds = 20'000;
  constexpr std::int64_t kTimeoutNs = 2 * kSecondNs;
  constexpr std::int64_t kLateMs = 1000;  // half the timeout
  Doorbell bell;
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> consumed{0};
  std::atomic<bool> failed{false};
  std::uint64_t late_round = 0;
  std::int64_t late_ms = 0;

  std::thread consumer([&] {
    for (std::uint64_t i = 1; i <= kRounds && !failed.load(); ++i) {
      const auto start = Clock::now();
      while (published.load(std::memory_order_acquire) < i) {
        bell.park([&] { return published.load(std::memory_order_acquire) >= i; }, kTimeoutNs);
        if (ms_since(start) >= kLateMs) break;
      }
      const std::int64_t waited = ms_since(start);
      if (waited >= kLateMs) {
        late_round = i;
        late_ms = waited;
        failed.store(true);
      }
      consumed.store(i, std::memory_order_release);
    }
  });

  std::uint32_t spin_state = 12345;
  for (std::uint64_t i = 1; i <= kRounds && !failed.load(); ++i) {
    // Wait until the consumer has taken i - 1 (it is now heading for park).
    for (int s = 0; consumed.load(std::memory_order_acquire) < i - 1 && !failed.load(); ++s) {
      if (s < 256) {
        cpu_relax();
      } else {
        std::this_thread::yield();  // two cores shared with other work
      }
    }
    // 0..255 pauses: a few hundred ns to a few us, around the consumer's park.
    spin_state = spin_state * 1103515245u + 12345u;
    for (std::uint32_t s = (spin_state >> 16) & 0xff; s > 0; --s) cpu_relax();
    if (i % 64 == 0) std::this_thread::yield();  // sometimes let it reach the futex
    published.store(i, std::memory_order_release);
    bell.ring();
  }
  consumer.join();
  EXPECT_FALSE(failed.load()) << "round " << late_round << " waited " << late_ms
                              << " ms after the ring";
  EXPECT_EQ(consumed.load(), kRounds);
}

// Idler escalates spin → yield → park; with has_work already true a parked
// step returns at once, so a consumer idling past the spin phase still sees
// work the moment it is published.
TEST(Idler, BlockStrategyReachesParkAndStillSeesWork) {
  Doorbell bell;
  Idler idler(WaitStrategy::Block, bell);
  const auto start = Clock::now();
  for (int i = 0; i < 1000; ++i) idler.idle([] { return true; }, 10 * kSecondNs);
  EXPECT_LT(ms_since(start), 1000);
}

TEST(Idler, BlockStrategyParksWithTheGivenTimeoutOnceSpinningIsOver) {
  Doorbell bell;
  Idler idler(WaitStrategy::Block, bell);
  // 256 spins and 64 yields, then each idle step parks for 5 ms.
  const auto start = Clock::now();
  for (int i = 0; i < 256 + 64 + 4; ++i) idler.idle([] { return false; }, 5'000'000);
  EXPECT_GE(ms_since(start), 4 * 5);
  idler.reset();  // back to spinning: 256 steps take no sleep
  const auto spin_start = Clock::now();
  for (int i = 0; i < 200; ++i) idler.idle([] { return false; }, 5'000'000);
  EXPECT_LT(ms_since(spin_start), 5 * 200 / 2);
}

}  // namespace
}  // namespace adrmon
