// SpreadEngine: ordering check, leg update, the gate, pair evaluation, alert
// emission; on an FX tick the scan of every pair in FxLanes first.
#include "adrmon/strategy/spread_engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "adrmon/strategy/pricing.hpp"

namespace adrmon {

// fx_scan_body.inc writes gates as these numbers.
static_assert(static_cast<int>(GateReason::None) == 0 &&
              static_cast<int>(GateReason::Session) == 1 &&
              static_cast<int>(GateReason::Halted) == 2 &&
              static_cast<int>(GateReason::FeedDown) == 3 &&
              static_cast<int>(GateReason::Stale) == 4 &&
              static_cast<int>(GateReason::Suspect) == 5);

namespace {

void resolve_sides(PairState& p) noexcept {
  for (int s = 0; s < kSideCount; ++s) {
    p.enter_bps[s] = p.thresholds.enter_for(s);
    p.exit_bps[s] = p.thresholds.exit_for(s);
  }
  p.fx_age_ns = p.thresholds.fx_age_ns();
}

// The ratio in force at t, moving the pair's cursor (event time is nearly
// monotone, so this is a compare or two). Pairs without history: one branch.
inline double ratio_in_force(PairState& p, std::int64_t t) noexcept {
  if (p.ratio_history.empty()) [[likely]]
    return p.final_ratio;
  std::uint32_t c = p.ratio_cursor;
  const auto n = static_cast<std::uint32_t>(p.ratio_history.size());
  while (c < n && t >= p.ratio_history[c].until_ns) ++c;
  while (c > 0 && t < p.ratio_history[c - 1].until_ns) --c;
  p.ratio_cursor = c;
  return c < n ? p.ratio_history[c].ratio : p.final_ratio;
}

double ratio_at_const(const PairState& p, std::int64_t t) noexcept {
  for (const RatioChange& c : p.ratio_history) {
    if (t < c.until_ns) return c.ratio;
  }
  return p.final_ratio;
}

void copy_phase(char (&out)[kPhaseNameBytes], std::string_view name) noexcept {
  std::memset(out, 0, kPhaseNameBytes);
  std::memcpy(out, name.data(), std::min(name.size(), kPhaseNameBytes - 1));
}

}  // namespace

SpreadEngine::SpreadEngine(const Config& config) {
  pairs_.resize(config.pairs.size());
  pair_count_ = static_cast<PairId>(config.pairs.size());
  for (std::size_t i = 0; i < config.pairs.size(); ++i) {
    PairState& p = pairs_[i];
    p.final_ratio = config.pairs[i].ratio;
    p.ratio_history = config.pairs[i].ratio_history;
    p.ratio = p.ratio_history.empty() ? p.final_ratio : p.ratio_history.front().ratio;
    p.thresholds = config.pairs[i].thresholds;
    p.fungible = config.pairs[i].fungible;
    resolve_sides(p);
    names_.push_back(config.pairs[i].name);
  }
  for (std::size_t v = 0; v < kVenueCount; ++v) {
    if (config.calendar[v]) {
      calendars_[v] = VenueCalendar(*config.calendar[v]);
      has_calendars_ = true;
      for (std::size_t ph = 0; ph < calendars_[v].phase_count(); ++ph) {
        if (calendars_[v].phase_name(static_cast<std::uint8_t>(ph)).size() >= kPhaseNameBytes) {
          throw std::invalid_argument(
              "calendar phase name longer than 15 characters: " +
              std::string(calendars_[v].phase_name(static_cast<std::uint8_t>(ph))));
        }
      }
    }
  }
  // Every side of every pair can transition on one FX tick, and no more.
  alerts_.resize(config.pairs.size() * kSideCount);
  suspects_.resize(config.pairs.size());
  lanes_.resize(config.pairs.size());
  dirty_.resize(config.pairs.size());
  touched_.resize((config.pairs.size() + 63) / 64);
  set_fx_path(FxPath::Auto);
}

void SpreadEngine::sync_lane(PairId id) noexcept {
  const PairState& p = pairs_[id];
  lanes_.adr_bid[id] = p.adr.bid;
  lanes_.adr_ask[id] = p.adr.ask;
  lanes_.hk_bid[id] = p.hk.bid;
  lanes_.hk_ask[id] = p.hk.ask;
  lanes_.fee_bps_bid[id] = p.fee_bps_bid;
  lanes_.fee_bps_ask[id] = p.fee_bps_ask;
  // The scan prices with the config ratio: a pair whose ratio in force may
  // differ is evaluated at every FX tick instead.
  const auto active = [](const BreachMachine& m) {
    return m.is_open() || m.waiting_since() != BreachMachine::kNever;
  };
  const bool busy = !p.ratio_history.empty() || p.ratio != p.final_ratio || active(p.machine[0]) ||
                    active(p.machine[1]);
  const bool halted = p.adr.halted || p.hk.halted;
  const bool seen = p.adr.seen && p.hk.seen;
  const GateReason prev = p.gate;
  const auto bit = [](bool on, std::int64_t b) { return on ? b : 0; };
  const std::int64_t st =
      p.fungible ? bit(busy || (halted && prev != GateReason::Halted), FxLanes::kHitAlways) |
                       bit(busy || prev != GateReason::Session, FxLanes::kHitIfSession) |
                       bit(busy || prev != (halted ? GateReason::Halted : GateReason::FeedDown),
                           FxLanes::kHitIfFeedDown) |
                       bit(!halted && prev != GateReason::Stale, FxLanes::kHitIfStale) |
                       // legs unseen: stale whatever the time
                       bit(!halted && prev != (seen ? GateReason::None : GateReason::Stale),
                           FxLanes::kHitIfFresh) |
                       bit(!halted && seen, FxLanes::kPriced)
                 : 0;
  // fresh(leg) is t - leg.ts <= max_age_ns: both legs fresh while t <= this.
  std::int64_t until = 0;
  if (__builtin_add_overflow(std::min(p.adr.ts, p.hk.ts), p.thresholds.max_age_ns, &until)) {
    until = p.thresholds.max_age_ns > 0 ? std::numeric_limits<std::int64_t>::max()
                                        : std::numeric_limits<std::int64_t>::min();
  }
  lanes_.fresh_until[id] = until;
  lanes_.state[id] = st | (lanes_.state[id] & FxLanes::kDirty);  // still listed in dirty_?
}

void SpreadEngine::sync_all_lanes() noexcept {
  for (PairId id = 0; id < pairs_.size(); ++id) {
    const PairState& p = pairs_[id];
    lanes_.ratio[id] = p.final_ratio;
    lanes_.cost_bps[id] = p.thresholds.cost_bps;
    lanes_.max_premium_bps[id] = p.thresholds.max_premium_bps;
    lanes_.enter_sell_bps[id] = p.enter_bps[0];
    lanes_.enter_buy_bps[id] = p.enter_bps[1];
    lanes_.fx_age_ns[id] = p.thresholds.fx_age_ns();
    sync_lane(id);
    lanes_.state[id] &= ~FxLanes::kDirty;
  }
  dirty_count_ = 0;
}

void SpreadEngine::set_fx_path(FxPath path) {
  const FxIsa best = best_fx_isa();
  if (path == FxPath::Auto) {
    path = pairs_.size() < kScanMinPairs || best == FxIsa::None ? FxPath::Scalar
           : best == FxIsa::Avx512                              ? FxPath::Avx512
                                                                : FxPath::Avx2;
  }
  if ((path == FxPath::Avx512 && best != FxIsa::Avx512) ||
      (path == FxPath::Avx2 && best == FxIsa::None)) {
    path = FxPath::Scalar;
  }
  fx_path_ = path;
  fx_isa_ = path == FxPath::Avx512 ? FxIsa::Avx512
            : path == FxPath::Avx2 ? FxIsa::Avx2
                                   : FxIsa::None;
  sync_all_lanes();
}

bool SpreadEngine::apply_thresholds(const Config& next) noexcept {
  if (next.pairs.size() != pairs_.size()) return false;
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    const PairConfig& n = next.pairs[i];
    // Fungibility is part of the universe: flipping it with a breach open
    // would leave that breach open forever, so it takes a restart.
    if (n.name != names_[i] || n.fungible != pairs_[i].fungible) return false;
    // The past is settled: the ratio in force at every instant up to now
    // must stay; only changes still in the future may move.
    const PairState& p = pairs_[i];
    if (ratio_at(n, last_event_ts_) != ratio_at_const(p, last_event_ts_)) return false;
    for (const RatioChange& c : p.ratio_history) {
      if (c.until_ns <= last_event_ts_ && ratio_at(n, c.until_ns - 1) != c.ratio) return false;
    }
    for (const RatioChange& c : n.ratio_history) {
      if (c.until_ns <= last_event_ts_ && ratio_at_const(p, c.until_ns - 1) != c.ratio) {
        return false;
      }
    }
  }
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    PairState& p = pairs_[i];
    p.thresholds = next.pairs[i].thresholds;
    p.final_ratio = next.pairs[i].ratio;
    p.ratio_history = next.pairs[i].ratio_history;  // cold path: a reload may allocate
    p.ratio_cursor = 0;
    resolve_sides(p);
    if (p.adr.seen) {
      p.fee_bps_bid = conversion_fee_bps(p.thresholds.conversion_fee_usd, p.adr.bid);
      p.fee_bps_ask = conversion_fee_bps(p.thresholds.conversion_fee_usd, p.adr.ask);
    }
  }
  sync_all_lanes();
  return true;
}

