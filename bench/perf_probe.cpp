// perf_probe: fixed hot-path workloads for the performance guard.
//
//   perf_probe callgrind   run every probe once; meant to run under
//                          `valgrind --tool=callgrind --collect-atstart=no`:
//                          each probe warms up unmeasured, then collects
//                          exactly its measured loop and dumps the counts
//                          (one dump per probe, named after it), so start-up,
//                          setup and warm-up never reach the numbers
//   perf_probe profile     the same loops with no client requests, for
//                          `valgrind --tool=callgrind --toggle-collect=FN`
//   perf_probe time        native timing ratios in one process: our parser
//                          vs nlohmann and vs the raw simdjson walk on the
//                          same lines, interleaved 7 times, medians
//
// scripts/perf_guard.sh turns the dumps into instructions per item and checks
// them against bench/perf_budget.txt. Inputs are generated deterministically.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "adrmon/core/doorbell.hpp"
#include "adrmon/feeds/capture.hpp"
#include "adrmon/feeds/source.hpp"
#include "adrmon/feeds/tick_parser.hpp"
#include "bench_common.hpp"
#include "engine_fixture.hpp"
#include "nlohmann_baseline.hpp"
#include "raw_simdjson_walk.hpp"

namespace adrmon::bench {
namespace {

// Runs `fn` on the first `warm` items unmeasured, then on `items` items with
// collection on, then dumps under `name`.
bool g_client_requests = true;  // false: `profile` mode, plain loops

void collect(const char* name, const std::function<void()>& warm,
             const std::function<void()>& measured) {
  warm();
  if (!g_client_requests) {
    measured();
    return;
  }
  CALLGRIND_ZERO_STATS;
  CALLGRIND_TOGGLE_COLLECT;
  measured();
  CALLGRIND_TOGGLE_COLLECT;
  CALLGRIND_DUMP_STATS_AT(name);
}

constexpr std::size_t kEngineItems[] = {20000, 2000, 400, 20000};

void engine_probe(const char* name, std::size_t pairs, int kind, std::size_t items) {
  const Setup s = make_setup(pairs, kind, 2 * items);
  SpreadEngine engine(s.config);
  prime(engine, s);
  const auto half = static_cast<std::ptrdiff_t>(items);
  std::size_t bad = 0;
  auto run = [&](auto first, auto last) {
    for (auto it = first; it != last; ++it) bad += engine.on_tick(*it) != Reject::None;
  };
  collect(
      name, [&] { run(s.ticks.begin(), s.ticks.begin() + half); },
      [&] { run(s.ticks.begin() + half, s.ticks.end()); });
  if (bad != 0) std::fprintf(stderr, "perf_probe: %s: %zu ticks rejected\n", name, bad);
  std::printf("%s %zu\n", name, items);
}

struct Lines {
  Config config = make_config(30);
  LineBuffer lb = make_line_buffer(config, simulate(config, 12000, 11));
};

template <class Parse>
void parser_probe(const char* name, const Lines& in, std::size_t items, Parse&& parse) {
  std::size_t bad = 0;
  const std::size_t warm = 2000;
  collect(
      name,
      [&] {
        for (std::size_t i = 0; i < warm; ++i) bad += !parse(in.lb.lines[i]);
      },
      [&] {
        for (std::size_t i = warm; i < warm + items; ++i) bad += !parse(in.lb.lines[i]);
      });
  if (bad != 0) std::fprintf(stderr, "perf_probe: %s: %zu lines failed\n", name, bad);
  std::printf("%s %zu\n", name, items);
}

// The capture decode path (CaptureReader::next_block: pread, CRC-32, zstd,
// the id and kind check) over the probe lines' ticks, written once to a
// temporary file; the first block warms up, the rest is measured.
void capture_probe(const Lines& in) {
  TickParser parser(in.config);
  char path[] = "/tmp/adrmon-perf-capture-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) std::abort();
  ::close(fd);
  CaptureHeader h;
  h.block_records = 2048;
  h.instruments = capture_instruments(in.config);
  {
    CaptureWriter w(path, h);
    Tick t{};
    for (auto l : in.lb.lines) {
      if (parser.parse(l, t) == Reject::None) w.append(t);
    }
    w.close();
  }
  CaptureReader r(path);
  std::size_t items = 0;
  std::uint64_t sum = 0;
  collect(
      "capture_decode", [&] { sum += r.next_block().size(); },
      [&] {
        for (auto b = r.next_block(); !b.empty(); b = r.next_block()) {
          items += b.size();
          sum += b.back().seq;
        }
      });
  ::unlink(path);
  if (!r.error().empty() || sum == 0)
    std::fprintf(stderr, "perf_probe: capture_decode: %s\n", r.error().c_str());
  std::printf("capture_decode %zu\n", items);
}

// The inline design's read path (issue 10): a polled udp:// Source on
// loopback, one tick a datagram, all sent before the probe starts; the
// measured loop is what the engine thread runs per datagram before pricing:
// Source::poll() (recvmsg with the kernel stamp, the clock mapping, framing,
// parsing, counting, the channel push) and the channel's pop. Instructions
// in the kernel are not counted (callgrind sees user space only).
void udp_poll_probe(const Lines& in) {
  constexpr std::size_t kWarm = 1000, kItems = 2000;
  const int out = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof to;
  ::bind(out, reinterpret_cast<sockaddr*>(&to), sizeof to);  // a free port, held until bound again
  ::getsockname(out, reinterpret_cast<sockaddr*>(&to), &len);
  ::close(out);
  Doorbell bell;
  SourceOptions options;
  auto sources =
      make_sources({parse_source_spec("udp://127.0.0.1:" + std::to_string(ntohs(to.sin_port)) +
                                      "?rcvbuf=33554432")},
                   in.config, options, bell);
  Source& source = *sources.front();
  source.start_polled();
  const int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
  for (std::size_t i = 0; i < kWarm + kItems; ++i) {
    const std::string_view l = in.lb.lines[i];
    ::sendto(tx, l.data(), l.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  ::close(tx);
  std::vector<Tick> popped(256);
  std::size_t got = 0;
  auto drain_to = [&](std::size_t n) {
    for (int spins = 0; got < n && spins < 1'000'000; ++spins) {
      source.poll();
      got += source.channel().pop_bulk(popped.data(), popped.size());
    }
  };
  collect(
      "udp_poll_tick", [&] { drain_to(kWarm); }, [&] { drain_to(kWarm + kItems); });
  if (got != kWarm + kItems || source.stats().kernel_drops.get() != 0)
    std::fprintf(stderr, "perf_probe: udp_poll_tick: %zu of %zu ticks read\n", got, kWarm + kItems);
  std::printf("udp_poll_tick %zu\n", kItems);
}

// The inline design over files (issue 10): a file group at full speed
// polled by the engine thread, one JSON Lines file of the probe lines; the
// measured loop is what that thread runs per tick before pricing:
// Source::poll() (read(2)'s user side, framing, parsing, the merge, the
// counts, the channel push; untimed, so no clock read) and the pop.
void file_poll_probe(const Lines& in) {
  char path[] = "/tmp/adrmon-perf-file-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) std::abort();
  for (auto l : in.lb.lines) {
    if (::write(fd, l.data(), l.size()) != static_cast<ssize_t>(l.size()) ||
        ::write(fd, "\n", 1) != 1)
      std::abort();
  }
  ::close(fd);
  constexpr std::size_t kWarm = 2000;
  const std::size_t total = in.lb.lines.size();
  Doorbell bell;
  SourceOptions options;
  auto sources =
      make_sources({parse_source_spec(std::string("file:") + path)}, in.config, options, bell);
  Source& source = *sources.front();
  source.start_polled();
  std::vector<Tick> popped(256);
  std::size_t got = 0;
  auto drain_to = [&](std::size_t n) {
    while (got < n && !source.done()) {
      source.poll();
      got += source.channel().pop_bulk(popped.data(), std::min(popped.size(), n - got));
    }
  };
  collect(
      "file_poll_tick", [&] { drain_to(kWarm); }, [&] { drain_to(total); });
  ::unlink(path);
  if (got != total)
    std::fprintf(stderr, "perf_probe: file_poll_tick: %zu of %zu ticks\n", got, total);
  std::printf("file_poll_tick %zu\n", total - kWarm);
}

// TickParser::parse_lines over the probe lines 64 at a time, as
// TickFileReader batches the lines of one read: per line.
void lines_probe(const Lines& in) {
  constexpr std::size_t kBatch = 64, kWarm = 32 * kBatch, kItems = 150 * kBatch;
  if (in.lb.lines.size() < kWarm + kItems) std::abort();
  TickParser parser(in.config);
  std::vector<ParsedLine> out(kBatch);
  std::size_t bad = 0;
  const auto run = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; i += kBatch) {
      parser.parse_lines(std::span(in.lb.lines).subspan(i, kBatch), out.data());
      for (const ParsedLine& p : out) bad += p.reject != Reject::None;
    }
  };
  collect(
      "parser_lines_tick", [&] { run(0, kWarm); }, [&] { run(kWarm, kWarm + kItems); });
  if (bad != 0) std::fprintf(stderr, "perf_probe: parser_lines_tick: %zu lines failed\n", bad);
  std::printf("parser_lines_tick %zu\n", kItems);
}

int run_callgrind() {
  engine_probe("engine_quote_30", 30, kQuotes, kEngineItems[0]);
  engine_probe("engine_fx_30", 30, kFx, kEngineItems[1]);
  engine_probe("engine_fx_200", 200, kFx, kEngineItems[2]);
  engine_probe("engine_mix_30", 30, kMix, kEngineItems[3]);
  const Lines in;
  TickParser parser(in.config);
  Tick tick{};
  parser_probe("parser_tick", in, 10000,
               [&](std::string_view l) { return parser.parse(l, tick) == Reject::None; });
  lines_probe(in);
  RawWalker walker;
  RawFields f;
  parser_probe("parser_raw_simdjson", in, 10000,
               [&](std::string_view l) { return walker.walk(l, f); });
  NlohmannParser nl(in.config);
  parser_probe("parser_nlohmann", in, 2000, [&](std::string_view l) { return nl.parse(l, tick); });
  capture_probe(in);
  udp_poll_probe(in);
  file_poll_probe(in);
  return 0;
}

double seconds_for(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int run_time() {
  const Lines in;
  TickParser parser(in.config);
  NlohmannParser nl(in.config);
  RawWalker walker;
  Tick tick{};
  RawFields f;
  std::size_t bad = 0;
  auto ours = [&] {
    for (auto l : in.lb.lines) bad += parser.parse(l, tick) != Reject::None;
  };
  auto raw = [&] {
    for (auto l : in.lb.lines) bad += !walker.walk(l, f);
  };
  auto nlohmann = [&] {
    for (auto l : in.lb.lines) bad += !nl.parse(l, tick);
  };
  std::vector<double> vs_nlohmann, vs_raw;
  for (int round = 0; round < 7; ++round) {
    const double a = seconds_for(ours);
    const double b = seconds_for(nlohmann);
    const double c = seconds_for(raw);
    vs_nlohmann.push_back(b / a);  // how many times faster than nlohmann
    vs_raw.push_back(c / a);       // our throughput as a fraction of the raw walk's
  }
  std::sort(vs_nlohmann.begin(), vs_nlohmann.end());
  std::sort(vs_raw.begin(), vs_raw.end());
  std::printf("time_parser_vs_nlohmann %.3f\n", vs_nlohmann[3]);
  std::printf("time_parser_vs_raw_simdjson %.3f\n", vs_raw[3]);
  return bad == 0 ? 0 : 1;
}

}  // namespace
}  // namespace adrmon::bench

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "callgrind") return adrmon::bench::run_callgrind();
  if (mode == "time") return adrmon::bench::run_time();
  if (mode == "profile") {
    adrmon::bench::g_client_requests = false;
    return adrmon::bench::run_callgrind();
  }
  std::fprintf(stderr, "usage: perf_probe callgrind|time|profile\n");
  return 2;
}
