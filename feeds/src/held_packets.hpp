// HeldPackets: what a sequenced UDP framing keeps while a gap is open
// (MoldUDP64, and OMD-C with RTS): copies of the packets that arrived ahead
// of the next expected sequence number, in one fixed arena, so they can be
// decoded in order once the gap is filled or given up; and GapClock, when
// such a gap is asked for again or given up; and the one line a given-up gap
// logs (cold: once a gap).
// The constructor allocates (the arena and the index); nothing after. No
// lock, exception or virtual call; the source's thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "adrmon/core/log.hpp"

namespace adrmon {

class HeldPackets {
 public:
  HeldPackets(std::size_t arena_bytes, std::size_t max_packets)
      : arena_(arena_bytes), max_(max_packets) {
    held_.reserve(max_packets);
  }

  // Whether a packet of `size` bytes fits now.
  bool has_room(std::size_t size) const noexcept {
    return held_.size() < max_ && used_ + size <= arena_.size();
  }
  bool empty() const noexcept { return held_.empty(); }

  // Keeps a copy of `packet` (`size` bytes, has_room(size)) whose messages are
  // sequence numbers [seq, seq + count), received at steady `recv_ns`.
  void hold(const std::uint8_t* packet, std::size_t size, std::uint64_t seq, std::uint32_t count,
            std::int64_t recv_ns) noexcept {
    std::memcpy(arena_.data() + used_, packet, size);
    held_.push_back(Held{seq, count, static_cast<std::uint32_t>(used_),
                         static_cast<std::uint32_t>(size), recv_ns});
    used_ += size;
  }

  // The first sequence number past a gap at the next expected one: the
  // lowest held packet's, or `known` (what a heartbeat said exists) when lower.
  std::uint64_t gap_end(std::uint64_t known) const noexcept {
    for (const Held& h : held_) known = std::min(known, h.seq);
    return known;
  }

  // The earliest arrival among the held packets, or `now`: a gap a held
  // packet revealed is timed from its arrival.
  std::int64_t earliest_recv(std::int64_t now) const noexcept {
    for (const Held& h : held_) now = std::min(now, h.recv_ns);
    return now;
  }

  // Hands every held packet that now continues the sequence (seq <= next,
  // re-read after each call: `deliver` moves it) and still has a message at
  // or past `next` to deliver(packet, size, seq, count), in order; packets
  // wholly before `next` are dropped. The arena is reused once empty.
  template <class Deliver>
  void drain(const std::uint64_t& next, Deliver&& deliver) noexcept {
    bool moved = true;
    while (moved && !held_.empty()) {
      moved = false;
      for (std::size_t i = 0; i < held_.size(); ++i) {
        const Held h = held_[i];
        if (h.seq > next) continue;
        if (h.seq + h.count > next) deliver(arena_.data() + h.offset, h.size, h.seq, h.count);
        held_[i] = held_.back();
        held_.pop_back();
        moved = true;
        break;
      }
    }
    if (held_.empty()) used_ = 0;
  }

 private:
  struct Held {
    std::uint64_t seq;
    std::uint32_t count;
    std::uint32_t offset;  // in arena_
    std::uint32_t size;
    std::int64_t recv_ns;
  };

  std::vector<std::uint8_t> arena_;
  std::size_t max_;
  std::size_t used_ = 0;
  std::vector<Held> held_;
};

// The clock of an open gap: when it last moved and when it was last asked
// for. It is lost after `timeout_ns` without progress and asked for again
// every timeout_ns / 5 (at least 20 ms).
// Logs that messages [next, end) were given up after `waited_ns` of `tried`
// (" of re-requests", " of RTS requests", ...): a warning, one line a gap.
inline void log_gap_not_recovered(Log& log, const std::string& name, std::uint64_t next,
                                  std::uint64_t end, std::int64_t waited_ns, const char* tried) {
  char what[256];
  std::snprintf(what, sizeof what,
                "gap: messages %llu..%llu (%llu) not recovered after %lld ms%s; going on at %llu",
                static_cast<unsigned long long>(next), static_cast<unsigned long long>(end - 1),
                static_cast<unsigned long long>(end - next),
                static_cast<long long>(waited_ns / 1'000'000), tried,
                static_cast<unsigned long long>(end));
  log.write(LogLevel::Warning, name, what);
}

struct GapClock {
  std::int64_t timeout_ns;
  std::int64_t progress_ns = 0;
  std::int64_t request_ns = 0;

  std::int64_t retry_ns() const noexcept {
    return std::max<std::int64_t>(timeout_ns / 5, 20'000'000);
  }
  bool expired(std::int64_t now) const noexcept { return now - progress_ns >= timeout_ns; }
  bool retry_due(std::int64_t now) const noexcept { return now - request_ns >= retry_ns(); }
};

}  // namespace adrmon
