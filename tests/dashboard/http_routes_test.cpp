// Dashboard routes and access rules against real sockets on 127.0.0.1
// (port 0): /health and the page, /api/pairs and /api/alerts, the token on
// every route but /health, the loopback-only bind without a token, a taken
// port, and the Host / Origin checks.
#include <gtest/gtest.h>

#include <boost/system/system_error.hpp>
#include <stdexcept>
#include <string>

#include "adrmon/dashboard/dashboard.hpp"
#include "dashboard_test_support.hpp"

namespace adrmon::dashboard_test {
namespace {

TEST(DashboardTokens, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("s3cret", "s3cret"));
  EXPECT_FALSE(constant_time_equal("s3cre", "s3cret"));
  EXPECT_FALSE(constant_time_equal("s3crex", "s3cret"));
  EXPECT_FALSE(constant_time_equal("s3cret!", "s3cret"));
  EXPECT_FALSE(constant_time_equal("", "s3cret"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(Dashboard, HealthAndPage) {
  Fixture f(make_config());
  ASSERT_NE(f.dash.port(), 0);
  EXPECT_EQ(f.dash.url(), "http://127.0.0.1:" + std::to_string(f.dash.port()) + "/");
  const Reply h = get(f.dash.port(), "/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "ok\n");
  const Reply page = get(f.dash.port(), "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<table id=\"pairs\">"), std::string::npos);
  EXPECT_EQ(page.body.find("@NONCE@"), std::string::npos);
  EXPECT_EQ(page.body.find("/*@SCRIPT@*/"), std::string::npos) << "app.js not embedded";
  EXPECT_EQ(page.body.find("innerHTML"), std::string::npos) << "the page renders with textContent";
  EXPECT_EQ(get(f.dash.port(), "/nope").status, 404);
}

TEST(Dashboard, ApiPairsListsEveryPairWithItsNumbers) {
  Fixture f(make_config());
  f.board.publish(views(kT0 + 5, 120, /*open_buy=*/true));
  const Reply r = get(f.dash.port(), "/api/pairs");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  const json pairs = json::parse(r.body);
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0]["pair"], "BABA/9988");
  EXPECT_EQ(pairs[0]["adr"], "BABA");
  EXPECT_EQ(pairs[0]["hk"], "9988");
  EXPECT_EQ(pairs[0]["adr_bid"], 120);
  EXPECT_EQ(pairs[0]["fx_ask"], 7.8001);
  EXPECT_EQ(pairs[1]["pair"], "JD/9618");
  EXPECT_EQ(pairs[1]["premium_bps"], 1.5);
  EXPECT_EQ(pairs[2]["pair"], "PONY/2026");
  EXPECT_EQ(pairs[2]["open_buy_adr"], true);
  EXPECT_EQ(pairs[2]["open_sell_adr"], false);
  EXPECT_EQ(pairs[2]["peak_buy_adr_bps"], 80);
  EXPECT_EQ(pairs[2]["sell_adr_bps"], -20);
  EXPECT_EQ(pairs[2]["buy_adr_bps"], -25);
  EXPECT_EQ(pairs[2]["as_of"], kT0 + 5);
}

TEST(Dashboard, ApiAlertsSince) {
  Fixture f(make_config());
  f.dash.offer(make_alert(kT0 + 100, 2));
  f.dash.offer(make_alert(kT0 + 200, 0));
  f.dash.offer(make_alert(kT0 + 300, 1, AlertKind::Close));
  ASSERT_TRUE(
      eventually([&] { return json::parse(get(f.dash.port(), "/api/alerts").body).size() == 3; }));
  const json all = json::parse(get(f.dash.port(), "/api/alerts?since=0").body);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["pair"], "PONY/2026");
  EXPECT_EQ(all[0]["kind"], "open");
  const json later =
      json::parse(get(f.dash.port(), "/api/alerts?since=" + std::to_string(kT0 + 150)).body);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[0]["ts"], kT0 + 200);
  EXPECT_EQ(later[1]["ts"], kT0 + 300);
  EXPECT_EQ(later[1]["kind"], "close");
  EXPECT_EQ(
      json::parse(get(f.dash.port(), "/api/alerts?since=" + std::to_string(kT0 + 300)).body).size(),
      0u);
  EXPECT_EQ(get(f.dash.port(), "/api/alerts?since=abc").status, 400);
  EXPECT_EQ(f.dash.counts().alerts_offered, 3u);
  EXPECT_EQ(f.dash.counts().alerts_dropped, 0u);
}