namespace {

// Updates `leg` from a quote or fx tick unless it is older than the leg's
// last accepted record.
inline bool update_leg(LegQuote& leg, const Tick& tick) noexcept {
  if (leg.order_ts != 0 && tick.ts_event < leg.order_ts) return false;
  leg.bid = tick.bid;
  leg.ask = tick.ask;
  leg.bid_size = tick.bid_size;
  leg.ask_size = tick.ask_size;
  leg.ts = tick.ts_event;
  leg.order_ts = tick.ts_event;
  leg.seen = true;
  return true;
}

// A status record: the same ordering check, the halted flag, no quote change.
inline bool update_status(LegQuote& leg, const Tick& tick) noexcept {
  if (leg.order_ts != 0 && tick.ts_event < leg.order_ts) return false;
  leg.order_ts = tick.ts_event;
  leg.halted = tick.kind == TickKind::Halted;
  return true;
}

inline bool fresh(const LegQuote& leg, std::int64_t t, std::int64_t max_age_ns) noexcept {
  return leg.seen && t - leg.ts <= max_age_ns;
}

}  // namespace

Reject SpreadEngine::on_tick(const Tick& tick) noexcept {
  alert_count_ = 0;
  suspect_count_ = 0;
  if (tick.instrument == kFxInstrument) {
    if (!update_leg(fx_, tick)) return Reject::OutOfOrder;
    ++counts_.accepted;
    if (tick.ts_event > last_event_ts_) last_event_ts_ = tick.ts_event;
    if (fx_path_ == FxPath::Scalar) [[unlikely]] {
      for (PairId id = 0; id < pairs_.size(); ++id) evaluate(id, pairs_[id], tick);
    } else {
      reprice_fx(tick);
    }
    return Reject::None;
  }
  const PairId id = pair_of(tick.instrument);
  if (id >= pair_count_) return Reject::UnknownSymbol;
  PairState& p = pairs_[id];
  LegQuote& leg = leg_of(tick.instrument) == Leg::Adr ? p.adr : p.hk;
  if (is_status(tick.kind)) [[unlikely]] {
    if (!update_status(leg, tick)) return Reject::OutOfOrder;
  } else {
    if (!update_leg(leg, tick)) return Reject::OutOfOrder;
    if (&leg == &p.adr) {
      p.fee_bps_bid = conversion_fee_bps(p.thresholds.conversion_fee_usd, p.adr.bid);
      p.fee_bps_ask = conversion_fee_bps(p.thresholds.conversion_fee_usd, p.adr.ask);
    }
  }
  ++counts_.accepted;
  if (tick.ts_event > last_event_ts_) last_event_ts_ = tick.ts_event;
  mark_dirty(id);
  evaluate(id, p, tick);
  return Reject::None;
}

