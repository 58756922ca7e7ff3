// OmdcDecoder: HKEX OMD-C packets -> top-of-book quote and status Ticks of
// the configured HK codes (docs/FORMATS.md, "Venue files"; layouts in
// ../shared/MARKETS.md §4). Little-endian throughout.
//
// Flow: a framing (a capture file of packets back to back, a UDP datagram)
// hands each packet to begin_packet(), then asks next() for the records it
// yields, one message at a time. Aggregate Order Book Update (53) maintains
// ten levels per side per tracked security: 0 new inserts at the level and
// shifts deeper levels down (the 11th falls out), 1 change replaces it, 2
// delete removes it and shifts deeper levels up, 74 clears the book. After a
// message that moved level 1 of either side (price or aggregate quantity)
// while both sides rest, a quote; Security Status (21) gives a status.
//
// No allocation, lock, exception, virtual call or logging per packet or
// message; the constructor allocates. One thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/venue_counts.hpp"

namespace adrmon {

inline constexpr std::size_t kOmdcPacketHeader = 16;
inline constexpr std::size_t kOmdcLevels = 10;

enum class OmdcEmit : std::uint8_t {
  Nothing,   // the message gave no record
  Quote,     // `out` holds an accepted quote
  Status,    // `out` holds a status record
  Crossed,   // a quote with best bid > best ask: refused (crossed_quote)
  BadPrice,  // a quote with a best price <= 0: refused (bad_price)
  End,       // the packet has no more messages
};

class OmdcDecoder {
 public:
  struct Level {
    std::int32_t price = 0;  // 3 implied decimals
    std::uint64_t quantity = 0;
    bool valid = false;
  };
  struct Book {
    std::array<std::array<Level, kOmdcLevels>, 2> sides;  // 0 bid, 1 offer; [0] = level 1
  };

  // Books for every configured pair's `hk`. Allocates; cold path.
  explicit OmdcDecoder(const Config& config);

  // Starts a packet: `packet` holds `size` bytes (its PktSize, checked by
  // the caller to be >= 16 and available). Reads the header; counts the
  // packet and a sequence gap. The bytes must stay put until next() says End.
  void begin_packet(const std::uint8_t* packet, std::size_t size) noexcept;

  // Decodes the packet's next message; End when none is left (a message
  // whose MsgSize overruns the packet ends it, counted as malformed).
  [[nodiscard]] OmdcEmit next(Tick& out) noexcept;

  // Decodes one message (header included, `size` bytes = its MsgSize) with
  // sequence number `seq` at `send_time_ns`. Exposed for tests.
  [[nodiscard]] OmdcEmit decode(const std::uint8_t* msg, std::size_t size, std::uint64_t seq,
                                std::int64_t send_time_ns, Tick& out) noexcept;

  const OmdcCounts& counts() const noexcept { return counts_; }
  void count(OmdcCount c, std::uint64_t n = 1) noexcept { counts_[omdc_index(c)] += n; }

  // The pair of a security code, or -1. No allocation.
  int pair_of_code(std::uint32_t code) const noexcept;
  const Book& book(std::size_t pair) const noexcept { return books_[pair]; }
  std::size_t book_count() const noexcept { return books_.size(); }

 private:
  static constexpr std::uint32_t kDirectCodes = 100000;  // HK codes have at most 5 digits

  void count_type(std::uint16_t type) noexcept;
  OmdcEmit on_book_update(const std::uint8_t* body, std::size_t body_size, std::uint64_t seq,
                          std::int64_t ts, Tick& out) noexcept;

  std::vector<std::uint16_t> direct_;  // code < kDirectCodes -> 1 + pair, 0 untracked
  std::vector<std::pair<std::uint32_t, std::uint16_t>> other_codes_;  // sorted, longer codes
  std::vector<Book> books_;
  std::array<std::uint8_t, 256> type_index_{};  // 1 + counter index for types < 256, 0 unknown
  // The packet in hand.
  const std::uint8_t* packet_ = nullptr;
  std::size_t size_ = 0;
  std::size_t pos_ = 0;
  std::uint32_t remaining_ = 0;  // messages left
  std::uint64_t seq_ = 0;        // of the next message
  std::int64_t send_time_ = 0;
  std::uint64_t expected_ = 0;  // next SeqNum expected; 0 before the first packet
  OmdcCounts counts_{};
};

}  // namespace adrmon
