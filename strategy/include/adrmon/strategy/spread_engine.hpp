// SpreadEngine: owns all pricing state and turns accepted ticks into alerts.
//
// Data flow: Tick -> ordering check -> update the leg's last quote -> evaluate
// the pairs the tick touches (one pair for an ADR or HK quote, every pair for
// an FX tick) -> step each side's BreachMachine -> append Alerts to a buffer
// sized at construction. One thread owns an engine; on_tick never allocates,
// locks, throws, logs or makes a virtual call.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/strategy/breach_machine.hpp"

namespace adrmon {

// The last accepted quote of one instrument.
struct LegQuote {
  double bid = 0;
  double ask = 0;
  double bid_size = 0;
  double ask_size = 0;
  std::int64_t ts = 0;  // ts_event of the last accepted tick
  bool seen = false;
};

// Everything the engine keeps for one pair; flat, indexed by PairId.
struct PairState {
  LegQuote adr;
  LegQuote hk;
  double ratio = 0;
  double fee_bps_bid = 0;  // conversion fee in bps of the current ADR bid (cached per ADR tick)
  double fee_bps_ask = 0;
  Thresholds thresholds;
  double enter_bps[kSideCount] = {0, 0};  // resolved per side from thresholds
  double exit_bps[kSideCount] = {0, 0};
  BreachMachine machine[kSideCount];
  bool fungible = true;
};

struct EngineCounts {
  std::uint64_t accepted = 0;     // ticks that updated state
  std::uint64_t evaluations = 0;  // pair evaluations (an FX tick counts one per pair)
  std::uint64_t opens = 0;
  std::uint64_t closes = 0;
  std::uint64_t open_breaches = 0;  // currently open (pair, side) machines
};

class SpreadEngine {
 public:
  // Allocates all state for config.pairs. Cold path.
  explicit SpreadEngine(const Config& config);

  // Applies one tick. Returns Reject::None when accepted, Reject::OutOfOrder
  // when its ts is earlier than the instrument's last accepted ts, or
  // Reject::UnknownSymbol for an instrument id outside the config (a feed bug).
  // A rejected tick changes no state. Alerts caused by the tick are in
  // alerts() until the next call. Never allocates; engine thread only.
  Reject on_tick(const Tick& tick) noexcept;

  // Alerts produced by the last on_tick, in order: pairs in config order,
  // sell_adr before buy_adr. The span lives until the next on_tick.
  std::span<const Alert> alerts() const noexcept { return {alerts_.data(), alert_count_}; }

  // Replaces thresholds and costs (a SIGHUP reload) keeping quotes and breach
  // state. `next` must list the same pairs (names, ratios, fungibility) in
  // the same order; returns false (and changes nothing) otherwise. Cold path.
  bool apply_thresholds(const Config& next) noexcept;

  // Read-only views for tests, status and dashboards (engine thread only).
  std::size_t pair_count() const noexcept { return pairs_.size(); }
  const PairState& pair(PairId id) const noexcept { return pairs_[id]; }
  const LegQuote& fx() const noexcept { return fx_; }
  const EngineCounts& counts() const noexcept { return counts_; }

 private:
  void evaluate(PairId id, PairState& p, const Tick& tick) noexcept;
  void emit(PairId id, const PairState& p, Side side, Transition why, double edge_bps,
            const Tick& tick) noexcept;

  std::vector<PairState> pairs_;
  std::vector<std::string> names_;  // "ADR/HK" per pair: what a reload must keep
  LegQuote fx_;
  std::vector<Alert> alerts_;  // capacity 2 per pair, sized once
  std::size_t alert_count_ = 0;
  EngineCounts counts_;
};

}  // namespace adrmon
