// Reject names and per-reason counters.
#include "adrmon/core/reject.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace adrmon {
namespace {

TEST(RejectName, EveryReasonHasItsDocumentedName) {
  EXPECT_EQ(reject_name(Reject::None), "accepted");
  EXPECT_EQ(reject_name(Reject::LineTooLong), "line_too_long");
  EXPECT_EQ(reject_name(Reject::InvalidJson), "invalid_json");
  EXPECT_EQ(reject_name(Reject::DuplicateField), "duplicate_field");
  EXPECT_EQ(reject_name(Reject::WrongType), "wrong_type");
  EXPECT_EQ(reject_name(Reject::MissingField), "missing_field");
  EXPECT_EQ(reject_name(Reject::UnknownType), "unknown_type");
  EXPECT_EQ(reject_name(Reject::BadVenue), "bad_venue");
  EXPECT_EQ(reject_name(Reject::UnknownSymbol), "unknown_symbol");
  EXPECT_EQ(reject_name(Reject::BadTimestamp), "bad_timestamp");
  EXPECT_EQ(reject_name(Reject::BadPrice), "bad_price");
  EXPECT_EQ(reject_name(Reject::BadSize), "bad_size");
  EXPECT_EQ(reject_name(Reject::CrossedQuote), "crossed_quote");
  EXPECT_EQ(reject_name(Reject::FxOutOfBand), "fx_out_of_band");
  EXPECT_EQ(reject_name(Reject::OutOfOrder), "out_of_order");
  EXPECT_EQ(static_cast<std::size_t>(Reject::OutOfOrder) + 1, kRejectReasonCount);
}

TEST(RejectCounts, CountsPerReasonAndTotalIgnoresAccepted) {
  RejectCounts c;
  c.add(Reject::BadPrice);
  c.add(Reject::BadPrice);
  c.add(Reject::OutOfOrder);
  c.add(Reject::None);
  EXPECT_EQ(c[Reject::BadPrice], 2u);
  EXPECT_EQ(c[Reject::OutOfOrder], 1u);
  EXPECT_EQ(c[Reject::InvalidJson], 0u);
  EXPECT_EQ(c.total(), 3u);
}

TEST(RejectCounts, PlusEqualsAddsEveryReason) {
  RejectCounts a;
  RejectCounts b;
  a.add(Reject::LineTooLong);
  b.add(Reject::LineTooLong);
  b.add(Reject::FxOutOfBand);
  a += b;
  EXPECT_EQ(a[Reject::LineTooLong], 2u);
  EXPECT_EQ(a[Reject::FxOutOfBand], 1u);
  EXPECT_EQ(a.total(), 3u);
}

}  // namespace
}  // namespace adrmon
