// WebhookSink against real sockets on 127.0.0.1 (tests/support's
// HttpTestServer, SilentEndpoint and refused_url): delivery, retries,
// timeouts, the rate limit, shutdown budgets, and what reaches the Log.
//
// This binary replaces the global operator new to count allocations made by
// the test thread inside a window (offer() must not allocate); other threads
// and code outside the window are not counted.
#include "adrmon/sinks/webhook_sink.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/core/alert_json.hpp"
#include "http_test_server.hpp"
#include "recording_log.hpp"
#include "sink_test_support.hpp"

namespace {
thread_local bool t_counting = false;
thread_local std::size_t t_allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  if (t_counting) ++t_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace adrmon::test {
namespace {

using namespace std::chrono_literals;

std::string expected_body(const Alert& a) {
  char buf[kMaxAlertJsonBytes];
  const std::size_t n = format_alert_json(a, kNames[a.pair], buf);
  return std::string(buf, n - 1);  // without the trailing newline
}

WebhookConfig make_config(std::string url, int timeout_ms, int retries) {
  WebhookConfig c;
  c.url = std::move(url);
  c.max_per_second = 1e6;
  c.retries = retries;
  c.timeout_ms = timeout_ms;
  c.queue_capacity = 64;
  return c;
}

std::uint64_t accounted(const WebhookSink::Counts& c) {
  return c.delivered + c.failed + c.dropped_full + c.dropped_rate + c.dropped_shutdown;
}

TEST(WebhookSink, DeliversEveryAlertInOrderOverOneKeptAliveConnection) {
  HttpTestServer server;
  RecordingLog log;
  WebhookSink sink(make_config(server.url("/hooks/adr"), 1000, 0), kNames, log);
  constexpr int kAlerts = 20;
  for (int i = 0; i < kAlerts; ++i) sink.offer(make_alert(i));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == kAlerts; }));
  sink.stop(1000ms);

  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kAlerts));
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  for (int i = 0; i < kAlerts; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got[i].body, expected_body(make_alert(i)));
    EXPECT_EQ(got[i].method, "POST");
    EXPECT_EQ(got[i].target, "/hooks/adr");
    EXPECT_EQ(got[i].content_type, "application/json");
    EXPECT_EQ(got[i].host, host);
  }
  EXPECT_EQ(server.connections(), 1);  // keep-alive: one connection for all
  const WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.offered, kAlerts);
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(c.retried, 0u);
  EXPECT_EQ(c.dropped_full, 0u);
  EXPECT_EQ(c.dropped_rate, 0u);
  EXPECT_EQ(c.dropped_shutdown, 0u);
  EXPECT_TRUE(log.lines().empty()) << log.text();  // a good path says nothing
}

TEST(WebhookSink, IsAnAlertSinkWhoseWriteOffers) {
  HttpTestServer server;
  WebhookSink webhook(make_config(server.url("/"), 1000, 0), kNames, null_log());
  AlertSink& sink = webhook;
  sink.write(make_alert(3));
  sink.flush();
  sink.poll(0, true);
  ASSERT_TRUE(eventually([&] { return webhook.counts().delivered == 1; }));
  EXPECT_EQ(webhook.counts().offered, 1u);
  EXPECT_EQ(server.received().at(0).body, expected_body(make_alert(3)));
}

TEST(WebhookSink, AnIdleWorkerWakesAtOnceForEachNewAlert) {
  // The worker parks on a Doorbell between alerts (for up to a second). A
  // lost wake-up would show as a delivery taking about that second.
  HttpTestServer server;
  WebhookSink sink(make_config(server.url("/"), 1000, 0), kNames, null_log());
  for (int i = 0; i < 20; ++i) {
    SCOPED_TRACE(i);
    std::this_thread::sleep_for(std::chrono::milliseconds(i % 4 == 0 ? 20 : 1));
    const auto t0 = Clock::now();
    sink.offer(make_alert(i));
    ASSERT_TRUE(eventually([&] { return sink.counts().delivered == i + 1u; }, 5000ms));
    EXPECT_LT(ms_since(t0), 500.0);
  }
}

TEST(WebhookSink, RetriesNon2xxUntilTheEndpointAccepts) {
  HttpTestServer server([](std::size_t n) { return Reply{n < 2 ? 500u : 200u}; });
  RecordingLog log;
  WebhookSink sink(make_config(server.url("/"), 300, 3), kNames, log);
  sink.offer(make_alert(7));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == 1; }));
  sink.stop(1000ms);

  const WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.delivered, 1u);
  EXPECT_EQ(c.retried, 2u);
  EXPECT_EQ(c.failed, 0u);
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  for (const Received& r : got) EXPECT_EQ(r.body, expected_body(make_alert(7)));
  const std::vector<std::string> lines = log.lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "webhook: HTTP 500 Internal Server Error");
}

