// Pacer: releases ticks at real time x speed, following their own event
// timestamps, for replaying recorded days as if live.
//
// The first tick fixes the origin: a tick with event time ts is due at
// origin_wall + (ts - origin_ts) / speed. wait_until_due() sleeps when the
// tick is far ahead and spins for the last stretch, so pacing error stays in
// microseconds without burning a core between sparse ticks. speed <= 0 means
// "as fast as possible" (never waits).
#pragma once

#include <atomic>
#include <cstdint>

namespace adrmon {

class Pacer {
 public:
  explicit Pacer(double speed) noexcept : speed_(speed) {}

  bool unpaced() const noexcept { return !(speed_ > 0); }

  // Blocks until the tick stamped `ts_event` is due, or `stop` becomes true.
  // Returns false when stopped. Producer thread only.
  bool wait_until_due(std::int64_t ts_event, const std::atomic<bool>& stop) noexcept;

 private:
  double speed_;
  bool started_ = false;
  std::int64_t origin_ts_ = 0;
  std::int64_t origin_wall_ = 0;
};

}  // namespace adrmon
