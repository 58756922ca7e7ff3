// Helpers shared by the sink tests: pair names, an alert whose fields all
// differ from zero, polling with a bound.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/core/alert.hpp"

namespace adrmon::test {

using Clock = std::chrono::steady_clock;

inline const std::vector<std::string> kNames = {"BABA/9988", "JD/9618"};

inline Alert make_alert(int i) {
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

// Polls `pred` every millisecond; false if it is still false after `limit`.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  const auto until = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace adrmon::test
