// TickParser: good quote and fx lines become Ticks; every bad line is refused
// with the first reason of docs/FORMATS.md ("Rejects") that applies.
#include "adrmon/feeds/tick_parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "test_config.hpp"

namespace adrmon {
namespace {

// A quote line with every field, edited per test by plain text replacement.
const std::string kQuote =
    R"({"type":"quote","ts":1763951400000000000,"venue":"US","sym":"BABA","bid":85.12,"ask":85.14,"bid_size":300,"ask_size":500,"seq":17})";
const std::string kFx =
    R"({"type":"fx","ts":1763951400000000001,"pair":"USDHKD","bid":7.7812,"ask":7.7815})";

// `text` with the first `from` replaced by `to` (the test fails if absent).
std::string edit(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in " << text;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// `text` without its final character (the closing brace).
std::string without_last(std::string text) {
  text.pop_back();
  return text;
}

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

  Config config_ = test::feeds_config();
  TickParser parser_{config_};
  std::string buffer_;
  Tick tick_{};
};

// ---- accepted lines --------------------------------------------------------

TEST_F(TickParserTest, GoodUsQuote) {
  ASSERT_EQ(parse(kQuote), Reject::None);
  EXPECT_EQ(tick_.ts_event, 1763951400000000000);
  EXPECT_EQ(tick_.ts_recv, 0);
  EXPECT_EQ(tick_.bid, 85.12);
  EXPECT_EQ(tick_.ask, 85.14);
  EXPECT_EQ(tick_.bid_size, 300.0);
  EXPECT_EQ(tick_.ask_size, 500.0);
  EXPECT_EQ(tick_.seq, 17u);
  EXPECT_TRUE(tick_.has_seq());
  EXPECT_EQ(tick_.instrument, adr_instrument(0));
  EXPECT_EQ(tick_.kind, TickKind::Quote);
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
  EXPECT_EQ(tick_.ts_event, 1763951400000000001);
  EXPECT_EQ(tick_.bid, 7.7812);
  EXPECT_EQ(tick_.ask, 7.7815);
  EXPECT_EQ(tick_.bid_size, 0.0);
  EXPECT_EQ(tick_.ask_size, 0.0);
  EXPECT_FALSE(tick_.has_seq());
  EXPECT_EQ(tick_.instrument, kFxInstrument);
  EXPECT_EQ(tick_.kind, TickKind::Fx);
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

TEST_F(TickParserTest, FxExactlyAtMinAndMaxIsAccepted) {
  EXPECT_EQ(parse(edit(edit(kFx, "7.7812", "7.70"), "7.7815", "7.90")), Reject::None);
  EXPECT_EQ(parse(edit(edit(kFx, "7.7812", "7.7"), "7.7815", "7.7")), Reject::None);
  EXPECT_EQ(parse(edit(edit(kFx, "7.7812", "7.9"), "7.7815", "7.9")), Reject::None);
}

TEST_F(TickParserTest, ZeroSizesAreAccepted) {
  EXPECT_EQ(parse(edit(edit(kQuote, "\"bid_size\":300", "\"bid_size\":0"), "\"ask_size\":500",
                       "\"ask_size\":0.0")),
            Reject::None);
}

TEST_F(TickParserTest, IntegerAndExponentPricesAreNumbers) {
  ASSERT_EQ(parse(edit(edit(kQuote, "85.12", "85"), "85.14", "8.514e1")), Reject::None);
  EXPECT_EQ(tick_.bid, 85.0);
  EXPECT_EQ(tick_.ask, 85.14);
}

TEST_F(TickParserTest, FieldsInAnyOrderWithWhitespace) {
  ASSERT_EQ(
      parse(
          R"( { "ask" : 85.14 , "sym" : "BABA", "bid":85.12,"venue":"US","ask_size":500,"bid_size":300,"ts":5,"type":"quote" } )"),
      Reject::None);
  EXPECT_EQ(tick_.ts_event, 5);
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

TEST_F(TickParserTest, WhitespaceAroundTheObjectIsAccepted) {
  EXPECT_EQ(parse(" \t" + kQuote + " \t "), Reject::None);
}

TEST_F(TickParserTest, ModerateNestingInUnknownFieldsIsAccepted) {
  EXPECT_EQ(parse(edit(kQuote, "\"seq\":17",
                       "\"seq\":17,\"x\":[[[[[[[[[[{\"a\":[[[[[[[[[[1]]]]]]]]]]}]]]]]]]]]]")),
            Reject::None);
}

TEST_F(TickParserTest, EscapedUnknownStringsAreAccepted) {
  EXPECT_EQ(parse(edit(kQuote, "\"seq\":17", R"("seq":17,"note":"a\"b\\c\u00e9\n")")),
            Reject::None);
}

TEST_F(TickParserTest, Utf8InUnknownStringsIsAccepted) {
  EXPECT_EQ(parse(edit(kQuote, "\"seq\":17", "\"seq\":17,\"name\":\"\xe9\x98\xbf\xe9\x87\x8c\"")),
            Reject::None);
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

// ---- one line per reject reason, and more per class ------------------------

struct RejectCase {
  const char* name;
  std::string line;
  Reject want;
};

class TickParserRejects : public TickParserTest,
                          public ::testing::WithParamInterface<RejectCase> {};

TEST_P(TickParserRejects, RefusesWithTheFirstApplicableReason) {
  const RejectCase& c = GetParam();
  EXPECT_EQ(reject_name(parse(c.line)), reject_name(c.want)) << c.line;
}

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

const RejectCase kRejectCases[] = {
    // invalid_json: not one complete, valid object
    {"GarbageText", "hello world", Reject::InvalidJson},
    {"BinaryBytes", std::string("\x00\x01\xff\xfe{}\x7f", 7), Reject::InvalidJson},
    {"EmptyButNotBlank", "\x01", Reject::InvalidJson},
    {"TruncatedBeforeClosingBrace", without_last(kQuote), Reject::InvalidJson},
    {"TruncatedInOptionalNumber", without_last(kQuote) + ",\"seq\":1", Reject::InvalidJson},
    {"TruncatedInKey", without_last(kQuote) + ",\"se", Reject::InvalidJson},
    {"TruncatedAfterComma", without_last(kQuote) + ",", Reject::InvalidJson},
    {"TruncatedInStringOfUnknownField", without_last(kQuote) + ",\"note\":\"abc",
     Reject::InvalidJson},
    {"TruncatedInNestedUnknownField", without_last(kQuote) + ",\"x\":{\"a\":[1,2",
     Reject::InvalidJson},
    {"TruncatedFxAfterAllFields", without_last(kFx), Reject::InvalidJson},
    {"TrailingGarbage", kQuote + "x", Reject::InvalidJson},
    {"TrailingComma", without_last(kQuote) + ",}", Reject::InvalidJson},
    {"TrailingBracket", kQuote + "]", Reject::InvalidJson},
    {"TrailingNumber", kQuote + " 1", Reject::InvalidJson},
    {"TrailingQuote", kQuote + "\"", Reject::InvalidJson},
    {"TrailingNul", kQuote + std::string(1, '\0'), Reject::InvalidJson},
    {"TwoObjectsOnOneLine", kQuote + kQuote, Reject::InvalidJson},
    {"TwoObjectsSeparatedBySpace", kQuote + " " + kFx, Reject::InvalidJson},
    {"NaNLiteral", edit(kQuote, "85.12", "NaN"), Reject::InvalidJson},
    {"InfinityLiteral", edit(kQuote, "85.14", "Infinity"), Reject::InvalidJson},
    {"NegativeInfinityLiteral", edit(kQuote, "85.14", "-Infinity"), Reject::InvalidJson},
    {"LeadingZeroNumber", edit(kQuote, "85.12", "085.12"), Reject::InvalidJson},
    {"ArrayNotObject", "[1,2,3]", Reject::InvalidJson},
    {"ScalarNotObject", "42", Reject::InvalidJson},
    {"StringNotObject", "\"quote\"", Reject::InvalidJson},
    {"SingleQuotes", "{'type':'quote'}", Reject::InvalidJson},
    {"ByteOrderMarkInsideStream", "\xEF\xBB\xBF" + kQuote, Reject::InvalidJson},
    {"InvalidArrayInUnknownField", edit(kQuote, "\"seq\":17", "\"seq\":17,\"x\":[1,2,]"),
     Reject::InvalidJson},
    {"InvalidLiteralInUnknownField", edit(kQuote, "\"seq\":17", "\"seq\":17,\"x\":tru"),
     Reject::InvalidJson},
    {"InvalidNumberInUnknownField", edit(kQuote, "\"seq\":17", "\"seq\":17,\"x\":01"),
     Reject::InvalidJson},
    {"MissingColonInUnknownObject", edit(kQuote, "\"seq\":17", "\"seq\":17,\"x\":{\"a\" 1}"),
     Reject::InvalidJson},
    {"BadEscapeInUnknownString", edit(kQuote, "\"seq\":17", "\"seq\":17,\"x\":\"\\q\""),
     Reject::InvalidJson},
    {"NestingDeeperThan32", edit(kQuote, "\"seq\":17", "\"seq\":17,\"x\":" + nested(40)),
     Reject::InvalidJson},
    {"RawTabInsideString", edit(kQuote, "\"seq\":17", "\"seq\":17,\"note\":\"a\tb\""),
     Reject::InvalidJson},
    {"RawControlCharInsideString", edit(kQuote, "\"seq\":17", "\"seq\":17,\"note\":\"a\x01\""),
     Reject::InvalidJson},
    {"InvalidUtf8InsideString", edit(kQuote, "\"seq\":17", "\"seq\":17,\"note\":\"\xff\xfe\""),
     Reject::InvalidJson},
    {"BadUnicodeEscape", edit(kQuote, "\"seq\":17", "\"seq\":17,\"note\":\"\\u12\""),
     Reject::InvalidJson},
    {"LiteralWithTrailingLetters", edit(kQuote, "\"seq\":17", "\"seq\":17,\"x\":truex"),
     Reject::InvalidJson},
    {"NumberWithTrailingLetters", edit(kQuote, "85.12", "85.12abc"), Reject::InvalidJson},
    {"TsWithTrailingLetter", edit(kQuote, "1763951400000000000", "1763951400000000000x"),
     Reject::InvalidJson},
    {"NumberWithPlusSign", edit(kQuote, "85.12", "+85.12"), Reject::InvalidJson},
    {"NumberWithoutIntegerPart", edit(kQuote, "85.12", ".5"), Reject::InvalidJson},
    {"NumberEndingInDot", edit(kQuote, "85.14", "85."), Reject::InvalidJson},
    {"HexNumber", edit(kQuote, "\"bid_size\":300", "\"bid_size\":0x10"), Reject::InvalidJson},
    {"LoneMinus", edit(kQuote, "85.14", "-"), Reject::InvalidJson},
    {"UnquotedKey", edit(kQuote, "\"seq\":17", "seq:17"), Reject::InvalidJson},
    {"MissingValue", edit(kQuote, "\"seq\":17", "\"seq\":"), Reject::InvalidJson},
    {"UnclosedObjectInsideArray", edit(kQuote, "\"seq\":17", "\"seq\":17,\"x\":[{]"),
     Reject::InvalidJson},
    {"MismatchedBrackets", edit(kQuote, "\"seq\":17", "\"seq\":17,\"x\":[1}"), Reject::InvalidJson},
    {"InvalidJsonBeatsDuplicate", edit(kQuote, "\"seq\":17", "\"seq\":17,\"seq\":18") + "x",
     Reject::InvalidJson},

    // duplicate_field
    {"DuplicateTs", edit(kQuote, "\"seq\":17", "\"seq\":17,\"ts\":5"), Reject::DuplicateField},
    {"DuplicateFxBid", edit(kFx, "\"ask\"", "\"bid\":7.78,\"ask\""), Reject::DuplicateField},
    {"DuplicateBeatsWrongType", edit(kQuote, "\"seq\":17", "\"seq\":17,\"bid\":\"x\""),
     Reject::DuplicateField},

    // wrong_type
    {"PriceAsString", edit(kQuote, "85.12", "\"85.12\""), Reject::WrongType},
    {"PriceNull", edit(kQuote, "85.14", "null"), Reject::WrongType},
    {"TsFloat", edit(kQuote, "1763951400000000000", "1763951400000000000.0"), Reject::WrongType},
    {"TsExponent", edit(kQuote, "1763951400000000000", "1.7e18"), Reject::WrongType},
    {"TsString", edit(kQuote, "1763951400000000000", "\"1763951400000000000\""), Reject::WrongType},
    {"TypeNotString", edit(kQuote, "\"quote\"", "1"), Reject::WrongType},
    {"SymAsNumber", edit(kQuote, "\"BABA\"", "9988"), Reject::WrongType},
    {"VenueAsArray", edit(kQuote, "\"US\"", "[\"US\"]"), Reject::WrongType},
    {"SizeAsBool", edit(kQuote, "\"bid_size\":300", "\"bid_size\":true"), Reject::WrongType},
    {"SizeAsObject", edit(kQuote, "\"ask_size\":500", "\"ask_size\":{\"n\":500}"),
     Reject::WrongType},
    {"SeqNegative", edit(kQuote, "\"seq\":17", "\"seq\":-1"), Reject::WrongType},
    {"SeqFloat", edit(kQuote, "\"seq\":17", "\"seq\":17.5"), Reject::WrongType},
    {"FxPairAsNumber", edit(kFx, "\"USDHKD\"", "7"), Reject::WrongType},
    {"WrongTypeBeatsMissing", R"({"ts":1,"bid":"x"})", Reject::WrongType},

    // missing_field
    {"EmptyObject", "{}", Reject::MissingField},
    {"NoType", edit(kQuote, "\"type\":\"quote\",", ""), Reject::MissingField},
    {"QuoteWithoutAskSize", edit(kQuote, ",\"ask_size\":500", ""), Reject::MissingField},
    {"QuoteWithoutVenue", edit(kQuote, "\"venue\":\"US\",", ""), Reject::MissingField},
    {"QuoteWithoutSym", edit(kQuote, "\"sym\":\"BABA\",", ""), Reject::MissingField},
    {"QuoteWithoutTs", edit(kQuote, "\"ts\":1763951400000000000,", ""), Reject::MissingField},
    {"FxWithoutPair", edit(kFx, "\"pair\":\"USDHKD\",", ""), Reject::MissingField},
    {"FxWithoutAsk", edit(kFx, ",\"ask\":7.7815", ""), Reject::MissingField},
    {"MissingBeatsBadVenue", edit(edit(kQuote, "\"US\"", "\"CN\""), ",\"bid_size\":300", ""),
     Reject::MissingField},

    // unknown_type
    {"TypeTrade", edit(kQuote, "\"quote\"", "\"trade\""), Reject::UnknownType},
    {"TypeIsCaseSensitive", edit(kQuote, "\"quote\"", "\"Quote\""), Reject::UnknownType},
    {"UnknownTypeBeatsMissingFields", R"({"type":"trade"})", Reject::UnknownType},

    // bad_venue
    {"VenueCN", edit(kQuote, "\"US\"", "\"CN\""), Reject::BadVenue},
    {"VenueIsCaseSensitive", edit(kQuote, "\"US\"", "\"us\""), Reject::BadVenue},
    {"BadVenueBeatsUnknownSymbol", edit(edit(kQuote, "\"US\"", "\"CN\""), "BABA", "TSLA"),
     Reject::BadVenue},

    // unknown_symbol
    {"UnknownUsSymbol", edit(kQuote, "BABA", "TSLA"), Reject::UnknownSymbol},
    {"HkCodeOnUsVenue", edit(kQuote, "BABA", "9988"), Reject::UnknownSymbol},
    {"UsSymbolOnHkVenue", edit(kQuote, "\"US\"", "\"HK\""), Reject::UnknownSymbol},
    {"UnknownHkCode", edit(edit(kQuote, "\"US\"", "\"HK\""), "BABA", "0700"),
     Reject::UnknownSymbol},
    {"SymbolLongerThan16Bytes", edit(kQuote, "BABA", "BABABABABABABABAB"), Reject::UnknownSymbol},
    {"UnknownFxPair", edit(kFx, "USDHKD", "USDCNH"), Reject::UnknownSymbol},
    {"UnknownSymbolBeatsBadTimestamp",
     edit(edit(kQuote, "BABA", "TSLA"), "1763951400000000000", "0"), Reject::UnknownSymbol},

    // bad_timestamp
    {"TsZero", edit(kQuote, "1763951400000000000", "0"), Reject::BadTimestamp},
    {"TsNegative", edit(kQuote, "1763951400000000000", "-1"), Reject::BadTimestamp},
    {"TsBeyondInt64", edit(kQuote, "1763951400000000000", "9223372036854775808"),
     Reject::BadTimestamp},
    {"FxTsZero", edit(kFx, "1763951400000000001", "0"), Reject::BadTimestamp},
    {"BadTimestampBeatsBadPrice", edit(edit(kQuote, "1763951400000000000", "0"), "85.12", "0"),
     Reject::BadTimestamp},

    // bad_price
    {"BidZero", edit(kQuote, "85.12", "0"), Reject::BadPrice},
    {"AskNegative", edit(kQuote, "85.14", "-85.14"), Reject::BadPrice},
    {"BidNegativeZero", edit(kQuote, "85.12", "-0.0"), Reject::BadPrice},
    {"PriceOverflows1e999", edit(kQuote, "85.14", "1e999"), Reject::BadPrice},
    {"FxBidZero", edit(kFx, "7.7812", "0"), Reject::BadPrice},
    {"BadPriceBeatsBadSize",
     edit(edit(kQuote, "85.12", "0"), "\"bid_size\":300", "\"bid_size\":-1"), Reject::BadPrice},

    // bad_size
    {"NegativeBidSize", edit(kQuote, "\"bid_size\":300", "\"bid_size\":-1"), Reject::BadSize},
    {"NegativeAskSize", edit(kQuote, "\"ask_size\":500", "\"ask_size\":-0.5"), Reject::BadSize},
    {"SizeOverflows1e999", edit(kQuote, "\"ask_size\":500", "\"ask_size\":1e999"), Reject::BadSize},
    {"BadSizeBeatsCrossed",
     edit(edit(kQuote, "85.12", "86"), "\"bid_size\":300", "\"bid_size\":-1"), Reject::BadSize},

    // crossed_quote
    {"BidAboveAsk", edit(kQuote, "85.12", "85.15"), Reject::CrossedQuote},
    {"FxBidAboveAsk", edit(kFx, "7.7812", "7.7816"), Reject::CrossedQuote},
    {"CrossedBeatsFxOutOfBand", edit(edit(kFx, "7.7812", "7.96"), "7.7815", "7.95"),
     Reject::CrossedQuote},

    // fx_out_of_band
    {"FxBidJustBelowMin", edit(kFx, "7.7812", "7.6999"), Reject::FxOutOfBand},
    {"FxAskJustAboveMax", edit(kFx, "7.7815", "7.9001"), Reject::FxOutOfBand},
    {"FxBothBelowMin", edit(edit(kFx, "7.7812", "7.5"), "7.7815", "7.6"), Reject::FxOutOfBand},
    {"FxBothAboveMax", edit(edit(kFx, "7.7812", "7.95"), "7.7815", "7.96"), Reject::FxOutOfBand},
};

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

}  // namespace
}  // namespace adrmon

namespace adrmon {
namespace {

// Debian's simdjson 3.0.1 misreads some decimals with more than 19 significant
// digits (0.6666669223372036854775808666665 came back as 2.04e-13); the
// parser reads long numbers exactly itself. Found by fuzz_tick_parser.
TEST_F(TickParserTest, LongDecimalsAreReadExactly) {
  ASSERT_EQ(
      parse(
          R"({"type":"quote","ts":1763951400000000000,"venue":"US","sym":"BABA","bid":85.12000000000000000000001,"ask":85.14,"bid_size":0.6666669223372036854775808666665,"ask_size":500})"),
      Reject::None);
  EXPECT_EQ(tick_.bid, 85.12);
  EXPECT_EQ(tick_.bid_size, 0.6666669223372036854775808666665);
}

TEST_F(TickParserTest, LongNumbersBeyondDoubleAreBadPrice) {
  EXPECT_EQ(
      parse(
          R"({"type":"quote","ts":1763951400000000000,"venue":"US","sym":"BABA","bid":1000000000000000000000000000e999,"ask":85.14,"bid_size":300,"ask_size":500})"),
      Reject::BadPrice);
}

}  // namespace
}  // namespace adrmon
