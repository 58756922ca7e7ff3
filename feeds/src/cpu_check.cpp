// Start-up check that this CPU can run the tick parser's simdjson kernel.
// Built without SIMD flags on purpose.
#include <string_view>

#include "adrmon/feeds/tick_parser.hpp"

namespace adrmon {

std::string_view parser_simd_level() noexcept {
  return ADRMON_SIMD_KERNEL;
}

bool cpu_supports_parser() noexcept {
#if defined(__x86_64__)
  const std::string_view level = ADRMON_SIMD_KERNEL;
  __builtin_cpu_init();
  if (level == "haswell") {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
           __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("pclmul") &&
           __builtin_cpu_supports("popcnt");
  }
  if (level == "westmere") {
    return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("pclmul") &&
           __builtin_cpu_supports("popcnt");
  }
#endif
  return true;
}

}  // namespace adrmon
