// Pacer: releases ticks at real time x speed, following their own event
// timestamps, for replaying recorded days as if live.
//
// The first tick fixes the origin: a tick with event time ts is due at
// origin_wall + (ts - origin_ts) / speed. wait_until_due() sleeps when the
// tick is far ahead and spins for the last stretch, so pacing error stays in
// microseconds without burning a core between sparse ticks. speed <= 0 means
// "as fast as possible" (never waits). The clock is steady_ns unless a test
// injects another.
#pragma once

#include <atomic>
#include <cstdint>
#include <stop_token>

#include "adrmon/core/clock.hpp"

namespace adrmon {

class Pacer {
 public:
  using Clock = std::int64_t (*)() noexcept;  // nanoseconds, monotonic

  explicit Pacer(double speed, Clock clock = &steady_ns) noexcept : speed_(speed), clock_(clock) {}

  bool unpaced() const noexcept { return !(speed_ > 0); }

  // When the tick stamped `ts_event` is due, on the pacer's clock. The first
  // call (here or in wait_until_due) fixes the origin at the clock's now.
  // Unpaced: always now. No allocation; producer thread only.
  std::int64_t due_ns(std::int64_t ts_event) noexcept;

  // Blocks until the tick stamped `ts_event` is due, or `stop` becomes true
  // (checked at least every 50 ms). Returns false when stopped. No
  // allocation; producer thread only.
  bool wait_until_due(std::int64_t ts_event, const std::atomic<bool>& stop) noexcept;
  bool wait_until_due(std::int64_t ts_event, std::stop_token stop) noexcept;

 private:
  template <class Stopped>
  bool wait(std::int64_t ts_event, Stopped stopped) noexcept;

  double speed_;
  Clock clock_;
  bool started_ = false;
  std::int64_t origin_ts_ = 0;
  std::int64_t origin_wall_ = 0;
};

}  // namespace adrmon
