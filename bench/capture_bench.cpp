// The binary capture against JSON Lines on the same day, in one run: the
// read path alone (CaptureReader blocks vs FileMerger's read, parse and
// merge of the three files) and end to end through EngineStage::price, as
// `adrmon replay` runs them. Items = ticks. Counters: the capture's bytes
// per tick and the JSON Lines' bytes per tick.
//
// Input: $ADRMON_REPLAY_DIR (us/hk/fx.jsonl + config.toml, see
// scripts/bench.sh), else a generated day; the capture is written once from
// the merge into a temporary file.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "adrmon/feeds/capture.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/pipeline/engine_stage.hpp"
#include "bench_common.hpp"
#include "replay_day.hpp"

namespace adrmon::bench {
namespace {

struct CaptureDay {
  ReplayDay jsonl{"/tmp/adrmon-capture-bench-XXXXXX"};
  const std::vector<std::string>& files = jsonl.files;
  const Config& config = jsonl.config;
  const std::uint64_t jsonl_bytes = jsonl.bytes;
  std::string capture = jsonl.dir + "/capture_bench." + std::to_string(::getpid()) + ".cap";
  std::uint64_t capture_bytes = 0, ticks = 0;

  CaptureDay() {
    CaptureHeader h;
    h.instruments = capture_instruments(config);
    CaptureWriter w(capture, h);
    FileMerger merger(files, config);
    Tick t;
    while (merger.next(t)) w.append(t);
    if (!w.close()) std::abort();
    ticks = w.records();
    capture_bytes = w.bytes();
  }
  ~CaptureDay() { std::filesystem::remove(capture); }
};

CaptureDay& day() {
  static CaptureDay d;
  return d;
}

void sizes(benchmark::State& state, const CaptureDay& d) {
  state.counters["capture_bytes_per_tick"] =
      static_cast<double>(d.capture_bytes) / static_cast<double>(d.ticks);
  state.counters["jsonl_bytes_per_tick"] =
      static_cast<double>(d.jsonl_bytes) / static_cast<double>(d.ticks);
}

void BM_CaptureRead(benchmark::State& state) {
  CaptureDay& d = day();
  std::uint64_t n = 0;
  for (auto _ : state) {
    CaptureReader r(d.capture);
    for (auto b = r.next_block(); !b.empty(); b = r.next_block()) {
      benchmark::DoNotOptimize(b.data());
      n += b.size();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  sizes(state, d);
}

void BM_JsonlRead(benchmark::State& state) {
  CaptureDay& d = day();
  std::uint64_t n = 0;
  for (auto _ : state) {
    FileMerger merger(d.files, d.config);
    Tick t;
    while (merger.next(t)) {
      benchmark::DoNotOptimize(t);
      ++n;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
}

void BM_CaptureReplay(benchmark::State& state) {
  CaptureDay& d = day();
  std::uint64_t n = 0, alerts = 0;
  for (auto _ : state) {
    CaptureReader r(d.capture);
    EngineStageOptions options;
    options.stamp = false;
    EngineStage engine(d.config, nullptr, options);
    for (auto b = r.next_block(); !b.empty(); b = r.next_block()) {
      for (const Tick& t : b) alerts += engine.price(t).size();
      n += b.size();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.counters["alerts"] = static_cast<double>(alerts) / static_cast<double>(state.iterations());
}

void BM_JsonlReplay(benchmark::State& state) {
  CaptureDay& d = day();
  std::uint64_t n = 0, alerts = 0;
  for (auto _ : state) {
    FileMerger merger(d.files, d.config);
    EngineStageOptions options;
    options.stamp = false;
    EngineStage engine(d.config, nullptr, options);
    Tick t;
    while (merger.next(t)) {
      alerts += engine.price(t).size();
      ++n;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.counters["alerts"] = static_cast<double>(alerts) / static_cast<double>(state.iterations());
}

BENCHMARK(BM_CaptureRead)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_JsonlRead)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CaptureReplay)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_JsonlReplay)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
