// Connection bounds at accept, on real sockets: idle TCP connections that
// never send a request (half-open HTTP) from one address fill only that
// address's share (Dashboard::kMaxConnectionsPerAddress): past it the server
// closes them at once and counts them, while a client on another loopback
// address (127.0.0.2: the whole 127/8 is loopback on Linux) is still served.
// WebSocket clients hold their connection's slot too, and the total bound
// (Dashboard::kMaxConnections) counts idle HTTP connections, so a flood from
// many addresses is bounded as well.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/system_error.hpp>
#include <memory>
#include <string>
#include <vector>

#include "adrmon/dashboard/dashboard.hpp"
#include "dashboard_test_support.hpp"

namespace adrmon::dashboard_test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Sockets the server has closed (a read gives EOF or a reset rather than
// would-block). Reads nothing from the open ones: the server sends nothing
// before a request.
std::size_t closed_by_server(std::vector<tcp::socket>& sockets) {
  std::size_t closed = 0;
  for (tcp::socket& s : sockets) {
    s.non_blocking(true);
    char byte;
    boost::system::error_code ec;
    s.read_some(asio::buffer(&byte, 1), ec);
    if (ec != asio::error::would_block) ++closed;
  }
  return closed;
}

// Opens n idle connections from `from` and keeps them.
void open_idle(asio::io_context& io, std::vector<tcp::socket>& out, const std::string& from,
               std::uint16_t port, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out.push_back(test::connect_from(io, from, port));
}

TEST(DashboardConnections, PerAddressLimitLeavesOtherAddressesServed) {
  Fixture f(make_config());
  const std::uint16_t port = f.dash.port();
  constexpr std::size_t kLimit = Dashboard::kMaxConnectionsPerAddress;
  constexpr std::size_t kExtra = 40;
  asio::io_context io;
  std::vector<tcp::socket> idle;
  open_idle(io, idle, "127.0.0.1", port, kLimit + kExtra);

  // (a) Past the limit, each connection is closed at once and counted.
  ASSERT_TRUE(eventually([&] { return f.dash.counts().refused_per_address == kExtra; }))
      << f.dash.counts().refused_per_address;
  ASSERT_TRUE(eventually([&] { return closed_by_server(idle) == kExtra; }))
      << closed_by_server(idle);
  EXPECT_EQ(f.dash.counts().connections, kLimit);
  EXPECT_EQ(f.dash.counts().refused_server_full, 0u);
  EXPECT_THROW(http_get(port, "/health", {}, "", "127.0.0.1"), boost::system::system_error)
      << "127.0.0.1 has used its share";

  // (b) Another address is served as if nothing happened.
  const Reply health = http_get(port, "/health", {}, "", "127.0.0.2");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(http_get(port, "/api/pairs", {}, "", "127.0.0.2").status, 200);
  Ws ws(port, "/ws", 0, "127.0.0.2");
  EXPECT_EQ(ws.read()["type"], "snapshot");
  EXPECT_EQ(f.dash.counts().refused_per_address, kExtra + 1);

  // (c) When the idle connections go, their slots come back.
  idle.clear();
  ASSERT_TRUE(eventually([&] { return f.dash.counts().connections == 1; }))  // the WebSocket
      << f.dash.counts().connections;
  EXPECT_EQ(http_get(port, "/health").status, 200);
}

TEST(DashboardConnections, WebSocketsHoldTheirAddressSlots) {
  Fixture f(make_config());
  const std::uint16_t port = f.dash.port();
  constexpr std::size_t kLimit = Dashboard::kMaxConnectionsPerAddress;
  static_assert(kLimit < Dashboard::kMaxClients, "the address limit bites first");
  std::vector<std::unique_ptr<Ws>> clients;
  for (std::size_t i = 0; i < kLimit; ++i) {
    clients.push_back(std::make_unique<Ws>(port, "/ws", 0, "127.0.0.3"));
    ASSERT_EQ(clients.back()->read()["type"], "snapshot");
  }
  EXPECT_EQ(f.dash.counts().ws_clients, kLimit);
  EXPECT_THROW(Ws(port, "/ws", 0, "127.0.0.3"), boost::system::system_error);
  EXPECT_THROW(http_get(port, "/health", {}, "", "127.0.0.3"), boost::system::system_error);
  EXPECT_EQ(http_get(port, "/health", {}, "", "127.0.0.4").status, 200);

  clients.pop_back();  // one leaves: its slot comes back once the server sees the close
  ASSERT_TRUE(eventually([&] { return f.dash.counts().ws_clients == kLimit - 1; }));
  ASSERT_TRUE(eventually([&] { return f.dash.counts().connections == kLimit - 1; }));
  Ws again(port, "/ws", 0, "127.0.0.3");
  EXPECT_EQ(again.read()["type"], "snapshot");
}

TEST(DashboardConnections, TotalBoundCountsIdleHttpConnections) {
  Fixture f(make_config());
  const std::uint16_t port = f.dash.port();
  constexpr std::size_t kLimit = Dashboard::kMaxConnectionsPerAddress;
  constexpr std::size_t kAddresses = Dashboard::kMaxConnections / kLimit;
  static_assert(kAddresses * kLimit == Dashboard::kMaxConnections);
  asio::io_context io;
  std::vector<tcp::socket> idle;
  for (std::size_t a = 0; a < kAddresses; ++a) {
    open_idle(io, idle, "127.0.1." + std::to_string(10 + a), port, kLimit);
  }
  ASSERT_TRUE(eventually([&] { return f.dash.counts().connections == Dashboard::kMaxConnections; }))
      << f.dash.counts().connections;
  EXPECT_THROW(http_get(port, "/health", {}, "", "127.0.2.1"), boost::system::system_error)
      << "every slot is taken, by idle connections";
  EXPECT_EQ(f.dash.counts().refused_server_full, 1u);
  EXPECT_EQ(f.dash.counts().refused_per_address, 0u);

  idle.pop_back();  // one goes: one new client gets in
  ASSERT_TRUE(
      eventually([&] { return f.dash.counts().connections == Dashboard::kMaxConnections - 1; }));
  EXPECT_EQ(http_get(port, "/health", {}, "", "127.0.2.1").status, 200);
}

}  // namespace
}  // namespace adrmon::dashboard_test
