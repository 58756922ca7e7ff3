// LatencyHistogram: a log-linear histogram of nanosecond latencies, in the
// spirit of HdrHistogram, for per-tick / per-hop tails (p50, p99, p99.9).
//
// Values below 32 ns get one bucket each; above, every power-of-two range
// [2^m, 2^(m+1)) is split into 32 equal sub-buckets, so a bucket is at most
// 1/32 (3.1%) of its lower edge wide. The range is 0 .. 2^37-1 ns (~137 s):
// 1056 counters in a fixed array, no allocation ever. record() is a few
// instructions (one bit scan, shifts, an increment) and is inline.
//
// Not thread-safe: each thread records into its own histogram; merge() them
// on a reporter thread (after the writer has stopped or handed it over).
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <limits>

namespace adrmon {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 5;
  static constexpr std::int64_t kSubBuckets = std::int64_t{1} << kSubBucketBits;  // 32
  static constexpr int kMaxMagnitude = 36;  // values up to 2^37 - 1
  static constexpr std::int64_t kMaxTrackable = (std::int64_t{1} << (kMaxMagnitude + 1)) - 1;
  static constexpr std::size_t kBucketCount =
      static_cast<std::size_t>(kSubBuckets + (kMaxMagnitude - kSubBucketBits + 1) * kSubBuckets);

  // Records one value in ns. Negative values count as 0; values above
  // kMaxTrackable (~137 s) count as kMaxTrackable (the top bucket). No
  // allocation; owning thread only.
  void record(std::int64_t ns) noexcept {
    if (ns < 0) ns = 0;
    if (ns > kMaxTrackable) ns = kMaxTrackable;
    ++counts_[bucket_of(ns)];
    ++count_;
    if (ns < min_) min_ = ns;
    if (ns > max_) max_ = ns;
  }

  // Number of values recorded.
  std::uint64_t count() const noexcept { return count_; }
  // Values recorded in bucket b (0 .. kBucketCount-1); bucket_upper(b) is its upper edge.
  std::uint64_t bucket_count(std::size_t b) const noexcept { return counts_[b]; }
  // Smallest and largest value recorded (after clamping); 0 when empty.
  std::int64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
  std::int64_t max() const noexcept { return count_ == 0 ? 0 : max_; }

  // The p-th percentile, p in [0, 100] (clamped): the upper edge of the
  // bucket holding the ceil(p% * count)-th smallest value, capped at max().
  // p == 0 gives min(). 0 when empty. Walks the buckets: cold path.
  std::int64_t percentile(double p) const noexcept;

  // Adds every value of `other` into this one.
  void merge(const LatencyHistogram& other) noexcept;

  // Forgets everything recorded.
  void reset() noexcept;

  // Bucket arithmetic, public for tests.
  static constexpr std::size_t bucket_of(std::int64_t v) noexcept {
    if (v < kSubBuckets) return static_cast<std::size_t>(v);
    const int m =
        static_cast<int>(std::bit_width(static_cast<std::uint64_t>(v))) - 1;  // >= kSubBucketBits
    const int shift = m - kSubBucketBits;
    const std::int64_t sub = (v >> shift) - kSubBuckets;  // 0 .. 31
    return static_cast<std::size_t>(kSubBuckets + shift * kSubBuckets + sub);
  }
  // Largest value that falls into bucket `b`.
  static constexpr std::int64_t bucket_upper(std::size_t b) noexcept {
    const auto i = static_cast<std::int64_t>(b);
    if (i < kSubBuckets) return i;
    const std::int64_t shift = (i - kSubBuckets) / kSubBuckets;
    const std::int64_t sub = (i - kSubBuckets) % kSubBuckets;
    return ((kSubBuckets + sub + 1) << shift) - 1;
  }

 private:
  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t count_ = 0;
  std::int64_t min_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_ = 0;
};

static_assert(LatencyHistogram::bucket_of(LatencyHistogram::kMaxTrackable) ==
              LatencyHistogram::kBucketCount - 1);
static_assert(LatencyHistogram::bucket_upper(LatencyHistogram::kBucketCount - 1) ==
              LatencyHistogram::kMaxTrackable);
static_assert(LatencyHistogram::bucket_of(31) == 31 && LatencyHistogram::bucket_of(32) == 32);
static_assert(LatencyHistogram::bucket_upper(32) == 32 && LatencyHistogram::bucket_upper(64) == 65);

}  // namespace adrmon
