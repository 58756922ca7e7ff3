// Captures for tests: a header with a five-instrument table, ticks with
// every field set, a capture written from them, and reading one back.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "adrmon/feeds/capture.hpp"
#include "feeds_test_support.hpp"

namespace adrmon::capture_test {

using feeds_test::kT0;

inline CaptureHeader test_header(std::uint32_t block_records) {
  CaptureHeader h;
  h.block_records = block_records;
  h.config_hash = 0x1234'5678'9abc'def0ull;
  h.created_unix_ns = kT0;
  h.creator = "adrmon test";
  h.instruments = {{CaptureVenue::Fx, "USDHKD"},
                   {CaptureVenue::Us, "BABA"},
                   {CaptureVenue::Hk, "9988"},
                   {CaptureVenue::Us, "JD"},
                   {CaptureVenue::Hk, "9618"}};
  return h;
}

// `n` ticks with every field set, ts 10 ns apart from kT0.
inline std::vector<Tick> make_ticks(std::size_t n, unsigned seed = 7) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> price(1.0, 200.0);
  std::vector<Tick> ticks(n);
  for (std::size_t i = 0; i < n; ++i) {
    Tick& t = ticks[i];
    t.ts_event = kT0 + static_cast<std::int64_t>(i) * 10;
    t.ts_recv = static_cast<std::int64_t>(rng() >> 2);
    t.bid = price(rng);
    t.ask = t.bid + 0.01;
    t.bid_size = static_cast<double>(rng() % 10000);
    t.ask_size = static_cast<double>(rng() % 10000);
    t.seq = i % 3 == 0 ? kNoSeq : i;
    t.parse_ns = static_cast<std::uint32_t>(rng());
    t.instrument = static_cast<std::uint16_t>(i % 5);
    t.kind = i % 5 == 0 ? TickKind::Fx : (i % 17 == 0 ? TickKind::Halted : TickKind::Quote);
    t.source = static_cast<std::uint8_t>(i % 3);
  }
  return ticks;
}

inline std::string write_capture(const std::string& path, const std::vector<Tick>& ticks,
                                 std::uint32_t block_records) {
  CaptureWriter w(path, test_header(block_records));
  for (const Tick& t : ticks) EXPECT_TRUE(w.append(t));
  EXPECT_TRUE(w.close());
  EXPECT_EQ(w.records(), ticks.size());
  EXPECT_EQ(w.lost(), 0u);
  return path;
}

inline std::vector<Tick> read_all(CaptureReader& r) {
  std::vector<Tick> out;
  Tick t;
  while (r.next(t)) out.push_back(t);
  return out;
}

inline bool same(const std::vector<Tick>& a, const Tick* b, std::size_t n) {
  return a.size() == n && std::memcmp(a.data(), b, n * sizeof(Tick)) == 0;
}

inline std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace adrmon::capture_test
