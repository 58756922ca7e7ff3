// SpscQueue: FIFO order, a fixed capacity (at least what was asked; a push
// beyond it fails and changes nothing), bulk pop, no allocation after the
// constructor, and N items in order across two real threads.
#include "adrmon/core/spsc_queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "adrmon/core/tick.hpp"
#include "allocation_counter.hpp"

namespace adrmon {
namespace {

TEST(SpscQueue, PopsInTheOrderPushed) {
  SpscQueue<int> q(16);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(q.try_push(i));
  for (int i = 0; i < 10; ++i) {
    int out = -1;
    ASSERT_TRUE(q.try_pop(out));
    EXPECT_EQ(out, i);
  }
}

TEST(SpscQueue, PopOnEmptyReturnsFalseAndLeavesTheOutput) {
  SpscQueue<int> q(4);
  int out = 42;
  EXPECT_FALSE(q.try_pop(out));
  EXPECT_EQ(out, 42);
  int bulk[4] = {7, 7, 7, 7};
  EXPECT_EQ(q.try_pop_bulk(bulk, 4), 0u);
  EXPECT_EQ(bulk[0], 7);
}

TEST(SpscQueue, HoldsExactlyItsCapacityAndAtLeastWhatWasAsked) {
  for (std::size_t asked : {1u, 2u, 15u, 100u, 1000u}) {
    SpscQueue<int> q(asked);
    ASSERT_GE(q.capacity(), asked);
    for (std::size_t i = 0; i < q.capacity(); ++i) {
      ASSERT_TRUE(q.try_push(static_cast<int>(i))) << "asked " << asked << ", item " << i;
    }
    EXPECT_FALSE(q.try_push(-1)) << "asked " << asked;  // full: refused, not grown
    EXPECT_EQ(q.size_approx(), q.capacity());
    // The refused item is nowhere; the others come out in order.
    for (std::size_t i = 0; i < q.capacity(); ++i) {
      int out = -1;
      ASSERT_TRUE(q.try_pop(out));
      ASSERT_EQ(out, static_cast<int>(i));
    }
    int out = 0;
    EXPECT_FALSE(q.try_pop(out));
  }
}

TEST(SpscQueue, FreedRoomCanBeReusedForeverInOrder) {
  SpscQueue<std::uint64_t> q(8);
  std::uint64_t next_in = 0;
  std::uint64_t next_out = 0;
  for (int round = 0; round < 1000; ++round) {
    while (q.try_push(next_in)) ++next_in;
    std::uint64_t out[3];
    const std::size_t n = q.try_pop_bulk(out, 3);
    ASSERT_EQ(n, 3u);
    for (std::size_t k = 0; k < n; ++k) ASSERT_EQ(out[k], next_out++);
  }
  EXPECT_EQ(q.size_approx(), static_cast<std::size_t>(next_in - next_out));
}

TEST(SpscQueue, BulkPopTakesAtMostMaxOldestFirst) {
  SpscQueue<int> q(16);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.try_push(i * 10));
  int out[8] = {};
  ASSERT_EQ(q.try_pop_bulk(out, 3), 3u);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 10);
  EXPECT_EQ(out[2], 20);
  out[2] = -1;
  ASSERT_EQ(q.try_pop_bulk(out, 8), 2u);  // only what is there
  EXPECT_EQ(out[0], 30);
  EXPECT_EQ(out[1], 40);
  EXPECT_EQ(out[2], -1);  // nothing written past the count
  EXPECT_EQ(q.size_approx(), 0u);
}

TEST(SpscQueue, CarriesWholeTicks) {
  SpscQueue<Tick> q(4);
  Tick t{};
  t.ts_event = 123;
  t.bid = 7.8;
  t.ask = 7.8002;
  t.seq = kNoSeq;
  t.instrument = 5;
  t.kind = TickKind::Fx;
  ASSERT_TRUE(q.try_push(t));
  Tick out{};
  ASSERT_TRUE(q.try_pop(out));
  EXPECT_EQ(out.ts_event, 123);
  EXPECT_EQ(out.bid, 7.8);
  EXPECT_EQ(out.ask, 7.8002);
  EXPECT_EQ(out.seq, kNoSeq);
  EXPECT_EQ(out.instrument, 5);
  EXPECT_EQ(out.kind, TickKind::Fx);
}

TEST(SpscQueue, NeverAllocatesAfterTheConstructor) {
  SpscQueue<Tick> q(256);
  Tick t{};
  Tick out[64];
  test::start_counting_allocations();
  for (int round = 0; round < 1000; ++round) {
    while (q.try_push(t)) ++t.ts_event;  // to full, and one refused push
    while (q.try_pop_bulk(out, 64) != 0) {
    }
  }
  const std::size_t allocations = test::stop_counting_allocations();
  EXPECT_EQ(allocations, 0u);
  EXPECT_GE(t.ts_event, std::int64_t{1000} * 256);  // every round really filled the queue
}

TEST(SpscQueue, TwoThreadsDeliverEveryItemInOrder) {
  constexpr std::uint64_t kItems = 1'000'000;
  SpscQueue<std::uint64_t> q(1024);
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kItems; ++i) {
      while (!q.try_push(i)) std::this_thread::yield();
    }
  });
  std::uint64_t expected = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t buf[128];
  while (expected < kItems) {
    const std::size_t n = q.try_pop_bulk(buf, 128);
    if (n == 0) std::this_thread::yield();
    for (std::size_t k = 0; k < n; ++k) {
      if (buf[k] != expected) ++out_of_order;
      expected = buf[k] + 1;
    }
  }
  producer.join();
  EXPECT_EQ(out_of_order, 0u);
  EXPECT_EQ(expected, kItems);
  std::uint64_t rest = 0;
  EXPECT_FALSE(q.try_pop(rest));
}

}  // namespace
}  // namespace adrmon
