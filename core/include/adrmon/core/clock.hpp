// Clocks. Decisions use event time carried in ticks; these stamps exist only
// to measure our own latency (receive -> parsed -> priced -> alert).
#pragma once

#include <chrono>
#include <cstdint>

namespace adrmon {

// Monotonic nanoseconds (steady_clock); comparable only within one process.
inline std::int64_t steady_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace adrmon
