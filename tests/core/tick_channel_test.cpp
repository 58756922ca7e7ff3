// TickChannel: FIFO through the SPSC queue, the two overflow policies
// (DropNewest refuses and counts; Backpressure waits and counts the waits,
// never drops), close()/closed()/empty(), and real two-thread runs drained
// the way the engine drains (note closed(), pop, stop on closed and nothing).
#include "adrmon/core/tick_channel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace adrmon {
namespace {

using Clock = std::chrono::steady_clock;

Tick tick(std::int64_t ts) {
  Tick t{};
  t.ts_event = ts;
  t.kind = TickKind::Quote;
  t.instrument = 1;
  return t;
}

// Pops everything there is now; returns the ts of each tick, oldest first.
std::vector<std::int64_t> pop_all(TickChannel& ch) {
  std::vector<std::int64_t> out;
  Tick buf[7];  // an odd batch size: several bulk pops per call
  for (std::size_t n; (n = ch.pop_bulk(buf, 7)) != 0;) {
    for (std::size_t i = 0; i < n; ++i) out.push_back(buf[i].ts_event);
  }
  return out;
}

// The engine's drain: note closed() before popping, stop once a pop after a
// closed() finds nothing. Returns the ts of every tick received.
std::vector<std::int64_t> drain_until_closed(TickChannel& ch, Doorbell& bell) {
  std::vector<std::int64_t> out;
  Tick buf[64];
  for (;;) {
    const bool closed = ch.closed();
    const std::size_t n = ch.pop_bulk(buf, 64);
    for (std::size_t i = 0; i < n; ++i) out.push_back(buf[i].ts_event);
    if (n == 0) {
      if (closed) break;
      bell.park([&] { return !ch.empty() || ch.closed(); }, 20'000'000);
    }
  }
  return out;
}

std::vector<std::int64_t> iota(std::int64_t n) {
  std::vector<std::int64_t> v;
  for (std::int64_t i = 0; i < n; ++i) v.push_back(i);
  return v;
}

TEST(TickChannel, DeliversInOrderAndReportsDepthAndEmpty) {
  Doorbell bell;
  TickChannel ch("file:a.jsonl", 64, Overflow::Backpressure, bell);
  EXPECT_EQ(ch.name(), "file:a.jsonl");
  EXPECT_TRUE(ch.empty());
  EXPECT_EQ(ch.depth(), 0u);
  for (std::int64_t i = 0; i < 20; ++i) ASSERT_TRUE(ch.push(tick(i)));
  EXPECT_FALSE(ch.empty());
  EXPECT_EQ(ch.depth(), 20u);
  EXPECT_EQ(pop_all(ch), iota(20));
  EXPECT_TRUE(ch.empty());
  EXPECT_EQ(ch.dropped(), 0u);
  EXPECT_EQ(ch.full_waits(), 0u);
}

TEST(TickChannel, BulkPopTakesAtMostMax) {
  Doorbell bell;
  TickChannel ch("c", 64, Overflow::Backpressure, bell);
  for (std::int64_t i = 0; i < 5; ++i) ASSERT_TRUE(ch.push(tick(i)));
  Tick buf[3];
  ASSERT_EQ(ch.pop_bulk(buf, 3), 3u);
  EXPECT_EQ(buf[2].ts_event, 2);
  EXPECT_EQ(ch.depth(), 2u);
}

TEST(TickChannel, DropNewestRefusesWhenFullAndCountsEachDrop) {
  Doorbell bell;
  TickChannel ch("udp://x", 8, Overflow::DropNewest, bell);
  std::int64_t pushed = 0;
  while (ch.push(tick(pushed))) {
    ++pushed;
    ASSERT_LT(pushed, 100000) << "a DropNewest channel never filled";
  }
  EXPECT_GE(pushed, 8);
  EXPECT_EQ(ch.dropped(), 1u);  // the push that found it full
  EXPECT_FALSE(ch.push(tick(-1)));
  EXPECT_FALSE(ch.push(tick(-2)));
  EXPECT_EQ(ch.dropped(), 3u);
  EXPECT_EQ(ch.full_waits(), 0u);
  // The newest were dropped: what is queued is the oldest, intact.
  EXPECT_EQ(pop_all(ch), iota(pushed));
  EXPECT_TRUE(ch.push(tick(99)));  // room again
  EXPECT_EQ(ch.dropped(), 3u);
}

TEST(TickChannel, CloseIsSeenAndWakesAParkedConsumer) {
  Doorbell bell;
  TickChannel ch("c", 8, Overflow::Backpressure, bell);
  EXPECT_FALSE(ch.closed());
  std::atomic<bool> woke{false};
  const auto start = Clock::now();
  std::thread consumer([&] {
    while (!ch.closed()) bell.park([&] { return ch.closed(); }, 10'000'000'000);  // 10 s
    woke.store(true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(woke.load());
  ch.close();
  consumer.join();
  EXPECT_TRUE(ch.closed());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));  // the close rang, not the timeout
  EXPECT_TRUE(ch.empty());
}

TEST(TickChannel, TicksPushedBeforeCloseAreAllDrainedAfterIt) {
  Doorbell bell;
  TickChannel ch("c", 64, Overflow::Backpressure, bell);
  for (std::int64_t i = 0; i < 30; ++i) ASSERT_TRUE(ch.push(tick(i)));
  ch.close();
  EXPECT_TRUE(ch.closed());
  EXPECT_FALSE(ch.empty());  // closed is not drained
  EXPECT_EQ(drain_until_closed(ch, bell), iota(30));
}

TEST(TickChannel, BackpressureWaitsForRoomAndNeverDrops) {
  Doorbell bell;
  TickChannel ch("file:a", 4, Overflow::Backpressure, bell);
  constexpr std::int64_t kTicks = 200;
  std::thread producer([&] {
    for (std::int64_t i = 0; i < kTicks; ++i) ch.push(tick(i));
    ch.close();
  });
  // Let the producer fill the queue and wait on it before draining.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(ch.closed());  // it is stuck on a full queue, not finished
  const std::vector<std::int64_t> got = drain_until_closed(ch, bell);
  producer.join();
  EXPECT_EQ(got, iota(kTicks));
  EXPECT_EQ(ch.dropped(), 0u);
  EXPECT_GE(ch.full_waits(), 1u);
}

TEST(TickChannel, TwoThreadsBackpressureDeliversEveryTickInOrder) {
  Doorbell bell;
  TickChannel ch("tcp://x", 256, Overflow::Backpressure, bell);
  constexpr std::int64_t kTicks = 500'000;
  std::thread producer([&] {
    for (std::int64_t i = 0; i < kTicks; ++i) {
      ch.push(tick(i));
      if (i % 64 == 63) ch.ring();  // once per batch, as the sources do
    }
    ch.close();
  });
  const std::vector<std::int64_t> got = drain_until_closed(ch, bell);
  producer.join();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kTicks));
  std::int64_t out_of_order = 0;
  for (std::int64_t i = 0; i < kTicks; ++i) out_of_order += got[static_cast<std::size_t>(i)] != i;
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(ch.dropped(), 0u);
}

TEST(TickChannel, TwoThreadsDropNewestAccountsForEveryTick) {
  Doorbell bell;
  TickChannel ch("udp://x", 64, Overflow::DropNewest, bell);
  constexpr std::int64_t kTicks = 200'000;
  std::atomic<std::int64_t> refused{0};
  std::thread producer([&] {
    for (std::int64_t i = 0; i < kTicks; ++i) {
      if (!ch.push(tick(i))) refused.fetch_add(1);
    }
    ch.close();
  });
  const std::vector<std::int64_t> got = drain_until_closed(ch, bell);
  producer.join();
  // received + dropped = pushed, and what arrived is still in order.
  EXPECT_EQ(static_cast<std::int64_t>(got.size()) + refused.load(), kTicks);
  EXPECT_EQ(ch.dropped(), static_cast<std::uint64_t>(refused.load()));
  std::int64_t out_of_order = 0;
  for (std::size_t i = 1; i < got.size(); ++i) out_of_order += got[i] <= got[i - 1];
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(ch.full_waits(), 0u);
}

}  // namespace
}  // namespace adrmon
