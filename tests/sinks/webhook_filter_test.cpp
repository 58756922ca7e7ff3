// WebhookSink's filter (pairs, sides, kinds, min_edge_bps and the rule for
// closes), several sinks side by side each with its own format and rate, and
// the shutdown grace, against real HttpTestServers on 127.0.0.1.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "adrmon/core/alert_json.hpp"
#include "adrmon/sinks/webhook_sink.hpp"
#include "http_test_server.hpp"
#include "recording_log.hpp"
#include "sink_test_support.hpp"

namespace adrmon::test {
namespace {

using namespace std::chrono_literals;

WebhookConfig config_for(const HttpTestServer& server) {
  WebhookConfig c;
  c.url = server.url("/f");
  c.max_per_second = 1e6;
  c.retries = 0;
  c.timeout_ms = 2000;
  c.queue_capacity = 256;
  return c;
}

std::string json_line(const Alert& a) {
  char buf[kMaxAlertJsonBytes];
  const std::size_t n = format_alert_json(a, kNames[a.pair], buf);
  return std::string(buf, n - 1);
}

Alert close_of(Alert a) {
  a.kind = AlertKind::Close;
  a.reason = CloseReason::Reverted;
  a.ts_event += 1'000'000;
  return a;
}

// Offers `alerts` in order and returns the bodies the endpoint got.
std::vector<std::string> run(const WebhookConfig& config, HttpTestServer& server,
                             const std::vector<Alert>& alerts, WebhookSink::Counts* out = nullptr) {
  WebhookSink sink(config, kNames, null_log());
  for (const Alert& a : alerts) sink.offer(a);
  EXPECT_TRUE(eventually([&] {
    const WebhookSink::Counts c = sink.counts();
    return c.delivered + c.filtered == alerts.size();
  }));
  sink.stop(1000ms);
  if (out != nullptr) *out = sink.counts();
  std::vector<std::string> bodies;
  for (const Received& r : server.received()) bodies.push_back(r.body);
  return bodies;
}

// Twelve opens (pair i % 2, buy_adr when i % 3 == 0, edge 12.5 + i), each
// followed by its close.
std::vector<Alert> day() {
  std::vector<Alert> out;
  for (int i = 0; i < 12; ++i) {
    out.push_back(make_alert(i));
    out.push_back(close_of(make_alert(i)));
  }
  return out;
}

template <class Pred>
std::vector<std::string> expected(Pred keep) {
  std::vector<std::string> out;
  for (const Alert& a : day())
    if (keep(a)) out.push_back(json_line(a));
  return out;
}

// run() of day() through a fresh server, the sink configured by config_for
// and then `edit`.
template <class Edit>
std::vector<std::string> run_day(Edit edit, WebhookSink::Counts* out = nullptr) {
  HttpTestServer server;
  WebhookConfig config = config_for(server);
  edit(config);
  return run(config, server, day(), out);
}

TEST(WebhookFilter, NoFilterPassesEverything) {
  WebhookSink::Counts c;
  EXPECT_EQ(run_day([](WebhookConfig&) {}, &c), expected([](const Alert&) { return true; }));
  EXPECT_EQ(c.filtered, 0u);
}

TEST(WebhookFilter, PairsKeepTheirOpensAndCloses) {
  WebhookSink::Counts c;
  EXPECT_EQ(run_day([](WebhookConfig& config) { config.pairs = {"JD/9618"}; }, &c),
            expected([](const Alert& a) { return a.pair == 1; }));
  EXPECT_EQ(c.filtered, 12u);
  EXPECT_EQ(c.offered, c.delivered + c.filtered);
}

TEST(WebhookFilter, SidesKeepTheirOpensAndCloses) {
  EXPECT_EQ(
      run_day([](WebhookConfig& config) { config.sides[static_cast<int>(Side::SellAdr)] = false; }),
      expected([](const Alert& a) { return a.side == Side::BuyAdr; }));
}

TEST(WebhookFilter, KindsChooseOpensOrCloses) {
  EXPECT_EQ(run_day([](WebhookConfig& config) {
              config.kinds[static_cast<int>(AlertKind::Close)] = false;
            }),
            expected([](const Alert& a) { return a.kind == AlertKind::Open; }));
  EXPECT_EQ(
      run_day([](WebhookConfig& config) {
        config.kinds[static_cast<int>(AlertKind::Open)] = false;
        config.min_edge_bps = 20;  // closes only, of opens that would have passed
      }),
      expected([](const Alert& a) { return a.kind == AlertKind::Close && a.edge_bps >= 20; }));
}

TEST(WebhookFilter, MinEdgeKeepsOutLowOpensAndTheirClosesOnly) {
  HttpTestServer server;
  WebhookConfig config = config_for(server);
  config.min_edge_bps = 18.5;  // opens 6..11 (edge 18.5 .. 23.5)
  config.pairs = {"BABA/9988", "JD/9618"};
  // The close's own edge is below the floor (a close is by nature): it
  // passes because its open did.
  std::vector<Alert> alerts;
  for (Alert a : day()) {
    if (a.kind == AlertKind::Close) a.edge_bps = 1;
    alerts.push_back(a);
  }
  std::vector<std::string> want;
  for (int i = 6; i < 12; ++i) {
    want.push_back(json_line(make_alert(i)));
    Alert c = close_of(make_alert(i));
    c.edge_bps = 1;
    want.push_back(json_line(c));
  }
  WebhookSink::Counts c;
  EXPECT_EQ(run(config, server, alerts, &c), want);
  EXPECT_EQ(c.filtered, 12u);
}

TEST(WebhookFilter, ACloseWhoseOpenWasNeverSeenPassesOnPairsAndSides) {
  HttpTestServer server;
  WebhookConfig config = config_for(server);
  config.pairs = {"BABA/9988"};
  config.min_edge_bps = 1000;                  // no open passes
  const Alert baba = close_of(make_alert(2));  // pair 0, sell_adr
  const Alert jd = close_of(make_alert(1));    // pair 1
  EXPECT_EQ(run(config, server, {baba, jd}), std::vector<std::string>{json_line(baba)});
}

TEST(WebhookFilter, SeveralWebhooksEachGetTheirOwnAlertsFormatAndRate) {
  HttpTestServer all, baba_chat, jd_limited;
  WebhookConfig a = config_for(all);
  a.label = "webhook[1]";
  WebhookConfig b = config_for(baba_chat);
  b.label = "webhook[2]";
  b.format = WebhookFormat::Discord;
  b.pairs = {"BABA/9988"};
  b.kinds[1] = false;
  WebhookConfig c = config_for(jd_limited);
  c.label = "webhook[3]";
  c.pairs = {"JD/9618"};
  c.max_per_second = 2;  // a burst of 2, the rest dropped for this one only
  RecordingLog log;
  WebhookSink sa(a, kNames, log), sb(b, kNames, log), sc(c, kNames, log);
  const std::vector<Alert> alerts = day();
  for (const Alert& x : alerts) {
    sa.offer(x);
    sb.offer(x);
    sc.offer(x);
  }
  const auto settled = [&](const WebhookSink& s) {
    const WebhookSink::Counts k = s.counts();
    return k.delivered + k.filtered + k.dropped_rate == alerts.size();
  };
  ASSERT_TRUE(eventually([&] { return settled(sa) && settled(sb) && settled(sc); }));
  EXPECT_EQ(all.received().size(), 24u);
  ASSERT_EQ(baba_chat.received().size(), 6u);  // the 6 BABA opens
  for (const Received& r : baba_chat.received()) {
    EXPECT_EQ(r.body.rfind("{\"content\":\"", 0), 0u) << r.body;
    EXPECT_NE(r.body.find("BABA/9988"), std::string::npos) << r.body;
  }
  const WebhookSink::Counts k = sc.counts();
  EXPECT_EQ(k.filtered, 12u);
  EXPECT_GE(k.delivered, 2u);
  EXPECT_LE(k.delivered, 3u);
  EXPECT_EQ(k.delivered + k.dropped_rate, 12u);
  EXPECT_EQ(jd_limited.received().front().body, json_line(make_alert(1)));
  EXPECT_EQ(sa.counts().dropped_rate, 0u);
  EXPECT_TRUE(log.lines().empty()) << log.text();
}

TEST(WebhookFilter, ShutdownGraceBoundsTheDrainThenCountsTheRestLostAndSaysSo) {
  // The first request is answered at once; every later one only after 5 s,
  // far past the 400 ms grace. The first delivery is awaited before the stop,
  // so the outcome does not depend on how fast this machine is: exactly 1
  // delivered, the other 7 counted lost, and the stop returns at the grace,
  // not when the slow answer would come.
  HttpTestServer server([](std::size_t i) { return Reply{200, false, i == 0 ? 0ms : 5000ms}; });
  WebhookConfig config = config_for(server);
  config.shutdown_grace_ms = 400;
  config.timeout_ms = 10'000;  // the grace, not the request timeout, ends the drain
  config.label = "webhook[2]";
  RecordingLog log;
  WebhookSink sink(config, kNames, log);
  EXPECT_EQ(sink.shutdown_grace(), 400ms);
  sink.offer(make_alert(0));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == 1; }));
  for (int i = 1; i < 8; ++i) sink.offer(make_alert(i));
  const auto t0 = Clock::now();
  sink.stop(sink.shutdown_grace());
  const double elapsed = ms_since(t0);
  EXPECT_GE(elapsed, 380.0);
  EXPECT_LT(elapsed, 2500.0);  // well short of the 5 s answer
  const WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.delivered, 1u);
  EXPECT_EQ(c.dropped_shutdown, 7u);
  const std::vector<std::string> lines = log.lines();
  ASSERT_EQ(lines.size(), 1u) << log.text();
  EXPECT_EQ(lines[0],
            "webhook[2]: 7 alerts still pending after the 400 ms shutdown grace: counted lost");
  EXPECT_EQ(log.levels()[0], LogLevel::Warning);
}

TEST(WebhookFilter, DefaultGraceIsTwoSecondsAndAFilterPairMustExist) {
  HttpTestServer server;
  WebhookConfig config = config_for(server);
  {
    WebhookSink sink(config, kNames, null_log());
    EXPECT_EQ(sink.shutdown_grace(), 2000ms);
  }
  config.pairs = {"NOPE/1"};
  EXPECT_THROW(WebhookSink(config, kNames, null_log()), std::invalid_argument);
  config.pairs.clear();
  config.shutdown_grace_ms = -1;
  EXPECT_THROW(WebhookSink(config, kNames, null_log()), std::invalid_argument);
  config.shutdown_grace_ms = 0;
  config.format = WebhookFormat::Telegram;  // no chat_id
  config.url = server.url("/bot1:x/sendMessage");
  EXPECT_THROW(WebhookSink(config, kNames, null_log()), std::invalid_argument);
  config.chat_id = "1";
  config.url = server.url("/no-token-here");
  EXPECT_THROW(WebhookSink(config, kNames, null_log()), std::invalid_argument);
}

}  // namespace
}  // namespace adrmon::test
