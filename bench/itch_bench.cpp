// ITCH 5.0 decoding + book building (ItchDecoder) against, on the same bytes
// in the same run, a walk of the file framing alone ([uint16 BE length]
// [message], the type's fixed length, a count per type): the ceiling of any
// decoder that must look at every record.
//
// Input: a real-shaped day generated in-process from the spec's layouts
// (tests/feeds/itch_encoder.hpp): 3,000 symbols in the Stock Directory, 30
// of them the configured ADRs, and an order flow over all of them in the
// proportions of a Nasdaq day (adds 47 %, deletes 31 %, cancels 7 %,
// replaces 7 %, executions 5 %, trades 2 %, ...), ~2 M messages. One
// iteration decodes the whole day once from a fresh decoder (built outside
// the timed region). Rates: items = messages.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <vector>

#include "../tests/feeds/itch_encoder.hpp"
#include "adrmon/feeds/itch_decoder.hpp"
#include "bench_common.hpp"
#include "venue_bench.hpp"

namespace adrmon::bench {
namespace {

using namespace itch_test;

struct Day {
  Config config;
  std::string bytes;
  std::size_t messages = 0;
  std::size_t symbols = 3000;
};

// `all_tracked`: every symbol is a configured ADR (the decoder's worst
// case: no message is skipped at the locate lookup).
Day make_day(bool all_tracked) {
  Day day;
  day.config = make_config(all_tracked ? day.symbols : 30);
  Rng rng(7);
  auto put = [&](const std::string& m) {
    day.bytes += frame(m);
    ++day.messages;
  };
  std::vector<std::string> names(day.symbols);
  std::vector<std::uint32_t> mid(day.symbols);
  std::vector<std::vector<std::uint64_t>> live(day.symbols);
  for (std::size_t s = 0; s < day.symbols; ++s) {
    // Every 100th symbol is one of the config's ADRs (30 in all).
    char name[24];
    std::snprintf(name, sizeof name, "S%zu", s);
    names[s] = all_tracked                    ? day.config.pairs[s].adr
               : s % 100 == 0 && s / 100 < 30 ? day.config.pairs[s / 100].adr
                                              : std::string(name);
    mid[s] = static_cast<std::uint32_t>(100000 + rng.next() % 4000000);
  }
  std::uint64_t ts = 4ull * 3600 * 1'000'000'000;
  put(system_event(ts, 'O'));
  for (std::size_t s = 0; s < day.symbols; ++s)
    put(directory(static_cast<std::uint16_t>(s + 1), ts, names[s]));
  std::uint64_t next_ref = 1;
  const std::size_t target = quick() ? 200'000 : 2'000'000;
  day.bytes.reserve(target * 32);
  while (day.messages < target) {
    ts += 1 + rng.next() % 20000;
    // Busy symbols (the ADRs among them) trade more: a skewed pick.
    const std::size_t s = static_cast<std::size_t>(
        (rng.uniform() < 0.3 ? rng.next() % 300 : rng.next() % day.symbols));
    const auto loc = static_cast<std::uint16_t>(s + 1);
    auto& orders = live[s];
    const double u = rng.uniform();
    // Books stay near 8..64 resting orders per symbol: adds balance removals.
    const bool add_now = orders.size() < 8 || (orders.size() < 64 && u < 0.47);
    if (add_now) {
      const bool buy = rng.next() & 1;
      const auto off = static_cast<std::uint32_t>(100 * (rng.next() % 10));
      const std::uint32_t px = buy ? mid[s] - 100 - off : mid[s] + 100 + off;
      const auto shares = static_cast<std::uint32_t>(100 * (1 + rng.next() % 5));
      const std::uint64_t ref = next_ref++;
      put(rng.uniform() < 0.2
              ? add_mpid(loc, ts, ref, buy ? 'B' : 'S', shares, names[s], px, "MPID")
              : add(loc, ts, ref, buy ? 'B' : 'S', shares, names[s], px));
      orders.push_back(ref);
      continue;
    }
    const std::size_t i = rng.next() % orders.size();
    const std::uint64_t ref = orders[i];
    if (u < 0.78) {
      put(del(loc, ts, ref));
      orders[i] = orders.back();
      orders.pop_back();
    } else if (u < 0.85) {
      put(cancel(loc, ts, ref, 1));
    } else if (u < 0.92) {
      const std::uint64_t nref = next_ref++;
      put(replace(loc, ts, ref, nref, 100, mid[s] + (rng.next() & 1 ? 200 : -200)));
      orders[i] = nref;
    } else if (u < 0.96) {
      put(executed(loc, ts, ref, 1, next_ref));
    } else if (u < 0.97) {
      put(executed_price(loc, ts, ref, 1, next_ref, 'Y', mid[s]));
    } else if (u < 0.99) {
      put(trade(loc, ts, 100, names[s], mid[s], next_ref));
    } else {
      put(other('I', 50, loc, ts));
    }
  }
  return day;
}

const Day& day(bool all_tracked = false) {
  static const Day d = make_day(false);
  static const Day all = make_day(true);
  return all_tracked ? all : d;
}

void rates(benchmark::State& state, const Day& d) {
  set_message_rates(state, d.messages, d.bytes.size());
}

// Baseline: the framing alone, one count per type.
void BM_ItchFramingOnly(benchmark::State& state) {
  const Day& d = day();
  framing_only(state, d.bytes, [](const std::uint8_t* p, const std::uint8_t* end, auto& by_type) {
    if (end - p < 3) return static_cast<const std::uint8_t*>(nullptr);
    const std::size_t len = ItchDecoder::message_length(p[2]);
    if (len == 0) return static_cast<const std::uint8_t*>(nullptr);
    ++by_type[p[2]];
    return p + 2 + len;
  });
  rates(state, d);
}

// Framing + ItchDecoder::decode: directory, books of the 30 ADRs, quotes.
void BM_ItchDecodeAndBook(benchmark::State& state) {
  const Day& d = day(state.range(0) != 0);
  ItchOptions options;
  options.level_reserve = state.range(0) != 0 ? 64 : 512;
  const auto* p0 = reinterpret_cast<const std::uint8_t*>(d.bytes.data());
  std::uint64_t quotes = 0;
  std::uint64_t peak = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ItchDecoder decoder(d.config, 1'700'000'000'000'000'000, options);
    state.ResumeTiming();
    const std::uint8_t* p = p0;
    const std::uint8_t* end = p0 + d.bytes.size();
    std::uint64_t seq = 0;
    Tick tick;
    while (end - p >= 3) {
      const std::size_t len = ItchDecoder::message_length(p[2]);
      if (len == 0) break;
      quotes += decoder.decode(p + 2, ++seq, tick) == ItchEmit::Quote;
      p += 2 + len;
    }
    benchmark::DoNotOptimize(tick);
    peak = decoder.counts()[itch_index(ItchCount::OrdersPeak)];
  }
  rates(state, d);
  state.counters["quotes_per_day"] =
      static_cast<double>(quotes) / static_cast<double>(state.iterations());
  state.counters["orders_peak"] = static_cast<double>(peak);
  state.counters["symbols"] = static_cast<double>(d.symbols);
}

BENCHMARK(BM_ItchFramingOnly)->Apply(venue_runs);
// Arg 0: 30 of 3,000 symbols tracked (the real case); 1: all 3,000 tracked.
BENCHMARK(BM_ItchDecodeAndBook)->Arg(0)->Arg(1)->Apply(venue_runs);

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
