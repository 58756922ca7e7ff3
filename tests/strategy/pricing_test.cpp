// Pricing formulas against hand-computed numbers (exact decimal arithmetic
// done outside the code; see the comment on each case), and against the
// contract's expressions evaluated left to right in IEEE double.
//
// Two kinds of comparison, on purpose: a hand-computed decimal (118.688976)
// is not the double the formula rounds to, so those keep a tolerance; the
// OrderOfOperations tests compare with EXPECT_EQ against the same
// expression, which pricing.hpp promises bit for bit (-ffp-contract=off, no
// reciprocal for a division), on inputs where a regrouped formula gives a
// different double, so a "simplification" fails them.
#include "adrmon/strategy/pricing.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace adrmon {
namespace {

double to_cents(double hkd) {
  return std::round(hkd * 100) / 100;
}

// DOMAIN.md: Alibaba US$120.96 ≙ HK$118.69 at 7.8498, R = 8.
// 120.96 × 7.8498 = 949.511808; ÷ 8 = 118.688976.
TEST(Pricing, AlibabaAdrInHkdMatchesTheBrokerPageToTheCent) {
  const double hkd = adr_bid_hkd(120.96, 7.8498, 8);
  EXPECT_NEAR(hkd, 118.688976, 1e-9);
  EXPECT_DOUBLE_EQ(to_cents(hkd), 118.69);
  EXPECT_DOUBLE_EQ(adr_ask_hkd(120.96, 7.8498, 8), hkd);
}

// DOMAIN.md: JD.com US$56.52 ≙ HK$219.05 at 7.7513, R = 2.
// 56.52 × 7.7513 = 438.103476; ÷ 2 = 219.051738.
TEST(Pricing, JdAdrInHkdMatchesTheProspectusToTheCent) {
  const double hkd = adr_ask_hkd(56.52, 7.7513, 2);
  EXPECT_NEAR(hkd, 219.051738, 1e-9);
  EXPECT_DOUBLE_EQ(to_cents(hkd), 219.05);
}

// DOMAIN.md: NetEase US$405.01 ≙ HK$125.57 at 7.7513, R = 25 (then);
// Weibo US$36.00 ≙ HK$280.49 at 7.7915, R = 1.
TEST(Pricing, NetEaseAndWeiboProspectusChecks) {
  EXPECT_NEAR(adr_bid_hkd(405.01, 7.7513, 25), 125.57416052, 1e-9);
  EXPECT_DOUBLE_EQ(to_cents(adr_bid_hkd(405.01, 7.7513, 25)), 125.57);
  EXPECT_NEAR(adr_bid_hkd(36.00, 7.7915, 1), 280.494, 1e-9);
  EXPECT_DOUBLE_EQ(to_cents(adr_bid_hkd(36.00, 7.7915, 1)), 280.49);
}

TEST(Pricing, FractionalRatioMultipliesUp) {
  // NOAH before 2023: 2 ADS = 1 share, R = 0.5. 10 × 7.8 ÷ 0.5 = 156 (the
  // double nearest 78 is 78 itself, and ÷ 0.5 is exact).
  EXPECT_EQ(adr_bid_hkd(10, 7.8, 0.5), 156.0);
}

TEST(Pricing, BidSideUsesFxBidAndAskSideUsesFxAsk) {
  // 100 × 7.80 ÷ 1 = 780 and 100 × 7.85 ÷ 1 = 785: both products round to
  // the integer in double.
  EXPECT_EQ(adr_bid_hkd(100, 7.80, 1), 780.0);
  EXPECT_EQ(adr_ask_hkd(100, 7.85, 1), 785.0);
}

// ---- order of operations: bit-identical to the contract's expression -------

TEST(PricingOrderOfOperations, AdrInHkdMultipliesThenDivides) {
  // 36 × 7.8498 ÷ 3: regrouped as 36 × (7.8498 ÷ 3) it is one ulp lower.
  EXPECT_EQ(adr_bid_hkd(36, 7.8498, 3), 36 * 7.8498 / 3);
  EXPECT_EQ(adr_ask_hkd(36, 7.8498, 3), 36 * 7.8498 / 3);
  EXPECT_NE(36 * 7.8498 / 3, 36 * (7.8498 / 3));
  EXPECT_NE(36 * 7.8498 / 3, 36 * 7.8498 * (1 / 3.0));
}

TEST(PricingOrderOfOperations, SellEdgeSubtractsCostThenFee) {
  // JD: bid 56.52 at 7.7513, R = 2, HK ask 219.05, 12 bp, US$0.05.
  const double adr_hkd = adr_bid_hkd(56.52, 7.7513, 2);
  const double fee = conversion_fee_bps(0.05, 56.52);
  EXPECT_EQ(fee, 0.05 / 56.52 * 1e4);
  const double contract = (56.52 * 7.7513 / 2 / 219.05 - 1) * 1e4 - 12 - 0.05 / 56.52 * 1e4;
  EXPECT_EQ(sell_adr_edge_bps(adr_hkd, 219.05, 12, fee), contract);
  EXPECT_NE(contract, (56.52 * 7.7513 / 2 / 219.05 - 1) * 1e4 - (12 + 0.05 / 56.52 * 1e4));
}

TEST(PricingOrderOfOperations, BuyEdgeDividesHkBidByTheAdrAskInHkd) {
  // BABA: ask 120.97 at 7.7514, R = 8, HK bid 118.60, 12 bp, US$0.05.
  const double adr_hkd = adr_ask_hkd(120.97, 7.7514, 8);
  const double fee = conversion_fee_bps(0.05, 120.97);
  const double contract = (118.60 / (120.97 * 7.7514 / 8) - 1) * 1e4 - 12 - 0.05 / 120.97 * 1e4;
  EXPECT_EQ(buy_adr_edge_bps(adr_hkd, 118.60, 12, fee), contract);
  EXPECT_NE(contract, (118.60 / (120.97 * 7.7514 / 8) - 1) * 1e4 - (12 + 0.05 / 120.97 * 1e4));
}

TEST(PricingOrderOfOperations, MidPremiumDividesByRatioThenByHkMid) {
  // ADR 100/100.02, HK 280.4/280.6, FX 7.8497/7.8499, R = 3.
  const double adr_mid = (100 + 100.02) / 2;
  const double hk_mid = (280.4 + 280.6) / 2;
  const double fx_mid = (7.8497 + 7.8499) / 2;
  const double contract = (adr_mid * fx_mid / 3 / hk_mid - 1) * 1e4;
  EXPECT_EQ(mid_premium_bps({100, 100.02}, {280.4, 280.6}, {7.8497, 7.8499}, 3), contract);
  EXPECT_NE(contract, (adr_mid * fx_mid / (3 * hk_mid) - 1) * 1e4);
  EXPECT_NE(contract, (adr_mid * (fx_mid / 3) / hk_mid - 1) * 1e4);
}

// Mids: ADR (120.95 + 120.97)/2 = 120.96, FX (7.8497 + 7.8499)/2 = 7.8498,
// HK (118.60 + 118.70)/2 = 118.65. 118.688976 / 118.65 − 1 = 0.038976 / 118.65
// = 3.2849557522e-4 → 3.2849557522 bp. Positive: the ADR is rich.
TEST(Pricing, MidPremiumIsPositiveWhenAdrIsRich) {
  const double bps = mid_premium_bps({120.95, 120.97}, {118.60, 118.70}, {7.8497, 7.8499}, 8);
  EXPECT_NEAR(bps, 3.2849557522, 1e-6);
}

// HK mid 119.00: 118.688976 / 119 − 1 = −0.311024 / 119 = −2.6136470588e-3.
TEST(Pricing, MidPremiumIsNegativeWhenAdrIsCheap) {
  const double bps = mid_premium_bps({120.95, 120.97}, {118.95, 119.05}, {7.8497, 7.8499}, 8);
  EXPECT_NEAR(bps, -26.136470588, 1e-6);
}

TEST(Pricing, MidPremiumIsZeroAtParity) {
  // ADR mid 100 × 7.8 ÷ 1 = 780 = HK mid. Not exact in double: 99.99 and
  // 100.01 are not, and their mean is 100 only to within an ulp.
  EXPECT_NEAR(mid_premium_bps({99.99, 100.01}, {779.9, 780.1}, {7.8, 7.8}, 1), 0.0, 1e-9);
}

TEST(Pricing, ConversionFeeInBpsOfTheAdrPrice) {
  // US$0.05 on a US$100 ADS is 5 bp; on a US$20 ADS 25 bp (DOMAIN.md §4).
  // 0.05 is not a double, so the exact 5 and 25 hold only within an ulp.
  EXPECT_NEAR(conversion_fee_bps(0.05, 100), 5.0, 1e-12);
  EXPECT_NEAR(conversion_fee_bps(0.05, 20), 25.0, 1e-12);
  EXPECT_EQ(conversion_fee_bps(0.05, 20), 0.05 / 20 * 1e4);
  EXPECT_EQ(conversion_fee_bps(0, 20), 0.0);
}

// sell_adr: ADR bid 100 at FX bid 7.8, R = 1 → 780 HKD; HK ask 770.
// 780 / 770 − 1 = 1/77 = 0.012987012987 → 129.87012987 bp; − 12 cost − 5 fee.
TEST(Pricing, SellAdrEdgeNetOfCostAndConversionFee) {
  const double adr_hkd = adr_bid_hkd(100, 7.8, 1);
  const double edge = sell_adr_edge_bps(adr_hkd, 770, 12, conversion_fee_bps(0.05, 100));
  EXPECT_NEAR(edge, 129.87012987 - 12 - 5, 1e-6);
}

// buy_adr: ADR ask 100 at FX ask 7.8, R = 2 → 390 HKD; HK bid 400.
// 400 / 390 − 1 = 1/39 = 0.025641025641 → 256.41025641 bp; − 12 − 5.
TEST(Pricing, BuyAdrEdgeNetOfCostAndConversionFee) {
  const double adr_hkd = adr_ask_hkd(100, 7.8, 2);
  const double edge = buy_adr_edge_bps(adr_hkd, 400, 12, conversion_fee_bps(0.05, 100));
  EXPECT_NEAR(edge, 256.41025641 - 12 - 5, 1e-6);
}

TEST(Pricing, EdgeWithoutCostsIsTheGrossGap) {
  // 780 / 780 − 1 = 0 on both sides.
  EXPECT_EQ(sell_adr_edge_bps(780, 780, 0, 0), 0.0);
  EXPECT_EQ(buy_adr_edge_bps(780, 780, 0, 0), 0.0);
}

TEST(Pricing, BothSidesNegativeInsideTheSpread) {
  // ADR 100/100.02 at FX 7.8/7.8002, R = 8: bid 97.5 HKD, ask 100.02 × 7.8002 ÷ 8
  // = 97.5220005 HKD; HK 97.45/97.55.
  // sell: 97.5 / 97.55 − 1 = −5.1255766274 bp; buy: 97.45 / 97.5220005 − 1 = −7.3830007210 bp.
  EXPECT_NEAR(sell_adr_edge_bps(adr_bid_hkd(100, 7.8, 8), 97.55, 0, 0), -5.1255766274, 1e-6);
  EXPECT_NEAR(buy_adr_edge_bps(adr_ask_hkd(100.02, 7.8002, 8), 97.45, 0, 0), -7.3830007210, 1e-6);
}

}  // namespace
}  // namespace adrmon
