// WebhookSink against real sockets on 127.0.0.1: a small synchronous
// Beast HTTP server on its own threads (answers by a per-request policy),
// a "silent" endpoint that completes the TCP handshake and never answers
// (a listening socket nobody accepts on), and a port nobody listens on.
//
// This binary replaces the global operator new to count allocations made by
// the test thread inside a window (offer() must not allocate); other threads
// and code outside the window are not counted.
#include "webhook_sink.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/core/alert_json.hpp"

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

namespace adrmon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::vector<std::string> kNames = {"BABA/9988", "JD/9618"};

Alert make_alert(int i) {
  Alert a{};
  a.ts_event = 1'700'000'000'000'000'000 + i;
  a.ts_recv = a.ts_event + 1000;
  a.open_ts = a.ts_event;
  a.adr_ts = a.hk_ts = a.fx_ts = a.ts_event - 5;
  a.edge_bps = 12.5 + i;
  a.mid_premium_bps = 30.25;
  a.peak_edge_bps = a.edge_bps;
  a.adr_bid = 80.01;
  a.adr_ask = 80.02;
  a.hk_bid = 78.1;
  a.hk_ask = 78.15;
  a.fx_bid = 7.8101;
  a.fx_ask = 7.8105;
  a.ratio = 8;
  a.size_ads = 100;
  a.notional_usd = 8002;
  a.pair = static_cast<PairId>(i % 2);
  a.side = i % 3 == 0 ? Side::BuyAdr : Side::SellAdr;
  a.kind = AlertKind::Open;
  a.reason = CloseReason::None;
  return a;
}

std::string expected_body(const Alert& a) {
  char buf[kMaxAlertJsonBytes];
  const std::size_t n = format_alert_json(a, kNames[a.pair], buf);
  return std::string(buf, n - 1);  // without the trailing newline
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  const auto until = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// What the server does with the n-th request it reads (0-based, over all
// connections): answer `status`, then close the connection if `close_after`
// (while still saying keep-alive, like a server whose idle timeout fires).
struct Reply {
  unsigned status = 200;
  bool close_after = false;
};

struct Received {
  std::string method, target, content_type, host, body;
  int connection = 0;
};

class TestServer {
 public:
  explicit TestServer(std::function<Reply(std::size_t)> policy =
                          [](std::size_t) { return Reply{}; })
      : policy_(std::move(policy)),
        acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~TestServer() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocking accept
    accept_thread_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes blocking reads
    }
    for (std::thread& t : connection_threads_) t.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  int connections() const {
    std::lock_guard lock(mu_);
    return connections_;
  }

 private:
  void accept_loop() {
    for (;;) {
      tcp::socket socket(ioc_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      std::lock_guard lock(mu_);
      const int id = connections_++;
      open_fds_.push_back(socket.native_handle());
      connection_threads_.emplace_back(
          [this, id, s = std::move(socket)]() mutable { serve(std::move(s), id); });
    }
  }

  void serve(tcp::socket socket, int id) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      beast::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) break;
      Reply reply;
      {
        std::lock_guard lock(mu_);
        received_.push_back(Received{std::string(req.method_string()), std::string(req.target()),
                                     std::string(req[http::field::content_type]),
                                     std::string(req[http::field::host]), req.body(), id});
        reply = policy_(received_.size() - 1);
      }
      http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
      res.keep_alive(req.keep_alive());
      res.body() = "ok";
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || reply.close_after || !req.keep_alive()) break;
    }
    std::lock_guard lock(mu_);
    std::erase(open_fds_, socket.native_handle());  // before close: the fd number may be reused
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  std::function<Reply(std::size_t)> policy_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::vector<Received> received_;
  std::vector<std::thread> connection_threads_;
  std::vector<int> open_fds_;
  int connections_ = 0;
};

// Completes TCP handshakes (the kernel does, from the listen backlog) and
// never reads or answers: the endpoint that is up but stuck.
class SilentEndpoint {
 public:
  SilentEndpoint() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/stuck";
  }

 private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
};

// A port that was free a moment ago: connecting is refused.
std::string refused_url() {
  asio::io_context ioc;
  tcp::acceptor probe(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = probe.local_endpoint().port();
  probe.close();
  return "http://127.0.0.1:" + std::to_string(port) + "/down";
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
  TestServer server;
  WebhookSink sink(make_config(server.url("/hooks/adr"), 1000, 0), kNames);
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
}

TEST(WebhookSink, RetriesNon2xxUntilTheEndpointAccepts) {
  TestServer server([](std::size_t n) { return Reply{n < 2 ? 500u : 200u}; });
  WebhookSink sink(make_config(server.url("/"), 300, 3), kNames);
  testing::internal::CaptureStderr();
  sink.offer(make_alert(7));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == 1; }));
  sink.stop(1000ms);
  const std::string err = testing::internal::GetCapturedStderr();

  const WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.delivered, 1u);
  EXPECT_EQ(c.retried, 2u);
  EXPECT_EQ(c.failed, 0u);
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  for (const Received& r : got) EXPECT_EQ(r.body, expected_body(make_alert(7)));
  EXPECT_NE(err.find("HTTP 500"), std::string::npos) << err;
}

