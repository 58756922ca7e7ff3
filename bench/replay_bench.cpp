// End to end, the daemon's replay path in one process: FileMerger (read,
// frame, parse, k-way merge of us/hk/fx files) -> SpreadEngine -> alerts
// formatted into a 64 KiB buffer written to /dev/null (what AlertWriter does).
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

#include "adrmon/core/alert_json.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/strategy/spread_engine.hpp"
#include "bench_common.hpp"

namespace adrmon::bench {
namespace {

struct Day {
  std::string dir;
  bool owned = false;
  std::vector<std::string> files;
  Config config;
  std::uint64_t bytes = 0;

  Day() {
    if (const char* d = std::getenv("ADRMON_REPLAY_DIR"); d != nullptr && *d != '\0') {
      dir = d;
    } else {
      char tmpl[] = "/tmp/adrmon-replay-XXXXXX";
      if (::mkdtemp(tmpl) == nullptr) std::abort();
      dir = tmpl;
      owned = true;
      if (!write_day(dir, quick() ? 300'000 : 3'000'000, 30)) std::abort();
    }
    for (const char* name : {"us.jsonl", "hk.jsonl", "fx.jsonl"}) {
      files.push_back(dir + "/" + name);
      bytes += std::filesystem::file_size(files.back());
    }
    config = load_config(dir + "/config.toml");
  }
  ~Day() {
    if (owned) std::filesystem::remove_all(dir);
  }
};

Day& day() {
  static Day d;
  return d;
}

class NullAlertSink {
 public:
  explicit NullAlertSink(const Config& c)
      : fd_(::open("/dev/null", O_WRONLY | O_CLOEXEC)), buf_(std::make_unique<char[]>(kBytes)) {
    for (const PairConfig& p : c.pairs) names_.push_back(p.name);
  }
  ~NullAlertSink() {
    flush();
    ::close(fd_);
  }
  void write(const Alert& a) noexcept {
    if (kBytes - used_ < kMaxAlertJsonBytes) flush();
    used_ += format_alert_json(a, names_[a.pair], buf_.get() + used_);
    ++written_;
  }
  void flush() noexcept {
    if (used_ > 0 && ::write(fd_, buf_.get(), used_) < 0) ++errors_;
    used_ = 0;
  }
  std::uint64_t written() const noexcept { return written_; }

 private:
  static constexpr std::size_t kBytes = 64 * 1024;
  int fd_;
  std::unique_ptr<char[]> buf_;
  std::vector<std::string> names_;
  std::size_t used_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t errors_ = 0;
};

void BM_ReplayEndToEnd(benchmark::State& state) {
  Day& d = day();
  std::uint64_t lines = 0, alerts = 0, rejected = 0;
  for (auto _ : state) {
    FileMerger merger(d.files, d.config);
    SpreadEngine engine(d.config);
    NullAlertSink sink(d.config);
    Tick tick;
    while (merger.next(tick)) {
      if (engine.on_tick(tick) != Reject::None) {
        ++rejected;
        continue;
      }
      for (const Alert& a : engine.alerts()) sink.write(a);
    }
    sink.flush();
    lines += merger.counts().lines;
    rejected += merger.counts().rejects.total();
    alerts += sink.written();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(lines));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.bytes));
  state.counters["alerts"] = static_cast<double>(alerts) / static_cast<double>(state.iterations());
  state.counters["rejected"] =
      static_cast<double>(rejected) / static_cast<double>(state.iterations());
}

void BM_ReplayMergeOnly(benchmark::State& state) {
  Day& d = day();
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
  Day& d = day();
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
