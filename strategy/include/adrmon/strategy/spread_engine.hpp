// SpreadEngine: owns all pricing state and turns accepted ticks into alerts.
//
// Data flow: Tick -> ordering check -> update the leg's last quote (or, for a
// status record, its halted flag) -> evaluate the pairs the tick touches (one
// pair for an ADR or HK record, every pair for an FX tick): the gate in its
// contract order (session, halted, feed_down, stale, suspect), then each side's
// BreachMachine -> append Alerts to a buffer sized at construction. An FX
// tick first prices every pair at once in FxLanes (fx_lanes.hpp: structure
// of arrays, vectorised) and evaluates only the pairs where that could change
// something, in pair order: the same alerts as evaluating every pair. One
// thread owns an engine; on_tick never allocates, locks, throws, logs, makes
// a virtual call or does time-zone arithmetic (the calendars are precomputed
// instant spans).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/core/venue_calendar.hpp"
#include "adrmon/strategy/breach_machine.hpp"
#include "adrmon/strategy/fx_lanes.hpp"

namespace adrmon {

// The last accepted quote of one instrument.
struct LegQuote {
  double bid = 0;
  double ask = 0;
  double bid_size = 0;
  double ask_size = 0;
  std::int64_t ts = 0;        // ts_event of the last accepted quote (ages start here)
  std::int64_t order_ts = 0;  // ts_event of the last accepted record, quote or status
  bool seen = false;          // a quote was accepted
  bool halted = false;        // the last accepted status record said trading = false
};

// Why the gate of a pair is shut at an evaluation; None: it holds. In the
// contract's order: the first check that fails is the reason.
// FeedDown is the one check driven by the wall clock: the daemon's watchdog
// says a venue has no live source (set_feeds_down); replay never sets it.
enum class GateReason : std::uint8_t { None = 0, Session, Halted, FeedDown, Stale, Suspect };

constexpr CloseReason close_reason(GateReason g) noexcept {
  switch (g) {
    case GateReason::Session:
      return CloseReason::Session;
    case GateReason::Halted:
      return CloseReason::Halted;
    case GateReason::FeedDown:
      return CloseReason::FeedDown;
    case GateReason::Stale:
      return CloseReason::Stale;
    case GateReason::Suspect:
      return CloseReason::Suspect;
    case GateReason::None:
      break;
  }
  return CloseReason::None;
}

constexpr std::string_view gate_reason_name(GateReason g) noexcept {
  return g == GateReason::None ? std::string_view{} : reason_name(close_reason(g));
}

// Everything the engine keeps for one pair; flat, indexed by PairId.
struct PairState {
  LegQuote adr;
  LegQuote hk;
  double ratio = 0;        // the ratio in force at the last evaluation (ratio_history applied)
  double final_ratio = 0;  // config `ratio`: in force after every change
  std::vector<RatioChange> ratio_history;  // empty for most pairs
  std::uint32_t ratio_cursor = 0;          // first history entry with t < until, or size
  GateReason gate = GateReason::None;      // at the last evaluation
  std::uint64_t suspect_evaluations = 0;
  double fee_bps_bid = 0;  // conversion fee in bps of the current ADR bid (cached per ADR tick)
  double fee_bps_ask = 0;
  Thresholds thresholds;
  double enter_bps[kSideCount] = {0, 0};  // resolved per side from thresholds
  double exit_bps[kSideCount] = {0, 0};
  std::int64_t fx_age_ns = 0;  // resolved from thresholds (fx_max_age_ms or max_age_ms)
  BreachMachine machine[kSideCount];
  bool fungible = true;
};

// The run summary's engine figures (written by the engine thread only).
struct EngineCounts {
  std::uint64_t accepted = 0;  // ticks that updated state
  std::uint64_t opens = 0;
  std::uint64_t closes = 0;
  std::uint64_t open_breaches = 0;        // currently open (pair, side) machines
  std::uint64_t suspect_evaluations = 0;  // evaluations gated `suspect`, all pairs
};

// A pair's gate turned `suspect` at this evaluation: what a person needs to
// see the bad tick (the pair's quotes are in pair(id)).
struct SuspectEvent {
  PairId pair;
  std::int64_t ts;
  double mid_premium_bps;
  double ratio;
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

  // Pairs whose gate turned `suspect` at the last on_tick (transitions only).
  // The span lives until the next on_tick.
  std::span<const SuspectEvent> suspects() const noexcept {
    return {suspects_.data(), suspect_count_};
  }

  // Replaces thresholds and costs (a SIGHUP reload) keeping quotes and breach
  // state. `next` must list the same pairs (names, fungibility) in the same
  // order, and each pair's ratio in force must not change up to the latest
  // event time seen (only future ratio_history may change); returns false
  // (and changes nothing) otherwise. Cold path.
  bool apply_thresholds(const Config& next) noexcept;

