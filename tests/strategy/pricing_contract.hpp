// The pricing contract (docs/FORMATS.md, "Pricing") written out again here,
// independently of strategy/pricing.hpp, so the engine and pair-view tests
// check the library against the contract text and not against itself. Each
// function evaluates the formula exactly as the contract writes it, left to
// right in IEEE double (the build uses -ffp-contract=off), so results the
// implementation computes the same way are bit-identical: compare with
// EXPECT_EQ (docs/ARCHITECTURE.md, decision 7).
#pragma once

namespace adrmon::test {

inline double contract_sell_edge(double adr_bid, double fx_bid, double ratio, double hk_ask,
                                 double cost_bps, double fee_usd) {
  return (adr_bid * fx_bid / ratio / hk_ask - 1) * 1e4 - cost_bps - fee_usd / adr_bid * 1e4;
}
inline double contract_buy_edge(double adr_ask, double fx_ask, double ratio, double hk_bid,
                                double cost_bps, double fee_usd) {
  return (hk_bid / (adr_ask * fx_ask / ratio) - 1) * 1e4 - cost_bps - fee_usd / adr_ask * 1e4;
}
inline double contract_mid(double bid, double ask) {
  return (bid + ask) / 2;
}
inline double contract_mid_premium(double adr_bid, double adr_ask, double hk_bid, double hk_ask,
                                   double fx_bid, double fx_ask, double ratio) {
  return (contract_mid(adr_bid, adr_ask) * contract_mid(fx_bid, fx_ask) / ratio /
              contract_mid(hk_bid, hk_ask) -
          1) *
         1e4;
}

}  // namespace adrmon::test
