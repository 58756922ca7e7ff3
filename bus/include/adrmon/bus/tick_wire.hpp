// The Tick on the bus: a fixed 80-byte little-endian record (version 1,
// docs/FORMATS.md "Bus"), the subject it goes to and its Nats-Msg-Id. The
// record carries the symbol, not the engine's instrument id: an engine (or a
// shard of one) resolves it against its own config. No cnats here, so the
// format is tested without a server.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adrmon/core/tick.hpp"

namespace adrmon::bus {

inline constexpr std::uint8_t kTickWireVersion = 1;
inline constexpr std::size_t kTickWireBytes = 80;
inline constexpr std::size_t kWireSymbolBytes = 16;

enum class WireVenue : std::uint8_t { Us = 0, Hk = 1, Fx = 2 };

// What a decoded record holds (the symbol views the record's bytes).
struct WireTick {
  Tick tick{};  // instrument and source unset: the reader resolves them
  WireVenue venue = WireVenue::Us;
  std::string_view symbol;        // 1 to 16 bytes
  std::int64_t recv_wall_ns = 0;  // the feed's CLOCK_REALTIME when the bytes arrived
};

enum class WireError : std::uint8_t { None, Size, Version, Kind, Venue, Symbol };

// Writes `tick` (its symbol and venue given) into out[0..80). No
// allocation; any thread. False when the symbol is empty or longer than 16.
[[nodiscard]] bool encode_tick(const Tick& tick, WireVenue venue, std::string_view symbol,
                               std::int64_t recv_wall_ns,
                               std::array<unsigned char, kTickWireBytes>& out) noexcept;

// Reads one record. The symbol views `data`. No allocation; any thread.
[[nodiscard]] WireError decode_tick(const void* data, std::size_t size, WireTick& out) noexcept;

// "adrmon.ticks.<US|HK|FX>.<symbol>" into out; returns its length (no NUL).
// out must hold 14 + 2 + 1 + 16 bytes. No allocation.
std::size_t tick_subject(WireVenue venue, std::string_view symbol, char* out) noexcept;

// `c` as a subject token may hold it: '.', ' ', '*', '>' and control bytes become '_'.
char subject_safe(char c) noexcept;

// The Msg-Id of the n-th tick (0-based) a feed source accepted:
// "<16 hex digits of FNV-1a(source name)>-<n>", written into out (at most
// 40 bytes); returns its length. A restarted feed re-reading the same input
// produces the same ids, so its re-publishes are no-ops within the stream's
// duplicate window. No allocation.
std::size_t tick_msg_id(std::string_view source_name, std::uint64_t n, char* out) noexcept;

// The origin (the 16 hex digits) and n of a tick Msg-Id; false for any
// other text. No allocation.
[[nodiscard]] bool parse_tick_msg_id(std::string_view id, std::uint64_t& origin,
                                     std::uint64_t& n) noexcept;

inline constexpr std::string_view kTickSubjects = "adrmon.ticks.>";
inline constexpr std::string_view kAlertSubjects = "adrmon.alerts.>";

}  // namespace adrmon::bus
