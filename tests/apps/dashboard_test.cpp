// Dashboard against real sockets on 127.0.0.1 (port 0): a PairBoard the test
// publishes to, alerts it offers, synchronous Beast HTTP and WebSocket
// clients. Covers the routes, the token and Host rules, the Prometheus text
// format (checked line by line), the WebSocket snapshot and updates, and 20
// clients that never read: publishing and offering stay fast, per-client
// memory stays bounded, and the drop / disconnect counters move.
#include "dashboard.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace adrmon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::int64_t kT0 = 1763951400000000000;

std::string config_text(const std::string& dashboard) {
  std::string t = R"(
[fx]
pair = "USDHKD"
min = 7.70
max = 7.90
[defaults]
enter_bps = 50
exit_bps = 20
max_age_ms = 3000
min_persist_ms = 0
cost_bps = 12
conversion_fee_usd = 0.05
[[pair]]
adr = "BABA"
hk = "9988"
ratio = 8
[[pair]]
adr = "JD"
hk = "9618"
ratio = 2
[[pair]]
adr = "PONY"
hk = "2026"
ratio = 1
)";
  return t + "[dashboard]\n" + dashboard + "\n";
}

Config make_config(const std::string& dashboard = "listen = \"127.0.0.1:0\"") {
  return parse_config(config_text(dashboard), "<dashboard_test>");
}

std::vector<PairView> views(std::int64_t as_of, double adr_bid, bool open_buy = false) {
  std::vector<PairView> out(3);
  const double ratios[3] = {8, 2, 1};
  for (PairId i = 0; i < 3; ++i) {
    PairView& v = out[i];
    v.pair = i;
    v.ratio = ratios[i];
    v.adr = {adr_bid + i, adr_bid + i + 0.01, 100, 100, as_of - 1000, true};
    v.hk = {(adr_bid + i) * 7.8 / ratios[i],
            (adr_bid + i) * 7.8 / ratios[i] + 0.1,
            100,
            100,
            as_of - 2000,
            true};
    v.fx = {7.8, 7.8001, 0, 0, as_of, true};
    v.priced = true;
    v.fresh = true;
    v.hk_equiv_mid = (adr_bid + i) * 7.8 / ratios[i];
    v.mid_premium_bps = 1.5 * i;
    v.edge_bps[0] = -20;
    v.edge_bps[1] = -25;
    v.as_of = as_of;
    v.max_age_ns = 3'000'000'000;
  }
  if (open_buy) {
    out[2].open[1] = true;
    out[2].open_ts[1] = as_of;
    out[2].peak_edge_bps[1] = 80;
  }
  return out;
}

Alert make_alert(std::int64_t ts, PairId pair, AlertKind kind = AlertKind::Open) {
  Alert a{};
  a.ts_event = ts;
  a.open_ts = ts;
  a.adr_ts = a.hk_ts = a.fx_ts = ts;
  a.edge_bps = 60;
  a.mid_premium_bps = -80;
  a.peak_edge_bps = 60;
  a.adr_bid = 16.17;
  a.adr_ask = 16.19;
  a.hk_bid = 128.7;
  a.hk_ask = 128.9;
  a.fx_bid = 7.825;
  a.fx_ask = 7.8251;
  a.ratio = 1;
  a.size_ads = 300;
  a.notional_usd = 4857;
  a.pair = pair;
  a.side = Side::BuyAdr;
  a.kind = kind;
  return a;
}

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
};