TEST(WebhookSink, DeadEndpointIsCountedFailedAfterRetriesAndReportedOnceASecond) {
  WebhookSink::Counts c;
  RecordingLog log;
  const auto t0 = Clock::now();
  {
    WebhookSink sink(make_config(refused_url(), 200, 2), kNames, log);
    for (int i = 0; i < 3; ++i) sink.offer(make_alert(i));
    ASSERT_TRUE(eventually([&] { return sink.counts().failed == 3; }, 3000ms));
    sink.stop(0ms);
    c = sink.counts();
  }
  // Backoff 50 + 100 ms per alert, refusals are immediate.
  EXPECT_LT(ms_since(t0), 2000.0);
  EXPECT_EQ(c.delivered, 0u);
  EXPECT_EQ(c.failed, 3u);
  EXPECT_EQ(c.retried, 6u);  // 2 per alert
  EXPECT_EQ(accounted(c), c.offered);
  // 9 failed attempts within about half a second: the first line at once,
  // the other 8 summed into one line (at stop; two lines if the box is so
  // loaded that the second is over first), never one line per failure.
  const std::vector<std::string> printed = log.lines();
  unsigned reported = 0;
  for (const std::string& line : printed) {
    unsigned n = 1;
    std::sscanf(line.c_str(), "webhook: %u failures in the last second:", &n);
    reported += n;
    EXPECT_NE(line.find("Connection refused"), std::string::npos) << line;
  }
  EXPECT_GE(printed.size(), 2u) << log.text();
  EXPECT_LE(printed.size(), 3u) << log.text();
  EXPECT_EQ(reported, 9u) << log.text();
  ASSERT_FALSE(printed.empty());
  EXPECT_EQ(printed.front(), "webhook: Connection refused");
  EXPECT_EQ(printed.back().rfind("webhook: ", 0), 0u);
  for (const LogLevel level : log.levels()) EXPECT_EQ(level, LogLevel::Error);
}

TEST(WebhookSink, EndpointThatNeverAnswersTimesOutEachAttempt) {
  SilentEndpoint endpoint;
  constexpr int kTimeoutMs = 200;
  RecordingLog log;
  WebhookSink sink(make_config(endpoint.url(), kTimeoutMs, 0), kNames, log);
  const auto t0 = Clock::now();
  sink.offer(make_alert(1));
  ASSERT_TRUE(eventually([&] { return sink.counts().failed == 1; }, 5000ms));
  const double elapsed = ms_since(t0);
  sink.stop(0ms);
  EXPECT_GE(elapsed, kTimeoutMs * 0.9);
  EXPECT_LT(elapsed, kTimeoutMs * 10.0);
  EXPECT_NE(log.text().find("webhook: no answer within 200 ms"), std::string::npos) << log.text();
  EXPECT_EQ(sink.counts().delivered, 0u);
}

TEST(WebhookSink, OfferStaysCheapAndAllocationFreeWhileTheEndpointIsStuck) {
  SilentEndpoint endpoint;
  WebhookConfig config = make_config(endpoint.url(), 5000, 3);
  config.queue_capacity = 1024;
  WebhookSink sink(config, kNames, null_log());
  // Get the worker stuck on one alert in flight.
  sink.offer(make_alert(0));
  ASSERT_TRUE(eventually([&] { return sink.queued() == 0; }));
  std::this_thread::sleep_for(20ms);

  constexpr int kOffers = 10'000;
  const Alert alert = make_alert(1);
  t_allocations = 0;
  t_counting = true;
  const auto t0 = Clock::now();
  for (int i = 0; i < kOffers; ++i) sink.offer(alert);
  const double elapsed = ms_since(t0);
  t_counting = false;

  EXPECT_LT(elapsed, 50.0);  // a bound (it is a queue push), not a benchmark
  EXPECT_EQ(t_allocations, 0u);
  WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.offered, kOffers + 1u);
  EXPECT_GT(c.dropped_full, 0u);
  EXPECT_EQ(c.dropped_full + sink.queued() + 1 /* in flight */, c.offered);
  EXPECT_EQ(c.delivered + c.failed, 0u);

  const std::size_t queued = sink.queued();
  const auto t1 = Clock::now();
  sink.stop(0ms);
  EXPECT_LT(ms_since(t1), 500.0);
  c = sink.counts();
  EXPECT_EQ(c.dropped_shutdown, queued + 1);
  EXPECT_EQ(accounted(c), c.offered);
}