// Every pair priced at once; the scalar evaluation only where fx_scan says it
// could change something, in pair order (so alerts keep their order).
void SpreadEngine::reprice_fx(const Tick& tick) noexcept {
  for (std::size_t k = 0; k < dirty_count_; ++k) {
    sync_lane(dirty_[k]);
    lanes_.state[dirty_[k]] &= ~FxLanes::kDirty;
  }
  dirty_count_ = 0;
  const std::int64_t t = tick.ts_event;
  FxScanInput in{t, t - fx_.ts, fx_.bid, fx_.ask, false, feeds_down_ != 0};
  if (has_calendars_) [[unlikely]] {
    // The same instant the evaluations below look up: the cursors stay put.
    const std::uint8_t us = calendars_[0].phase_at(t);
    const std::uint8_t hk = calendars_[1].phase_at(t);
    in.session_shut = !calendars_[0].live(us) || !calendars_[1].live(hk);
  }
  fx_scan(lanes_, in, fx_isa_, touched_.data());
  for (std::size_t w = 0; w < touched_.size(); ++w) {
    for (std::uint64_t bits = touched_[w]; bits != 0; bits &= bits - 1) {
      const auto id = static_cast<PairId>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
      evaluate(id, pairs_[id], tick);
      sync_lane(id);
    }
  }
}

