// A small ITCH 5.0 encoder for tests, fuzz seeds and the benchmark, written
// from the specification's layouts (../shared/MARKETS.md §3.2): every field
// at its offset, big-endian, alpha fields space-padded. Each function returns
// one message (type byte first, no framing); frame() adds the file's
// [uint16 BE length] prefix. Header-only; allocates (cold path).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace adrmon::itch_test {

inline void put_be(std::string& m, std::size_t at, std::uint64_t v, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i)
    m[at + i] = static_cast<char>((v >> (8 * (bytes - 1 - i))) & 0xff);
}

inline void put_alpha(std::string& m, std::size_t at, std::string_view s, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) m[at + i] = i < s.size() ? s[i] : ' ';
}

// Type 0/1, Stock Locate 1/2, Tracking Number 3/2, Timestamp 5/6; the rest zero.
inline std::string header(char type, std::size_t length, std::uint16_t locate, std::uint64_t ts,
                          std::uint16_t tracking = 0) {
  std::string m(length, '\0');
  m[0] = type;
  put_be(m, 1, locate, 2);
  put_be(m, 3, tracking, 2);
  put_be(m, 5, ts, 6);
  return m;
}

// A big-endian field: the low `bytes` bytes of `v` at offset `at`.
struct BeField {
  std::size_t at;
  std::uint64_t v;
  std::size_t bytes;
};

// header(type, length, locate, ts) with `fields` written into it.
inline std::string message(char type, std::size_t length, std::uint16_t locate, std::uint64_t ts,
                           std::initializer_list<BeField> fields) {
  std::string m = header(type, length, locate, ts);
  for (const BeField& f : fields) put_be(m, f.at, f.v, f.bytes);
  return m;
}

inline std::string system_event(std::uint64_t ts, char code) {
  std::string m = header('S', 12, 0, ts);
  m[11] = code;
  return m;
}

inline std::string directory(std::uint16_t locate, std::uint64_t ts, std::string_view stock,
                             char issue_classification = 'A') {
  std::string m = header('R', 39, locate, ts);
  put_alpha(m, 11, stock, 8);
  m[19] = 'Q';                   // MarketCategory
  m[20] = 'N';                   // FinancialStatus
  put_be(m, 21, 100, 4);         // RoundLotSize
  m[25] = 'N';                   // RoundLotsOnly
  m[26] = issue_classification;  // IssueClassification
  put_alpha(m, 27, "Z", 2);      // IssueSubType
  m[29] = 'P';                   // Authenticity
  m[30] = 'N';                   // ShortSaleThreshold
  m[31] = 'N';                   // IPOFlag
  m[32] = '1';                   // LULDRefPriceTier
  m[33] = 'N';                   // ETPFlag
  put_be(m, 34, 0, 4);           // ETPLeverage
  m[38] = 'N';                   // Inverse
  return m;
}

inline std::string trading_action(std::uint16_t locate, std::uint64_t ts, std::string_view stock,
                                  char state) {
  std::string m = header('H', 25, locate, ts);
  put_alpha(m, 11, stock, 8);
  m[19] = state;
  m[20] = ' ';
  put_alpha(m, 21, state == 'T' ? "" : "T1", 4);
  return m;
}

inline std::string add(std::uint16_t locate, std::uint64_t ts, std::uint64_t ref, char side,
                       std::uint32_t shares, std::string_view stock, std::uint32_t price) {
  std::string m = message('A', 36, locate, ts, {{11, ref, 8}, {20, shares, 4}, {32, price, 4}});
  m[19] = side;
  put_alpha(m, 24, stock, 8);
  return m;
}

inline std::string add_mpid(std::uint16_t locate, std::uint64_t ts, std::uint64_t ref, char side,
                            std::uint32_t shares, std::string_view stock, std::uint32_t price,
                            std::string_view mpid) {
  std::string m = add(locate, ts, ref, side, shares, stock, price);
  m[0] = 'F';
  m.resize(40);
  put_alpha(m, 36, mpid, 4);
  return m;
}

inline std::string executed(std::uint16_t locate, std::uint64_t ts, std::uint64_t ref,
                            std::uint32_t shares, std::uint64_t match) {
  return message('E', 31, locate, ts, {{11, ref, 8}, {19, shares, 4}, {23, match, 8}});
}

inline std::string executed_price(std::uint16_t locate, std::uint64_t ts, std::uint64_t ref,
                                  std::uint32_t shares, std::uint64_t match, char printable,
                                  std::uint32_t price) {
  std::string m =
      message('C', 36, locate, ts, {{11, ref, 8}, {19, shares, 4}, {23, match, 8}, {32, price, 4}});
  m[31] = printable;
  return m;
}

inline std::string cancel(std::uint16_t locate, std::uint64_t ts, std::uint64_t ref,
                          std::uint32_t shares) {
  return message('X', 23, locate, ts, {{11, ref, 8}, {19, shares, 4}});
}

inline std::string del(std::uint16_t locate, std::uint64_t ts, std::uint64_t ref) {
  return message('D', 19, locate, ts, {{11, ref, 8}});
}

inline std::string replace(std::uint16_t locate, std::uint64_t ts, std::uint64_t orig,
                           std::uint64_t ref, std::uint32_t shares, std::uint32_t price) {
  return message('U', 35, locate, ts,
                 {{11, orig, 8}, {19, ref, 8}, {27, shares, 4}, {31, price, 4}});
}

inline std::string trade(std::uint16_t locate, std::uint64_t ts, std::uint32_t shares,
                         std::string_view stock, std::uint32_t price, std::uint64_t match) {
  // OrderRef (11/8) is always 0.
  std::string m = message('P', 44, locate, ts, {{20, shares, 4}, {32, price, 4}, {36, match, 8}});
  m[19] = 'B';
  put_alpha(m, 24, stock, 8);
  return m;
}

inline std::string cross(std::uint16_t locate, std::uint64_t ts, std::uint64_t shares,
                         std::string_view stock, std::uint32_t price, std::uint64_t match,
                         char type) {
  std::string m = message('Q', 40, locate, ts, {{11, shares, 8}, {27, price, 4}, {31, match, 8}});
  put_alpha(m, 19, stock, 8);
  m[39] = type;
  return m;
}

inline std::string broken(std::uint16_t locate, std::uint64_t ts, std::uint64_t match) {
  return message('B', 19, locate, ts, {{11, match, 8}});
}

// Any other type, zero-filled at its spec length (the skip table).
inline std::string other(char type, std::size_t length, std::uint16_t locate, std::uint64_t ts) {
  return header(type, length, locate, ts);
}

// [uint16 BE length][message]; `prefix` overrides the length written.
inline std::string frame(const std::string& msg, int prefix = -1) {
  std::string out(2, '\0');
  put_be(out, 0, prefix < 0 ? msg.size() : static_cast<std::size_t>(prefix), 2);
  return out + msg;
}

}  // namespace adrmon::itch_test
