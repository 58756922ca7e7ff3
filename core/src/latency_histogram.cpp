// LatencyHistogram: the cold-path walks (percentile, merge, reset).
#include "adrmon/core/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace adrmon {

std::int64_t LatencyHistogram::percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  if (!(p > 0)) return min_;  // also NaN
  if (p > 100) p = 100;
  const double want = std::ceil(p / 100.0 * static_cast<double>(count_));
  const std::uint64_t rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(want));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBucketCount; ++b) {
    seen += counts_[b];
    if (seen >= rank) return std::min(bucket_upper(b), max_);
  }
  return max_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  if (other.count_ == 0) return;
  for (std::size_t b = 0; b < kBucketCount; ++b) counts_[b] += other.counts_[b];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::reset() noexcept {
  counts_.fill(0);
  count_ = 0;
  min_ = std::numeric_limits<std::int64_t>::max();
  max_ = 0;
}

}  // namespace adrmon