TEST(WebhookSink, DeadEndpointIsCountedFailedAfterRetriesAndReportedOnceASecond) {
  WebhookSink::Counts c;
  std::string err;
  const auto t0 = Clock::now();
  {
    testing::internal::CaptureStderr();
    WebhookSink sink(make_config(refused_url(), 200, 2), kNames);
    for (int i = 0; i < 3; ++i) sink.offer(make_alert(i));
    ASSERT_TRUE(eventually([&] { return sink.counts().failed == 3; }, 3000ms));
    sink.stop(0ms);
    err = testing::internal::GetCapturedStderr();
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
  std::istringstream lines(err);
  std::string line;
  std::vector<std::string> printed;
  unsigned reported = 0;
  while (std::getline(lines, line)) {
    printed.push_back(line);
    unsigned n = 1;
    std::sscanf(line.c_str(), "webhook: %u failures in the last second:", &n);
    reported += n;
    EXPECT_NE(line.find("Connection refused"), std::string::npos) << line;
  }
  EXPECT_GE(printed.size(), 2u) << err;
  EXPECT_LE(printed.size(), 3u) << err;
  EXPECT_EQ(reported, 9u) << err;
  EXPECT_EQ(printed.front(), "webhook: Connection refused");
  EXPECT_EQ(printed.back().rfind("webhook: ", 0), 0u);
}

TEST(WebhookSink, EndpointThatNeverAnswersTimesOutEachAttempt) {
  SilentEndpoint endpoint;
  constexpr int kTimeoutMs = 200;
  WebhookSink sink(make_config(endpoint.url(), kTimeoutMs, 0), kNames);
  testing::internal::CaptureStderr();
  const auto t0 = Clock::now();
  sink.offer(make_alert(1));
  ASSERT_TRUE(eventually([&] { return sink.counts().failed == 1; }, 5000ms));
  const double elapsed = ms_since(t0);
  sink.stop(0ms);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_GE(elapsed, kTimeoutMs * 0.9);
  EXPECT_LT(elapsed, kTimeoutMs * 10.0);
  EXPECT_NE(err.find("no answer within 200 ms"), std::string::npos) << err;
  EXPECT_EQ(sink.counts().delivered, 0u);
}

TEST(WebhookSink, OfferStaysCheapAndAllocationFreeWhileTheEndpointIsStuck) {
  SilentEndpoint endpoint;
  WebhookConfig config = make_config(endpoint.url(), 5000, 3);
  config.queue_capacity = 1024;
  WebhookSink sink(config, kNames);
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
  TestServer server;
  WebhookConfig config = make_config(server.url("/"), 1000, 0);
  config.max_per_second = 5;
  WebhookSink sink(config, kNames);
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
  WebhookSink sink(make_config(endpoint.url(), 5000, 3), kNames);
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

TEST(WebhookSink, ConnectionClosedByTheServerWhileIdleIsReplacedWithoutARetry) {
  // Answers keep-alive, then closes: the next POST finds the connection dead.
  TestServer server([](std::size_t) { return Reply{200, true}; });
  WebhookSink sink(make_config(server.url("/"), 1000, 0), kNames);
  sink.offer(make_alert(1));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == 1; }));
  std::this_thread::sleep_for(50ms);  // let the FIN arrive
  sink.offer(make_alert(2));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == 2; }));
  const WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.retried, 0u);
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(server.connections(), 2);
}

TEST(WebhookSink, DestructorWithoutStopDoesNotHang) {
  SilentEndpoint endpoint;
  const auto t0 = Clock::now();
  {
    WebhookSink sink(make_config(endpoint.url(), 5000, 3), kNames);
    sink.offer(make_alert(0));
    ASSERT_TRUE(eventually([&] { return sink.queued() == 0; }));
  }
  EXPECT_LT(ms_since(t0), 1000.0);
}

TEST(WebhookUrl, ParsesHostPortAndPath) {
  WebhookUrl u = parse_webhook_url("http://hooks.example.com:8080/a/b?x=1");
  EXPECT_EQ(u.host, "hooks.example.com");
  EXPECT_EQ(u.port, "8080");
  EXPECT_EQ(u.target, "/a/b?x=1");

  u = parse_webhook_url("http://localhost");
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(u.port, "80");
  EXPECT_EQ(u.target, "/");

  u = parse_webhook_url("http://[::1]:9000");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, "9000");
  EXPECT_EQ(u.target, "/");
}

TEST(WebhookUrl, RejectsWhatItCannotPost) {
  try {
    parse_webhook_url("https://hooks.example.com/x");
    FAIL() << "https accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("https is not supported"), std::string::npos) << e.what();
  }
  for (const char* bad :
       {"ftp://h/x", "http://", "http://:80/x", "http://h:0/", "http://h:65536/", "http://h:80x/",
        "http://h:/", "http://u:p@h/", "http://h/a b", "http://[::1/", "hooks.example.com"}) {
    EXPECT_THROW(parse_webhook_url(bad), std::invalid_argument) << bad;
  }
  WebhookConfig c = make_config("https://h/x", 100, 0);
  EXPECT_THROW(WebhookSink(c, kNames), std::invalid_argument);
}

}  // namespace
}  // namespace adrmon
