// End to end, the replay path of `adrmon replay` in one process, with its real
// stages: FileMerger (read, frame, parse, k-way merge of us/hk/fx files) ->
// EngineStage::price -> SinkStage::deliver -> JsonLinesSink on /dev/null.
// Beside it, same files and run: the merge alone (no engine) and a plain
// read() of the files (the page-cache ceiling). Items = lines read.
//
// Input: $ADRMON_REPLAY_DIR with us.jsonl, hk.jsonl, fx.jsonl and config.toml
// (scripts/bench.sh makes it with tools/adrmon-gen or bench_gen), else a day
// generated here into a temporary directory (3M ticks; 300k with BENCH_QUICK).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "adrmon/core/log.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/pipeline/engine_stage.hpp"
#include "adrmon/pipeline/sink_stage.hpp"
#include "adrmon/sinks/json_lines_sink.hpp"
#include "bench_common.hpp"
#include "replay_day.hpp"

namespace adrmon::bench {
namespace {

ReplayDay& day() {
  static ReplayDay d("/tmp/adrmon-replay-XXXXXX");
  return d;
}

void BM_ReplayEndToEnd(benchmark::State& state) {
  ReplayDay& d = day();
  std::uint64_t lines = 0, alerts = 0, rejected = 0;
  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  for (auto _ : state) {
    FileMerger merger(d.files, d.config);
    const PricedDay r = price_to_null_sink(merger, d.config, null_fd);
    lines += r.lines;
    rejected += r.rejected;
    alerts += r.alerts;
  }
  ::close(null_fd);
  state.SetItemsProcessed(static_cast<std::int64_t>(lines));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
  state.counters["alerts"] = static_cast<double>(alerts) / static_cast<double>(state.iterations());
  state.counters["rejected"] =
      static_cast<double>(rejected) / static_cast<double>(state.iterations());
}

void BM_ReplayMergeOnly(benchmark::State& state) {
  ReplayDay& d = day();
  std::uint64_t lines = 0;
  for (auto _ : state) {
    FileMerger merger(d.files, d.config);
    Tick tick;
    while (merger.next(tick)) benchmark::DoNotOptimize(tick);
    lines += merger.counts().lines;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(lines));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
}

// read(2) of the same files into one 1 MiB buffer, touching every byte.
void BM_ReadFiles(benchmark::State& state) {
  ReplayDay& d = day();
  constexpr std::size_t kBuf = 1 << 20;
  auto buf = std::make_unique<std::uint64_t[]>(kBuf / 8);
  std::uint64_t lines_total = 0;
  for (auto _ : state) {
    std::uint64_t sum = 0, newlines = 0;
    for (const std::string& path : d.files) {
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      ssize_t n;
      while ((n = ::read(fd, buf.get(), kBuf)) > 0) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(buf.get());
        for (ssize_t i = 0; i < n; ++i) newlines += bytes[i] == '\n';
        sum += buf[0];
      }
      ::close(fd);
    }
    benchmark::DoNotOptimize(sum);
    lines_total += newlines;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(lines_total));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
}

BENCHMARK(BM_ReplayEndToEnd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReplayMergeOnly)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReadFiles)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
