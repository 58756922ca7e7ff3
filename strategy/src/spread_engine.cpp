// SpreadEngine: ordering check, leg update, pair evaluation, alert emission.
#include "adrmon/strategy/spread_engine.hpp"

#include <algorithm>
#include <limits>

#include "adrmon/strategy/pricing.hpp"

namespace adrmon {

namespace {
void resolve_sides(PairState& p) noexcept {
  for (int s = 0; s < kSideCount; ++s) {
    p.enter_bps[s] = p.thresholds.enter_for(s);
    p.exit_bps[s] = p.thresholds.exit_for(s);
  }
}
}  // namespace

SpreadEngine::SpreadEngine(const Config& config) {
  pairs_.resize(config.pairs.size());
  for (std::size_t i = 0; i < config.pairs.size(); ++i) {
    pairs_[i].ratio = config.pairs[i].ratio;
    pairs_[i].thresholds = config.pairs[i].thresholds;
    pairs_[i].fungible = config.pairs[i].fungible;
    resolve_sides(pairs_[i]);
    names_.push_back(config.pairs[i].name);
  }
  // Every side of every pair can transition on one FX tick, and no more.
  alerts_.resize(config.pairs.size() * kSideCount);
}

bool SpreadEngine::apply_thresholds(const Config& next) noexcept {
  if (next.pairs.size() != pairs_.size()) return false;
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    const PairConfig& n = next.pairs[i];
    // Fungibility is part of the universe: flipping it with a breach open
    // would leave that breach open forever, so it takes a restart.
    if (n.name != names_[i] || n.ratio != pairs_[i].ratio || n.fungible != pairs_[i].fungible) {
      return false;
    }
  }
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    PairState& p = pairs_[i];
    p.thresholds = next.pairs[i].thresholds;
    resolve_sides(p);
    if (p.adr.seen) {
      p.fee_bps_bid = conversion_fee_bps(p.thresholds.conversion_fee_usd, p.adr.bid);
      p.fee_bps_ask = conversion_fee_bps(p.thresholds.conversion_fee_usd, p.adr.ask);
    }
  }
  return true;
}

namespace {

// Updates `leg` from `tick` unless the tick is older than the last accepted one.
inline bool update_leg(LegQuote& leg, const Tick& tick) noexcept {
  if (leg.seen && tick.ts_event < leg.ts) return false;
  leg.bid = tick.bid;
  leg.ask = tick.ask;
  leg.bid_size = tick.bid_size;
  leg.ask_size = tick.ask_size;
  leg.ts = tick.ts_event;
  leg.seen = true;
  return true;
}

inline bool fresh(const LegQuote& leg, std::int64_t t, std::int64_t max_age_ns) noexcept {
  return leg.seen && t - leg.ts <= max_age_ns;
}

}  // namespace

Reject SpreadEngine::on_tick(const Tick& tick) noexcept {
  alert_count_ = 0;
  if (tick.instrument == kFxInstrument) {
    if (!update_leg(fx_, tick)) return Reject::OutOfOrder;
    ++counts_.accepted;
    for (PairId id = 0; id < pairs_.size(); ++id) evaluate(id, pairs_[id], tick);
    return Reject::None;
  }
  const PairId id = pair_of(tick.instrument);
  if (id >= pairs_.size()) return Reject::UnknownSymbol;
  PairState& p = pairs_[id];
  if (leg_of(tick.instrument) == Leg::Adr) {
    if (!update_leg(p.adr, tick)) return Reject::OutOfOrder;
    p.fee_bps_bid = conversion_fee_bps(p.thresholds.conversion_fee_usd, p.adr.bid);
    p.fee_bps_ask = conversion_fee_bps(p.thresholds.conversion_fee_usd, p.adr.ask);
  } else {
    if (!update_leg(p.hk, tick)) return Reject::OutOfOrder;
  }
  ++counts_.accepted;
  evaluate(id, p, tick);
  return Reject::None;
}

void SpreadEngine::evaluate(PairId id, PairState& p, const Tick& tick) noexcept {
  if (!p.fungible) return;
  ++counts_.evaluations;
  const std::int64_t t = tick.ts_event;
  const Thresholds& th = p.thresholds;
  const bool gate = fresh(p.adr, t, th.max_age_ns) && fresh(p.hk, t, th.max_age_ns) &&
                    fresh(fx_, t, th.max_age_ns);
  double sell_edge = 0;
  double buy_edge = 0;
  if (gate) {
    sell_edge = sell_adr_edge_bps(adr_bid_hkd(p.adr.bid, fx_.bid, p.ratio), p.hk.ask, th.cost_bps,
                                  p.fee_bps_bid);
    buy_edge = buy_adr_edge_bps(adr_ask_hkd(p.adr.ask, fx_.ask, p.ratio), p.hk.bid, th.cost_bps,
                                p.fee_bps_ask);
  }
  const Transition sell =
      p.machine[0].step(gate, sell_edge, t, p.enter_bps[0], p.exit_bps[0], th.min_persist_ns);
  const Transition buy =
      p.machine[1].step(gate, buy_edge, t, p.enter_bps[1], p.exit_bps[1], th.min_persist_ns);
  if (sell != Transition::None) [[unlikely]]
    emit(id, p, Side::SellAdr, sell, sell_edge, tick);
  if (buy != Transition::None) [[unlikely]]
    emit(id, p, Side::BuyAdr, buy, buy_edge, tick);
}

void SpreadEngine::emit(PairId id, const PairState& p, Side side, Transition why, double edge_bps,
                        const Tick& tick) noexcept {
  const BreachMachine& m = p.machine[static_cast<int>(side)];
  Alert& a = alerts_[alert_count_++];
  a = Alert{};
  a.ts_event = tick.ts_event;
  a.ts_recv = tick.ts_recv;
  a.adr_ts = p.adr.ts;
  a.hk_ts = p.hk.ts;
  a.fx_ts = fx_.ts;
  a.mid_premium_bps =
      mid_premium_bps({p.adr.bid, p.adr.ask}, {p.hk.bid, p.hk.ask}, {fx_.bid, fx_.ask}, p.ratio);
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
    a.reason = why == Transition::CloseStale ? CloseReason::Stale : CloseReason::Reverted;
    a.edge_bps =
        why == Transition::CloseStale ? std::numeric_limits<double>::quiet_NaN() : edge_bps;
    ++counts_.closes;
    --counts_.open_breaches;
  }
}

}  // namespace adrmon
