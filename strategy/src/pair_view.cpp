#include "adrmon/strategy/pair_view.hpp"

#include "adrmon/strategy/pricing.hpp"

namespace adrmon {

PairView make_pair_view(const SpreadEngine& engine, PairId id, std::int64_t as_of) noexcept {
  const PairState& p = engine.pair(id);
  PairView v;
  v.pair = id;
  v.ratio = p.ratio;
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
  auto fresh = [&](const LegQuote& q) { return as_of - q.ts <= p.thresholds.max_age_ns; };
  v.fresh = fresh(p.adr) && fresh(p.hk) && fresh(v.fx);
  const Thresholds& th = p.thresholds;
  v.hk_equiv_mid = (p.adr.bid + p.adr.ask) / 2 * ((v.fx.bid + v.fx.ask) / 2) / p.ratio;
  v.mid_premium_bps =
      mid_premium_bps({p.adr.bid, p.adr.ask}, {p.hk.bid, p.hk.ask}, {v.fx.bid, v.fx.ask}, p.ratio);
  v.edge_bps[0] = sell_adr_edge_bps(adr_bid_hkd(p.adr.bid, v.fx.bid, p.ratio), p.hk.ask,
                                    th.cost_bps, p.fee_bps_bid);
  v.edge_bps[1] = buy_adr_edge_bps(adr_ask_hkd(p.adr.ask, v.fx.ask, p.ratio), p.hk.bid, th.cost_bps,
                                   p.fee_bps_ask);
  return v;
}

}  // namespace adrmon