Reply get(std::uint16_t port, const std::string& target,
          const std::vector<std::pair<std::string, std::string>>& headers = {},
          const std::string& host = "") {
  asio::io_context io;
  tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host.empty() ? "127.0.0.1:" + std::to_string(port) : host);
  for (const auto& [k, v] : headers) req.set(k, v);
  http::write(s, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return {static_cast<int>(res.result_int()), res.body(),
          std::string(res[http::field::content_type])};
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  const auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

class Ws {
 public:
  explicit Ws(std::uint16_t port, const std::string& target = "/ws", int rcvbuf = 0) : ws_(io_) {
    auto& sock = beast::get_lowest_layer(ws_);
    sock.open(tcp::v4());
    if (rcvbuf > 0) sock.set_option(asio::socket_base::receive_buffer_size(rcvbuf));
    sock.connect({asio::ip::make_address("127.0.0.1"), port});
    ws_.handshake("127.0.0.1:" + std::to_string(port), target);
  }
  json read() {
    beast::flat_buffer buf;
    ws_.read(buf);
    return json::parse(beast::buffers_to_string(buf.data()));
  }
  // Reads until a message of `type` arrives (skipping others).
  json read_type(const std::string& type) {
    for (int i = 0; i < 1000; ++i) {
      json m = read();
      if (m["type"] == type) return m;
    }
    return {};
  }

 private:
  asio::io_context io_;
  websocket::stream<tcp::socket> ws_;
};

struct Fixture {
  explicit Fixture(const Config& config, Dashboard::MetricsFn metrics = {})
      : dash(config, board, std::move(metrics)) {
    board.publish(views(kT0, 100));
    dash.start();
  }
  PairBoard board;
  Dashboard dash;
};

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

// ---- /metrics: a strict reading of text format 0.0.4 --------------------------

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value;
};

double parse_value(const std::string& v) {
  if (v == "+Inf") return std::numeric_limits<double>::infinity();
  if (v == "-Inf") return -std::numeric_limits<double>::infinity();
  if (v == "NaN") return std::nan("");
  std::size_t used = 0;
  const double d = std::stod(v, &used);
  if (used != v.size()) throw std::runtime_error("bad value " + v);
  return d;
}

// Parses the exposition, failing the test on any line that is not a HELP, a
// TYPE or a sample, on a sample whose family has no TYPE before it, and on a
// family TYPEd twice.
std::vector<Sample> parse_exposition(const std::string& text,
                                     std::map<std::string, std::string>& types) {
  static const std::regex kHelp(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$)");
  static const std::regex kType(
      R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*")*\})? ([^ ]+)$)");
  static const std::regex kLabel(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((\\[\\"n]|[^"\\])*)")re");
  std::vector<Sample> out;
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n') << "the exposition ends with a newline";
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    if (std::regex_match(line, m, kHelp)) continue;
    if (std::regex_match(line, m, kType)) {
      EXPECT_EQ(types.count(m[1]), 0u) << "TYPE twice for " << m[1];
      types[m[1]] = m[2];
      continue;
    }
    if (!std::regex_match(line, m, kSample)) {
      ADD_FAILURE() << "line " << n << " is neither a comment nor a sample: " << line;
      continue;
    }
    Sample s;
    s.name = m[1];
    const std::string labels = m[2];
    for (auto it = std::sregex_iterator(labels.begin(), labels.end(), kLabel);
         it != std::sregex_iterator(); ++it) {
      s.labels[(*it)[1]] = (*it)[2];
    }
    EXPECT_NO_THROW(s.value = parse_value(m[m.size() - 1])) << line;
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string suf(suffix);
      if (types.count(family) == 0 && family.size() > suf.size() &&
          family.compare(family.size() - suf.size(), suf.size(), suf) == 0) {
        const std::string base = family.substr(0, family.size() - suf.size());
        if (types.count(base) && types[base] == "histogram") family = base;
      }
    }
    EXPECT_EQ(types.count(family), 1u) << "no TYPE before sample " << line;
    if (types[family] == "counter") {
      EXPECT_TRUE(family.size() > 6 && family.compare(family.size() - 6, 6, "_total") == 0)
          << family;
      EXPECT_GE(s.value, 0) << line;
    }
    out.push_back(std::move(s));
  }
  return out;
}

