// Shared by the libFuzzer targets: the config the parsers are built from,
// the invariants every accepted tick must satisfy, and the file/TCP framing
// drivers (LineFramer fed whole or in chunks, then flushed).
//
// A failed check calls fuzz_fail(), which prints what broke and aborts, so
// libFuzzer saves the input as a crash file.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "../support/test_config.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/core/instrument.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/line_framer.hpp"
#include "adrmon/feeds/tick_parser.hpp"

namespace adrmon::fuzz {

// The unit tests' [fx] and [defaults] (tests/support/test_config.hpp) and
// three pairs. Short symbols help the fuzzer reach accepted ticks; "00700"
// and a fractional ratio exercise HK code normalisation and the config's
// numbers.
inline constexpr std::string_view kFuzzPairs = R"(
[[pair]]
adr = "BABA"
hk = "9988"
ratio = 8

[[pair]]
adr = "A"
hk = "13"
ratio = 0.5

[[pair]]
adr = "TCEHY"
hk = "00700"
ratio = 1
)";

inline const Config& fuzz_config() {
  static const Config config =
      parse_config(std::string(test::kBaseToml) + std::string(kFuzzPairs), "<fuzz>");
  return config;
}

[[noreturn]] inline void fuzz_fail(const char* what, std::string_view line = {}) {
  std::fprintf(stderr, "FUZZ INVARIANT BROKEN: %s\n", what);
  if (!line.empty()) {
    std::fprintf(stderr, "line (%zu bytes): ", line.size());
    for (unsigned char c : line) {
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        std::fputc(c, stderr);
      } else {
        std::fprintf(stderr, "\\x%02x", c);
      }
    }
    std::fputc('\n', stderr);
  }
  std::abort();
}

// What the contract promises about any tick TickParser accepts.
inline void check_accepted(const Tick& t, const Config& config, std::string_view line) {
  if (!std::isfinite(t.bid) || !std::isfinite(t.ask)) fuzz_fail("non-finite price", line);
  if (!(t.bid > 0) || !(t.ask > 0)) fuzz_fail("price <= 0", line);
  if (t.bid > t.ask) fuzz_fail("crossed quote accepted", line);
  if (t.ts_event <= 0) fuzz_fail("ts <= 0 accepted", line);
  if (t.instrument >= instrument_count(static_cast<std::uint32_t>(config.pairs.size()))) {
    fuzz_fail("unknown instrument id", line);
  }
  if (t.kind == TickKind::Fx) {
    if (t.instrument != kFxInstrument) fuzz_fail("fx tick with a non-fx instrument", line);
    if (t.bid < config.fx.min || t.ask > config.fx.max) fuzz_fail("fx out of band accepted", line);
    if (t.bid_size != 0 || t.ask_size != 0) fuzz_fail("fx tick with sizes", line);
  } else if (t.kind == TickKind::Quote) {
    if (t.instrument == kFxInstrument) fuzz_fail("quote on the fx instrument", line);
    if (!std::isfinite(t.bid_size) || !std::isfinite(t.ask_size) || t.bid_size < 0 ||
        t.ask_size < 0) {
      fuzz_fail("bad size accepted", line);
    }
  } else {
    fuzz_fail("tick kind out of range", line);
  }
  if (t.ts_recv != 0 || t.source != 0 || t.parse_ns != 0) fuzz_fail("parser stamped a tick", line);
}

inline bool same_tick(const Tick& a, const Tick& b) {
  // Bitwise on the doubles: the two paths must parse the very same bytes.
  return a.ts_event == b.ts_event && std::memcmp(&a.bid, &b.bid, sizeof a.bid) == 0 &&
         std::memcmp(&a.ask, &b.ask, sizeof a.ask) == 0 &&
         std::memcmp(&a.bid_size, &b.bid_size, sizeof a.bid_size) == 0 &&
         std::memcmp(&a.ask_size, &b.ask_size, sizeof a.ask_size) == 0 && a.seq == b.seq &&
         a.instrument == b.instrument && a.kind == b.kind;
}

// One framing event: a line (its bytes) or an over-long line.
struct FrameEvent {
  bool too_long = false;
  std::string line;
  bool operator==(const FrameEvent&) const = default;
};

// Feeds `data` to `framer` in chunks whose sizes come from `next_chunk`
// (called with the free space; returns 1..space), draining lines after each
// commit with LineFramer::drain as the sources do, then drain_last at the end.
// `on_line(line)` gets every line, `on_too_long()` every over-long line.
template <typename NextChunk, typename OnLine, typename OnTooLong>
void drive_framer(LineFramer& framer, std::string_view data, NextChunk next_chunk, OnLine on_line,
                  OnTooLong on_too_long) {
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::span<char> area = framer.write_area();
    if (area.empty()) fuzz_fail("LineFramer::write_area() is empty");
    std::size_t n = next_chunk(area.size());
    if (n == 0 || n > area.size()) n = area.size();
    if (n > data.size() - pos) n = data.size() - pos;
    std::memcpy(area.data(), data.data() + pos, n);
    framer.commit(n);
    pos += n;
    framer.drain(on_line, on_too_long);
  }
  framer.drain_last(on_line, on_too_long);
}

// A small deterministic generator for chunk sizes (splitmix64).
struct ChunkRng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

}  // namespace adrmon::fuzz