void SpreadEngine::evaluate(PairId id, PairState& p, const Tick& tick) noexcept {
  if (!p.fungible) return;
  const std::int64_t t = tick.ts_event;
  const Thresholds& th = p.thresholds;
  p.ratio = ratio_in_force(p, t);
  // The gate, in the contract's order: the first check that fails is the reason.
  std::uint8_t us_phase = VenueCalendar::kOpen;
  std::uint8_t hk_phase = VenueCalendar::kOpen;
  GateReason gate = GateReason::None;
  if (has_calendars_) [[unlikely]] {
    us_phase = calendars_[0].phase_at(t);
    hk_phase = calendars_[1].phase_at(t);
    if (!calendars_[0].live(us_phase) || !calendars_[1].live(hk_phase)) gate = GateReason::Session;
  }
  if (gate == GateReason::None && (p.adr.halted || p.hk.halted)) gate = GateReason::Halted;
  if (gate == GateReason::None && feeds_down_ != 0) [[unlikely]]
    gate = GateReason::FeedDown;
  if (gate == GateReason::None && !(fresh(p.adr, t, th.max_age_ns) &&
                                    fresh(p.hk, t, th.max_age_ns) && fresh(fx_, t, p.fx_age_ns))) {
    gate = GateReason::Stale;
  }
  double sell_edge = 0;
  double buy_edge = 0;
  double premium = std::numeric_limits<double>::quiet_NaN();
  if (gate == GateReason::None) {
    sell_edge = sell_adr_edge_bps(adr_bid_hkd(p.adr.bid, fx_.bid, p.ratio), p.hk.ask, th.cost_bps,
                                  p.fee_bps_bid);
    buy_edge = buy_adr_edge_bps(adr_ask_hkd(p.adr.ask, fx_.ask, p.ratio), p.hk.bid, th.cost_bps,
                                p.fee_bps_ask);
    premium =
        mid_premium_bps({p.adr.bid, p.adr.ask}, {p.hk.bid, p.hk.ask}, {fx_.bid, fx_.ask}, p.ratio);
    // NaN compares false: a premium that is not finite fails here too.
    if (!(std::fabs(premium) <= th.max_premium_bps) || !std::isfinite(sell_edge) ||
        !std::isfinite(buy_edge)) [[unlikely]] {
      gate = GateReason::Suspect;
    }
  }
  if (gate == GateReason::Suspect) [[unlikely]] {
    ++p.suspect_evaluations;
    ++counts_.suspect_evaluations;
    if (p.gate != GateReason::Suspect) suspects_[suspect_count_++] = {id, t, premium, p.ratio};
  }
  p.gate = gate;
  const bool holds = gate == GateReason::None;
  const Transition sell =
      p.machine[0].step(holds, sell_edge, t, p.enter_bps[0], p.exit_bps[0], th.min_persist_ns);
  const Transition buy =
      p.machine[1].step(holds, buy_edge, t, p.enter_bps[1], p.exit_bps[1], th.min_persist_ns);
  if (sell != Transition::None) [[unlikely]]
    emit(id, p, Side::SellAdr, sell, gate, sell_edge, premium, us_phase, hk_phase, tick);
  if (buy != Transition::None) [[unlikely]]
    emit(id, p, Side::BuyAdr, buy, gate, buy_edge, premium, us_phase, hk_phase, tick);
}

