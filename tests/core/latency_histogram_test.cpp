// LatencyHistogram: the bucket scheme its header documents (one bucket per
// value below 32 ns; above, 32 equal sub-buckets per power of two), the
// exported buckets, percentiles on known data, clamping, merge and reset.
// Expected bucket edges are worked out here from the documented scheme, not
// from the class's own bucket arithmetic.
#include "adrmon/core/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace adrmon {
namespace {

using H = LatencyHistogram;

// The documented scheme, by hand: below 32 a value is its own bucket; in
// [2^m, 2^(m+1)) buckets are 2^(m-5) wide and start at multiples of that.
std::int64_t documented_upper_edge(std::int64_t v) {
  if (v < 32) return v;
  std::int64_t lower = 32;  // 2^m
  while (lower * 2 <= v) lower *= 2;
  const std::int64_t width = lower / 32;
  return v / width * width + width - 1;
}

TEST(LatencyHistogram, DocumentedRangeAndBucketCount) {
  EXPECT_EQ(H::kMaxTrackable, (std::int64_t{1} << 37) - 1);
  // 32 unit buckets, then 32 per power of two from 2^5 to 2^36.
  EXPECT_EQ(H::kBucketCount, 32u + 32u * (36u - 5u + 1u));
  EXPECT_EQ(H::kBucketCount, 1056u);
}

TEST(LatencyHistogram, HandWorkedBucketEdges) {
  // 1000 is in [512, 1024), buckets 16 wide: [992, 1007].
  EXPECT_EQ(H::bucket_upper(H::bucket_of(1000)), 1007);
  EXPECT_EQ(H::bucket_upper(H::bucket_of(992)), 1007);
  EXPECT_EQ(H::bucket_upper(H::bucket_of(991)), 991);
  // 500 is in [256, 512), 8 wide: [496, 503].
  EXPECT_EQ(H::bucket_upper(H::bucket_of(500)), 503);
  // 1 ms = 1,000,000 is in [2^19, 2^20), 2^14 = 16384 wide: 61 × 16384 = 999,424.
  EXPECT_EQ(H::bucket_upper(H::bucket_of(1'000'000)), 999'424 + 16'383);
  EXPECT_EQ(H::bucket_of(0), 0u);
  EXPECT_EQ(H::bucket_of(31), 31u);
  EXPECT_EQ(H::bucket_of(63), 63u);  // [32, 64) is still one value per bucket
  EXPECT_EQ(H::bucket_of(64), 64u);
  EXPECT_EQ(H::bucket_of(65), 64u);  // [64, 128): two values per bucket
}

TEST(LatencyHistogram, EveryBucketMatchesTheDocumentedScheme) {
  std::int64_t previous_upper = -1;
  for (std::size_t b = 0; b < H::kBucketCount; ++b) {
    const std::int64_t lower = previous_upper + 1;
    const std::int64_t upper = H::bucket_upper(b);
    ASSERT_GE(upper, lower) << "bucket " << b;
    // Both edges fall into this bucket, the next value into the next one.
    EXPECT_EQ(H::bucket_of(lower), b) << "bucket " << b;
    EXPECT_EQ(H::bucket_of(upper), b) << "bucket " << b;
    if (b + 1 < H::kBucketCount) {
      EXPECT_EQ(H::bucket_of(upper + 1), b + 1) << "bucket " << b;
    }
    EXPECT_EQ(upper, documented_upper_edge(lower)) << "bucket " << b;
    // "at most 1/32 (3.1%) of its lower edge wide"
    if (lower >= 32) {
      EXPECT_LE((upper - lower + 1) * 32, lower) << "bucket " << b;
    }
    previous_upper = upper;
  }
  EXPECT_EQ(previous_upper, H::kMaxTrackable);
}

TEST(LatencyHistogram, EmptyIsAllZero) {
  const H h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.percentile(0), 0);
  EXPECT_EQ(h.percentile(50), 0);
  EXPECT_EQ(h.percentile(100), 0);
}

// 1..1000 ns once each: the k-th smallest value is k.
H one_to_thousand() {
  H h;
  for (std::int64_t v = 1; v <= 1000; ++v) h.record(v);
  return h;
}

TEST(LatencyHistogram, PercentilesAreUpperEdgesOfTheRankedValuesBucket) {
  const H h = one_to_thousand();
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 1000);
  EXPECT_EQ(h.percentile(0), 1);        // min()
  EXPECT_EQ(h.percentile(2.5), 25);     // rank 25: below 32, exact
  EXPECT_EQ(h.percentile(10), 101);     // rank 100, in [100, 101] (2 wide)
  EXPECT_EQ(h.percentile(50), 503);     // rank 500, in [496, 503]
  EXPECT_EQ(h.percentile(90), 911);     // rank 900, in [896, 911]
  EXPECT_EQ(h.percentile(99), 991);     // rank 990, in [976, 991]
  EXPECT_EQ(h.percentile(99.9), 1000);  // rank 999, in [992, 1007], capped at max()
  EXPECT_EQ(h.percentile(100), 1000);
}

