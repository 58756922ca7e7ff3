// Issue 10, "both cores for JSON Lines", in one run on the same files:
//   BM_RawIterateManyWalk   the floor the issue names: one thread, the files
//                           read in 1 MiB chunks and walked with simdjson
//                           iterate_many (stage 1 a batch ahead), the same
//                           fields read as TickParser reads, nothing checked
//   BM_Replay/threads:1     `adrmon replay`'s stages (FileMerger -> EngineStage
//                           -> SinkStage -> JsonLinesSink on /dev/null), parsed
//                           on the merging thread (--parse-threads 1)
//   BM_Replay/threads:0     the same, parse threads auto (the default)
//   BM_Replay/threads:2,3   fixed counts
// Items = lines. Input as replay_bench: $ADRMON_REPLAY_DIR (us/hk/fx.jsonl,
// config.toml) or a generated day (3M ticks; 300k with BENCH_QUICK).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

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
  static ReplayDay d("/tmp/adrmon-replay-par-XXXXXX");
  return d;
}

struct Fields {
  std::string_view type, venue, sym, pair;
  std::int64_t ts = 0;
  double bid = 0, ask = 0, bid_size = 0, ask_size = 0;
  std::uint64_t seq = 0;
  bool trading = false;
};

// Reads the fields TickParser reads from one document; false on an error.
bool walk(simdjson::ondemand::document_reference doc, Fields& f) noexcept {
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  for (auto field_result : obj) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return false;
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    simdjson::ondemand::value v = field.value();
    simdjson::error_code e = simdjson::SUCCESS;
    if (key == "type") {
      e = v.get_string().get(f.type);
    } else if (key == "ts") {
      e = v.get_int64().get(f.ts);
    } else if (key == "venue") {
      e = v.get_string().get(f.venue);
    } else if (key == "sym") {
      e = v.get_string().get(f.sym);
    } else if (key == "pair") {
      e = v.get_string().get(f.pair);
    } else if (key == "bid") {
      e = v.get_double().get(f.bid);
    } else if (key == "ask") {
      e = v.get_double().get(f.ask);
    } else if (key == "bid_size") {
      e = v.get_double().get(f.bid_size);
    } else if (key == "ask_size") {
      e = v.get_double().get(f.ask_size);
    } else if (key == "seq") {
      e = v.get_uint64().get(f.seq);
    } else if (key == "trading") {
      e = v.get_bool().get(f.trading);
    }
    if (e) return false;
  }
  return true;
}

void BM_RawIterateManyWalk(benchmark::State& state) {
  ReplayDay& d = day();
  constexpr std::size_t kChunk = 1 << 20;
  constexpr std::size_t kCap = kChunk + (64 << 10);
  auto buf = std::make_unique<char[]>(kCap + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::parser parser;
  std::uint64_t docs = 0, errors = 0;
  for (auto _ : state) {
    for (const std::string& path : d.files) {
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      std::size_t have = 0;  // bytes in buf; a partial last line carried over
      for (;;) {
        const ssize_t n = ::read(fd, buf.get() + have, kCap - have);
        if (n > 0) have += static_cast<std::size_t>(n);
        // Complete lines only, until EOF; the bytes after them are the padding.
        std::size_t end = have;
        if (n > 0) {
          while (end > 0 && buf[end - 1] != '\n') --end;
        }
        if (end > 0) {
          simdjson::ondemand::document_stream stream;
          if (parser.iterate_many(buf.get(), end, kChunk).get(stream)) std::abort();
          for (auto doc : stream) {
            simdjson::ondemand::document_reference ref;
            Fields f;
            if (std::move(doc).get(ref) || !walk(ref, f)) {
              ++errors;
            } else {
              ++docs;
              benchmark::DoNotOptimize(f);
            }
          }
        }
        std::memmove(buf.get(), buf.get() + end, have - end);
        have -= end;
        if (n <= 0) break;
      }
      ::close(fd);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(docs + errors));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
  state.counters["errors"] = static_cast<double>(errors) / static_cast<double>(state.iterations());
}

void BM_Replay(benchmark::State& state) {
  ReplayDay& d = day();
  const auto threads = static_cast<unsigned>(state.range(0));
  std::uint64_t lines = 0, alerts = 0;
  unsigned used = 0;
  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  for (auto _ : state) {
    FileMerger merger(d.files, d.config, threads);
    used = merger.parse_threads();
    const PricedDay r = price_to_null_sink(merger, d.config, null_fd);
    lines += r.lines;
    alerts += r.alerts;
  }
  ::close(null_fd);
  state.SetItemsProcessed(static_cast<std::int64_t>(lines));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
  state.counters["alerts"] = static_cast<double>(alerts) / static_cast<double>(state.iterations());
  state.counters["parse_threads"] = used;
}

BENCHMARK(BM_RawIterateManyWalk)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Replay)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(0)
    ->Arg(2)
    ->Arg(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
