// FeedOrder: records handed on in each origin's order whatever order they
// are offered in, duplicates skipped, holes given up after their wait or
// when the held records reach the bound, each counted. No server is needed.
#include "adrmon/bus/feed_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace adrmon::bus {
namespace {

// A record carrying its origin and number in its first 16 bytes, so the
// test sees which record FeedOrder handed on (it never reads the bytes).
struct Record {
  std::array<unsigned char, kTickWireBytes> bytes{};
  Record(std::uint64_t origin, std::uint64_t n) {
    std::memcpy(bytes.data(), &origin, 8);
    std::memcpy(bytes.data() + 8, &n, 8);
  }
};

struct Handed {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> got;  // (origin, n)
  void operator()(const unsigned char* r) {
    std::uint64_t origin = 0, n = 0;
    std::memcpy(&origin, r, 8);
    std::memcpy(&n, r + 8, 8);
    got.emplace_back(origin, n);
  }
};

constexpr std::int64_t kWait = 1'000'000'000;

void offer(FeedOrder& order, Handed& h, std::uint64_t origin, std::uint64_t n,
           std::int64_t now = 0) {
  const Record r(origin, n);
  order.offer(origin, n, r.bytes.data(), now, h);
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> run(std::uint64_t origin,
                                                         std::initializer_list<std::uint64_t> ns) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> v;
  for (const std::uint64_t n : ns) v.emplace_back(origin, n);
  return v;
}

TEST(FeedOrder, InOrderPassesAtOnceAndHoldsNothing) {
  FeedOrder order(16, kWait);
  Handed h;
  for (std::uint64_t n = 5; n < 10; ++n) {
    offer(order, h, 1, n);
    EXPECT_EQ(h.got.size(), n - 4);  // handed on as it came: the first seen sets the start
  }
  EXPECT_EQ(h.got, run(1, {5, 6, 7, 8, 9}));
  EXPECT_EQ(order.counts().held, 0u);
  EXPECT_EQ(order.held_now(), 0u);
}

TEST(FeedOrder, ARetriedRangeStoredAfterNewerRecordsComesOutInFeedOrder) {
  // What a lost stream leader leaves: 0..2 stored, 3..5 failed and re-sent
  // after 6..8 were stored.
  FeedOrder order(16, kWait);
  Handed h;
  for (const std::uint64_t n : {0, 1, 2, 6, 7, 8}) offer(order, h, 1, n);
  EXPECT_EQ(h.got, run(1, {0, 1, 2}));
  EXPECT_EQ(order.held_now(), 3u);
  for (const std::uint64_t n : {3, 4}) offer(order, h, 1, n);
  EXPECT_EQ(h.got, run(1, {0, 1, 2, 3, 4}));
  offer(order, h, 1, 5);
  EXPECT_EQ(h.got, run(1, {0, 1, 2, 3, 4, 5, 6, 7, 8}));
  offer(order, h, 1, 9);
  EXPECT_EQ(h.got.back(), std::make_pair(std::uint64_t{1}, std::uint64_t{9}));
  EXPECT_EQ(order.counts().held, 3u);
  EXPECT_EQ(order.counts().holes, 0u);
  EXPECT_EQ(order.held_now(), 0u);
}

TEST(FeedOrder, ReSentInAnyOrderStillComesOutInOrder) {
  FeedOrder order(64, kWait);
  Handed h;
  offer(order, h, 1, 0);
  std::vector<std::uint64_t> rest;
  for (std::uint64_t n = 1; n < 40; ++n) rest.push_back(n);
  std::reverse(rest.begin(), rest.end());  // the worst order: 39 first
  for (const std::uint64_t n : rest) offer(order, h, 1, n);
  ASSERT_EQ(h.got.size(), 40u);
  for (std::uint64_t n = 0; n < 40; ++n) EXPECT_EQ(h.got[n].second, n);
}

TEST(FeedOrder, DuplicatesAreSkippedAndCounted) {
  FeedOrder order(16, kWait);
  Handed h;
  for (const std::uint64_t n : {0, 1, 1, 0, 3, 3, 2, 3, 2}) offer(order, h, 1, n);
  EXPECT_EQ(h.got, run(1, {0, 1, 2, 3}));
  // 1, 0 at once; the second 3 in the heap; 3 and 2 after 2 and 3 went on.
  EXPECT_EQ(order.counts().duplicates, 5u);
}

TEST(FeedOrder, OriginsAreOrderedApartAndNeverWaitForEachOther) {
  FeedOrder order(16, kWait);
  Handed h;
  offer(order, h, 1, 0);
  offer(order, h, 2, 100);
  offer(order, h, 1, 2);    // held: 1 is missing
  offer(order, h, 2, 101);  // origin 2 goes on
  EXPECT_EQ(h.got.size(), 3u);
  EXPECT_EQ(h.got.back(), std::make_pair(std::uint64_t{2}, std::uint64_t{101}));
  offer(order, h, 1, 1);
  EXPECT_EQ(h.got.size(), 5u);
  EXPECT_EQ(h.got[3], std::make_pair(std::uint64_t{1}, std::uint64_t{1}));
  EXPECT_EQ(h.got[4], std::make_pair(std::uint64_t{1}, std::uint64_t{2}));
}

TEST(FeedOrder, AHoleIsGivenUpAfterItsWaitAndTheSkippedNumbersCounted) {
  FeedOrder order(16, kWait);
  Handed h;
  offer(order, h, 1, 0, 0);
  offer(order, h, 1, 4, 10);  // 1..3 missing from t=10
  offer(order, h, 1, 5, 20);
  order.expire(10 + kWait - 1, h);
  EXPECT_EQ(h.got.size(), 1u);  // not yet
  order.expire(10 + kWait, h);
  EXPECT_EQ(h.got, run(1, {0, 4, 5}));
  EXPECT_EQ(order.counts().holes, 1u);
  EXPECT_EQ(order.counts().skipped, 3u);
  offer(order, h, 1, 2, 30);  // too late: handed on would be out of order
  EXPECT_EQ(h.got.size(), 3u);
  EXPECT_EQ(order.counts().duplicates, 1u);
  offer(order, h, 1, 6, 40);
  EXPECT_EQ(h.got.back().second, 6u);
}

TEST(FeedOrder, HeldRecordsAtTheBoundGiveUpTheHoleFirst) {
  FeedOrder order(3, kWait);
  Handed h;
  offer(order, h, 1, 0);
  for (const std::uint64_t n : {2, 3, 4}) offer(order, h, 1, n);  // 3 held: at the bound
  EXPECT_EQ(h.got.size(), 1u);
  offer(order, h, 1, 5);  // no room: 1 is given up, 2..5 go on
  EXPECT_EQ(h.got, run(1, {0, 2, 3, 4, 5}));
  EXPECT_EQ(order.counts().holes, 1u);
  EXPECT_EQ(order.counts().skipped, 1u);
  EXPECT_EQ(order.held_now(), 0u);
}

}  // namespace
}  // namespace adrmon::bus
