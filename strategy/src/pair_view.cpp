#include "adrmon/strategy/pair_view.hpp"

#include <algorithm>
#include <cstring>

#include "adrmon/strategy/pricing.hpp"

namespace adrmon {

PairView make_pair_view(const SpreadEngine& engine, PairId id, std::int64_t as_of) noexcept {
  const PairState& p = engine.pair(id);
  const SpreadEngine::GateView g = engine.gate_at(id, as_of);
  PairView v;
  v.pair = id;
  v.ratio = g.ratio;
  v.gate = g.reason;
  const auto copy = [](char(&out)[kPhaseNameBytes], std::string_view name) {
    std::memcpy(out, name.data(), std::min(name.size(), kPhaseNameBytes - 1));
  };
  copy(v.us_phase, engine.calendar(Venue::Us).phase_name(g.us_phase));
  copy(v.hk_phase, engine.calendar(Venue::Hk).phase_name(g.hk_phase));
  v.fungible = p.fungible;
  v.adr = p.adr;
  v.hk = p.hk;
  v.fx = engine.fx();
  v.as_of = as_of;
  v.max_age_ns = p.thresholds.max_age_ns;
  for (int s = 0; s < kSideCount; ++s) {
    v.open[s] = p.machine[s].is_open();
    v.peak_edge_bps[s] = p.machine[s].peak_edge_bps();
    v.open_ts[s] = p.machine[s].open_ts();
  }
  v.priced = p.adr.seen && p.hk.seen && v.fx.seen;
  if (!v.priced) return v;
  v.fresh = g.reason == GateReason::None;
  const Thresholds& th = p.thresholds;
  const double r = v.ratio;
  v.hk_equiv_mid = (p.adr.bid + p.adr.ask) / 2 * ((v.fx.bid + v.fx.ask) / 2) / r;
  v.mid_premium_bps =
      mid_premium_bps({p.adr.bid, p.adr.ask}, {p.hk.bid, p.hk.ask}, {v.fx.bid, v.fx.ask}, r);
  v.edge_bps[0] =
      sell_adr_edge_bps(adr_bid_hkd(p.adr.bid, v.fx.bid, r), p.hk.ask, th.cost_bps, p.fee_bps_bid);
  v.edge_bps[1] =
      buy_adr_edge_bps(adr_ask_hkd(p.adr.ask, v.fx.ask, r), p.hk.bid, th.cost_bps, p.fee_bps_ask);
  return v;
}

}  // namespace adrmon
