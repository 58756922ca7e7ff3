// The pricing contract: ADR in HKD per ordinary share, mid premium, and the
// net executable edge of each side. Pure functions on doubles.
//
// The order of operations is part of the contract (docs/FORMATS.md): another
// implementation evaluating the same formulas left to right in IEEE double
// gets bit-identical results, so do not "simplify" a division into a
// multiplication by a reciprocal here. The build disables FMA contraction.
#pragma once

namespace adrmon {

struct TwoSided {
  double bid;
  double ask;
};

// HK-equivalent of the ADS: HKD per ordinary share.
inline double adr_bid_hkd(double adr_bid, double fx_bid, double ratio) noexcept {
  return adr_bid * fx_bid / ratio;
}
inline double adr_ask_hkd(double adr_ask, double fx_ask, double ratio) noexcept {
  return adr_ask * fx_ask / ratio;
}

// Positive when the ADR is rich against HK.
inline double mid_premium_bps(TwoSided adr, TwoSided hk, TwoSided fx, double ratio) noexcept {
  const double adr_mid = (adr.bid + adr.ask) / 2;
  const double hk_mid = (hk.bid + hk.ask) / 2;
  const double fx_mid = (fx.bid + fx.ask) / 2;
  return (adr_mid * fx_mid / ratio / hk_mid - 1) * 1e4;
}

// The depositary fee per ADS in bps of the ADR price it is paid on.
inline double conversion_fee_bps(double conversion_fee_usd, double adr_price) noexcept {
  return conversion_fee_usd / adr_price * 1e4;
}

// sell_adr: sell the ADR at its bid, buy HK at its ask.
inline double sell_adr_edge_bps(double adr_bid_in_hkd, double hk_ask, double cost_bps,
                                double fee_bps) noexcept {
  return (adr_bid_in_hkd / hk_ask - 1) * 1e4 - cost_bps - fee_bps;
}
// buy_adr: buy the ADR at its ask, sell HK at its bid.
inline double buy_adr_edge_bps(double adr_ask_in_hkd, double hk_bid, double cost_bps,
                               double fee_bps) noexcept {
  return (hk_bid / adr_ask_in_hkd - 1) * 1e4 - cost_bps - fee_bps;
}

}  // namespace adrmon
