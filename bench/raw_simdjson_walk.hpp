// The parser's ceiling: a raw simdjson On-Demand walk over a tick line that
// reads every field into plain variables and does nothing else (no
// validation beyond simdjson's own, no symbol lookup, no checks).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace adrmon::bench {

struct RawFields {
  std::string_view type, venue, sym, pair;
  std::int64_t ts = 0;
  double bid = 0, ask = 0, bid_size = 0, ask_size = 0;
  std::uint64_t seq = 0;
};

// Owns one simdjson parser; compiled with the same SIMD flags as TickParser.
class RawWalker {
 public:
  RawWalker();
  ~RawWalker();
  // `line` must have 64 readable bytes after its end. False on any error.
  bool walk(std::string_view line, RawFields& out) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace adrmon::bench
