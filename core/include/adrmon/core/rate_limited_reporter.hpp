// RateLimitedReporter: decides when a repeating problem (a failing alert
// log, an unreachable webhook) is reported, so it is said at most once per
// interval and never per event. The first problem after a quiet interval is
// due at once; those that follow within the interval are counted and due as
// one report when it ends. It never prints: the caller formats the line with
// the count take() returns. Times are caller-supplied steady nanoseconds.
// No allocation; one thread at a time.
#pragma once

#include <cstdint>
#include <limits>

namespace adrmon {

class RateLimitedReporter {
 public:
  static constexpr std::int64_t kDefaultIntervalNs = 1'000'000'000;

  explicit RateLimitedReporter(std::int64_t interval_ns = kDefaultIntervalNs) noexcept
      : interval_ns_(interval_ns) {}

  // Counts `n` occurrences. Returns due(now_ns).
  bool note(std::int64_t now_ns, std::uint64_t n = 1) noexcept {
    pending_ += n;
    return due(now_ns);
  }
  // Something is pending and the interval since the last report has passed.
  bool due(std::int64_t now_ns) const noexcept {
    return pending_ != 0 && now_ns >= next_allowed_ns_;
  }
  // Occurrences since the last report (0: nothing to say); starts a new
  // interval when there were any. Call when due(), or at shutdown to flush.
  std::uint64_t take(std::int64_t now_ns) noexcept {
    const std::uint64_t n = pending_;
    if (n != 0) {
      pending_ = 0;
      next_allowed_ns_ = now_ns + interval_ns_;
    }
    return n;
  }
  // When a pending report becomes due; max() when nothing is pending.
  std::int64_t next_due_ns() const noexcept {
    return pending_ != 0 ? next_allowed_ns_ : std::numeric_limits<std::int64_t>::max();
  }
  std::uint64_t pending() const noexcept { return pending_; }

 private:
  std::int64_t interval_ns_;
  std::int64_t next_allowed_ns_ = std::numeric_limits<std::int64_t>::min();
  std::uint64_t pending_ = 0;
};

}  // namespace adrmon
