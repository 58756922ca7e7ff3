// Pacer: the due-time arithmetic and the sleep-then-spin wait.
#include "adrmon/feeds/pacer.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace adrmon {

std::int64_t Pacer::due_ns(std::int64_t ts_event) noexcept {
  const std::int64_t now = clock_();
  if (unpaced()) return now;
  if (!started_) {
    started_ = true;
    origin_ts_ = ts_event;
    origin_wall_ = now;
    return now;
  }
  const double offset = static_cast<double>(ts_event - origin_ts_) / speed_;
  return origin_wall_ + static_cast<std::int64_t>(offset);
}

template <class Stopped>
bool Pacer::wait(std::int64_t ts_event, Stopped stopped) noexcept {
  if (unpaced()) return !stopped();
  const std::int64_t due = due_ns(ts_event);
  for (;;) {
    if (stopped()) return false;
    const std::int64_t left = due - clock_();
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

bool Pacer::wait_until_due(std::int64_t ts_event, const std::atomic<bool>& stop) noexcept {
  return wait(ts_event, [&stop] { return stop.load(std::memory_order_relaxed); });
}

bool Pacer::wait_until_due(std::int64_t ts_event, std::stop_token stop) noexcept {
  return wait(ts_event, [&stop] { return stop.stop_requested(); });
}

}  // namespace adrmon
