// A small config shared by the feeds tests: USDHKD in [7.70, 7.90] and two
// pairs, BABA/9988 (ratio 8, pair 0) and JD/9618 (ratio 2, pair 1).
#pragma once

#include "adrmon/core/config.hpp"

namespace adrmon::test {

inline PairConfig make_pair(const char* adr, const char* hk, double ratio, const Thresholds& t) {
  PairConfig p;
  p.adr = adr;
  p.hk = hk;
  p.ratio = ratio;
  p.fungible = true;
  p.thresholds = t;
  p.name = p.adr + "/" + p.hk;
  return p;
}

inline Config feeds_config() {
  Config c;
  c.path = "<feeds test>";
  c.fx.pair = "USDHKD";
  c.fx.min = 7.70;
  c.fx.max = 7.90;
  c.defaults.enter_bps = 50;
  c.defaults.exit_bps = 20;
  c.defaults.max_age_ns = 3'000'000'000;
  c.defaults.min_persist_ns = 0;
  c.defaults.cost_bps = 12;
  c.defaults.conversion_fee_usd = 0.05;
  c.pairs.push_back(make_pair("BABA", "9988", 8, c.defaults));
  c.pairs.push_back(make_pair("JD", "9618", 2, c.defaults));
  return c;
}

}  // namespace adrmon::test
