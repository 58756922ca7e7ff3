// ItchDecoder: Nasdaq TotalView-ITCH 5.0 messages -> top-of-book quote and
// status Ticks of the configured ADRs (docs/FORMATS.md, "Venue files";
// layouts in ../shared/MARKETS.md §3).
//
// Flow: a framing (the file's [uint16 BE length][message] records, a
// MoldUDP64 packet, a SoupBinTCP 'S' packet) hands each message to decode()
// with its sequence number. Stock Directory (R) binds a locate code to a
// configured ADR's book; every message of any other locate costs one array
// lookup. Orders of tracked symbols live in one pre-sized OrderMap; each
// book keeps its price levels per side (PriceLadder). After a message that
// moved a book's best bid or ask (price or total shares) while both sides
// rest, decode() yields a quote; Stock Trading Action (H) yields a status.
//
// No allocation, lock, exception, virtual call or logging per message; the
// constructor allocates everything. One thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/itch_book.hpp"
#include "adrmon/feeds/symbol_table.hpp"
#include "adrmon/feeds/venue_counts.hpp"

namespace adrmon {

struct ItchOptions {
  std::size_t order_capacity = 1u << 18;  // resting orders of tracked symbols at once
  std::size_t level_reserve = 512;        // price levels reserved per side per symbol
};

// What decode() produced.
enum class ItchEmit : std::uint8_t {
  Nothing,   // no record (most messages)
  Quote,     // `out` holds an accepted quote
  Status,    // `out` holds a status record (TickKind::Trading / Halted)
  Crossed,   // a quote that would have best bid > best ask: refused (crossed_quote)
  BadPrice,  // a quote with a zero best price: refused (bad_price)
};

class ItchDecoder {
 public:
  // The message's fixed length by type byte (Type included, framing
  // excluded), or 0 for an unknown type.
  static std::size_t message_length(std::uint8_t type) noexcept { return kLengths[type]; }

  // Books for every configured pair's `adr`. Allocates the order table and
  // ladders; cold path. `midnight_ns` = local midnight America/New_York of
  // the trading date (core/local_time.hpp), added to every timestamp.
  ItchDecoder(const Config& config, std::int64_t midnight_ns, const ItchOptions& options = {});

  // Decodes one message: `msg` points at its type byte and holds at least
  // message_length(msg[0]) bytes (the caller's framing checked the type is
  // known and the bytes are there). `seq` goes into the record. noexcept, no
  // allocation except a ladder growth (counted).
  [[nodiscard]] ItchEmit decode(const std::uint8_t* msg, std::uint64_t seq, Tick& out) noexcept;

  void set_midnight(std::int64_t midnight_ns) noexcept { midnight_ns_ = midnight_ns; }
  std::int64_t midnight_ns() const noexcept { return midnight_ns_; }

  // Counters (venue_counts.hpp); orders_live/peak/capacity are current.
  const ItchCounts& counts() noexcept;
  void count(ItchCount c, std::uint64_t n = 1) noexcept { counts_[itch_index(c)] += n; }
  void count_type(std::uint8_t type) noexcept { counts_[kTypeIndex[type] - 1u] += 1; }

  // For tests and fuzzing: the book of pair `pair` (its ADR).
  struct Book {
    PriceLadder bids;
    PriceLadder asks;
    // Top of book after the last message: prices and shares, 0 when empty.
    std::uint32_t bid_px = 0, ask_px = 0;
    std::uint64_t bid_sz = 0, ask_sz = 0;
  };
  const Book& book(std::size_t pair) const noexcept { return books_[pair]; }
  std::size_t book_count() const noexcept { return books_.size(); }
  const OrderMap& orders() const noexcept { return orders_; }
  // The pair a locate is bound to, or -1.
  int pair_of_locate(std::uint16_t locate) const noexcept {
    return static_cast<int>(locate_book_[locate]) - 1;
  }

 private:
  static const std::array<std::uint8_t, 256> kLengths;
  static const std::array<std::uint8_t, 256> kTypeIndex;  // 1 + counter index, 0 unknown

  void add_order(std::uint64_t ref, std::uint16_t book, std::uint8_t side, std::uint32_t price,
                 std::uint32_t shares) noexcept;
  void reduce(ItchOrder* o, std::uint32_t shares) noexcept;
  ItchEmit emit_top(std::uint16_t book, std::int64_t ts, std::uint64_t seq, Tick& out) noexcept;
  void on_directory(const std::uint8_t* msg) noexcept;

  std::int64_t midnight_ns_;
  std::vector<std::uint16_t> locate_book_;  // 65536: 1 + pair id, 0 untracked
  std::vector<Book> books_;                 // by pair id
  SymbolTable adrs_;                        // ADR symbol -> pair id
  OrderMap orders_;
  std::uint64_t peak_ = 0;
  ItchCounts counts_{};
};

}  // namespace adrmon
