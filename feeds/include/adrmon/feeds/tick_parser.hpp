// TickParser: one JSON Lines record -> one normalised Tick, or a Reject.
//
// Walks the whole object with simdjson On-Demand (every value is validated,
// even unknown fields, and the line must end right after the object), so a
// truncated or malformed line is refused even when the fields we need came
// before the damage. Then checks the record's semantics in the order listed
// in docs/FORMATS.md. One parser per feed thread; it owns two fixed-capacity
// simdjson parsers (one for a line, one for a stream of lines: parse_lines)
// and the symbol tables, and never allocates after construction.
//
// simdjson stays out of this header on purpose: On-Demand compiles to the
// kernel of each translation unit's flags (haswell in tick_parser.cpp,
// fallback elsewhere), so a simdjson member here would have two layouts in
// one program. The parser state lives behind a pointer owned by this class.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
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

// One line's outcome from TickParser::parse_lines: what parse() returns and
// leaves behind for that line, the rejected symbol copied out (the parser's
// string buffer is reused by the next line).
struct ParsedLine {
  static constexpr std::size_t kSymbolBytes = 24;
  Tick tick;                 // Reject::None: as parse() fills it
  std::int64_t rejected_ts;  // rejected_ts() after this line
  Reject reject;
  std::uint8_t symbol_size;  // Reject::UnknownSymbol: rejected_symbol(), cut
  char symbol[kSymbolBytes];
};

class TickParser {
 public:
  // What the walk of one object found (tick_parser.cpp).
  struct Fields;
  // parse_lines() runs simdjson's stage 1 once over at most this many bytes
  // of consecutive lines; a longer line is parsed on its own.
  static constexpr std::size_t kRunBytes = 16 * 1024;

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
  // out[i] = what parse(lines[i]) gives, for every i, in one pass: the lines
  // are walked as one simdjson iterate_many stream per kRunBytes (stage 1
  // over the run at once, not once per line). A line of a run is taken from
  // the stream only when the stream proves it was one object alone on its
  // line (the object starts where the line's text starts and the next
  // document starts where the next line's does, so a run's last line is
  // parsed alone); from the first line it cannot prove, the run is parsed
  // line by line. Lines in order in one
  // buffer, with kLinePadding readable after each (a LineFramer's lines
  // between two write_area() calls); a gap between two lines that is not
  // JSON whitespace only ends a run. No allocation; one thread at a time.
  void parse_lines(std::span<const std::string_view> lines, ParsedLine* out) noexcept;

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
  // Lines parse_lines() has taken from a stream so far; the others it was
  // given were parsed one by one. For tests and benchmarks.
  std::uint64_t streamed_lines() const noexcept { return streamed_lines_; }

 private:
  bool is_fx_pair(std::string_view pair) const noexcept;
  // The semantic checks of one walked object, in FORMATS.md's order.
  Reject judge(const Fields& f, Tick& out) noexcept;
  // Puts the verdict `r` of the line just parsed into `out`, with what
  // parse() left behind for it (rejected ts, the rejected symbol copied).
  void record(Reject r, ParsedLine& out) const noexcept;
  // Lines of `run` proven from one stream (see parse_lines), from the start.
  std::size_t parse_run(std::span<const std::string_view> run, ParsedLine* out) noexcept;

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
  std::uint64_t streamed_lines_ = 0;
};

}  // namespace adrmon
