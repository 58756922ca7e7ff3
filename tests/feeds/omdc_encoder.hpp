// A small OMD-C encoder for tests, fuzz seeds and the benchmark, written
// from the layouts in ../shared/MARKETS.md §4: little-endian, a 16-byte
// packet header (PktSize, MsgCount, Filler, SeqNum, SendTime), messages as
// MsgSize (header included), MsgType, body. Header-only; allocates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace adrmon::omdc_test {

inline void put_le(std::string& m, std::size_t at, std::uint64_t v, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) m[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// A message: MsgSize u16 = 4 + body, MsgType u16, body.
inline std::string message(std::uint16_t type, const std::string& body) {
  std::string m(4, '\0');
  put_le(m, 0, 4 + body.size(), 2);
  put_le(m, 2, type, 2);
  return m + body;
}

struct BookEntry {
  std::uint64_t quantity;
  std::int32_t price;  // 3 implied decimals
  std::uint32_t orders;
  std::uint16_t side;   // 0 bid, 1 offer
  std::uint8_t level;   // 1 = best
  std::uint8_t action;  // 0 new, 1 change, 2 delete, 74 clear
};

// Aggregate Order Book Update (53): SecurityCode u32@0, filler 3@4,
// NoEntries u8@7, entries of 24 bytes.
inline std::string book_update(std::uint32_t code, const std::vector<BookEntry>& entries) {
  std::string b(8 + 24 * entries.size(), '\0');
  put_le(b, 0, code, 4);
  b[7] = static_cast<char>(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::size_t at = 8 + 24 * i;
    const BookEntry& e = entries[i];
    put_le(b, at, e.quantity, 8);
    put_le(b, at + 8, static_cast<std::uint32_t>(e.price), 4);
    put_le(b, at + 12, e.orders, 4);
    put_le(b, at + 16, e.side, 2);
    b[at + 18] = static_cast<char>(e.level);
    b[at + 19] = static_cast<char>(e.action);
  }
  return message(53, b);
}

// Security Status (21): SecurityCode u32@0, SuspensionIndicator u8@4, filler 3.
inline std::string security_status(std::uint32_t code, std::uint8_t indicator) {
  std::string b(8, '\0');
  put_le(b, 0, code, 4);
  b[4] = static_cast<char>(indicator);
  return message(21, b);
}

// Trading Session Status (20): MarketCode char4@0, filler@4, SubID u8@5,
// Status u8@6, ControlFlag char@7, filler u32@8, Start u64@12, End u64@20.
inline std::string session_status(std::uint8_t sub_id, std::uint8_t status) {
  std::string b(28, '\0');
  b.replace(0, 4, "MAIN");
  b[5] = static_cast<char>(sub_id);
  b[6] = static_cast<char>(status);
  b[7] = '1';
  return message(20, b);
}

// A packet of `messages`; `filler` is the byte real captures fill with junk.
inline std::string packet(std::uint32_t seq, std::uint64_t send_time,
                          const std::vector<std::string>& messages, std::uint8_t filler = 0) {
  std::string p(16, '\0');
  for (const std::string& m : messages) p += m;
  put_le(p, 0, p.size(), 2);
  p[2] = static_cast<char>(messages.size());
  p[3] = static_cast<char>(filler);
  put_le(p, 4, seq, 4);
  put_le(p, 8, send_time, 8);
  return p;
}

}  // namespace adrmon::omdc_test
