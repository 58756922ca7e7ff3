// OMD-C decoding + aggregate books (OmdcDecoder) against, on the same bytes
// in the same run, a walk of the packet and message framing alone (PktSize,
// MsgCount, each MsgSize and MsgType counted).
//
// Input: a generated capture (tests/feeds/omdc_encoder.hpp): 1,000 securities,
// 30 of them configured, packets of 1-6 messages (Aggregate Order Book
// Update 53 with 1-4 level entries, some Trade Ticker 52 and Security Status
// 21), ~1 M messages. One iteration decodes the capture once from a fresh
// decoder. Rates: items = messages.
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "../tests/feeds/omdc_encoder.hpp"
#include "adrmon/feeds/omdc_decoder.hpp"
#include "bench_common.hpp"
#include "venue_bench.hpp"

namespace adrmon::bench {
namespace {

using namespace omdc_test;

struct Capture {
  Config config = make_config(30);
  std::string bytes;
  std::size_t messages = 0;
  std::size_t packets = 0;
};

Capture make_capture() {
  Capture c;
  Rng rng(11);
  std::vector<std::uint32_t> codes;
  for (const PairConfig& p : c.config.pairs)
    codes.push_back(static_cast<std::uint32_t>(std::stoul(p.hk)));
  for (std::uint32_t code = 10000; codes.size() < 1000; ++code) codes.push_back(code);
  std::uint32_t seq = 1;
  std::uint64_t ts = 1'763'951'400'000'000'000ull;
  const std::size_t target = quick() ? 100'000 : 1'000'000;
  c.bytes.reserve(target * 60);
  while (c.messages < target) {
    const std::size_t n = 1 + rng.next() % 6;
    std::vector<std::string> msgs;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t code =
          codes[rng.uniform() < 0.3 ? rng.next() % 30 : rng.next() % codes.size()];
      const double u = rng.uniform();
      if (u < 0.85) {
        std::vector<BookEntry> es;
        const std::size_t k = 1 + rng.next() % 4;
        for (std::size_t e = 0; e < k; ++e) {
          const auto side = static_cast<std::uint16_t>(rng.next() & 1);
          const auto level = static_cast<std::uint8_t>(1 + rng.next() % 5);
          const auto action = static_cast<std::uint8_t>(rng.next() % 3);
          const std::int32_t px = side == 0 ? 100000 - 10 * level : 100100 + 10 * level;
          es.push_back(BookEntry{100 * (1 + rng.next() % 50), px, 3, side, level, action});
        }
        msgs.push_back(book_update(code, es));
      } else if (u < 0.99) {
        msgs.push_back(message(52, std::string(32, '\0')));
      } else {
        msgs.push_back(security_status(code, rng.next() & 1 ? 2 : 3));
      }
    }
    c.bytes += packet(seq, ts, msgs, static_cast<std::uint8_t>(rng.next()));
    seq += static_cast<std::uint32_t>(n);
    ts += 1000 + rng.next() % 100000;
    c.messages += n;
    ++c.packets;
  }
  return c;
}

const Capture& capture() {
  static const Capture c = make_capture();
  return c;
}

void rates(benchmark::State& state, const Capture& c) {
  set_message_rates(state, c.messages, c.bytes.size());
}

inline std::uint16_t le16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

void BM_OmdcFramingOnly(benchmark::State& state) {
  const Capture& c = capture();
  framing_only(state, c.bytes, [](const std::uint8_t* p, const std::uint8_t* end, auto& by_type) {
    if (end - p < 16) return static_cast<const std::uint8_t*>(nullptr);
    const std::size_t size = le16(p);
    const std::size_t count = p[2];
    const std::uint8_t* m = p + 16;
    for (std::size_t i = 0; i < count; ++i) {
      ++by_type[le16(m + 2) & 0xff];
      m += le16(m);
    }
    return p + size;
  });
  rates(state, c);
}

void BM_OmdcDecodeAndBook(benchmark::State& state) {
  const Capture& c = capture();
  const auto* p0 = reinterpret_cast<const std::uint8_t*>(c.bytes.data());
  std::uint64_t quotes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    OmdcDecoder decoder(c.config);
    state.ResumeTiming();
    const std::uint8_t* p = p0;
    const std::uint8_t* end = p0 + c.bytes.size();
    Tick tick;
    while (end - p >= 16) {
      const std::size_t size = le16(p);
      decoder.begin_packet(p, size);
      for (OmdcEmit e = decoder.next(tick); e != OmdcEmit::End; e = decoder.next(tick))
        quotes += e == OmdcEmit::Quote;
      p += size;
    }
    benchmark::DoNotOptimize(tick);
  }
  rates(state, c);
  state.counters["quotes_per_capture"] =
      static_cast<double>(quotes) / static_cast<double>(state.iterations());
}

BENCHMARK(BM_OmdcFramingOnly)->Apply(venue_runs);
BENCHMARK(BM_OmdcDecodeAndBook)->Apply(venue_runs);

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