TEST(LatencyHistogram, PercentileRankRoundsUp) {
  // 10 values: p25 is the ceil(2.5) = 3rd smallest.
  H h;
  for (std::int64_t v = 1; v <= 10; ++v) h.record(v);
  EXPECT_EQ(h.percentile(25), 3);
  EXPECT_EQ(h.percentile(20), 2);
  EXPECT_EQ(h.percentile(0.01), 1);  // rank at least 1
}

TEST(LatencyHistogram, PercentileOutsideZeroToHundredIsClamped) {
  const H h = one_to_thousand();
  EXPECT_EQ(h.percentile(-5), 1);
  EXPECT_EQ(h.percentile(std::numeric_limits<double>::quiet_NaN()), 1);
  EXPECT_EQ(h.percentile(250), 1000);
}

TEST(LatencyHistogram, PercentileIsCappedAtMaxButNotOtherwise) {
  H h;
  h.record(1000);
  EXPECT_EQ(h.percentile(50), 1000);  // the bucket's edge 1007 is above max()
  h.record(2000);
  EXPECT_EQ(h.percentile(50), 1007);  // now the edge is below max()
  EXPECT_EQ(h.percentile(100), 2000);
}

TEST(LatencyHistogram, ExportedBucketsHoldEveryRecordedValue) {
  H h;
  const std::int64_t values[] = {0, 1, 31, 32, 33, 64, 65, 999, 1000, 1007, 1008, 123'456'789};
  for (std::int64_t v : values) h.record(v);
  std::uint64_t total = 0;
  for (std::size_t b = 0; b < H::kBucketCount; ++b) total += h.bucket_count(b);
  EXPECT_EQ(total, h.count());
  EXPECT_EQ(h.bucket_count(H::bucket_of(1000)), 3u);  // 999, 1000 and 1007 share [992, 1007]
  EXPECT_EQ(h.bucket_count(H::bucket_of(1008)), 1u);
  EXPECT_EQ(h.bucket_count(H::bucket_of(64)), 2u);  // 64 and 65
  EXPECT_EQ(h.bucket_count(0), 1u);
  EXPECT_EQ(h.bucket_count(2), 0u);
}

TEST(LatencyHistogram, NegativeCountsAsZeroAndHugeAsTheTopBucket) {
  H h;
  h.record(-7);
  EXPECT_EQ(h.bucket_count(0), 1u);
  EXPECT_EQ(h.min(), 0);
  h.record(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(h.bucket_count(H::kBucketCount - 1), 1u);
  EXPECT_EQ(h.max(), H::kMaxTrackable);
  EXPECT_EQ(h.percentile(100), H::kMaxTrackable);
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsTheExtremes) {
  H a;
  H b;
  a.record(10);
  a.record(500);
  b.record(3);
  b.record(500);
  b.record(70'000);
  a.merge(b);
  EXPECT_EQ(a.count(), 5u);
  EXPECT_EQ(a.min(), 3);
  EXPECT_EQ(a.max(), 70'000);
  EXPECT_EQ(a.bucket_count(H::bucket_of(500)), 2u);
  EXPECT_EQ(a.bucket_count(H::bucket_of(70'000)), 1u);
  // {3, 10, 500, 500, 70000}: rank 2 is 10, rank 3 is 500 (bucket [496, 503]).
  EXPECT_EQ(a.percentile(40), 10);
  EXPECT_EQ(a.percentile(50), 503);
  EXPECT_EQ(b.count(), 3u);  // the source is unchanged
}

TEST(LatencyHistogram, MergingAnEmptyHistogramChangesNothing) {
  H a;
  a.record(40);
  a.merge(H{});
  EXPECT_EQ(a.count(), 1u);
  EXPECT_EQ(a.min(), 40);
  EXPECT_EQ(a.max(), 40);
}

TEST(LatencyHistogram, MergingIntoAnEmptyHistogramTakesTheOthersMin) {
  H a;
  H b;
  b.record(40);
  b.record(90);
  a.merge(b);
  EXPECT_EQ(a.min(), 40);
  EXPECT_EQ(a.max(), 90);
  EXPECT_EQ(a.percentile(0), 40);
}

TEST(LatencyHistogram, ResetForgetsEverything) {
  H h = one_to_thousand();
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.percentile(50), 0);
  for (std::size_t b = 0; b < H::kBucketCount; ++b) ASSERT_EQ(h.bucket_count(b), 0u) << b;
  // Neither extreme survives the reset.
  h.record(700);
  EXPECT_EQ(h.min(), 700);
  EXPECT_EQ(h.max(), 700);
}

}  // namespace
}  // namespace adrmon
