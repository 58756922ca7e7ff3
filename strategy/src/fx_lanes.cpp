// fx_scan: every pair's gate, edges and mid premium on an FX tick, four pairs
// per step, and the bitmap of the pairs whose evaluation could do something.
//
// The arithmetic per lane is the scalar evaluation's, operation for operation
// (pricing.hpp; -ffp-contract=off, no reassociation): a/b stays a division,
// (x / 2) stays what the compiler makes of it there (an exact * 0.5). The gate
// needs no number per lane: a tick outside the session or with a feed down
// gates every pair alike, so the pair's kHit bit for that gate decides alone
// (no arithmetic); otherwise a halted pair's bits decide, and the rest are
// stale (deadline or FX age passed), suspect or holding, branch-free.
// One body, compiled twice with target attributes: 8 lanes for AVX-512,
// 4 for AVX2, picked at run time. Without AVX2 the engine does not scan: GCC's
// lowering of these vectors to SSE2 was slower than the scalar evaluation.
#include "adrmon/strategy/fx_lanes.hpp"

#include <cfloat>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace adrmon {

void FxLanes::resize(std::size_t pairs) {
  count = pairs;
  padded = (pairs + kBlock - 1) / kBlock * kBlock;
  for (std::vector<double>* v :
       {&adr_bid, &adr_ask, &hk_bid, &hk_ask, &fee_bps_bid, &fee_bps_ask, &ratio, &cost_bps,
        &max_premium_bps, &enter_sell_bps, &enter_buy_bps}) {
    v->assign(padded, 1.0);  // padding lanes: no 0/0
  }
  for (std::vector<std::int64_t>* v : {&fresh_until, &fx_age_ns, &state}) v->assign(padded, 0);
}

namespace {

#if defined(__x86_64__)
using V4d = double __attribute__((vector_size(32)));
using V4i = long __attribute__((vector_size(32)));  // what comparing two V4d yields

[[gnu::target("avx2")]] void scan_avx2(const FxLanes& l, const FxScanInput& in,
                                       std::uint64_t* touched) noexcept {
  using VD = V4d;
  using VI = V4i;
  constexpr std::size_t kLanes = 4;
#define ADRMON_FX_MOVEMASK(m) \
  static_cast<unsigned>(_mm256_movemask_pd(reinterpret_cast<__m256d>(m)))
#include "fx_scan_body.inc"
#undef ADRMON_FX_MOVEMASK
}

using V8d = double __attribute__((vector_size(64)));
using V8i = long __attribute__((vector_size(64)));

[[gnu::target("avx512f")]] void scan_avx512(const FxLanes& l, const FxScanInput& in,
                                            std::uint64_t* touched) noexcept {
  using VD = V8d;
  using VI = V8i;
  constexpr std::size_t kLanes = 8;
#define ADRMON_FX_MOVEMASK(m) \
  static_cast<unsigned>(      \
      _mm512_cmpneq_epi64_mask(reinterpret_cast<__m512i>(m), _mm512_setzero_si512()))
#include "fx_scan_body.inc"
#undef ADRMON_FX_MOVEMASK
}
#endif

}  // namespace

FxIsa best_fx_isa() noexcept {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) return FxIsa::Avx512;
  if (__builtin_cpu_supports("avx2")) return FxIsa::Avx2;
#endif
  return FxIsa::None;
}

void fx_scan(const FxLanes& lanes, const FxScanInput& in, FxIsa isa,
             std::uint64_t* touched) noexcept {
#if defined(__x86_64__)
  if (isa == FxIsa::Avx512) {
    scan_avx512(lanes, in, touched);
    return;
  }
  scan_avx2(lanes, in, touched);
#else
  (void)lanes, (void)in, (void)isa, (void)touched;
#endif
}

}  // namespace adrmon
