// Alert: what the engine emits when a (pair, side) breach opens or closes.
//
// Fixed size and trivially copyable so the engine can hand alerts to sink
// threads through a queue without allocating. Formatting to text happens on
// the sink side (alert_json.hpp), never in the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "adrmon/core/instrument.hpp"

namespace adrmon {

// sell_adr: sell the ADR, buy HK shares (ADR rich). buy_adr: the reverse.
enum class Side : std::uint8_t { SellAdr = 0, BuyAdr = 1 };
enum class AlertKind : std::uint8_t { Open = 0, Close = 1 };
// Why a breach closed: the gate check that failed (in gate order: session,
// halted, feed_down, stale, suspect), or reverted (the edge fell below exit).
// feed_down: a venue has no live source (the daemon's wall-clock watchdog).
enum class CloseReason : std::uint8_t {
  None = 0,
  Stale = 1,
  Reverted = 2,
  Session = 3,
  Halted = 4,
  Suspect = 5,
  FeedDown = 6,
};

inline constexpr int kSideCount = 2;

constexpr std::string_view side_name(Side s) noexcept {
  return s == Side::SellAdr ? "sell_adr" : "buy_adr";
}
constexpr std::string_view kind_name(AlertKind k) noexcept {
  return k == AlertKind::Open ? "open" : "close";
}
constexpr std::string_view reason_name(CloseReason r) noexcept {
  switch (r) {
    case CloseReason::Stale:
      return "stale";
    case CloseReason::Reverted:
      return "reverted";
    case CloseReason::Session:
      return "session";
    case CloseReason::Halted:
      return "halted";
    case CloseReason::Suspect:
      return "suspect";
    case CloseReason::FeedDown:
      return "feed_down";
    case CloseReason::None:
      break;
  }
  return "";
}

// Longest phase name an alert carries (calendar phase names are checked
// against it at start-up), plus its NUL.
inline constexpr std::size_t kPhaseNameBytes = 16;

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
  double ratio;         // the ratio in force at ts_event
  double size_ads;      // opens: executable size in ADS; closes: 0
  double notional_usd;  // opens: size_ads * ADR price on the traded side
  PairId pair;
  Side side;
  AlertKind kind;
  CloseReason reason;
  bool has_phases : 1;  // the config has a calendar: opens carry us_phase and hk_phase
  // Closes by the gate: which legs failed it (bits 1 ADR, 2 HK, 4 FX). By
  // stale: each leg past its age limit at ts_event; by feed_down: each leg
  // whose venue had no live source (US, HK, FX). 0 otherwise. For the human
  // line only: the alert JSON does not carry it. (Bit-fields: the Alert
  // stays three cache lines.)
  std::uint8_t failed_legs : 3;
  char us_phase[kPhaseNameBytes];  // each venue's phase at ts_event, NUL-padded
  char hk_phase[kPhaseNameBytes];
};

static_assert(std::is_trivially_copyable_v<Alert>);
static_assert(sizeof(Alert) == 192);

}  // namespace adrmon
