// TickParser: good quote and fx lines become Ticks; every bad line is refused
// with the first reason of docs/FORMATS.md ("Rejects") that applies.
#include "adrmon/feeds/tick_parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "test_config.hpp"
#include "tick_parser_cases.hpp"

namespace adrmon {
namespace {

using namespace parser_cases;

class TickParserTest : public ::testing::Test {
 protected:
  // Copies `line` into a buffer with kLinePadding zero bytes after it, as the
  // framer guarantees, and parses it.
  Reject parse(const std::string& line) {
    buffer_.assign(line);
    buffer_.append(kLinePadding, '\0');
    tick_ = Tick{};
    return parser_.parse(std::string_view(buffer_.data(), line.size()), tick_);
  }

  // The fields of a parsed line that its text determines.
  struct Want {
    std::int64_t ts_event;
    double bid, ask, bid_size, ask_size;
    InstrumentId instrument;
    TickKind kind;
    bool has_seq;
  };
  void expect_tick(const Want& w) const {
    EXPECT_EQ(tick_.ts_event, w.ts_event);
    EXPECT_EQ(tick_.bid, w.bid);
    EXPECT_EQ(tick_.ask, w.ask);
    EXPECT_EQ(tick_.bid_size, w.bid_size);
    EXPECT_EQ(tick_.ask_size, w.ask_size);
    EXPECT_EQ(tick_.instrument, w.instrument);
    EXPECT_EQ(tick_.kind, w.kind);
    EXPECT_EQ(tick_.has_seq(), w.has_seq);
  }

