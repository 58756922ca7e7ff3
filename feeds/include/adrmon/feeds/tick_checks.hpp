// The value rules of an accepted tick (docs/FORMATS.md, the parser's reject
// order after the symbol): a ts at or after 2000-01-01, finite prices > 0,
// finite sizes >= 0 for a quote, bid <= ask, an FX tick inside [fx] min/max;
// a status record carries no prices. TickParser applies them to the fields
// it reads; this applies them to a Tick decoded from a binary record that
// did not come through the parser (the bus's wire tick: anyone may publish
// to its subjects). No allocation.
#pragma once

#include <cmath>

#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/tick_parser.hpp"

namespace adrmon {

inline Reject check_tick_values(const Tick& t, bool fx, double fx_min, double fx_max) noexcept {
  if (t.ts_event < kMinTsEvent) return Reject::BadTimestamp;
  if (is_status(t.kind)) {
    return (t.bid == 0 && t.ask == 0 && t.bid_size == 0 && t.ask_size == 0) ? Reject::None
                                                                            : Reject::BadPrice;
  }
  if (!std::isfinite(t.bid) || !std::isfinite(t.ask) || !(t.bid > 0) || !(t.ask > 0)) {
    return Reject::BadPrice;
  }
  if (!fx && (!(t.bid_size >= 0) || !(t.ask_size >= 0) || !std::isfinite(t.bid_size) ||
              !std::isfinite(t.ask_size))) {
    return Reject::BadSize;
  }
  if (t.bid > t.ask) return Reject::CrossedQuote;
  if (fx && (t.bid < fx_min || t.ask > fx_max)) return Reject::FxOutOfBand;
  return Reject::None;
}

}  // namespace adrmon