TEST(WebhookSink, RateLimitDropsAlertsOverTheLimit) {
  HttpTestServer server;
  WebhookConfig config = make_config(server.url("/"), 1000, 0);
  config.max_per_second = 5;
  WebhookSink sink(config, kNames, null_log());
  constexpr int kAlerts = 50;
  for (int i = 0; i < kAlerts; ++i) sink.offer(make_alert(i));
  ASSERT_TRUE(eventually([&] {
    const WebhookSink::Counts c = sink.counts();
    return c.delivered + c.dropped_rate == kAlerts;
  }));
  const WebhookSink::Counts c = sink.counts();
  EXPECT_GE(c.delivered, 5u);  // the burst
  EXPECT_LE(c.delivered, 6u);  // plus what refills while those are sent
  EXPECT_EQ(c.dropped_rate, kAlerts - c.delivered);
  EXPECT_EQ(server.received().size(), c.delivered);
  // The first ones of the burst are the ones delivered, in order.
  EXPECT_EQ(server.received().front().body, expected_body(make_alert(0)));
}

TEST(WebhookSink, StopWithAStuckEndpointReturnsWithinTheDrainBudget) {
  SilentEndpoint endpoint;
  WebhookSink sink(make_config(endpoint.url(), 5000, 3), kNames, null_log());
  for (int i = 0; i < 5; ++i) sink.offer(make_alert(i));
  ASSERT_TRUE(eventually([&] { return sink.queued() == 4; }));  // one in flight

  const auto t0 = Clock::now();
  sink.stop(100ms);
  const double elapsed = ms_since(t0);
  EXPECT_GE(elapsed, 90.0);  // it did try to drain for the budget
  EXPECT_LT(elapsed, 400.0);

  WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.delivered, 0u);
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(c.dropped_shutdown, 5u);
  sink.offer(make_alert(9));  // after stop: counted, not stranded
  c = sink.counts();
  EXPECT_EQ(c.dropped_shutdown, 6u);
  EXPECT_EQ(accounted(c), c.offered);
}

TEST(WebhookSink, StopDuringABackoffReturnsWithinTheDrainBudget) {
  // Refused at once, then a 50 ms, 100 ms, ... backoff: stop() must cut the
  // wait short (the Doorbell wakes the worker to re-read the deadline).
  WebhookConfig config = make_config(refused_url(), 200, 100);
  WebhookSink sink(config, kNames, null_log());
  sink.offer(make_alert(0));
  ASSERT_TRUE(eventually([&] { return sink.counts().retried >= 4; }));  // backoff now ~800 ms
  const auto t0 = Clock::now();
  sink.stop(0ms);
  EXPECT_LT(ms_since(t0), 300.0);
  const WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.dropped_shutdown, 1u);
  EXPECT_EQ(accounted(c), c.offered);
}

TEST(WebhookSink, ConnectionClosedByTheServerWhileIdleIsReplacedWithoutARetry) {
  // Answers keep-alive, then closes: the next POST finds the connection dead.
  HttpTestServer server([](std::size_t) { return Reply{200, true}; });
  RecordingLog log;
  WebhookSink sink(make_config(server.url("/"), 1000, 0), kNames, log);
  sink.offer(make_alert(1));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == 1; }));
  std::this_thread::sleep_for(50ms);  // let the FIN arrive
  sink.offer(make_alert(2));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == 2; }));
  const WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.retried, 0u);
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_TRUE(log.lines().empty()) << log.text();
}

TEST(WebhookSink, DestructorWithoutStopDoesNotHang) {
  SilentEndpoint endpoint;
  const auto t0 = Clock::now();
  {
    WebhookSink sink(make_config(endpoint.url(), 5000, 3), kNames, null_log());
    sink.offer(make_alert(0));
    ASSERT_TRUE(eventually([&] { return sink.queued() == 0; }));
  }
  EXPECT_LT(ms_since(t0), 1000.0);
}

TEST(WebhookSink, ConstructorRejectsWhatItCannotPost) {
  EXPECT_THROW(WebhookSink(make_config("ftp://h/x", 100, 0), kNames, null_log()),
               std::invalid_argument);
  WebhookConfig c = make_config("http://h/x", 100, 0);
  c.max_per_second = 0;
  EXPECT_THROW(WebhookSink(c, kNames, null_log()), std::invalid_argument);
  c = make_config("http://h/x", 0, 0);
  EXPECT_THROW(WebhookSink(c, kNames, null_log()), std::invalid_argument);
  c = make_config("http://h/x", 100, -1);
  EXPECT_THROW(WebhookSink(c, kNames, null_log()), std::invalid_argument);
  c = make_config("http://h/x", 100, 0);
  c.queue_capacity = 0;
  EXPECT_THROW(WebhookSink(c, kNames, null_log()), std::invalid_argument);
}

}  // namespace
}  // namespace adrmon::test
