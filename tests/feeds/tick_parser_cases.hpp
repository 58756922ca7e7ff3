// The lines the TickParser tests feed: a good quote and fx line, edits of
// them, and one or more lines per reject reason with the reason expected
// (the first of docs/FORMATS.md's "Rejects" that applies). Shared by
// tick_parser_test.cpp and tick_parser_alloc_test.cpp; cold path.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "adrmon/core/reject.hpp"
#include "adrmon/feeds/line_framer.hpp"

namespace adrmon::parser_cases {

// A quote line with every field, edited per test by plain text replacement.
inline const std::string kQuote =
    R"({"type":"quote","ts":1763951400000000000,"venue":"US","sym":"BABA","bid":85.12,"ask":85.14,"bid_size":300,"ask_size":500,"seq":17})";
inline const std::string kFx =
    R"({"type":"fx","ts":1763951400000000001,"pair":"USDHKD","bid":7.7812,"ask":7.7815})";

// `text` with the first `from` replaced by `to` (the test fails if absent).
inline std::string edit(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in " << text;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// `text` without its final character (the closing brace).
inline std::string without_last(std::string text) {
  text.pop_back();
  return text;
}

// A line the parser accepts (Reject::None), named for the test list.
struct AcceptCase {
  const char* name;
  std::string line;
};

inline const AcceptCase kAcceptCases[] = {
    {"FxExactlyAtMin", edit(edit(kFx, "7.7812", "7.7"), "7.7815", "7.7")},
    {"FxExactlyAtMax", edit(edit(kFx, "7.7812", "7.9"), "7.7815", "7.9")},
    {"FxAtMinAndMax", edit(edit(kFx, "7.7812", "7.70"), "7.7815", "7.90")},
    {"ZeroSizes", edit(edit(kQuote, "\"bid_size\":300", "\"bid_size\":0"), "\"ask_size\":500",
                       "\"ask_size\":0.0")},
    {"WhitespaceAroundTheObject", " \t" + kQuote + " \t "},
    {"ModerateNestingInUnknownFields",
     edit(kQuote, "\"seq\":17",
          "\"seq\":17,\"x\":[[[[[[[[[[{\"a\":[[[[[[[[[[1]]]]]]]]]]}]]]]]]]]]]")},
    {"EscapedUnknownStrings", edit(kQuote, "\"seq\":17", R"("seq":17,"note":"a\"b\\c\u00e9\n")")},
    {"Utf8InUnknownStrings",
     edit(kQuote, "\"seq\":17", "\"seq\":17,\"name\":\"\xe9\x98\xbf\xe9\x87\x8c\"")},
};

struct RejectCase {
  const char* name;
  std::string line;
  Reject want;
};

inline std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

inline const std::vector<RejectCase> kRejectCases = [] {
  using enum Reject;
  // Edits of kQuote (q), of its ts (ts), with a field added after seq
  // (extra), and of kFx (f).
  const auto q = [](const std::string& from, const std::string& to) {
    return edit(kQuote, from, to);
  };
  const auto ts = [&](const std::string& to) { return q("1763951400000000000", to); };
  const auto extra = [&](const std::string& field) {
    return q("\"seq\":17", "\"seq\":17," + field);
  };
  const auto f = [](const std::string& from, const std::string& to) { return edit(kFx, from, to); };
  return std::vector<RejectCase>{
      // invalid_json: not one complete, valid object
      {"GarbageText", "hello world", InvalidJson},
      {"BinaryBytes", std::string("\x00\x01\xff\xfe{}\x7f", 7), InvalidJson},
      {"EmptyButNotBlank", "\x01", InvalidJson},
      {"TruncatedBeforeClosingBrace", without_last(kQuote), InvalidJson},
      {"TruncatedInOptionalNumber", without_last(kQuote) + ",\"seq\":1", InvalidJson},
      {"TruncatedInKey", without_last(kQuote) + ",\"se", InvalidJson},
      {"TruncatedAfterComma", without_last(kQuote) + ",", InvalidJson},
      {"TruncatedInStringOfUnknownField", without_last(kQuote) + ",\"note\":\"abc", InvalidJson},
      {"TruncatedInNestedUnknownField", without_last(kQuote) + ",\"x\":{\"a\":[1,2", InvalidJson},
      {"TruncatedFxAfterAllFields", without_last(kFx), InvalidJson},
      {"TrailingGarbage", kQuote + "x", InvalidJson},
      {"TrailingComma", without_last(kQuote) + ",}", InvalidJson},
      {"TrailingBracket", kQuote + "]", InvalidJson},
      {"TrailingNumber", kQuote + " 1", InvalidJson},
      {"TrailingQuote", kQuote + "\"", InvalidJson},
      {"TrailingNul", kQuote + std::string(1, '\0'), InvalidJson},
      {"TwoObjectsOnOneLine", kQuote + kQuote, InvalidJson},
      {"TwoObjectsSeparatedBySpace", kQuote + " " + kFx, InvalidJson},
      {"NaNLiteral", q("85.12", "NaN"), InvalidJson},
      {"InfinityLiteral", q("85.14", "Infinity"), InvalidJson},
      {"NegativeInfinityLiteral", q("85.14", "-Infinity"), InvalidJson},
      {"LeadingZeroNumber", q("85.12", "085.12"), InvalidJson},
      {"ArrayNotObject", "[1,2,3]", InvalidJson},
      {"ScalarNotObject", "42", InvalidJson},
      {"StringNotObject", "\"quote\"", InvalidJson},
      {"SingleQuotes", "{'type':'quote'}", InvalidJson},
      {"ByteOrderMarkInsideStream", "\xEF\xBB\xBF" + kQuote, InvalidJson},
      {"InvalidArrayInUnknownField", extra("\"x\":[1,2,]"), InvalidJson},
      {"InvalidLiteralInUnknownField", extra("\"x\":tru"), InvalidJson},
      {"InvalidNumberInUnknownField", extra("\"x\":01"), InvalidJson},
      {"MissingColonInUnknownObject", extra("\"x\":{\"a\" 1}"), InvalidJson},
      {"BadEscapeInUnknownString", extra("\"x\":\"\\q\""), InvalidJson},
      {"NestingDeeperThan32", extra("\"x\":" + nested(40)), InvalidJson},
      {"RawTabInsideString", extra("\"note\":\"a\tb\""), InvalidJson},
      {"RawControlCharInsideString", extra("\"note\":\"a\x01\""), InvalidJson},
      {"InvalidUtf8InsideString", extra("\"note\":\"\xff\xfe\""), InvalidJson},
      {"BadUnicodeEscape", extra("\"note\":\"\\u12\""), InvalidJson},
      {"LiteralWithTrailingLetters", extra("\"x\":truex"), InvalidJson},
      {"NumberWithTrailingLetters", q("85.12", "85.12abc"), InvalidJson},
      {"TsWithTrailingLetter", ts("1763951400000000000x"), InvalidJson},
      {"NumberWithPlusSign", q("85.12", "+85.12"), InvalidJson},
      {"NumberWithoutIntegerPart", q("85.12", ".5"), InvalidJson},
      {"NumberEndingInDot", q("85.14", "85."), InvalidJson},
      {"HexNumber", q("\"bid_size\":300", "\"bid_size\":0x10"), InvalidJson},
      {"LoneMinus", q("85.14", "-"), InvalidJson},
      {"UnquotedKey", q("\"seq\":17", "seq:17"), InvalidJson},
      {"MissingValue", q("\"seq\":17", "\"seq\":"), InvalidJson},
      {"UnclosedObjectInsideArray", extra("\"x\":[{]"), InvalidJson},
      {"MismatchedBrackets", extra("\"x\":[1}"), InvalidJson},
      {"InvalidJsonBeatsDuplicate", extra("\"seq\":18") + "x", InvalidJson},

      // duplicate_field
      {"DuplicateTs", extra("\"ts\":5"), DuplicateField},
      {"DuplicateFxBid", f("\"ask\"", "\"bid\":7.78,\"ask\""), DuplicateField},
      {"DuplicateBeatsWrongType", extra("\"bid\":\"x\""), DuplicateField},

      // wrong_type
      {"PriceAsString", q("85.12", "\"85.12\""), WrongType},
      {"PriceNull", q("85.14", "null"), WrongType},
      {"TsFloat", ts("1763951400000000000.0"), WrongType},
      {"TsExponent", ts("1.7e18"), WrongType},
      {"TsString", ts("\"1763951400000000000\""), WrongType},
      {"TypeNotString", q("\"quote\"", "1"), WrongType},
      {"SymAsNumber", q("\"BABA\"", "9988"), WrongType},
      {"VenueAsArray", q("\"US\"", "[\"US\"]"), WrongType},
      {"SizeAsBool", q("\"bid_size\":300", "\"bid_size\":true"), WrongType},
      {"SizeAsObject", q("\"ask_size\":500", "\"ask_size\":{\"n\":500}"), WrongType},
      {"SeqNegative", q("\"seq\":17", "\"seq\":-1"), WrongType},
      {"SeqFloat", q("\"seq\":17", "\"seq\":17.5"), WrongType},
      {"FxPairAsNumber", f("\"USDHKD\"", "7"), WrongType},
      {"WrongTypeBeatsMissing", R"({"ts":1,"bid":"x"})", WrongType},

      // missing_field
      {"EmptyObject", "{}", MissingField},
      {"NoType", q("\"type\":\"quote\",", ""), MissingField},
      {"QuoteWithoutAskSize", q(",\"ask_size\":500", ""), MissingField},
      {"QuoteWithoutVenue", q("\"venue\":\"US\",", ""), MissingField},
      {"QuoteWithoutSym", q("\"sym\":\"BABA\",", ""), MissingField},
      {"QuoteWithoutTs", q("\"ts\":1763951400000000000,", ""), MissingField},
      {"FxWithoutPair", f("\"pair\":\"USDHKD\",", ""), MissingField},
      {"FxWithoutAsk", f(",\"ask\":7.7815", ""), MissingField},
      {"MissingBeatsBadVenue", edit(q("\"US\"", "\"CN\""), ",\"bid_size\":300", ""), MissingField},

      // unknown_type
      {"TypeTrade", q("\"quote\"", "\"trade\""), UnknownType},
      {"TypeIsCaseSensitive", q("\"quote\"", "\"Quote\""), UnknownType},
      {"UnknownTypeBeatsMissingFields", R"({"type":"trade"})", UnknownType},

      // bad_venue
      {"VenueCN", q("\"US\"", "\"CN\""), BadVenue},
      {"VenueIsCaseSensitive", q("\"US\"", "\"us\""), BadVenue},
      {"BadVenueBeatsUnknownSymbol", edit(q("\"US\"", "\"CN\""), "BABA", "TSLA"), BadVenue},

      // unknown_symbol
      {"UnknownUsSymbol", q("BABA", "TSLA"), UnknownSymbol},
      {"HkCodeOnUsVenue", q("BABA", "9988"), UnknownSymbol},
      {"UsSymbolOnHkVenue", q("\"US\"", "\"HK\""), UnknownSymbol},
      {"UnknownHkCode", edit(q("\"US\"", "\"HK\""), "BABA", "0700"), UnknownSymbol},
      {"SymbolLongerThan16Bytes", q("BABA", "BABABABABABABABAB"), UnknownSymbol},
      {"UnknownFxPair", f("USDHKD", "USDCNH"), UnknownSymbol},
      {"UnknownSymbolBeatsBadTimestamp", edit(q("BABA", "TSLA"), "1763951400000000000", "0"),
       UnknownSymbol},

      // bad_timestamp
      {"TsZero", ts("0"), BadTimestamp},
      {"TsNegative", ts("-1"), BadTimestamp},
      {"TsBeyondInt64", ts("9223372036854775808"), BadTimestamp},
      {"FxTsZero", f("1763951400000000001", "0"), BadTimestamp},
      {"TsInSeconds", ts("1763951400"), BadTimestamp},
      {"TsInMilliseconds", ts("1763951400000"), BadTimestamp},
      {"TsInMicroseconds", ts("1763951400000000"), BadTimestamp},
      {"TsOne", ts("1"), BadTimestamp},
      {"TsJustBefore2000", ts("946684799999999999"), BadTimestamp},
      {"StatusTsInMilliseconds",
       R"({"type":"status","ts":1763951400000,"venue":"US","sym":"BABA","trading":false})",
       BadTimestamp},
      {"BadTimestampBeatsBadPrice", edit(ts("0"), "85.12", "0"), BadTimestamp},

      // bad_price
      {"BidZero", q("85.12", "0"), BadPrice},
      {"AskNegative", q("85.14", "-85.14"), BadPrice},
      {"BidNegativeZero", q("85.12", "-0.0"), BadPrice},
      {"PriceOverflows1e999", q("85.14", "1e999"), BadPrice},
      {"FxBidZero", f("7.7812", "0"), BadPrice},
      {"BadPriceBeatsBadSize", edit(q("85.12", "0"), "\"bid_size\":300", "\"bid_size\":-1"),
       BadPrice},

      // bad_size
      {"NegativeBidSize", q("\"bid_size\":300", "\"bid_size\":-1"), BadSize},
      {"NegativeAskSize", q("\"ask_size\":500", "\"ask_size\":-0.5"), BadSize},
      {"SizeOverflows1e999", q("\"ask_size\":500", "\"ask_size\":1e999"), BadSize},
      {"BadSizeBeatsCrossed", edit(q("85.12", "86"), "\"bid_size\":300", "\"bid_size\":-1"),
       BadSize},

      // crossed_quote
      {"BidAboveAsk", q("85.12", "85.15"), CrossedQuote},
      {"FxBidAboveAsk", f("7.7812", "7.7816"), CrossedQuote},
      {"CrossedBeatsFxOutOfBand", edit(f("7.7812", "7.96"), "7.7815", "7.95"), CrossedQuote},

      // fx_out_of_band
      {"FxBidJustBelowMin", f("7.7812", "7.6999"), FxOutOfBand},
      {"FxAskJustAboveMax", f("7.7815", "7.9001"), FxOutOfBand},
      {"FxBothBelowMin", edit(f("7.7812", "7.5"), "7.7815", "7.6"), FxOutOfBand},
      {"FxBothAboveMax", edit(f("7.7812", "7.95"), "7.7815", "7.96"), FxOutOfBand},

      // bad_price: a number beyond double, however it is spelled
      {"LongNumbersBeyondDoubleAreBadPrice",
       edit(q(R"(,"seq":17)", ""), "85.12", "1000000000000000000000000000e999"), BadPrice},
  };
}();

}  // namespace adrmon::parser_cases
