// Tick: the one normalised market event that flows from feeds to the engine.
//
// Feed handlers turn venue messages (US ADR quotes, HK ordinary-share quotes,
// USD/HKD ticks) into a Tick; the engine never sees a wire format. A Tick is a
// fixed-size, trivially copyable record so queues can move it with memcpy.
#pragma once

#include <cstdint>
#include <type_traits>

#include "adrmon/core/instrument.hpp"

namespace adrmon {

enum class TickKind : std::uint8_t { Quote = 0, Fx = 1 };

struct Tick {
  std::int64_t ts_event;  // exchange time, ns since the Unix epoch; drives every decision
  std::int64_t ts_recv;   // our steady-clock stamp when the bytes arrived (latency only)
  double bid;             // USD per ADS, HKD per HK share, or HKD per USD
  double ask;
  double bid_size;  // quote sizes (ADS for US, shares for HK); 0 for FX
  double ask_size;
  std::uint64_t seq;        // venue sequence number when has_seq, else 0
  InstrumentId instrument;  // dense id; see instrument.hpp
  TickKind kind;
  bool has_seq;
  std::uint8_t source;  // index of the feed/file it came from
  std::uint8_t reserved;
};

static_assert(sizeof(Tick) == 64, "Tick must stay one cache line");
static_assert(std::is_trivially_copyable_v<Tick>);

}  // namespace adrmon
