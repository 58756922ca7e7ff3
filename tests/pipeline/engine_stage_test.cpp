// EngineStage and SinkStage: the threaded stages give exactly the alerts of
// the sequential replay path, in order, and so does the inline design (the
// engine thread reads a real UDP socket and writes the alerts itself); the
// sink stage flushes and polls its sinks; the reload mailbox keeps the
// newest config. Inline over files too: the engine thread merges a file
// group at full speed itself, untimed.
#include "adrmon/pipeline/engine_stage.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <vector>

#include "adrmon/core/alert_sink.hpp"
#include "adrmon/core/clock.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/feeds/source.hpp"
#include "adrmon/pipeline/sink_stage.hpp"

namespace adrmon {
namespace {

const std::string kRoot = ADRMON_SOURCE_DIR;

std::vector<std::string> sample_files() {
  return {kRoot + "/data/sample/us.jsonl", kRoot + "/data/sample/hk.jsonl",
          kRoot + "/data/sample/fx.jsonl"};
}

// Records what the sink stage hands it.
class RecordingSink final : public AlertSink {
 public:
  void write(const Alert& a) noexcept override { alerts.push_back(a); }
  void flush() noexcept override { ++flushes; }
  void poll(std::int64_t, bool final) noexcept override { finals += final ? 1 : 0; }
  std::vector<Alert> alerts;
  int flushes = 0;
  int finals = 0;
};

// Bit for bit: a close with no edge carries NaN, which must match NaN.
bool same_double(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

bool same_alert(const Alert& a, const Alert& b) {
  return a.ts_event == b.ts_event && a.pair == b.pair && a.side == b.side && a.kind == b.kind &&
         a.reason == b.reason && same_double(a.edge_bps, b.edge_bps) &&
         same_double(a.mid_premium_bps, b.mid_premium_bps);
}

std::vector<Alert> sequential_alerts(const Config& config) {
  FileMerger merger(sample_files(), config);
  EngineStageOptions o;
  o.stamp = false;
  EngineStage engine(config, nullptr, o);
  RecordingSink sink;
  SinkStage sinks({&sink}, false);
  Tick t;
  while (merger.next(t)) {
    for (const Alert& a : engine.price(t)) {
      EXPECT_EQ(a.ts_priced, 0) << "no clock read without stamping";
      sinks.deliver(a);
    }
  }
  EXPECT_EQ(sinks.delivered(), sink.alerts.size());
  return sink.alerts;
}

TEST(EngineStage, ThreadedStagesGiveTheSequentialAlertsInOrder) {
  const Config config = load_config(kRoot + "/config/demo.toml");
  const std::vector<Alert> expected = sequential_alerts(config);
  ASSERT_GE(expected.size(), 10u) << "the sample day has breaches";

  AlertLane lane(16);  // small: the engine must wait on a full lane, never lose one
  EngineStageOptions o;
  o.exit_when_done = true;
  o.publish_views = true;
  EngineStage engine(config, &lane, o);
  TickChannel channel("sample", 64, Overflow::Backpressure, engine.bell());
  RecordingSink sink;
  SinkStage sinks({&sink}, true);

  bool done_called = false;
  std::thread sink_thread([&] { sinks.run(lane, WaitStrategy::Block); });
  std::thread engine_thread([&] {
    TickChannel* channels[] = {&channel};
    engine.run(channels, [&] { done_called = true; });
  });
  std::uint64_t pushed = 0;
  {
    FileMerger merger(sample_files(), config);
    Tick t;
    while (merger.next(t)) {
      t.ts_recv = steady_ns();
      channel.push(t);
      ++pushed;
    }
    channel.close();
  }
  engine_thread.join();
  sink_thread.join();

  EXPECT_TRUE(done_called);
  EXPECT_TRUE(lane.closed.load());
  EXPECT_NE(engine.done_ns(), 0);
  ASSERT_EQ(sink.alerts.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(same_alert(sink.alerts[i], expected[i]))
        << "alert " << i << " edge " << sink.alerts[i].edge_bps << " vs " << expected[i].edge_bps
        << " premium " << sink.alerts[i].mid_premium_bps << " vs " << expected[i].mid_premium_bps;
    EXPECT_GT(sink.alerts[i].ts_priced, 0) << "stamped on the engine thread";
  }
  EXPECT_GE(sink.flushes, 1);
  EXPECT_EQ(sink.finals, 1) << "one final poll after the last alert";

  const EngineSnapshot e = engine.snapshot();
  EXPECT_EQ(e.ticks, pushed);
  EXPECT_EQ(e.latency.recv_to_priced.count(), pushed);
  EXPECT_EQ(e.counts.opens + e.counts.closes, expected.size());
  const SinkSnapshot k = sinks.snapshot();
  EXPECT_EQ(k.alerts, expected.size());
  EXPECT_EQ(k.latency.priced_to_alert.count(), expected.size());

  std::vector<PairView> views;
  EXPECT_GT(engine.board().read(views), 0u);
  EXPECT_EQ(views.size(), config.pairs.size());
}

// The sample's lines in replay's order: by ts, a tie to the earlier file.
std::vector<std::string> merged_sample_lines() {
  std::vector<std::tuple<long long, std::size_t, std::size_t, std::string>> rows;
  const std::vector<std::string> files = sample_files();
  for (std::size_t f = 0; f < files.size(); ++f) {
    std::ifstream in(files[f]);
    std::string line;
    for (std::size_t n = 0; std::getline(in, line); ++n) {
      const std::size_t at = line.find("\"ts\":");
      if (at == std::string::npos) continue;
      rows.emplace_back(std::stoll(line.substr(at + 5)), f, n, line);
    }
  }
  std::sort(rows.begin(), rows.end());
  std::vector<std::string> lines;
  for (auto& r : rows) lines.push_back(std::move(std::get<3>(r)));
  return lines;
}

// A udp:// source on a free loopback port (picked again should another
// process take it first: a unicast port is never shared).
std::unique_ptr<Source> udp_source(const Config& config, Doorbell& bell, std::uint16_t& port) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    port = ntohs(a.sin_port);
    try {
      SourceOptions o;
      auto sources = make_sources(
          {parse_source_spec("udp://127.0.0.1:" + std::to_string(port) + "?rcvbuf=16777216")},
          config, o, bell);
      return std::move(sources.front());
    } catch (const std::runtime_error&) {
    }
  }
  return nullptr;
}

// Run to completion: no feed thread and no sink thread. The engine thread
// polls a real UDP socket on loopback, prices, and writes each tick's
// alerts to the sinks itself, flushed, with the priced->written latency;
// the alerts are replay's, in order. A stop ends the polled source (done,
// channel closed) and the engine returns with nothing queued left behind.
TEST(EngineStage, InlineDesignReadsAUdpSocketAndWritesTheSequentialAlerts) {
  const Config config = load_config(kRoot + "/config/demo.toml");
  const std::vector<Alert> expected = sequential_alerts(config);
  EngineStageOptions o;
  o.busy_poll_ns = 1'000'000;  // and then sleep in poll(2): both paths are taken below
  EngineStage engine(config, nullptr, o);
  std::uint16_t port = 0;
  std::unique_ptr<Source> source = udp_source(config, engine.bell(), port);
  ASSERT_NE(source, nullptr);
  RecordingSink sink;
  SinkStage sinks({&sink}, true);
  engine.set_inline_sinks(&sinks);
  source->start_polled();

  bool done_called = false;
  std::thread engine_thread([&] {
    TickChannel* channels[] = {&source->channel()};
    PolledInput* polled[] = {source.get()};
    engine.run(
        channels, [&] { done_called = true; }, polled);
  });
  const std::vector<std::string> lines = merged_sample_lines();
  const int out = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the engine falls asleep first
  std::size_t datagrams = 0;
  for (std::size_t i = 0; i < lines.size(); i += 8) {  // 8 ticks a datagram
    std::string d;
    for (std::size_t j = i; j < std::min(lines.size(), i + 8); ++j) d += lines[j] + "\n";
    ASSERT_EQ(::sendto(out, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(d.size()));
    if (++datagrams % 256 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::close(out);
  const SourceStats& st = source->stats();
  const std::int64_t deadline = steady_ns() + 30'000'000'000;
  while (st.datagrams.get() + st.kernel_drops.get() < datagrams && steady_ns() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(st.kernel_drops.get(), 0u) << "the socket buffer holds the whole sample";
  ASSERT_EQ(st.datagrams.get(), datagrams);
  source->request_stop();
  engine.request_stop();
  engine_thread.join();

  EXPECT_TRUE(done_called);
  EXPECT_EQ(st.done.get(), 1u);
  EXPECT_TRUE(source->channel().closed());
  EXPECT_EQ(st.parsed.get(), lines.size());
  EXPECT_EQ(st.kernel_stamped.get(), datagrams);
  ASSERT_EQ(sink.alerts.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(same_alert(sink.alerts[i], expected[i])) << "alert " << i;
    EXPECT_GT(sink.alerts[i].ts_priced, 0);
  }
  EXPECT_GE(sink.flushes, 1) << "written through at once, not left in a buffer";
  EXPECT_EQ(sink.finals, 1) << "one final poll at the end";
  EXPECT_EQ(engine.snapshot().ticks, lines.size());
  EXPECT_EQ(engine.snapshot().latency.recv_to_priced.count(), lines.size());
  const SinkSnapshot k = sinks.snapshot();
  EXPECT_EQ(k.alerts, expected.size());
  EXPECT_EQ(k.latency.priced_to_alert.count(), expected.size());
}

// The inline design over files at full speed, as `adrmon run` wires it on
// two CPUs: the engine thread merges the file group itself (no feed thread,
// no sink thread), gives replay's alerts in order, and returns once the
// group has ended, with no stop asked. The group is untimed: no per-tick
// stage is recorded, yet every alert is stamped and its priced -> written
// measured.
TEST(EngineStage, InlineDesignMergesFilesAtFullSpeedUntimedToTheirEnd) {
  const Config config = load_config(kRoot + "/config/demo.toml");
  const std::vector<Alert> expected = sequential_alerts(config);
  EngineStageOptions o;
  o.exit_when_done = true;
  EngineStage engine(config, nullptr, o);
  std::vector<SourceSpec> specs;
  for (const std::string& f : sample_files()) specs.push_back(parse_source_spec("file:" + f));
  SourceOptions so;
  so.queue_capacity = 64;  // smaller than a poll's batch: poll() must respect the room
  std::vector<std::unique_ptr<Source>> sources = make_sources(specs, config, so, engine.bell());
  ASSERT_EQ(sources.size(), 1u);
  Source& source = *sources.front();
  ASSERT_TRUE(source.pollable());
  ASSERT_FALSE(source.timed());
  engine.set_untimed_source(0);
  RecordingSink sink;
  SinkStage sinks({&sink}, true);
  engine.set_inline_sinks(&sinks);
  source.start_polled();

  bool done_called = false;
  std::thread engine_thread([&] {
    TickChannel* channels[] = {&source.channel()};
    PolledInput* polled[] = {&source};
    engine.run(
        channels, [&] { done_called = true; }, polled);
  });
  engine_thread.join();  // returns by itself: the files end

  EXPECT_TRUE(done_called);
  EXPECT_EQ(source.stats().done.get(), 1u);
  ASSERT_EQ(sink.alerts.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(same_alert(sink.alerts[i], expected[i])) << "alert " << i;
    EXPECT_GT(sink.alerts[i].ts_priced, 0) << "an untimed tick's alerts are still stamped";
  }
  const EngineSnapshot e = engine.snapshot();
  EXPECT_EQ(e.ticks, source.stats().parsed.get());
  EXPECT_GT(e.ticks, 1000u);
  EXPECT_EQ(e.latency.recv_to_priced.count(), 0u) << "untimed: no clock read per tick";
  EXPECT_EQ(e.latency.recv_to_parsed.count(), 0u);
  EXPECT_EQ(sinks.snapshot().latency.priced_to_alert.count(), expected.size());
}

TEST(EngineStage, StopRequestDrainsWhatWasQueued) {
  const Config config = load_config(kRoot + "/config/demo.toml");
  AlertLane lane(1024);
  EngineStage engine(config, &lane, EngineStageOptions{});
  TickChannel channel("sample", 1 << 16, Overflow::Backpressure, engine.bell());
  std::uint64_t pushed = 0;
  {
    FileMerger merger(sample_files(), config);
    Tick t;
    while (merger.next(t) && pushed < 5000) {
      channel.push(t);
      ++pushed;
    }
  }
  engine.request_stop();  // before run(): it must still price everything queued
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    channel.close();
  });
  TickChannel* channels[] = {&channel};
  engine.run(channels, nullptr);
  closer.join();
  EXPECT_EQ(engine.snapshot().ticks, pushed);
}

TEST(ReloadMailbox, TheNewestConfigWins) {
  ReloadMailbox box;
  EXPECT_FALSE(box.waiting());
  EXPECT_EQ(box.take(), nullptr);
  Config a = load_config(kRoot + "/config/demo.toml");
  Config b = a;
  a.path = "first";
  b.path = "second";
  box.post(std::move(a));
  box.post(std::move(b));
  EXPECT_TRUE(box.waiting());
  const std::unique_ptr<Config> got = box.take();
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->path, "second");
  EXPECT_FALSE(box.waiting());
  EXPECT_EQ(box.take(), nullptr);
}

TEST(ReloadMailbox, RefusesAChangedUniverseAndNamesIt) {
  const Config running = load_config(kRoot + "/config/demo.toml");
  Config next = running;
  EXPECT_FALSE(reload_incompatibility(running, next).has_value());
  next.pairs[0].thresholds.enter_bps += 5;  // thresholds may change
  EXPECT_FALSE(reload_incompatibility(running, next).has_value());
  next.pairs[0].fungible = !next.pairs[0].fungible;
  const auto why = reload_incompatibility(running, next);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("pair 1"), std::string::npos) << *why;
  next = running;
  next.pairs.pop_back();
  ASSERT_TRUE(reload_incompatibility(running, next).has_value());
  next = running;
  next.fx.max += 0.1;
  ASSERT_TRUE(reload_incompatibility(running, next).has_value());
  EXPECT_NE(reload_incompatibility(running, next)->find("[fx]"), std::string::npos);
}

TEST(ReloadMailbox, ConfigChangesNameThePairTheKeyAndBothValues) {
  const Config running = load_config(kRoot + "/config/demo.toml");
  EXPECT_TRUE(config_changes(running, running).empty());
  Config next = running;
  for (PairConfig& p : next.pairs) p.thresholds.enter_bps = 55;
  next.pairs[0].thresholds.cost_bps = 13;
  const std::vector<std::string> c = config_changes(running, next);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0], "enter_bps 50 -> 55 (all " + std::to_string(running.pairs.size()) + " pairs)");
  EXPECT_EQ(c[1], running.pairs[0].name + " cost_bps 12 -> 13");
}

}  // namespace
}  // namespace adrmon
