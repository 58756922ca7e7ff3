// SeqTracker: per venue (US, HK, FX) a seq should rise by one; forward jumps
// count a gap and the numbers skipped, a seq at or below the last counts a
// duplicate. Ticks go on either way; nothing here patches them.
#include <gtest/gtest.h>

#include <cstdint>

#include "adrmon/core/instrument.hpp"
#include "adrmon/feeds/source.hpp"

namespace adrmon {
namespace {

Tick with_seq(InstrumentId instrument, std::uint64_t seq) {
  Tick t{};
  t.instrument = static_cast<std::uint16_t>(instrument);
  t.seq = seq;
  return t;
}

class SeqTrackerTest : public ::testing::Test {
 protected:
  void feed(InstrumentId instrument, std::initializer_list<std::uint64_t> seqs) {
    for (const std::uint64_t s : seqs) tracker_.observe(with_seq(instrument, s), stats_);
  }
  void expect(std::uint64_t gaps, std::uint64_t missing, std::uint64_t duplicates) {
    EXPECT_EQ(stats_.seq_gaps.get(), gaps);
    EXPECT_EQ(stats_.seq_missing.get(), missing);
    EXPECT_EQ(stats_.seq_duplicates.get(), duplicates);
  }

  SeqTracker tracker_;
  SourceStats stats_;
};

TEST_F(SeqTrackerTest, ConsecutiveSeqsCountNothing) {
  feed(adr_instrument(0), {17, 18, 19, 20});
  expect(0, 0, 0);
}

TEST_F(SeqTrackerTest, FirstSeqOfAVenueOnlySetsItsStart) {
  feed(adr_instrument(0), {1000});
  expect(0, 0, 0);
  feed(adr_instrument(0), {1001});
  expect(0, 0, 0);
}

TEST_F(SeqTrackerTest, AForwardJumpIsOneGapWithTheSkippedCount) {
  feed(adr_instrument(0), {1, 2, 5});  // 3 and 4 missing
  expect(1, 2, 0);
  feed(adr_instrument(0), {6, 16});  // 7..15 missing
  expect(2, 11, 0);
}

TEST_F(SeqTrackerTest, RepeatedOrLowerSeqIsADuplicateAndKeepsTheHighest) {
  feed(adr_instrument(0), {5, 5, 3});
  expect(0, 0, 2);
  feed(adr_instrument(0), {6});  // still follows 5: no gap
  expect(0, 0, 2);
}

TEST_F(SeqTrackerTest, EachVenueIsItsOwnStream) {
  // US (both ADRs), HK (both codes) and FX interleaved, each consecutive.
  feed(adr_instrument(0), {1});
  feed(hk_instrument(0), {500});
  feed(kFxInstrument, {70});
  feed(adr_instrument(1), {2});
  feed(hk_instrument(1), {501});
  feed(kFxInstrument, {71});
  expect(0, 0, 0);
  feed(hk_instrument(0), {510});  // HK jumps; US and FX unaffected
  feed(adr_instrument(0), {3});
  feed(kFxInstrument, {72});
  expect(1, 8, 0);
  feed(kFxInstrument, {72});
  expect(1, 8, 1);
}

TEST_F(SeqTrackerTest, TicksWithoutSeqAreIgnored) {
  feed(adr_instrument(0), {1, kNoSeq, 2, kNoSeq});
  expect(0, 0, 0);
  SeqTracker fresh;
  fresh.observe(with_seq(hk_instrument(0), kNoSeq), stats_);
  fresh.observe(with_seq(hk_instrument(0), 9), stats_);  // the first seq seen, not a gap
  expect(0, 0, 0);
}

}  // namespace
}  // namespace adrmon
