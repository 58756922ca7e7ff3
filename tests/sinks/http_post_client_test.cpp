// HttpPostClient against real sockets on 127.0.0.1: answers of any status are
// values, network failures are error codes, both deadlines hold, and one
// kept-alive connection is reused (and replaced once when the server closed it).
#include "adrmon/sinks/http_post_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <thread>

#include "http_test_server.hpp"
#include "sink_test_support.hpp"

namespace adrmon::test {
namespace {

using namespace std::chrono_literals;

HostPort loopback(std::uint16_t port) {
  HostPort hp;
  hp.host = "127.0.0.1";
  hp.port = port;
  return hp;
}

std::uint16_t port_of(const std::string& url) {  // "http://127.0.0.1:PORT/..."
  const std::size_t colon = url.rfind(':');
  return static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1)));
}

TEST(HttpPostClient, PostsOverOneKeptAliveConnection) {
  HttpTestServer server;
  HttpPostClient client(loopback(server.port()), "/in?k=v");
  for (int i = 0; i < 3; ++i) {
    const auto ec = client.post("{\"n\":" + std::to_string(i) + "}", Clock::now() + 2s);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(client.status(), 200u);
  }
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].body, "{\"n\":2}");
  EXPECT_EQ(got[0].target, "/in?k=v");
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_EQ(got[0].host, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpPostClient, A5xxAnswerIsAStatusNotAnError) {
  HttpTestServer server([](std::size_t) { return Reply{503}; });
  HttpPostClient client(loopback(server.port()), "/");
  const auto ec = client.post("{}", Clock::now() + 2s);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(client.status(), 503u);
  EXPECT_EQ(client.reason(), "Service Unavailable");
}

TEST(HttpPostClient, RefusedConnectionIsAnErrorCode) {
  HttpPostClient client(loopback(port_of(refused_url())), "/");
  const auto ec = client.post("{}", Clock::now() + 2s);
  EXPECT_EQ(ec, boost::asio::error::connection_refused) << ec.message();
  EXPECT_EQ(client.status(), 0u);
}

TEST(HttpPostClient, SlowAnswerEndsAtTheDeadlineWithTimeout) {
  HttpTestServer server([](std::size_t) { return Reply{200, false, 2000ms}; });
  HttpPostClient client(loopback(server.port()), "/");
  const auto t0 = Clock::now();
  const auto ec = client.post("{}", t0 + 150ms);
  const double elapsed = ms_since(t0);
  EXPECT_EQ(ec, boost::beast::error::timeout) << ec.message();
  EXPECT_GE(elapsed, 140.0);
  EXPECT_LT(elapsed, 1500.0);
}

TEST(HttpPostClient, AbortAtFromAnotherThreadCutsAWaitShort) {
  SilentEndpoint endpoint;
  HttpPostClient client(loopback(endpoint.port()), "/");
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    client.abort_at(Clock::now());
  });
  const auto t0 = Clock::now();
  const auto ec = client.post("{}", t0 + 10s);
  const double elapsed = ms_since(t0);
  stopper.join();
  EXPECT_EQ(ec, boost::asio::error::operation_aborted) << ec.message();
  EXPECT_GE(elapsed, 90.0);
  EXPECT_LT(elapsed, 1000.0);
  // Once aborted, stays aborted: the next post gives up at once.
  EXPECT_EQ(client.post("{}", Clock::now() + 10s), boost::asio::error::operation_aborted);
}

TEST(HttpPostClient, ConnectionTheServerClosedIsReplacedWithinOneCall) {
  HttpTestServer server([](std::size_t) { return Reply{200, true}; });
  HttpPostClient client(loopback(server.port()), "/");
  ASSERT_FALSE(client.post("{\"a\":1}", Clock::now() + 2s));
  std::this_thread::sleep_for(50ms);  // let the FIN arrive
  const auto ec = client.post("{\"a\":2}", Clock::now() + 2s);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(client.status(), 200u);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(server.received().size(), 2u);
}

}  // namespace
}  // namespace adrmon::test
