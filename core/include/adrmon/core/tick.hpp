// Tick: the one normalised market event that flows from feeds to the engine.
//
// Feed handlers turn venue messages (US ADR quotes, HK ordinary-share quotes,
// USD/HKD ticks) into a Tick; the engine never sees a wire format. A Tick is a
// fixed-size, trivially copyable record so queues can move it with memcpy.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "adrmon/core/instrument.hpp"

namespace adrmon {

// Quote: an equity top of book (US ADR or HK shares). Fx: a USD/HKD tick.
// Trading / Halted: a status record of one equity instrument (a venue halt
// or its end): no prices (bid, ask and sizes are 0), the kind is the state.
enum class TickKind : std::uint8_t { Quote = 0, Fx = 1, Trading = 2, Halted = 3 };

constexpr bool is_status(TickKind k) noexcept {
  return k == TickKind::Trading || k == TickKind::Halted;
}

// `seq` of a tick whose record carried none.
inline constexpr std::uint64_t kNoSeq = std::numeric_limits<std::uint64_t>::max();

struct Tick {
  std::int64_t ts_event;  // exchange time, ns since the Unix epoch; drives every decision
  std::int64_t ts_recv;   // our steady-clock stamp when the bytes arrived (latency only)
  double bid;             // USD per ADS, HKD per HK share, or HKD per USD
  double ask;
  double bid_size;  // quote sizes (ADS for US, shares for HK); 0 for FX
  double ask_size;
  std::uint64_t seq;         // venue sequence number, or kNoSeq
  std::uint32_t parse_ns;    // parsed - received, ns (saturates at ~4.3 s)
  std::uint16_t instrument;  // dense InstrumentId; see instrument.hpp (max kMaxInstruments)
  TickKind kind;
  std::uint8_t source;  // index of the feed/file it came from

  bool has_seq() const noexcept { return seq != kNoSeq; }
};

static_assert(sizeof(Tick) == 64, "Tick must stay one cache line");
static_assert(std::is_trivially_copyable_v<Tick>);

}  // namespace adrmon
