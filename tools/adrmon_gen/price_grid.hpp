// Price grids of adrmon-gen in integer units (cents, thousandths of HKD):
// the HKEX spread table and the US cent grid. Prices stay integers until they
// are printed, so generated files and venue encodings agree exactly.
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace adrmon::gen {

// A price grid in integer units (cents, thousandths of HKD). Bands are
// (upper bound, tick): a price p uses the tick of the first band with
// p <= upper; every band boundary is a multiple of both neighbouring ticks.
class Grid {
 public:
  struct Band {
    std::int64_t upper;
    std::int64_t tick;
  };
  Grid(std::vector<Band> bands, std::int64_t scale) : bands_(std::move(bands)), scale_(scale) {}

  std::int64_t scale() const { return scale_; }
  // Tick of the band holding p (p <= upper).
  std::int64_t tick_at(std::int64_t p) const {
    for (const Band& b : bands_)
      if (p <= b.upper) return b.tick;
    return bands_.back().tick;
  }
  // Tick for moving up from p (the band of prices just above p).
  std::int64_t tick_above(std::int64_t p) const {
    for (const Band& b : bands_)
      if (p < b.upper) return b.tick;
    return bands_.back().tick;
  }
  std::int64_t up(std::int64_t p) const { return p + tick_above(p); }
  std::int64_t down(std::int64_t p) const {
    const std::int64_t q = p - tick_at(p);
    return q >= min_price() ? q : p;
  }
  std::int64_t min_price() const { return bands_.front().tick; }
  // Largest grid price <= x (x in units, positive).
  std::int64_t floor(double x) const {
    if (x < static_cast<double>(min_price())) return min_price();
    for (const Band& b : bands_) {
      if (x <= static_cast<double>(b.upper)) {
        const auto n = static_cast<std::int64_t>(x / static_cast<double>(b.tick));
        return n * b.tick;
      }
    }
    const std::int64_t t = bands_.back().tick;
    return static_cast<std::int64_t>(x / static_cast<double>(t)) * t;
  }
  std::int64_t nearest(double x) const {
    const std::int64_t f = floor(x);
    const std::int64_t u = up(f);
    return (x - static_cast<double>(f) <= static_cast<double>(u) - x) ? f : u;
  }
  // A quote `ticks` wide centred on x (within half a tick).
  std::pair<std::int64_t, std::int64_t> quote(double x, int ticks) const {
    std::int64_t bid = 0;
    if (ticks % 2 == 1) {
      bid = floor(x);
      for (int i = 0; i < ticks / 2; ++i) bid = down(bid);
    } else {
      bid = nearest(x);
      for (int i = 0; i < ticks / 2; ++i) bid = down(bid);
    }
    std::int64_t ask = bid;
    for (int i = 0; i < ticks; ++i) ask = up(ask);
    return {bid, ask};
  }

 private:
  std::vector<Band> bands_;
  std::int64_t scale_;
};

// HKEX spread table (DOMAIN.md section 6, with the 2025 reductions: 10-20 now
// 0.01, 20-50 now 0.02), in thousandths of HKD. Above 1,000 the long-standing
// bands 1.00 / 2.00 / 5.00.
inline Grid hk_grid() {
  return Grid({{250, 1},
               {500, 5},
               {20'000, 10},
               {50'000, 20},
               {100'000, 50},
               {200'000, 100},
               {500'000, 200},
               {1'000'000, 500},
               {2'000'000, 1'000},
               {5'000'000, 2'000},
               {std::numeric_limits<std::int64_t>::max(), 5'000}},
              1000);
}
// US: one cent everywhere (the half-cent tick of some names is not modelled).
inline Grid us_grid() {
  return Grid({{std::numeric_limits<std::int64_t>::max(), 1}}, 100);
}

}  // namespace adrmon::gen
