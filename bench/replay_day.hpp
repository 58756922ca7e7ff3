// ReplayDay: the tick day the replay benchmarks read, once per process:
// $ADRMON_REPLAY_DIR (us/hk/fx.jsonl + config.toml; scripts/bench.sh makes
// it with tools/adrmon-gen), else a day written by write_day() into a
// temporary directory (3M ticks; 300k with BENCH_QUICK) and removed at exit.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/pipeline/engine_stage.hpp"
#include "adrmon/pipeline/sink_stage.hpp"
#include "adrmon/sinks/json_lines_sink.hpp"
#include "bench_common.hpp"

namespace adrmon::bench {

struct ReplayDay {
  std::string dir;
  bool owned = false;
  std::vector<std::string> files;  // us, hk, fx
  Config config;
  std::uint64_t bytes = 0;  // of the three files

  // `tmp_template`: a mkdtemp() template for the generated day.
  explicit ReplayDay(std::string tmp_template) {
    if (const char* d = std::getenv("ADRMON_REPLAY_DIR"); d != nullptr && *d != '\0') {
      dir = d;
    } else {
      if (::mkdtemp(tmp_template.data()) == nullptr) std::abort();
      dir = tmp_template;
      owned = true;
      if (!write_day(dir, quick() ? 300'000 : 3'000'000, 30)) std::abort();
    }
    for (const char* name : {"us.jsonl", "hk.jsonl", "fx.jsonl"}) {
      files.push_back(dir + "/" + name);
      bytes += std::filesystem::file_size(files.back());
    }
    config = load_config(dir + "/config.toml");
  }
  ~ReplayDay() {
    if (owned) std::filesystem::remove_all(dir);
  }
  ReplayDay(const ReplayDay&) = delete;
  ReplayDay& operator=(const ReplayDay&) = delete;
};

// One pass of `adrmon replay`'s stages after the merge: every tick of
// `merger` -> EngineStage::price (unstamped) -> SinkStage -> JsonLinesSink
// on `null_fd` (/dev/null). What the replay benchmarks time per iteration.
struct PricedDay {
  std::uint64_t lines = 0, rejected = 0, alerts = 0;
};
inline PricedDay price_to_null_sink(FileMerger& merger, const Config& config, int null_fd) {
  EngineStageOptions options;
  options.stamp = false;
  EngineStage engine(config, nullptr, options);
  JsonLinesSink sink(null_fd, "/dev/null", pair_names(config), null_log());
  SinkStage sinks({&sink}, false);
  Tick tick;
  while (merger.next(tick)) {
    for (const Alert& a : engine.price(tick)) sinks.deliver(a);
  }
  sinks.flush();
  return {merger.counts().lines, merger.counts().rejects.total() + engine.rejects().total(),
          sink.written()};
}

}  // namespace adrmon::bench