  Config config_ = test::feeds_config();
  TickParser parser_{config_};
  std::string buffer_;
  Tick tick_{};
};

// ---- accepted lines --------------------------------------------------------

TEST_F(TickParserTest, GoodUsQuote) {
  ASSERT_EQ(parse(kQuote), Reject::None);
  expect_tick(
      {1763951400000000000, 85.12, 85.14, 300.0, 500.0, adr_instrument(0), TickKind::Quote, true});
  EXPECT_EQ(tick_.ts_recv, 0);
  EXPECT_EQ(tick_.seq, 17u);
  EXPECT_EQ(tick_.source, 0);
}

TEST_F(TickParserTest, GoodHkQuoteMapsToTheHkInstrument) {
  ASSERT_EQ(parse(edit(edit(kQuote, "\"US\"", "\"HK\""), "\"BABA\"", "\"9618\"")), Reject::None);
  EXPECT_EQ(tick_.instrument, hk_instrument(1));
}

TEST_F(TickParserTest, ZeroPaddedHkCodeIsAccepted) {
  ASSERT_EQ(parse(edit(edit(kQuote, "\"US\"", "\"HK\""), "\"BABA\"", "\"09988\"")), Reject::None);
  EXPECT_EQ(tick_.instrument, hk_instrument(0));
  EXPECT_EQ(parser_.find_hk("009988"), hk_instrument(0));
}

TEST_F(TickParserTest, GoodFx) {
  ASSERT_EQ(parse(kFx), Reject::None);
  expect_tick({1763951400000000001, 7.7812, 7.7815, 0.0, 0.0, kFxInstrument, TickKind::Fx, false});
}

TEST_F(TickParserTest, SeqIsOptional) {
  ASSERT_EQ(parse(edit(kQuote, R"(,"seq":17)", "")), Reject::None);
  EXPECT_FALSE(tick_.has_seq());
  EXPECT_EQ(tick_.seq, kNoSeq);
}

TEST_F(TickParserTest, SeqZeroIsPresent) {
  ASSERT_EQ(parse(edit(kQuote, R"("seq":17)", R"("seq":0)")), Reject::None);
  EXPECT_TRUE(tick_.has_seq());
  EXPECT_EQ(tick_.seq, 0u);
}

TEST_F(TickParserTest, LockedQuoteBidEqualsAskIsAccepted) {
  ASSERT_EQ(parse(edit(kQuote, "\"ask\":85.14", "\"ask\":85.12")), Reject::None);
  EXPECT_EQ(tick_.bid, tick_.ask);
}

TEST_F(TickParserTest, IntegerAndExponentPricesAreNumbers) {
  ASSERT_EQ(parse(edit(edit(kQuote, "85.12", "85"), "85.14", "8.514e1")), Reject::None);
  EXPECT_EQ(tick_.bid, 85.0);
  EXPECT_EQ(tick_.ask, 85.14);
}

TEST_F(TickParserTest, FieldsInAnyOrderWithWhitespace) {
  ASSERT_EQ(
      parse(
          R"( { "ask" : 85.14 , "sym" : "BABA", "bid":85.12,"venue":"US","ask_size":500,"bid_size":300,"ts":1763951400000000005,"type":"quote" } )"),
      Reject::None);
  EXPECT_EQ(tick_.ts_event, 1763951400000000005);
  EXPECT_EQ(tick_.bid, 85.12);
}

TEST_F(TickParserTest, UnknownFieldsAreIgnoredIncludingNestedOnes) {
  ASSERT_EQ(
      parse(edit(
          kQuote, R"("seq":17)",
          R"("seq":17,"note":"x","cond":["a",{"b":[1,2.5e3,null,true,false]}],"meta":{"venue":"CN","bid":"n/a","x":{}},"flag":null,"n":-0.5)")),
      Reject::None);
  EXPECT_EQ(tick_.bid, 85.12);  // the nested "bid" is not the quote's
  EXPECT_EQ(tick_.instrument, adr_instrument(0));
}

TEST_F(TickParserTest, LongZeroPaddedHkCodeIsAccepted) {
  ASSERT_EQ(parse(edit(edit(kQuote, "\"US\"", "\"HK\""), "\"BABA\"", "\"0000009988\"")),
            Reject::None);
  EXPECT_EQ(tick_.instrument, hk_instrument(0));
}

TEST_F(TickParserTest, TimestampAtInt64MaxIsAccepted) {
  ASSERT_EQ(parse(edit(kQuote, "1763951400000000000", "9223372036854775807")), Reject::None);
  EXPECT_EQ(tick_.ts_event, INT64_MAX);
}

TEST_F(TickParserTest, TimestampAt2000IsAcceptedAndTheRejectedOnesAreKept) {
  ASSERT_EQ(parse(edit(kQuote, "1763951400000000000", "946684800000000000")), Reject::None);
  EXPECT_EQ(tick_.ts_event, kMinTsEvent);
  ASSERT_EQ(parse(edit(kQuote, "1763951400000000000", "1763951400000")), Reject::BadTimestamp);
  EXPECT_EQ(parser_.rejected_ts(), 1763951400000);
  ASSERT_EQ(parse(edit(edit(kQuote, "\"US\"", "\"HK\""), "BABA", "09988.HK")),
            Reject::UnknownSymbol);
  EXPECT_EQ(parser_.rejected_symbol(), "09988.HK");
}

TEST(TickParserAliases, VendorSymbolsParseToTheSameInstruments) {
  Config config = test::feeds_config();
  config.aliases.us.push_back({"BABA US", "BABA"});
  config.aliases.hk.push_back({"09988.HK", "9988"});
  config.aliases.fx.push_back({"USD/HKD", "USDHKD"});
  TickParser parser(config);
  auto parse = [&](const std::string& line, Tick& t) {
    std::string buffer = line + std::string(kLinePadding, ' ');
    return parser.parse(std::string_view(buffer.data(), line.size()), t);
  };
  Tick vendor{}, canonical{};
  ASSERT_EQ(parse(edit(kQuote, "\"BABA\"", "\"BABA US\""), vendor), Reject::None);
  ASSERT_EQ(parse(kQuote, canonical), Reject::None);
  EXPECT_EQ(vendor.instrument, canonical.instrument);
  const std::string hk = edit(kQuote, "\"US\"", "\"HK\"");
  ASSERT_EQ(parse(edit(hk, "\"BABA\"", "\"09988.HK\""), vendor), Reject::None);
  EXPECT_EQ(vendor.instrument, hk_instrument(0));
  ASSERT_EQ(parse(edit(kFx, "USDHKD", "USD/HKD"), vendor), Reject::None);
  ASSERT_EQ(parse(kFx, canonical), Reject::None);
  EXPECT_EQ(vendor.instrument, canonical.instrument);
  EXPECT_EQ(parse(edit(kQuote, "\"BABA\"", "\"JD US\""), vendor), Reject::UnknownSymbol);
}

TEST_F(TickParserTest, GoodLineAfterRejectedOnesParses) {
  EXPECT_EQ(parse("{\"type\":"), Reject::InvalidJson);
  EXPECT_EQ(parse(edit(kQuote, "85.12", "\"x\"")), Reject::WrongType);
  ASSERT_EQ(parse(kQuote), Reject::None);
  EXPECT_EQ(tick_.bid, 85.12);
}

TEST_F(TickParserTest, LineOfMaxBytesIsParsedLongerIsTooLong) {
  // Pad with an unknown string field up to the exact size.
  const std::string head = without_last(kQuote) + R"(,"pad":")";
  std::string at_limit = head + std::string(kMaxLineBytes - head.size() - 2, 'p') + "\"}";
  ASSERT_EQ(at_limit.size(), kMaxLineBytes);
  EXPECT_EQ(parse(at_limit), Reject::None);
  std::string over = head + std::string(kMaxLineBytes - head.size() - 1, 'p') + "\"}";
  ASSERT_EQ(over.size(), kMaxLineBytes + 1);
  EXPECT_EQ(parse(over), Reject::LineTooLong);
}

// ---- more accepted lines -------------------------------------------------

class TickParserAccepts : public TickParserTest,
                          public ::testing::WithParamInterface<AcceptCase> {};

TEST_P(TickParserAccepts, Accepts) {
  EXPECT_EQ(reject_name(parse(GetParam().line)), reject_name(Reject::None)) << GetParam().line;
}

INSTANTIATE_TEST_SUITE_P(Lines, TickParserAccepts, ::testing::ValuesIn(kAcceptCases),
                         [](const ::testing::TestParamInfo<AcceptCase>& p) {
                           return std::string(p.param.name);
                         });

// ---- one line per reject reason, and more per class ------------------------

class TickParserRejects : public TickParserTest,
                          public ::testing::WithParamInterface<RejectCase> {};

TEST_P(TickParserRejects, RefusesWithTheFirstApplicableReason) {
  const RejectCase& c = GetParam();
  EXPECT_EQ(reject_name(parse(c.line)), reject_name(c.want)) << c.line;
}

INSTANTIATE_TEST_SUITE_P(AllReasons, TickParserRejects, ::testing::ValuesIn(kRejectCases),
                         [](const ::testing::TestParamInfo<RejectCase>& p) {
                           return std::string(p.param.name);
                         });

// Every reason the parser can return (all but out_of_order, which needs the
// instrument's history and is the engine's) appears in the cases above.
TEST(TickParserRejectCoverage, EveryLineReasonHasACase) {
  bool seen[kRejectReasonCount] = {};
  // LineOfMaxBytesIsParsedLongerIsTooLong covers line_too_long.
  seen[static_cast<std::size_t>(Reject::LineTooLong)] = true;
  for (const RejectCase& c : kRejectCases) seen[static_cast<std::size_t>(c.want)] = true;
  for (std::size_t r = 1; r < kRejectReasonCount; ++r) {
    if (static_cast<Reject>(r) == Reject::OutOfOrder) continue;
    EXPECT_TRUE(seen[r]) << reject_name(static_cast<Reject>(r));
  }
}

// Debian's simdjson 3.0.1 misreads some decimals with more than 19 significant
// digits (0.6666669223372036854775808666665 came back as 2.04e-13); the
// parser reads long numbers exactly itself. Found by fuzz_tick_parser.
TEST_F(TickParserTest, LongDecimalsAreReadExactly) {
  const std::string line =
      edit(edit(edit(kQuote, R"(,"seq":17)", ""), "85.12", "85.12000000000000000000001"),
           "\"bid_size\":300", "\"bid_size\":0.6666669223372036854775808666665");
  ASSERT_EQ(parse(line), Reject::None);
  EXPECT_EQ(tick_.bid, 85.12);
  EXPECT_EQ(tick_.bid_size, 0.6666669223372036854775808666665);
}

}  // namespace
}  // namespace adrmon
