// What the venue decoders (ITCH 5.0, OMD-C) count: messages by type, the
// protocol problems they survive (length mismatches, unknown references,
// unknown types, malformed entries) and the sizes of their tables. Plain
// arrays of uint64 indexed by an enum, with one stable snake_case name per
// index for summaries and /metrics ("itch_msg_A", "omdc_unknown_types").
// A decoder owns its counts (one thread); sources publish them into
// SourceStats as Counters.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adrmon/core/reject.hpp"

namespace adrmon {

// What a venue decoder's record-carrying emit (an ItchEmit or OmdcEmit other
// than Nothing and End) makes of its tick: Reject::None for a quote or a
// status, else the reason it is refused.
template <class Emit>
constexpr Reject reject_of(Emit e) noexcept {
  return e == Emit::Crossed    ? Reject::CrossedQuote
         : e == Emit::BadPrice ? Reject::BadPrice
                               : Reject::None;
}

// ITCH 5.0 message types in the order of their counters.
inline constexpr std::string_view kItchTypes = "SRHYLVWKJhAFECXDUPQBINO";
inline constexpr std::size_t kItchTypeCount = 23;
static_assert(kItchTypes.size() == kItchTypeCount);

// ITCH counters after the per-type ones (index kItchTypeCount + value).
enum class ItchCount : std::uint8_t {
  LengthMismatches,  // length prefix != the type's fixed length (the fixed length was used)
  UnknownRefs,       // E/C/X/D/U on a tracked symbol naming an order never added
  DuplicateRefs,     // A/F/U adding a reference that is already resting (ignored)
  OverReductions,    // E/C/X for more shares than rest (the order was removed)
  OrderTableFull,    // adds dropped because the order table was full
  OrdersLive,        // orders resting now (tracked symbols only)
  OrdersPeak,        // most orders resting at once
  OrderCapacity,     // the order table's capacity (itch:...?orders=N)
  LevelGrowths,      // price-level arrays that outgrew their reserve (an allocation)
  TrackedSymbols,    // Stock Directory entries naming a configured ADR
  Quotes,            // quote records produced (accepted or rejected)
  Statuses,          // status records produced (Stock Trading Action of a tracked symbol)
  CrossedBooks,      // quotes refused because best bid > best ask
  UnknownTypes,      // unknown message types (each ends its file)
  Truncated,         // a file ending inside a message
  SeqGaps,           // MoldUDP64/SoupBinTCP: sequence jumps
  SeqMissing,        // messages skipped in those jumps
  Rerequests,        // MoldUDP64 re-requests sent
};
inline constexpr std::size_t kItchCountCount = kItchTypeCount + 18;
using ItchCounts = std::array<std::uint64_t, kItchCountCount>;

constexpr std::size_t itch_index(ItchCount c) noexcept {
  return kItchTypeCount + static_cast<std::size_t>(c);
}

// "itch_msg_A", ..., "itch_length_mismatches", ...
std::string_view itch_count_name(std::size_t index) noexcept;

// OMD-C message types that are counted by type; any other is "unknown".
inline constexpr std::array<std::uint16_t, 38> kOmdcTypes = {
    10, 11, 13, 14, 20, 21, 22, 23, 30, 31, 32, 33, 34,  40,  41,  43,  44,  50,  51,
    52, 53, 54, 56, 60, 61, 62, 70, 71, 80, 81, 0,  100, 101, 102, 105, 201, 202, 203};
inline constexpr std::size_t kOmdcTypeCount = kOmdcTypes.size();

enum class OmdcCount : std::uint8_t {
  Packets,       // packets read (heartbeats included)
  Heartbeats,    // packets with MsgCount 0
  UnknownTypes,  // messages of a type not in kOmdcTypes (skipped by MsgSize)
  Malformed,     // messages whose MsgSize is too small for their type or overruns the packet
  BadEntries,    // book entries with a level outside 1..10, a bad side or action
  Quotes,        // quote records produced (accepted or rejected)
  Statuses,      // status records produced (Security Status of a tracked security)
  CrossedBooks,  // quotes refused because best bid > best ask
  SeqGaps,       // packets whose SeqNum jumped past the next expected
  SeqMissing,    // messages skipped in those jumps
  BadPackets,    // a PktSize that cannot be right (ends a file)
  Truncated,     // a file ending inside a packet
  Rerequests,    // omdc-udp: RTS retransmission requests sent
  Recovered,     // omdc-udp: messages delivered from RTS retransmissions
  RtsRejects,    // omdc-udp: RTS logons or requests the server refused
};
inline constexpr std::size_t kOmdcCountCount = kOmdcTypeCount + 15;
using OmdcCounts = std::array<std::uint64_t, kOmdcCountCount>;

constexpr std::size_t omdc_index(OmdcCount c) noexcept {
  return kOmdcTypeCount + static_cast<std::size_t>(c);
}

// "omdc_msg_53", ..., "omdc_packets", ...
std::string_view omdc_count_name(std::size_t index) noexcept;

}  // namespace adrmon
