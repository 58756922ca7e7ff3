// TokenBucket: a rate limit. Refills at `rate` tokens per second up to
// `burst`, starts full; each try_take() spends one token. Times are
// steady-clock nanoseconds passed in by the caller, so tests drive it with
// any clock. No allocation; one thread at a time.
#pragma once

#include <algorithm>
#include <cstdint>

namespace adrmon {

class TokenBucket {
 public:
  // `rate` > 0 tokens per second; `burst` >= 1 (the bucket's size).
  TokenBucket(double rate, double burst, std::int64_t now_ns) noexcept
      : rate_(rate), burst_(std::max(1.0, burst)), tokens_(burst_), last_ns_(now_ns) {}

  // Spends one token if there is one. A clock that goes backwards adds none.
  bool try_take(std::int64_t now_ns) noexcept {
    if (now_ns > last_ns_) {
      tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ns - last_ns_) * 1e-9 * rate_);
      last_ns_ = now_ns;
    }
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  double tokens() const noexcept { return tokens_; }

 private:
  double rate_;
  double burst_;
  double tokens_;
  std::int64_t last_ns_;
};

}  // namespace adrmon