  // Venues without a live source (bits 1 US, 2 HK, 4 FX; 0: all up), as the
  // daemon's watchdog says. While any bit is set every pair's gate fails
  // `feed_down` (every pair needs all three). A change to a non-zero mask
  // evaluates every pair at once at the latest event time seen, so open
  // breaches close `feed_down` without waiting for a tick (alerts() as after
  // on_tick; ts_recv = recv_ns). Coming back up evaluates nothing: the next
  // tick does. Never allocates; engine thread only.
  void set_feeds_down(std::uint8_t mask, std::int64_t recv_ns) noexcept;
  std::uint8_t feeds_down() const noexcept { return feeds_down_; }

  // Read-only views for tests, status and dashboards (engine thread only).
  std::size_t pair_count() const noexcept { return pairs_.size(); }
  const PairState& pair(PairId id) const noexcept { return pairs_[id]; }
  const LegQuote& fx() const noexcept { return fx_; }
  const VenueCalendar& calendar(Venue v) const noexcept { return calendars_[static_cast<int>(v)]; }
  // The gate of pair `id` if it were evaluated at `t` now (no state changes;
  // the board and the dashboard use it). Also yields the phases and ratio.
  struct GateView {
    GateReason reason;
    std::uint8_t us_phase;
    std::uint8_t hk_phase;
    double ratio;
    double mid_premium_bps;  // NaN when a leg is unseen
  };
  GateView gate_at(PairId id, std::int64_t t) const noexcept;
  std::int64_t last_event_ts() const noexcept { return last_event_ts_; }
  const EngineCounts& counts() const noexcept { return counts_; }

  // How an FX tick re-prices the pairs. Auto (the default): FxLanes scanned
  // with the best instruction set the CPU has, then only the pairs it marks,
  // when there are kScanMinPairs pairs or more and the CPU has AVX2; else
  // Scalar. Scalar: every pair evaluated one by one, the layout before
  // FxLanes (the benchmark's same-run baseline). Avx2 / Avx512: the scan on
  // that instruction set whatever the pair count (tests compare each with
  // Scalar); one the CPU lacks gives Scalar. Alerts, suspects and state are
  // identical on every path. Cold: recopies every pair. Engine thread only.
  enum class FxPath : std::uint8_t { Auto, Scalar, Avx2, Avx512 };
  static constexpr std::size_t kScanMinPairs = 4;  // below: the scan's fixed cost outweighs it
  void set_fx_path(FxPath path);
  FxPath fx_path() const noexcept { return fx_path_; }  // what Auto resolved to

 private:
  void evaluate(PairId id, PairState& p, const Tick& tick) noexcept;
  void emit(PairId id, const PairState& p, Side side, Transition why, GateReason gate,
            double edge_bps, double mid_premium, std::uint8_t us_phase, std::uint8_t hk_phase,
            const Tick& tick) noexcept;
  void reprice_fx(const Tick& tick) noexcept;
  // Copies pair `id`'s quotes, flags, gate and breach activity into lanes_.
  void sync_lane(PairId id) noexcept;
  // Every pair: thresholds and ratio too; clears the dirty list. Cold.
  void sync_all_lanes() noexcept;
  // An ADR/HK record changed pair `id`: copy it before the next FX scan.
  void mark_dirty(PairId id) noexcept {
    std::int64_t& st = lanes_.state[id];
    if ((st & FxLanes::kDirty) == 0) {
      st |= FxLanes::kDirty;
      dirty_[dirty_count_++] = id;
    }
  }

  std::vector<PairState> pairs_;
  PairId pair_count_ = 0;           // pairs_.size(), one load on the quote path
  std::vector<std::string> names_;  // "ADR/HK" per pair: what a reload must keep
  LegQuote fx_;
  VenueCalendar calendars_[kVenueCount];  // always_open() for a venue without one
  bool has_calendars_ = false;            // any venue has a calendar
  std::uint8_t feeds_down_ = 0;           // set_feeds_down; read once per evaluation
  std::int64_t last_event_ts_ = 0;
  std::vector<Alert> alerts_;  // capacity 2 per pair, sized once
  std::size_t alert_count_ = 0;
  std::vector<SuspectEvent> suspects_;  // capacity 1 per pair, sized once
  std::size_t suspect_count_ = 0;
  EngineCounts counts_;
  FxLanes lanes_;              // a cache of pairs_ for the FX scan
  std::vector<PairId> dirty_;  // pairs changed since the last FX scan, capacity 1 each
  std::size_t dirty_count_ = 0;
  std::vector<std::uint64_t> touched_;  // fx_scan's bitmap, one bit per pair
  FxPath fx_path_ = FxPath::Scalar;     // Scalar, Avx2 or Avx512
  FxIsa fx_isa_ = FxIsa::None;          // fx_path_ as fx_scan's argument
};

}  // namespace adrmon
