// The dashboard's WebSocket: the snapshot, then only the pairs that changed,
// then alerts; the per-pair throttle; and 20 clients that never read —
// publishing and offering stay fast, per-client memory stays bounded, and
// the drop / disconnect counters move.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/dashboard/dashboard.hpp"
#include "dashboard_test_support.hpp"

namespace adrmon::dashboard_test {
namespace {

TEST(DashboardWebSocket, SnapshotThenChangedPairsThenAlerts) {
  Fixture f(make_config());
  f.dash.offer(make_alert(kT0 + 1, 2));
  ASSERT_TRUE(
      eventually([&] { return json::parse(get(f.dash.port(), "/api/alerts").body).size() == 1; }));
  ASSERT_TRUE(eventually(
      [&] { return json::parse(get(f.dash.port(), "/api/pairs").body)[0]["adr_bid"] == 100; }));
  std::this_thread::sleep_for(120ms);  // the poll has seen the first publish
  Ws ws(f.dash.port());
  const json snap = ws.read();
  ASSERT_EQ(snap["type"], "snapshot");
  ASSERT_EQ(snap["pairs"].size(), 3u);
  EXPECT_EQ(snap["pairs"][2]["pair"], "PONY/2026");
  ASSERT_EQ(snap["alerts"].size(), 1u);
  EXPECT_EQ(snap["alerts"][0]["pair"], "PONY/2026");
  EXPECT_TRUE(snap["history"].contains("BABA/9988"));
  EXPECT_EQ(snap["history_seconds"], 300);

  // Change one pair only: the delta carries it alone.
  std::vector<PairView> v = views(kT0, 100);
  v[1].adr.bid = 55.5;
  v[1].adr.ts = kT0 + 10;
  for (auto& p : v) p.as_of = kT0 + 10;
  f.board.publish(v);
  json delta;
  for (int i = 0; i < 50; ++i) {
    delta = ws.read_type("pairs");
    if (!delta["pairs"].empty()) break;
  }
  ASSERT_EQ(delta["pairs"].size(), 1u) << delta.dump();
  EXPECT_EQ(delta["pairs"][0]["pair"], "JD/9618");
  EXPECT_EQ(delta["pairs"][0]["adr_bid"], 55.5);
  EXPECT_EQ(delta["as_of"], kT0 + 10);

  f.dash.offer(make_alert(kT0 + 20, 0, AlertKind::Close));
  const json alert = ws.read_type("alert");
  EXPECT_EQ(alert["alert"]["pair"], "BABA/9988");
  EXPECT_EQ(alert["alert"]["kind"], "close");
  EXPECT_EQ(alert["alert"]["ts"], kT0 + 20);
  EXPECT_GE(f.dash.counts().ws_connects, 1u);
  EXPECT_EQ(f.dash.counts().ws_clients, 1u);
}

TEST(DashboardWebSocket, ThrottledPerPair) {
  // 2 updates per second per pair: 50 publishes over ~1 s reach a client as
  // at most ~3 deltas of a pair (one at once, then one per 500 ms).
  Fixture f(make_config("listen = \"127.0.0.1:0\"\nupdates_per_second = 2"));
  Ws ws(f.dash.port());
  ASSERT_EQ(ws.read()["type"], "snapshot");
  const auto start = Clock::now();
  for (int i = 1; i <= 50; ++i) {
    f.board.publish(views(kT0 + i * 1'000'000, 100 + i * 0.01));
    std::this_thread::sleep_for(20ms);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  int baba_updates = 0;
  // Drain what arrived, up to the last update (the newest state is always sent).
  const std::int64_t last_ts = kT0 + 50 * 1'000'000 - 1000;  // BABA's adr_ts in the last publish
  bool saw_last = false;
  for (int i = 0; i < 100 && !saw_last; ++i) {  // an empty "pairs" comes at least once a second
    const json m = ws.read_type("pairs");
    for (const auto& p : m["pairs"]) {
      if (p["pair"] != "BABA/9988") continue;
      ++baba_updates;
      saw_last |= p["adr_ts"] == last_ts;
    }
  }
  EXPECT_TRUE(saw_last) << "the newest state is always delivered";
  EXPECT_LE(baba_updates, static_cast<int>(seconds * 2) + 2);
  EXPECT_GE(baba_updates, 2);
}

TEST(DashboardWebSocket, ClientsThatNeverReadDoNotBlockAndStayBounded) {
  // 1000 updates/s per pair: the server pushes every 10 ms, so the kernel
  // buffers of a client that never reads fill within a second or two.
  Fixture f(make_config("listen = \"127.0.0.1:0\"\nupdates_per_second = 1000"));
  constexpr int kClients = 20;
  std::vector<std::unique_ptr<Ws>> idle;
  for (int i = 0; i < kClients; ++i) {
    idle.push_back(std::make_unique<Ws>(f.dash.port(), "/ws", /*rcvbuf=*/4096));
  }
  ASSERT_TRUE(eventually([&] { return f.dash.counts().ws_clients == kClients; }));

  // Publish fast for a while: the engine side's cost stays a mutex'd copy.
  Clock::duration worst_publish{};
  const auto until = Clock::now() + 15s;
  int round = 0;
  while (Clock::now() < until && f.dash.counts().pair_updates_dropped < 10 * kClients) {
    std::vector<PairView> v = views(kT0 + round * 1'000'000, 100 + (round % 1000) * 0.01);
    const auto t0 = Clock::now();
    f.board.publish(v);
    worst_publish = std::max(worst_publish, Clock::now() - t0);
    ++round;
    std::this_thread::sleep_for(2ms);
  }
  const Dashboard::Counts mid = f.dash.counts();
  EXPECT_GT(mid.pair_updates_dropped, 0u) << "slow clients skip deltas (latest state wins)";
  EXPECT_LT(worst_publish, 50ms);
  EXPECT_EQ(get(f.dash.port(), "/health").status, 200) << "the server still answers";

  // Alerts: kept per client up to the cap, then the client is cut off.
  Clock::duration worst_offer{};
  for (int i = 0; i < static_cast<int>(Dashboard::kMaxQueuedAlerts) + 50; ++i) {
    const auto t0 = Clock::now();
    f.dash.offer(make_alert(kT0 + i, static_cast<PairId>(i % 3)));
    worst_offer = std::max(worst_offer, Clock::now() - t0);
    if (i % 64 == 0) std::this_thread::sleep_for(5ms);  // let the server drain its queue
  }
  EXPECT_LT(worst_offer, 5ms);
  ASSERT_TRUE(eventually([&] { return f.dash.counts().ws_disconnected_slow >= kClients; }, 10s))
      << "disconnected: " << f.dash.counts().ws_disconnected_slow;
  const Dashboard::Counts end = f.dash.counts();
  EXPECT_EQ(end.ws_clients, 0u);
  EXPECT_EQ(end.alerts_dropped, 0u);
  // Per client: one snapshot, at most two pair messages and the alert cap.
  EXPECT_LT(end.max_client_queued_bytes, 1'000'000u) << end.max_client_queued_bytes;
  std::printf(
      "[ idle clients ] %d publishes, worst %.3f ms; worst offer %.3f ms; pair deltas "
      "dropped %llu; disconnected %llu; max queued per client %llu B\n",
      round, std::chrono::duration<double, std::milli>(worst_publish).count(),
      std::chrono::duration<double, std::milli>(worst_offer).count(),
      static_cast<unsigned long long>(end.pair_updates_dropped),
      static_cast<unsigned long long>(end.ws_disconnected_slow),
      static_cast<unsigned long long>(end.max_client_queued_bytes));
  // A new client still gets a snapshot.
  Ws fresh(f.dash.port());
  EXPECT_EQ(fresh.read()["type"], "snapshot");
}

}  // namespace
}  // namespace adrmon::dashboard_test
