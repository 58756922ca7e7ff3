// FeedOrder: hands each feed source's records on in the order the feed
// accepted them, from a ticks stream that may hold them out of it.
//
// Why a stream can: `adrmon feed` publishes asynchronously with a window of
// unacked messages. When a stream leader is lost (R3, one server killed),
// the messages in flight to it fail while later ones reach the new leader;
// the feed re-sends the failed ones, which the stream then stores after
// newer ticks of the same source. Handed on in stream order, the engine
// would reject them as out of order and price the rest differently.
//
// How: every tick's Msg-Id is "<origin>-<n>" (docs/FORMATS.md), n counting
// the records its feed source accepted. Per origin, the record numbered
// `next` is handed on at once, a lower number is a duplicate (skipped), a
// higher one is held until the hole before it fills. A hole open for
// `hole_wait_ns` (the feed gave the record up: it counts it lost), or held
// records reaching `max_held`, is given up: the held records go on from the
// lowest held number and the numbers skipped are counted. The first record
// seen of an origin sets its `next`.
//
// In order, nothing is copied or allocated; a held record is copied (80
// bytes) into a per-origin heap that grows only while it holds. One thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "adrmon/bus/tick_wire.hpp"

namespace adrmon::bus {

class FeedOrder {
 public:
  struct Counts {
    std::uint64_t held = 0;        // records that waited for a hole to fill
    std::uint64_t duplicates = 0;  // numbers at or below one already handed on
    std::uint64_t holes = 0;       // holes given up
    std::uint64_t skipped = 0;     // numbers in those holes (records never seen)
  };

  FeedOrder(std::size_t max_held, std::int64_t hole_wait_ns);

  // Record number `n` of `origin` (kTickWireBytes at `record`), seen at
  // `now_ns` (steady clock). Calls hand(const unsigned char* record) for it
  // and for every held record it lets through, in order.
  template <class Hand>
  void offer(std::uint64_t origin, std::uint64_t n, const unsigned char* record,
             std::int64_t now_ns, Hand&& hand) {
    Origin& o = find(origin, n, now_ns);
    if (n > o.next && held_ >= max_held_) give_up(fullest(), now_ns, hand);  // room first
    if (n < o.next) {
      ++counts_.duplicates;
      return;
    }
    if (n == o.next) {
      hand(record);
      ++o.next;
      drain(o, now_ns, hand);
      return;
    }
    hold(o, n, record, now_ns);
  }

  // Gives up every hole open for hole_wait_ns or longer at `now_ns`.
  template <class Hand>
  void expire(std::int64_t now_ns, Hand&& hand) {
    if (held_ == 0) return;
    for (Origin& o : origins_) {
      if (!o.heap.empty() && now_ns - o.hole_since_ns >= hole_wait_ns_) give_up(o, now_ns, hand);
    }
  }

  std::size_t held_now() const noexcept { return held_; }
  const Counts& counts() const noexcept { return counts_; }

 private:
  struct Held {
    std::uint64_t n;
    std::array<unsigned char, kTickWireBytes> bytes;
  };
  struct Origin {
    std::uint64_t id = 0;
    std::uint64_t next = 0;          // the number to hand on next
    std::vector<Held> heap;          // held records, a min-heap by n
    std::int64_t hole_since_ns = 0;  // when the current hole was seen
    std::int64_t last_ns = 0;        // last record seen (to reuse the slot)
  };

  Origin& find(std::uint64_t origin, std::uint64_t n, std::int64_t now_ns);
  Origin& fullest() noexcept;
  void hold(Origin& o, std::uint64_t n, const unsigned char* record, std::int64_t now_ns);
  void pop(Origin& o);

  // Hands on the held records that are next in order.
  template <class Hand>
  void drain(Origin& o, std::int64_t now_ns, Hand& hand) {
    while (!o.heap.empty() && o.heap.front().n <= o.next) {
      if (o.heap.front().n == o.next) {
        hand(o.heap.front().bytes.data());
        ++o.next;
      } else {
        ++counts_.duplicates;
      }
      pop(o);
    }
    if (!o.heap.empty()) o.hole_since_ns = now_ns;  // the next hole starts waiting now
  }

  // Skips the hole before the lowest held record, then drains.
  template <class Hand>
  void give_up(Origin& o, std::int64_t now_ns, Hand& hand) {
    if (o.heap.empty()) return;
    ++counts_.holes;
    counts_.skipped += o.heap.front().n - o.next;
    o.next = o.heap.front().n;
    drain(o, now_ns, hand);
  }

  std::vector<Origin> origins_;
  std::size_t max_held_;
  std::int64_t hole_wait_ns_;
  std::size_t held_ = 0;
  Counts counts_;
};

}  // namespace adrmon::bus
