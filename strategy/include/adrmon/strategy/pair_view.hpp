// PairView: everything a person watching a pair wants at a glance, computed
// from the engine's state with the contract's formulas. Built on the engine
// thread a few times a second for dashboards and status, never per tick.
#pragma once

#include <cstdint>

#include "adrmon/strategy/spread_engine.hpp"

namespace adrmon {

struct PairView {
  PairId pair = 0;
  double ratio = 0;  // in force at `as_of` (ratio_history applied)
  bool fungible = true;
  LegQuote adr;                         // last accepted ADR quote (USD)
  LegQuote hk;                          // last accepted HK quote (HKD)
  LegQuote fx;                          // last accepted USD/HKD
  bool priced = false;                  // all three legs seen: the numbers below are set
  bool fresh = false;                   // the breach gate holds at `as_of` (gate == None): live
  GateReason gate = GateReason::Stale;  // why not, in the contract's order
  char us_phase[kPhaseNameBytes] = {};  // each venue's phase at `as_of`
  char hk_phase[kPhaseNameBytes] = {};
  double hk_equiv_mid = 0;  // ADR mid in HKD per HK share (adr_mid * fx_mid / ratio)
  double mid_premium_bps = 0;
  double edge_bps[kSideCount] = {0, 0};  // sell_adr, buy_adr; net of costs
  bool open[kSideCount] = {false, false};
  double peak_edge_bps[kSideCount] = {0, 0};
  std::int64_t open_ts[kSideCount] = {0, 0};
  std::int64_t as_of = 0;  // event time the view was computed at (latest ts seen)
  std::int64_t max_age_ns = 0;
};

// The view of pair `id` at event time `as_of`: the gate as the engine would
// evaluate it then, and the contract's numbers from the last quotes.
// Engine thread (reads its state); no allocation.
PairView make_pair_view(const SpreadEngine& engine, PairId id, std::int64_t as_of) noexcept;

}  // namespace adrmon
