// Shared by the dashboard tests: a three-pair config with a [dashboard]
// table, PairViews and Alerts to publish and offer, a running Dashboard on
// 127.0.0.1 port 0, and the clients from tests/support/http_client.hpp
// with the replies parsed as JSON. Header-only; each test TU includes it.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/dashboard/dashboard.hpp"
#include "http_client.hpp"
#include "test_config.hpp"

namespace adrmon::dashboard_test {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using Reply = test::HttpReply;
using test::http_get;

inline Reply get(std::uint16_t port, const std::string& target,
                 const test::HttpHeaders& headers = {}, const std::string& host = "") {
  return http_get(port, target, headers, host);
}

using test::kT0;

// test::kBaseToml ([fx], [defaults]), three pairs and a [dashboard] table.
inline std::string config_text(const std::string& dashboard) {
  return std::string(test::kBaseToml) +
         "[[pair]]\nadr = \"BABA\"\nhk = \"9988\"\nratio = 8\n"
         "[[pair]]\nadr = \"JD\"\nhk = \"9618\"\nratio = 2\n"
         "[[pair]]\nadr = \"PONY\"\nhk = \"2026\"\nratio = 1\n"
         "[dashboard]\n" +
         dashboard + "\n";
}

inline Config make_config(const std::string& dashboard = "listen = \"127.0.0.1:0\"") {
  return parse_config(config_text(dashboard), "<dashboard_test>");
}

inline std::vector<PairView> views(std::int64_t as_of, double adr_bid, bool open_buy = false) {
  std::vector<PairView> out(3);
  const double ratios[3] = {8, 2, 1};
  for (PairId i = 0; i < 3; ++i) {
    PairView& v = out[i];
    v.pair = i;
    v.ratio = ratios[i];
    // Named fields: LegQuote grows (it is the engine's state), positions shift.
    const auto leg = [](double bid, double ask, double size, std::int64_t ts) {
      LegQuote q;
      q.bid = bid;
      q.ask = ask;
      q.bid_size = q.ask_size = size;
      q.ts = ts;
      q.seen = true;
      return q;
    };
    const double hk_bid = (adr_bid + i) * 7.8 / ratios[i];
    v.adr = leg(adr_bid + i, adr_bid + i + 0.01, 100, as_of - 1000);
    v.hk = leg(hk_bid, hk_bid + 0.1, 100, as_of - 2000);
    v.fx = leg(7.8, 7.8001, 0, as_of);
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

inline Alert make_alert(std::int64_t ts, PairId pair, AlertKind kind = AlertKind::Open) {
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

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  const auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

// A WebSocket client whose messages are JSON.
class Ws {
 public:
  explicit Ws(std::uint16_t port, const std::string& target = "/ws", int rcvbuf = 0,
              const std::string& from = "")
      : client_(port, target, rcvbuf, from) {}
  json read() { return json::parse(client_.read_text()); }
  // Reads until a message of `type` arrives (skipping others).
  json read_type(const std::string& type) {
    for (int i = 0; i < 1000; ++i) {
      json m = read();
      if (m["type"] == type) return m;
    }
    return {};
  }

 private:
  test::WsClient client_;
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

}  // namespace adrmon::dashboard_test