void SpreadEngine::set_feeds_down(std::uint8_t mask, std::int64_t recv_ns) noexcept {
  alert_count_ = 0;
  suspect_count_ = 0;
  const bool was_down = feeds_down_ != 0;
  feeds_down_ = mask;
  if (mask == 0 || was_down) return;
  // The latest event time seen keeps the alert stream ordered: no alert
  // before it was emitted after one stamped later.
  Tick now{};
  now.ts_event = last_event_ts_;
  now.ts_recv = recv_ns;
  for (PairId id = 0; id < pairs_.size(); ++id) {
    evaluate(id, pairs_[id], now);
    sync_lane(id);
  }
}

SpreadEngine::GateView SpreadEngine::gate_at(PairId id, std::int64_t t) const noexcept {
  const PairState& p = pairs_[id];
  const Thresholds& th = p.thresholds;
  GateView g{GateReason::None, VenueCalendar::kOpen, VenueCalendar::kOpen, ratio_at_const(p, t),
             std::numeric_limits<double>::quiet_NaN()};
  const bool all_seen = p.adr.seen && p.hk.seen && fx_.seen;
  if (all_seen) {
    g.mid_premium_bps =
        mid_premium_bps({p.adr.bid, p.adr.ask}, {p.hk.bid, p.hk.ask}, {fx_.bid, fx_.ask}, g.ratio);
  }
  if (has_calendars_) {
    g.us_phase = calendars_[0].find_phase(t);
    g.hk_phase = calendars_[1].find_phase(t);
    if (!calendars_[0].live(g.us_phase) || !calendars_[1].live(g.hk_phase)) {
      g.reason = GateReason::Session;
      return g;
    }
  }
  if (p.adr.halted || p.hk.halted) {
    g.reason = GateReason::Halted;
  } else if (feeds_down_ != 0) {
    g.reason = GateReason::FeedDown;
  } else if (!(fresh(p.adr, t, th.max_age_ns) && fresh(p.hk, t, th.max_age_ns) &&
               fresh(fx_, t, th.fx_age_ns()))) {
    g.reason = GateReason::Stale;
  } else {
    const double sell = sell_adr_edge_bps(adr_bid_hkd(p.adr.bid, fx_.bid, g.ratio), p.hk.ask,
                                          th.cost_bps, p.fee_bps_bid);
    const double buy = buy_adr_edge_bps(adr_ask_hkd(p.adr.ask, fx_.ask, g.ratio), p.hk.bid,
                                        th.cost_bps, p.fee_bps_ask);
    if (!(std::fabs(g.mid_premium_bps) <= th.max_premium_bps) || !std::isfinite(sell) ||
        !std::isfinite(buy)) {
      g.reason = GateReason::Suspect;
    }
  }
  return g;
}

