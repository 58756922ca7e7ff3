// TickParser: one JSON Lines record -> one normalised Tick, or a Reject.
//
// Walks the whole object with simdjson On-Demand (every value is validated,
// even unknown fields, and the line must end right after the object), so a
// truncated or malformed line is refused even when the fields we need came
// before the damage. Then checks the record's semantics in the order listed
// in docs/FORMATS.md. One parser per feed thread; it owns a fixed-capacity
// simdjson parser and the symbol tables, and never allocates after
// construction.
//
// simdjson stays out of this header on purpose: On-Demand compiles to the
// kernel of each translation unit's flags (haswell in tick_parser.cpp,
// fallback elsewhere), so a simdjson member here would have two layouts in
// one program. The parser state lives behind a pointer owned by this class.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/line_framer.hpp"
#include "adrmon/feeds/symbol_table.hpp"

namespace adrmon {

// The earliest event time a record may carry: 2000-01-01T00:00:00Z in ns.
// Anything earlier is a `bad_timestamp`; it catches ts written in seconds,
// milliseconds or microseconds (all far below this in nanoseconds).
inline constexpr std::int64_t kMinTsEvent = 946684800000000000;

// The x86-64 level the parser was built for (ADRMON_SIMD: "haswell",
// "westmere" or "generic"), and whether this CPU can run it. Call before
// constructing a TickParser; compiled without SIMD flags so it is safe to run.
std::string_view parser_simd_level() noexcept;
bool cpu_supports_parser() noexcept;

class TickParser {
 public:
  // Builds symbol tables from the config, [aliases] included (an alias is
  // one more key for the same instrument). Allocates; cold path. Throws
  // std::runtime_error if simdjson cannot allocate its buffers.
  explicit TickParser(const Config& config);
  ~TickParser();
  TickParser(TickParser&&) noexcept;
  TickParser& operator=(TickParser&&) noexcept;

  // Parses one line (no newline). kLinePadding bytes after `line.end()` must
  // be readable (LineFramer guarantees it). On Reject::None `out` holds the
  // tick with ts_recv = 0 and source = 0 for the caller to set. noexcept, no
  // allocation; one thread at a time.
  [[nodiscard]] Reject parse(std::string_view line, Tick& out) noexcept;

  // The id of a configured symbol, or kNoInstrument (HK codes may be
  // zero-padded).
  InstrumentId find_us(std::string_view sym) const noexcept { return us_.find(sym); }
  InstrumentId find_hk(std::string_view code) const noexcept {
    return hk_.find(strip_leading_zeros(code));
  }

  // After parse() returned UnknownSymbol: the record's `sym` (or fx `pair`)
  // as written, a view into that line (valid while the line is). After
  // BadTimestamp: its `ts` (0 when beyond int64). For RejectHints.
  std::string_view rejected_symbol() const noexcept { return rejected_symbol_; }
  std::int64_t rejected_ts() const noexcept { return rejected_ts_; }

 private:
  bool is_fx_pair(std::string_view pair) const noexcept;

  struct Json;  // the simdjson parser, defined in tick_parser.cpp
  std::unique_ptr<Json> json_;
  SymbolTable us_;
  SymbolTable hk_;
  std::string fx_pair_;
  double fx_min_;
  double fx_max_;
  std::vector<std::string> fx_aliases_;  // [aliases.FX] vendor names of fx_pair_
  std::string_view rejected_symbol_;
  std::int64_t rejected_ts_ = 0;
};

}  // namespace adrmon