TEST(Dashboard, TokenRequiredOnEveryRouteButHealth) {
  Fixture f(make_config("listen = \"127.0.0.1:0\"\ntoken = \"s3cret-T0ken\""));
  const std::uint16_t p = f.dash.port();
  EXPECT_EQ(get(p, "/health").status, 200);
  for (const char* route : {"/", "/metrics", "/api/pairs", "/api/alerts"}) {
    SCOPED_TRACE(route);
    EXPECT_EQ(get(p, route).status, 401);
    EXPECT_EQ(get(p, route, {{"Authorization", "Bearer wrong"}}).status, 401);
    EXPECT_EQ(get(p, route, {{"Authorization", "Bearer s3cret-T0ke"}}).status, 401);
    EXPECT_EQ(get(p, std::string(route) + "?token=s3cret-T0kenX").status, 401);
    EXPECT_EQ(get(p, route, {{"Authorization", "Bearer s3cret-T0ken"}}).status, 200);
    EXPECT_EQ(get(p, std::string(route) + "?token=s3cret-T0ken").status, 200);
  }
  EXPECT_EQ(get(p, "/api/alerts?since=0&token=s3cret%2DT0ken").status, 200);  // percent-decoded
  EXPECT_GE(f.dash.counts().unauthorized, 16u);
  // The WebSocket upgrade too.
  EXPECT_THROW(Ws(p, "/ws"), boost::system::system_error);
  EXPECT_THROW(Ws(p, "/ws?token=nope"), boost::system::system_error);
  Ws ok(p, "/ws?token=s3cret-T0ken");
  EXPECT_EQ(ok.read()["type"], "snapshot");
}

TEST(Dashboard, NonLoopbackBindRefusedWithoutToken) {
  PairBoard board;
  EXPECT_THROW(Dashboard(make_config("listen = \"0.0.0.0:0\""), board, {}), std::invalid_argument);
  EXPECT_THROW(Dashboard(make_config("listen = \"[::]:0\""), board, {}), std::invalid_argument);
  EXPECT_THROW(Dashboard(make_config("listen = \"example.com:8480\""), board, {}),
               std::invalid_argument);
  EXPECT_THROW(Dashboard(make_config("listen = \"127.0.0.1:99999\""), board, {}),
               std::invalid_argument);
  // With a token it may listen anywhere.
  Dashboard d(make_config("listen = \"0.0.0.0:0\"\ntoken = \"t\""), board, {});
  EXPECT_NE(d.port(), 0);
  // localhost is loopback.
  Dashboard l(make_config("listen = \"localhost:0\""), board, {});
  EXPECT_NE(l.port(), 0);
}

TEST(Dashboard, PortTakenFailsAtConstruction) {
  PairBoard board;
  Dashboard first(make_config(), board, {});
  EXPECT_THROW(Dashboard(make_config("listen = \"127.0.0.1:" + std::to_string(first.port()) + "\""),
                         board, {}),
               boost::system::system_error);
}

TEST(Dashboard, ForeignHostAndCrossOriginWebSocketRefused) {
  Fixture f(make_config());
  const std::uint16_t p = f.dash.port();
  EXPECT_EQ(get(p, "/api/pairs", {}, "evil.example:80").status, 403);
  EXPECT_EQ(get(p, "/api/pairs", {}, "localhost:" + std::to_string(p)).status, 200);
  EXPECT_EQ(get(p, "/health", {}, "evil.example").status, 200);
  EXPECT_GE(f.dash.counts().forbidden_host, 1u);
}

}  // namespace
}  // namespace adrmon::dashboard_test