// Out of line and cold: a transition is rare, and inlined its alert building
// crowded the evaluation's registers (+50% instructions per tick).
[[gnu::noinline, gnu::cold]] void SpreadEngine::emit(PairId id, const PairState& p, Side side,
                                                     Transition why, GateReason gate,
                                                     double edge_bps, double mid_premium,
                                                     std::uint8_t us_phase, std::uint8_t hk_phase,
                                                     const Tick& tick) noexcept {
  const BreachMachine& m = p.machine[static_cast<int>(side)];
  Alert& a = alerts_[alert_count_++];
  a = Alert{};
  a.ts_event = tick.ts_event;
  a.ts_recv = tick.ts_recv;
  a.adr_ts = p.adr.ts;
  a.hk_ts = p.hk.ts;
  a.fx_ts = fx_.ts;
  // A gate that failed before pricing left the premium unset: compute it for
  // the alert (NaN, written null, when a leg is unseen).
  a.mid_premium_bps = std::isnan(mid_premium)
                          ? mid_premium_bps({p.adr.bid, p.adr.ask}, {p.hk.bid, p.hk.ask},
                                            {fx_.bid, fx_.ask}, p.ratio)
                          : mid_premium;
  a.adr_bid = p.adr.bid;
  a.adr_ask = p.adr.ask;
  a.hk_bid = p.hk.bid;
  a.hk_ask = p.hk.ask;
  a.fx_bid = fx_.bid;
  a.fx_ask = fx_.ask;
  a.ratio = p.ratio;
  a.pair = id;
  a.side = side;
  a.open_ts = m.open_ts();
  a.peak_edge_bps = m.peak_edge_bps();
  a.has_phases = has_calendars_;
  copy_phase(a.us_phase, calendars_[0].phase_name(us_phase));
  copy_phase(a.hk_phase, calendars_[1].phase_name(hk_phase));
  if (why == Transition::Open) {
    a.kind = AlertKind::Open;
    a.reason = CloseReason::None;
    a.edge_bps = edge_bps;
    const bool sell = side == Side::SellAdr;
    const double adr_size = sell ? p.adr.bid_size : p.adr.ask_size;
    const double hk_size = sell ? p.hk.ask_size : p.hk.bid_size;
    a.size_ads = std::min(adr_size, hk_size / p.ratio);
    a.notional_usd = a.size_ads * (sell ? p.adr.bid : p.adr.ask);
    ++counts_.opens;
    ++counts_.open_breaches;
  } else {
    a.kind = AlertKind::Close;
    a.reason = why == Transition::CloseGate ? close_reason(gate) : CloseReason::Reverted;
    if (why == Transition::CloseGate && gate == GateReason::Stale) {
      const std::int64_t t = tick.ts_event;
      const std::int64_t max_age = p.thresholds.max_age_ns;
      const unsigned legs = (fresh(p.adr, t, max_age) ? 0u : 1u) |
                            (fresh(p.hk, t, max_age) ? 0u : 2u) |
                            (fresh(fx_, t, p.fx_age_ns) ? 0u : 4u);
      a.failed_legs = legs & 7u;
    } else if (why == Transition::CloseGate && gate == GateReason::FeedDown) {
      a.failed_legs = feeds_down_ & 7u;
    }
    a.edge_bps = why == Transition::CloseGate ? std::numeric_limits<double>::quiet_NaN() : edge_bps;
    ++counts_.closes;
    --counts_.open_breaches;
  }
}

}  // namespace adrmon
