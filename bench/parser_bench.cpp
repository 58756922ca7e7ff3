// JSON line -> Tick: adrmon::TickParser against, on the same bytes in the
// same run, nlohmann::json (a typical user's parser), the raw simdjson
// On-Demand walk (the ceiling: same kernel, no normalisation) and a plain
// memory read (the physical ceiling for ingest).
//
// Input: a realistic generated stream on 30 pairs (US and HK quotes and
// USD/HKD ticks, ~120 bytes a line) laid out as LineFramer hands it over.
// One benchmark iteration parses every line once. Rates: items = lines.
#include <benchmark/benchmark.h>

#include <numeric>

#include "adrmon/feeds/tick_parser.hpp"
#include "bench_common.hpp"
#include "nlohmann_baseline.hpp"
#include "raw_simdjson_walk.hpp"

namespace adrmon::bench {
namespace {

struct Input {
  Config config = make_config(30);
  LineBuffer lb = make_line_buffer(config, simulate(config, quick() ? 20'000 : 200'000));
  std::size_t line_bytes = lb.bytes.size() - 64;
};

const Input& input() {
  static const Input in;
  return in;
}

void set_rates(benchmark::State& state, const Input& in) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.lb.lines.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.line_bytes));
}

// Runs `parse` (true when it read the line into `out`) over every generated
// line per iteration; a line it fails skips the benchmark with `error`.
template <class Out, class Parse>
void parse_all(benchmark::State& state, const Input& in, Out& out, Parse parse, const char* error) {
  std::size_t failed = 0;
  for (auto _ : state) {
    for (const std::string_view line : in.lb.lines) {
      failed += !parse(line);
      benchmark::DoNotOptimize(out);
    }
  }
  if (failed != 0) state.SkipWithError(error);
  set_rates(state, in);
}

void BM_TickParser(benchmark::State& state) {
  const Input& in = input();
  TickParser parser(in.config);
  Tick tick{};
  parse_all(
      state, in, tick,
      [&](std::string_view line) { return parser.parse(line, tick) == Reject::None; },
      "TickParser rejected a generated line");
}

void BM_RawSimdjsonWalk(benchmark::State& state) {
  const Input& in = input();
  RawWalker walker;
  RawFields f;
  parse_all(
      state, in, f, [&](std::string_view line) { return walker.walk(line, f); },
      "raw walk failed on a generated line");
}

void BM_Nlohmann(benchmark::State& state) {
  const Input& in = input();
  NlohmannParser parser(in.config);
  Tick tick{};
  parse_all(
      state, in, tick, [&](std::string_view line) { return parser.parse(line, tick); },
      "nlohmann baseline failed on a generated line");
}

// Sums the bytes as 64-bit words: what reading the same bytes costs at best.
void BM_MemoryRead(benchmark::State& state) {
  const Input& in = input();
  const auto* words = reinterpret_cast<const std::uint64_t*>(in.lb.bytes.data());
  const std::size_t n = in.line_bytes / 8;
  for (auto _ : state) {
    std::uint64_t a = 0, b = 0, c = 0, d = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      a += words[i];
      b += words[i + 1];
      c += words[i + 2];
      d += words[i + 3];
    }
    for (; i < n; ++i) a += words[i];
    benchmark::DoNotOptimize(a + b + c + d);
  }
  set_rates(state, in);
}

BENCHMARK(BM_TickParser)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawSimdjsonWalk)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Nlohmann)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MemoryRead)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
