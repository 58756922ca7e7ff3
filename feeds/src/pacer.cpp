#include "adrmon/feeds/pacer.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "adrmon/core/clock.hpp"

namespace adrmon {

bool Pacer::wait_until_due(std::int64_t ts_event, const std::atomic<bool>& stop) noexcept {
  if (unpaced()) return !stop.load(std::memory_order_relaxed);
  const std::int64_t now = steady_ns();
  if (!started_) {
    started_ = true;
    origin_ts_ = ts_event;
    origin_wall_ = now;
    return !stop.load(std::memory_order_relaxed);
  }
  const double offset = static_cast<double>(ts_event - origin_ts_) / speed_;
  const std::int64_t due = origin_wall_ + static_cast<std::int64_t>(offset);
  for (;;) {
    if (stop.load(std::memory_order_relaxed)) return false;
    const std::int64_t left = due - steady_ns();
    if (left <= 0) return true;
    if (left > 200'000) {
      // Sleep most of the way, waking at least every 50 ms to notice `stop`.
      const std::int64_t nap = std::min<std::int64_t>(left - 100'000, 50'000'000);
      std::this_thread::sleep_for(std::chrono::nanoseconds(nap));
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace adrmon
