// Why a tick line was refused, and the per-reason counters every stage keeps.
//
// Parsers and the engine never log or throw on bad input: they return a
// Reject and the caller bumps RejectCounts. The summary, the status line and
// the metrics endpoint read the counters. The first matching reason wins, in
// the order of the enum (documented in docs/FORMATS.md).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace adrmon {

enum class Reject : std::uint8_t {
  None = 0,        // accepted
  LineTooLong,     // longer than kMaxLineBytes; not parsed
  InvalidJson,     // not exactly one complete, valid JSON object
  DuplicateField,  // a known field appears twice
  WrongType,       // a known field has the wrong JSON type
  MissingField,    // a field required by the record type is absent
  UnknownType,     // "type" is neither "quote" nor "fx"
  BadVenue,        // "venue" is neither "US" nor "HK"
  UnknownSymbol,   // symbol or FX pair not in the config
  BadTimestamp,    // ts <= 0
  BadPrice,        // bid or ask non-finite (e.g. 1e999) or <= 0
  BadSize,         // bid_size or ask_size negative or non-finite
  CrossedQuote,    // bid > ask (a locked quote, bid == ask, is accepted)
  FxOutOfBand,     // FX bid or ask outside [fx.min, fx.max]
  OutOfOrder,      // ts earlier than the instrument's last accepted ts
};

inline constexpr std::size_t kRejectReasonCount = 15;

// Stable snake_case names used in summaries, logs and metrics.
constexpr std::string_view reject_name(Reject r) noexcept {
  constexpr std::array<std::string_view, kRejectReasonCount> kNames{
      "accepted",      "line_too_long", "invalid_json",  "duplicate_field", "wrong_type",
      "missing_field", "unknown_type",  "bad_venue",     "unknown_symbol",  "bad_timestamp",
      "bad_price",     "bad_size",      "crossed_quote", "fx_out_of_band",  "out_of_order"};
  return kNames[static_cast<std::size_t>(r)];
}

// Counts per reason. Index 0 (None) is unused. Not thread-safe: each thread
// owns its own and the owner publishes totals (see the daemon's stats).
struct RejectCounts {
  std::array<std::uint64_t, kRejectReasonCount> by_reason{};

  void add(Reject r) noexcept { ++by_reason[static_cast<std::size_t>(r)]; }
  std::uint64_t operator[](Reject r) const noexcept {
    return by_reason[static_cast<std::size_t>(r)];
  }
  std::uint64_t total() const noexcept {
    std::uint64_t sum = 0;
    for (std::size_t i = 1; i < kRejectReasonCount; ++i) sum += by_reason[i];
    return sum;
  }
  RejectCounts& operator+=(const RejectCounts& other) noexcept {
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) by_reason[i] += other.by_reason[i];
    return *this;
  }
};

}  // namespace adrmon
