#include "replay.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "adrmon/core/cpu_affinity.hpp"
#include "adrmon/core/local_time.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/feeds/capture.hpp"
#include "adrmon/feeds/capture_read_ahead.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/pipeline/engine_stage.hpp"
#include "adrmon/pipeline/run_summary.hpp"
#include "adrmon/pipeline/sink_stage.hpp"
#include "adrmon/sinks/json_lines_sink.hpp"
#include "adrmon/sinks/stdout_sink.hpp"

namespace adrmon {

namespace {

// --from/--to: integer ns since the epoch or an RFC 3339 instant; empty: `none`.
std::int64_t parse_bound(const std::string& text, const char* flag, std::int64_t none) {
  if (text.empty()) return none;
  std::int64_t ns = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ns);
  if (ec == std::errc() && end == text.data() + text.size()) return ns;
  if (parse_rfc3339_ns(text, ns)) return ns;
  throw std::invalid_argument(std::string(flag) + " '" + text +
                              "': expected integer ns since the epoch or an RFC 3339 instant");
}

// The capture's instrument table must be the config's, id for id: the ids
// in its records mean nothing else. Throws naming the first difference.
void check_instruments(const CaptureReader& capture, const Config& config) {
  const std::vector<CaptureInstrument> want = capture_instruments(config);
  const std::vector<CaptureInstrument>& got = capture.header().instruments;
  static constexpr const char* kVenue[] = {"FX", "US", "HK"};
  for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    if (i < want.size() && i < got.size() && want[i] == got[i]) continue;
    const auto name = [&](const std::vector<CaptureInstrument>& t) {
      return i < t.size() ? std::string(kVenue[static_cast<int>(t[i].venue)]) + " " + t[i].symbol
                          : std::string("nothing");
    };
    throw std::runtime_error(capture.path() + ": its instrument table differs from " + config.path +
                             " at id " + std::to_string(i) + " (capture: " + name(got) +
                             ", config: " + name(want) +
                             "); replay it with the config it was recorded with");
  }
}

// Opens a capture for replay: repairs a torn tail (a writer that died) and
// says so on stderr.
std::unique_ptr<CaptureReader> open_capture(const std::string& path, const Config& config) {
  auto capture = std::make_unique<CaptureReader>(path, CaptureOpen::Repair);
  const CaptureRecovery& rec = capture->recovery();
  if (!rec.had_index) {
    std::fprintf(
        stderr,
        "adrmon: %s: no block index (the writer did not finish): %zu whole block(s), "
        "%llu record(s) kept; torn tail of %llu byte(s) dropped%s\n",
        path.c_str(), capture->blocks().size(), static_cast<unsigned long long>(capture->records()),
        static_cast<unsigned long long>(rec.torn_bytes),
        rec.repaired ? "; repaired (truncated, index written)" : "; not repaired (read-only)");
  }
  check_instruments(*capture, config);
  return capture;
}

}  // namespace

int run_replay(const ReplayOptions& opt) {
  const Config config = load_config(opt.config);
  const std::int64_t from =
      parse_bound(opt.from, "--from", std::numeric_limits<std::int64_t>::min());
  const std::int64_t to = parse_bound(opt.to, "--to", std::numeric_limits<std::int64_t>::max());
  std::unique_ptr<CaptureReader> capture;
  for (const std::string& f : opt.files) {
    if (!is_capture_file(f)) continue;
    if (opt.files.size() != 1) {
      throw std::invalid_argument(f + ": a capture is replayed alone (it already holds the merge)");
    }
    capture = open_capture(f, config);
    capture->seek(from);
    capture->set_until(to);
  }
  FileMerger merger(capture ? std::vector<std::string>{} : opt.files, config, file_parse_threads());
  EngineStageOptions engine_options;
  engine_options.stamp = false;  // event time decides; no clock per tick
  EngineStage engine(config, nullptr, engine_options);
  std::unique_ptr<JsonLinesSink> json;
  if (!opt.alerts.empty()) {
    json = std::make_unique<JsonLinesSink>(opt.alerts, pair_names(config), stderr_log());
  } else if (!opt.human) {
    json = std::make_unique<JsonLinesSink>(STDOUT_FILENO, "<stdout>", pair_names(config),
                                           stderr_log());
  }
  std::unique_ptr<StdoutSink> human;  // the default clock: --tz, no receive time
  if (opt.human) human = std::make_unique<StdoutSink>(pair_names(config));
  std::vector<AlertSink*> outputs;
  if (json) outputs.push_back(json.get());
  if (human) outputs.push_back(human.get());
  SinkStage sinks(outputs, false);

  const auto start = std::chrono::steady_clock::now();
  Tick tick;
  std::uint64_t delivered = 0;
  std::uint64_t captured = 0;  // records read from a capture
  const auto price = [&](const Tick& t) {
    if (t.ts_event < from || t.ts_event > to) return;
    for (const Alert& a : engine.price(t)) {
      sinks.deliver(a);
      ++delivered;
    }
  };
  // On two or more CPUs a capture's blocks are decoded on a second thread
  // (CaptureReadAhead) while this one prices; --parse-threads 1 keeps it on
  // this thread, as it does for JSON Lines.
  std::unique_ptr<CaptureReadAhead> ahead;
  if (capture && file_parse_threads() != 1 && usable_cpus() >= 2) {
    ahead = std::make_unique<CaptureReadAhead>(*capture);
  }
  const auto next_block = [&] { return ahead ? ahead->next_block() : capture->next_block(); };
  if (capture) {
    for (auto block = next_block(); !block.empty(); block = next_block()) {
      captured += block.size();
      for (const Tick& t : block) price(t);
    }
  } else {
    while (merger.next(tick)) price(tick);
  }
  sinks.flush();
  const auto stop = std::chrono::steady_clock::now();

  RunSummary s;
  s.feed = merger.counts();
  if (capture) s.feed.lines = s.feed.parsed = captured;
  s.rejects = s.feed.rejects;
  s.rejects += engine.rejects();
  s.engine = engine.engine().counts();
  s.alerts = json ? json->written() : delivered;
  s.wall_seconds = std::chrono::duration<double>(stop - start).count();
  for (PairId id = 0; id < config.pairs.size(); ++id) {
    s.pairs.push_back({config.pairs[id].name, engine.engine().pair(id).suspect_evaluations});
  }
  for (const auto& reader : merger.readers()) {
    if (reader && reader->unknown_symbols().size() > 0) {
      s.file_unknown_symbols.emplace_back(reader->path(), reader->unknown_symbols().list());
    }
  }
  if (!opt.quiet) print_summary(stderr, s);
  if (!opt.summary_json.empty()) write_summary_json(opt.summary_json, s);
  if (merger.report_read_errors(stderr_log())) return 1;
  const std::string capture_error = !capture ? std::string()
                                    : ahead  ? ahead->error()
                                             : capture->error();
  if (!capture_error.empty()) {
    std::fprintf(stderr, "adrmon: %s: %s; replay stopped there\n", capture->path().c_str(),
                 capture_error.c_str());
    return 1;
  }
  if (json && json->write_errors() > 0) {
    std::fprintf(stderr, "adrmon: %llu alert(s) could not be written: %s\n",
                 static_cast<unsigned long long>(json->lost()), std::strerror(json->error()));
    return 1;
  }
  return 0;
}

}  // namespace adrmon