TEST(Dashboard, MetricsAreStrictPrometheusText) {
  RunSummary fake;
  fake.feed.lines = 1000;
  fake.engine.accepted = 990;
  fake.engine.opens = 4;
  fake.engine.closes = 3;
  fake.engine.open_breaches = 1;
  fake.rejects.add(Reject::CrossedQuote);
  fake.rejects.add(Reject::CrossedQuote);
  fake.rejects.add(Reject::OutOfOrder);
  fake.alerts = 7;
  fake.has_latency = true;
  for (const std::int64_t v :
       std::vector<std::int64_t>{500, 1500, 30'000, 30'000, 2'000'000, 7'000'000'000}) {
    fake.latency.recv_to_alert.record(v);
  }
  for (int i = 0; i < 5000; ++i) fake.latency.recv_to_priced.record(1000 + i * 37);
  SourceSummary src;
  src.name = "file:data/\"odd\"\\name.jsonl";
  src.lines = 1000;
  src.seq_gaps = 2;
  src.queue_depth = 17;
  fake.sources.push_back(src);
  Fixture f(make_config(), [&] { return fake; });

  const Reply r = get(f.dash.port(), "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  std::map<std::string, std::string> types;
  const std::vector<Sample> samples = parse_exposition(r.body, types);
  ASSERT_FALSE(HasFailure()) << r.body;

  auto value = [&](const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    ADD_FAILURE() << "no sample " << name;
    return std::nan("");
  };
  EXPECT_EQ(value("adrmon_ticks_read_total"), 1000);
  EXPECT_EQ(value("adrmon_ticks_accepted_total"), 990);
  EXPECT_EQ(value("adrmon_ticks_rejected_total", {{"reason", "crossed_quote"}}), 2);
  EXPECT_EQ(value("adrmon_ticks_rejected_total", {{"reason", "out_of_order"}}), 1);
  EXPECT_EQ(value("adrmon_ticks_rejected_total", {{"reason", "bad_price"}}), 0);
  EXPECT_EQ(value("adrmon_alerts_total", {{"kind", "open"}}), 4);
  EXPECT_EQ(value("adrmon_alerts_total", {{"kind", "close"}}), 3);
  EXPECT_EQ(value("adrmon_open_breaches"), 1);
  EXPECT_EQ(value("adrmon_seq_gaps_total"), 2);
  EXPECT_EQ(value("adrmon_source_queue_depth", {{"source", "file:data/\\\"odd\\\"\\\\name.jsonl"}}),
            17);
  EXPECT_EQ(types["adrmon_source_queue_depth"], "gauge");
  EXPECT_EQ(types["adrmon_open_breaches"], "gauge");
  EXPECT_EQ(types["adrmon_latency_seconds"], "histogram");
  EXPECT_EQ(types["adrmon_dashboard_ws_pair_updates_dropped_total"], "counter");

  // Histograms: per stage, le ascending, counts cumulative, +Inf last and
  // equal to _count; exact counts where the values sit inside a bucket.
  std::map<std::string, std::vector<std::pair<double, double>>> buckets;  // stage -> (le, count)
  for (const Sample& s : samples) {
    if (s.name == "adrmon_latency_seconds_bucket") {
      buckets[s.labels.at("stage")].push_back({parse_value(s.labels.at("le")), s.value});
    }
  }
  ASSERT_EQ(buckets.size(), 5u);
  for (const auto& [stage, list] : buckets) {
    SCOPED_TRACE(stage);
    ASSERT_GE(list.size(), 10u);
    for (std::size_t i = 1; i < list.size(); ++i) {
      EXPECT_LT(list[i - 1].first, list[i].first) << "le ascending";
      EXPECT_LE(list[i - 1].second, list[i].second) << "cumulative";
    }
    EXPECT_TRUE(std::isinf(list.back().first));
    EXPECT_EQ(list.back().second, value("adrmon_latency_seconds_count", {{"stage", stage}}));
    EXPECT_GE(value("adrmon_latency_seconds_sum", {{"stage", stage}}), 0);
  }
  const auto& a = buckets["recv_to_alert"];
  EXPECT_EQ(a.back().second, 6);
  auto count_le = [&](double le) {
    double c = -1;
    for (const auto& [edge, n] : a) {
      if (edge <= le) c = n;
    }
    return c;
  };
  EXPECT_EQ(count_le(1e-6), 1);    // 500 ns
  EXPECT_EQ(count_le(2.5e-6), 2);  // + 1.5 us
  EXPECT_EQ(count_le(50e-6), 4);   // + 2 x 30 us
  EXPECT_EQ(count_le(5e-3), 5);    // + 2 ms
  EXPECT_EQ(count_le(1e1), 6);     // + 7 s
  const double sum = value("adrmon_latency_seconds_sum", {{"stage", "recv_to_alert"}});
  EXPECT_NEAR(sum, 7.002062, 7.002062 * 0.5) << "midpoint approximation";
  EXPECT_EQ(buckets["recv_to_priced"].back().second, 5000);
}

// ---- WebSocket ---------------------------------------------------------------

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
}  // namespace adrmon
