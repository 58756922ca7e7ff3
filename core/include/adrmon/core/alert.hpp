// Alert: what the engine emits when a (pair, side) breach opens or closes.
//
// Fixed size and trivially copyable so the engine can hand alerts to sink
// threads through a queue without allocating. Formatting to text happens on
// the sink side (alert_json.hpp), never in the engine.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "adrmon/core/instrument.hpp"

namespace adrmon {

// sell_adr: sell the ADR, buy HK shares (ADR rich). buy_adr: the reverse.
enum class Side : std::uint8_t { SellAdr = 0, BuyAdr = 1 };
enum class AlertKind : std::uint8_t { Open = 0, Close = 1 };
enum class CloseReason : std::uint8_t { None = 0, Stale = 1, Reverted = 2 };

inline constexpr int kSideCount = 2;

constexpr std::string_view side_name(Side s) noexcept {
  return s == Side::SellAdr ? "sell_adr" : "buy_adr";
}
constexpr std::string_view kind_name(AlertKind k) noexcept {
  return k == AlertKind::Open ? "open" : "close";
}
constexpr std::string_view reason_name(CloseReason r) noexcept {
  return r == CloseReason::Stale ? "stale" : (r == CloseReason::Reverted ? "reverted" : "");
}

struct Alert {
  std::int64_t ts_event;   // event time of the tick that caused it
  std::int64_t ts_recv;    // receive stamp of that tick (latency accounting)
  std::int64_t ts_priced;  // steady-clock stamp when the engine finished the tick (0 in replay)
  std::int64_t open_ts;    // closes: ts_event of the matching open; opens: = ts_event
  std::int64_t adr_ts;     // last accepted ts of each leg at this evaluation
  std::int64_t hk_ts;
  std::int64_t fx_ts;
  double edge_bps;         // net edge of this side; NaN on "stale" closes
  double mid_premium_bps;  // (ADR in HKD per share / HK mid - 1) * 1e4
  double peak_edge_bps;    // closes: highest edge while open; opens: = edge_bps
  double adr_bid, adr_ask;
  double hk_bid, hk_ask;
  double fx_bid, fx_ask;
  double ratio;
  double size_ads;      // opens: executable size in ADS; closes: 0
  double notional_usd;  // opens: size_ads * ADR price on the traded side
  PairId pair;
  Side side;
  AlertKind kind;
  CloseReason reason;
  std::uint8_t reserved;
};

static_assert(std::is_trivially_copyable_v<Alert>);
static_assert(sizeof(Alert) == 160);

}  // namespace adrmon
