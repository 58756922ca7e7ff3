// Dense instrument ids and the arithmetic that maps them to pairs.
//
// Ids are assigned once from the config: 0 is the USD/HKD rate, and pair p
// (its position in the config) owns id 1 + 2p (its ADR) and 2 + 2p (its HK
// line). A symbol belongs to at most one pair (the config loader enforces it),
// so the engine maps a tick to its pair with arithmetic instead of a lookup.
#pragma once

#include <cstdint>

namespace adrmon {

using InstrumentId = std::uint32_t;
using PairId = std::uint32_t;

inline constexpr InstrumentId kFxInstrument = 0;
// Ticks carry the id in 16 bits: at most this many pairs.
inline constexpr std::uint32_t kMaxPairs = 32000;

enum class Leg : std::uint8_t { Adr = 0, Hk = 1, Fx = 2 };

constexpr InstrumentId adr_instrument(PairId pair) noexcept {
  return 1 + 2 * pair;
}
constexpr InstrumentId hk_instrument(PairId pair) noexcept {
  return 2 + 2 * pair;
}
constexpr PairId pair_of(InstrumentId id) noexcept {
  return (id - 1) / 2;
}
constexpr Leg leg_of(InstrumentId id) noexcept {
  return id == kFxInstrument ? Leg::Fx : ((id - 1) % 2 == 0 ? Leg::Adr : Leg::Hk);
}
constexpr std::uint32_t instrument_count(std::uint32_t pair_count) noexcept {
  return 1 + 2 * pair_count;
}

}  // namespace adrmon
