// SpreadEngine::on_tick: ns per tick and per-tick p50/p99/p99.9 for 1, 30
// and 200 pairs, on quote ticks only, FX ticks only (each touches every
// pair) and a realistic mix (every ADR and HK line quoting 10/s, USD/HKD
// 10/s, so ~0.8% of ticks are FX on 30 pairs).
//
// Throughput: one iteration replays a fixed sequence of 65,536 generated
// ticks; ts is shifted forward on every pass so nothing is out of order.
// Tails: after the timed loop, one more pass times every call with the TSC
// (lfence-serialised), minus the measured cost of an empty timed region, into
// a LatencyHistogram; p50/p99/p99.9 are reported as counters (ns).
// The quote-only and FX-only runs use a huge max_age so every evaluation
// prices both sides (the full path); the mix uses the contract's 3 s.
// BM_EngineFxScalar: the FX-only run with SpreadEngine::FxPath::Scalar, every
// pair evaluated one by one (the layout before FxLanes), as the same-run
// baseline of the vectorised FX scan (issue 10: <= 100 ns at 30 pairs,
// <= 500 ns at 200).
#include <benchmark/benchmark.h>

#include "adrmon/core/latency_histogram.hpp"
#include "adrmon/strategy/spread_engine.hpp"
#include "bench_common.hpp"
#include "engine_fixture.hpp"

namespace adrmon::bench {
namespace {

void run_engine(benchmark::State& state, std::size_t pairs, int kind, SpreadEngine::FxPath path) {
  const Setup s = make_setup(pairs, kind);
  SpreadEngine engine(s.config);
  engine.set_fx_path(path);
  prime(engine, s);
  std::int64_t shift = 0;
  std::size_t rejected = 0;
  for (auto _ : state) {
    for (const Tick& base : s.ticks) {
      Tick t = base;
      t.ts_event += shift;
      rejected += engine.on_tick(t) != Reject::None;
    }
    benchmark::DoNotOptimize(engine.counts());
    shift += s.span;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.ticks.size()));

  // One timed pass for the tails.
  LatencyHistogram hist;
  const double ns = ns_per_cycle();
  const std::uint64_t overhead = timer_overhead_cycles();
  for (const Tick& base : s.ticks) {
    Tick t = base;
    t.ts_event += shift;
    const std::uint64_t c0 = cycles();
    const Reject r = engine.on_tick(t);
    const std::uint64_t c1 = cycles();
    benchmark::DoNotOptimize(r);
    const std::uint64_t d = c1 - c0 > overhead ? c1 - c0 - overhead : 0;
    hist.record(static_cast<std::int64_t>(static_cast<double>(d) * ns + 0.5));
  }
  if (rejected != 0) state.SkipWithError("engine rejected a generated tick");
  state.counters["p50_ns"] = static_cast<double>(hist.percentile(50));
  state.counters["p99_ns"] = static_cast<double>(hist.percentile(99));
  state.counters["p999_ns"] = static_cast<double>(hist.percentile(99.9));
  state.counters["alerts_per_1k"] =
      1000.0 * static_cast<double>(engine.counts().opens + engine.counts().closes) /
      static_cast<double>(engine.counts().accepted);
}

void BM_Engine(benchmark::State& state) {
  run_engine(state, static_cast<std::size_t>(state.range(0)), static_cast<int>(state.range(1)),
             SpreadEngine::FxPath::Auto);
}

void BM_EngineFxScalar(benchmark::State& state) {
  run_engine(state, static_cast<std::size_t>(state.range(0)), kFx, SpreadEngine::FxPath::Scalar);
}

BENCHMARK(BM_Engine)
    ->ArgNames({"pairs", "kind"})
    ->ArgsProduct({{1, 30, 200}, {kMix, kQuotes, kFx}})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EngineFxScalar)->ArgName("pairs")->Arg(30)->Arg(200)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
