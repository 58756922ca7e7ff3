// SpreadEngine::on_tick never allocates: global operator new is replaced by a
// counting one (allocation_counter.cpp) and a long, busy tick stream — quotes
// on 30 pairs, FX ticks touching every pair, opens, reverted and stale
// closes, out-of-order rejects — must make zero calls after construction.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adrmon/strategy/spread_engine.hpp"
#include "allocation_counter.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

using test::kMs;
using test::kT0;

TEST(AllocationCounter, SeesAnAllocationInsideTheWindow) {
  test::start_counting_allocations();
  int* volatile p = new int(7);  // volatile: -O3 may otherwise elide the new/delete pair
  const std::size_t n = test::stop_counting_allocations();
  delete p;
  EXPECT_EQ(n, 1u);
}

TEST(SpreadEngineAllocations, OnTickNeverAllocates) {
  constexpr PairId kPairs = 30;
  Config config = test::empty_config();
  for (PairId p = 0; p < kPairs; ++p) {
    config.pairs.push_back(
        test::make_pair("ADR" + std::to_string(p), std::to_string(1000 + p), 1 + p % 4));
  }
  SpreadEngine engine(config);

  // Rounds of one tick per pair: an ADR quote at 100, then HK 1.5 % cheap
  // (sell_adr opens), at parity (it reverts), 1.5 % rich (buy_adr opens). Every
  // 10th tick is FX instead, every 97th a late ADR quote (out of order), and a
  // 4 s quiet gap every 2000 ticks makes the next FX tick close stale.
  std::vector<Tick> ticks;
  std::int64_t t = kT0;
  ticks.push_back(test::fx(t, 7.8, 7.8));
  for (PairId p = 0; p < kPairs; ++p) ticks.push_back(test::adr(p, t, 100, 100));
  for (int i = 0; i < 20000; ++i) {
    t += (i % 2000 == 1999) ? 4000 * kMs : 1 * kMs;
    const PairId p = static_cast<PairId>(i % static_cast<int>(kPairs));
    const int round = i / static_cast<int>(kPairs);
    const double parity = 100 * 7.8 / config.pairs[p].ratio;
    if (i % 10 == 0) {
      ticks.push_back(test::fx(t, 7.8, 7.8));
    } else if (i % 97 == 0) {
      ticks.push_back(test::adr(p, kT0 - 1, 100, 100));  // out of order
    } else if (round % 4 == 0) {
      ticks.push_back(test::adr(p, t, 100, 100));
    } else {
      const double shift = round % 4 == 1 ? 0.985 : (round % 4 == 2 ? 1.0 : 1.015);
      ticks.push_back(test::hk(p, t, parity * shift, parity * shift));
    }
  }

  std::size_t alerts = 0;
  std::size_t rejected = 0;
  std::size_t fx_ticks = 0;
  test::start_counting_allocations();
  for (const Tick& tick : ticks) {
    if (engine.on_tick(tick) != Reject::None) ++rejected;
    alerts += engine.alerts().size();
    if (tick.instrument == kFxInstrument) ++fx_ticks;
  }
  const std::size_t allocations = test::stop_counting_allocations();

  EXPECT_EQ(allocations, 0u);
  // The stream really exercised the interesting paths.
  EXPECT_GT(fx_ticks, 1000u);
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(engine.counts().opens, 100u);
  EXPECT_GT(engine.counts().closes, 100u);
  EXPECT_GT(alerts, 200u);
}

}  // namespace
}  // namespace adrmon
