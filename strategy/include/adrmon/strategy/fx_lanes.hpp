// FxLanes: what an FX tick needs of every pair, one array per field
// (structure of arrays), so the re-pricing of all pairs on a USD/HKD tick runs
// eight (AVX-512) or four (AVX2) pairs per vector instruction with no branch
// per pair.
//
// Data flow: SpreadEngine keeps PairState as the one truth and FxLanes as a
// cache of it: thresholds are copied at construction and on a reload; a pair's
// quotes, flags, gate and breach activity are copied when the pair is marked
// dirty (an ADR/HK record touched it) at the next FX tick, or right after the
// engine evaluated it. fx_scan() then computes every pair's gate, both edges
// and the mid premium with the contract's formulas (docs/FORMATS.md) in the
// same operations and order as the scalar evaluation, so the doubles are
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

  // Bits of state[i].
  static constexpr std::int64_t kSkip = 1;         // not fungible, or a padding lane
  static constexpr std::int64_t kAdrHalted = 2;    // the last ADR status said halted
  static constexpr std::int64_t kHkHalted = 4;     // the last HK status said halted
  static constexpr std::int64_t kAdrUnseen = 8;    // no ADR quote yet
  static constexpr std::int64_t kHkUnseen = 16;    // no HK quote yet
  static constexpr std::int64_t kForce = 32;       // evaluate anyway (ratio history, ratio moved)
  static constexpr std::int64_t kActiveSell = 64;  // sell_adr machine open or waiting
  static constexpr std::int64_t kActiveBuy = 128;  // buy_adr machine open or waiting
  static constexpr int kGateShift = 8;             // bits 8..15: GateReason at the last evaluation
  static constexpr std::int64_t kGateMask = 0xff << kGateShift;
  static constexpr std::int64_t kDirty = 1 << 16;  // PairState changed since the last copy

  std::size_t count = 0;   // pairs
  std::size_t padded = 0;  // count rounded up to kBlock
  std::vector<double> adr_bid, adr_ask, hk_bid, hk_ask;
  std::vector<double> fee_bps_bid, fee_bps_ask;  // conversion fee on the ADR bid / ask
  std::vector<double> ratio;                     // config ratio (forced pairs: unused)
  std::vector<double> cost_bps, max_premium_bps, enter_sell_bps, enter_buy_bps;
  std::vector<std::int64_t> adr_ts, hk_ts, max_age_ns, fx_age_ns;
  std::vector<std::int64_t> state;

  // Sizes every array for `pairs` (padding lanes: kSkip). Allocates; cold.
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
// i whose evaluation at this tick could change state or emit: not skipped and
// forced, active on a side, gated differently than at its last evaluation,
// gated `suspect`, or with the gate holding and an edge at or above its
// side's enter bar. Every other pair's evaluation would be a no-op. `isa`:
// Avx512 or Avx2, one the CPU has (the result is the same). No allocation;
// any thread (reads `lanes` only).
void fx_scan(const FxLanes& lanes, const FxScanInput& in, FxIsa isa,
             std::uint64_t* touched) noexcept;

}  // namespace adrmon
