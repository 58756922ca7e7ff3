// FxLanes: what an FX tick needs of every pair, one array per field
// (structure of arrays), so the re-pricing of all pairs on a USD/HKD tick runs
// eight (AVX-512) or four (AVX2) pairs per vector instruction with no branch
// per pair.
//
// Data flow: SpreadEngine keeps PairState as the one truth and FxLanes as a
// cache of it: thresholds are copied at construction and on a reload; a pair's
// quotes, the freshness deadline of its legs and what its gate and breach
// activity make of each possible gate (the kHit bits) are copied when the pair
// is marked dirty (an ADR/HK record touched it) at the next FX tick, or right
// after the engine evaluated it. fx_scan() then computes every pair's edges and
// mid premium with the contract's formulas (docs/FORMATS.md) in the same
// operations and order as the scalar evaluation, so the doubles are
// bit-identical (the build disables FMA contraction; no reassociation), and
// marks the pairs whose evaluation could change anything: a threshold
// crossed, a breach open or waiting, a gate that changed or is suspect, a
// ratio history. Only those are evaluated, by the scalar code, in pair order,
// so alerts and their order are those of evaluating every pair.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace adrmon {

struct FxLanes {
  // Arrays are padded to a multiple of this many pairs; padding lanes skip.
  static constexpr std::size_t kBlock = 8;

  // Bits of state[i]: whether the pair's evaluation at an FX tick could do
  // anything, for each gate the tick can give it. The engine derives them
  // from the pair's gate at its last evaluation (`prev`), its halted legs,
  // whether both legs were seen and whether it is busy (a breach machine
  // open or waiting, or a ratio history: evaluated at every FX tick).
  // An unfungible pair and a padding lane have none of them.
  static constexpr std::int64_t kHitAlways = 1;       // busy, or halted and prev != halted
  static constexpr std::int64_t kHitIfStale = 2;      // not halted and prev != stale
  static constexpr std::int64_t kHitIfFresh = 4;      // not halted, prev != none (legs unseen:
                                                      //   as kHitIfStale, the gate is stale)
  static constexpr std::int64_t kPriced = 8;          // not halted, both legs seen: a fresh
                                                      //   pair's edges and premium decide
  static constexpr std::int64_t kHitIfSession = 16;   // busy, or prev != session
  static constexpr std::int64_t kHitIfFeedDown = 32;  // busy, or prev != halted if halted,
                                                      //   else prev != feed_down
  static constexpr std::int64_t kDirty = 1 << 16;     // PairState changed since the last copy

  std::size_t count = 0;   // pairs
  std::size_t padded = 0;  // count rounded up to kBlock
  std::vector<double> adr_bid, adr_ask, hk_bid, hk_ask;
  std::vector<double> fee_bps_bid, fee_bps_ask;  // conversion fee on the ADR bid / ask
  std::vector<double> ratio;                     // config ratio (forced pairs: unused)
  std::vector<double> cost_bps, max_premium_bps, enter_sell_bps, enter_buy_bps;
  // The last instant both legs are fresh: min(adr ts, hk ts) + max_age_ns,
  // saturated (a leg is fresh while t - ts <= max_age_ns).
  std::vector<std::int64_t> fresh_until;
  std::vector<std::int64_t> fx_age_ns;
  std::vector<std::int64_t> state;

  // Sizes every array for `pairs` (padding lanes: state 0, never hit).
  // Allocates; cold.
  void resize(std::size_t pairs);
};

// One FX tick as fx_scan sees it.
struct FxScanInput {
  std::int64_t t;       // ts_event of the tick
  std::int64_t fx_age;  // t - the FX leg's ts (0 on an accepted FX quote)
  double fx_bid;
  double fx_ask;
  bool session_shut;  // a venue's calendar says not live at t: every pair gates `session`
  bool feeds_down;    // set_feeds_down mask != 0
};

// The instruction set fx_scan runs on: AVX-512 (8 pairs a step), AVX2 (4),
// or None: no scan, the engine evaluates every pair (FxPath::Scalar).
enum class FxIsa : std::uint8_t { None, Avx2, Avx512 };
// The best this CPU has. No allocation; any thread.
FxIsa best_fx_isa() noexcept;

// Sets bit i of `touched` (ceil(count / 64) words, overwritten) for every pair
// i whose evaluation at this tick could change state or emit: fungible and
// busy, gated differently than at its last evaluation, gated `suspect`, or
// with the gate holding and an edge at or above its side's enter bar. The
// gate is the contract's, first failing check first: session, halted,
// feed_down, stale, suspect. Every other pair's evaluation would be a no-op.
// `isa`: Avx512 or Avx2, one the CPU has (the result is the same). No allocation;
// any thread (reads `lanes` only).
void fx_scan(const FxLanes& lanes, const FxScanInput& in, FxIsa isa,
             std::uint64_t* touched) noexcept;

}  // namespace adrmon
