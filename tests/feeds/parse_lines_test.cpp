// TickParser::parse_lines gives every line what parse() gives it, whatever
// the lines around it: each good and bad case of tick_parser_cases.hpp among
// good lines, with LF, CRLF, blank lines and indentation between them, a line
// longer than a run, random sequences of truncated and damaged lines over
// many runs. Lines come from a real LineFramer, as TickFileReader takes them.
// The verdicts are compared with a second parser's parse(), and
// streamed_lines() shows the stream really carried the good ones.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "adrmon/feeds/line_framer.hpp"
#include "adrmon/feeds/tick_parser.hpp"
#include "allocation_counter.hpp"
#include "test_config.hpp"
#include "tick_parser_cases.hpp"

namespace adrmon {
namespace {

using namespace parser_cases;

// Frames `text` in one read, as TickFileReader does between two reads.
class Framed {
 public:
  explicit Framed(const std::string& text) : framer_(text.size() + 1) {
    const std::span<char> area = framer_.write_area();
    std::memcpy(area.data(), text.data(), text.size());
    framer_.commit(text.size());
    framer_.drain([this](std::string_view l) { lines.push_back(l); },
                  [] { ADD_FAILURE() << "no line here is too long"; });
    std::string_view last;
    if (framer_.flush(last) == LineFramer::Status::Line) lines.push_back(last);
  }
  std::vector<std::string_view> lines;

 private:
  LineFramer framer_;
};

struct Verdicts {
  std::vector<ParsedLine> got;
  std::uint64_t streamed = 0;
};

// parse_lines over every line at once, each checked against parse() by a
// parser of its own.
Verdicts expect_same_as_parse(const std::vector<std::string_view>& lines,
                              const std::string& context) {
  const Config config = test::feeds_config();
  TickParser batch(config);
  TickParser single(config);
  Verdicts v;
  v.got.resize(lines.size());
  batch.parse_lines(lines, v.got.data());
  v.streamed = batch.streamed_lines();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Tick want{};
    const Reject r = single.parse(lines[i], want);
    const ParsedLine& g = v.got[i];
    EXPECT_EQ(reject_name(g.reject), reject_name(r))
        << context << ": line " << i << ": " << lines[i];
    if (r == Reject::None && g.reject == Reject::None) {
      EXPECT_EQ(g.tick.ts_event, want.ts_event) << lines[i];
      EXPECT_EQ(std::memcmp(&g.tick.bid, &want.bid, sizeof want.bid), 0) << lines[i];
      EXPECT_EQ(std::memcmp(&g.tick.ask, &want.ask, sizeof want.ask), 0) << lines[i];
      EXPECT_EQ(std::memcmp(&g.tick.bid_size, &want.bid_size, sizeof want.bid_size), 0);
      EXPECT_EQ(std::memcmp(&g.tick.ask_size, &want.ask_size, sizeof want.ask_size), 0);
      EXPECT_EQ(g.tick.seq, want.seq) << lines[i];
      EXPECT_EQ(g.tick.instrument, want.instrument) << lines[i];
      EXPECT_EQ(g.tick.kind, want.kind) << lines[i];
    }
    if (r == Reject::BadTimestamp) {
      EXPECT_EQ(g.rejected_ts, single.rejected_ts()) << lines[i];
    }
    if (r == Reject::UnknownSymbol) {
      EXPECT_EQ(std::string_view(g.symbol, g.symbol_size),
                single.rejected_symbol().substr(0, ParsedLine::kSymbolBytes))
          << lines[i];
    }
  }
  return v;
}

std::vector<std::string> every_case() {
  std::vector<std::string> out = {kQuote, kFx};
  for (const AcceptCase& c : kAcceptCases) out.push_back(c.line);
  for (const RejectCase& c : kRejectCases) out.push_back(c.line);
  return out;
}

TEST(ParseLines, GoodLinesAllComeFromTheStream) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += (i % 3 == 0 ? kFx : kQuote) + "\n";
  const Framed f(text);
  ASSERT_EQ(f.lines.size(), 300u);
  const Verdicts v = expect_same_as_parse(f.lines, "good lines");
  // ~120 lines of ~130 bytes a run: all but each run's last line.
  EXPECT_GE(v.streamed, 296u);
  EXPECT_LT(v.streamed, 300u);
}

TEST(ParseLines, EveryCaseAmongGoodLinesGetsParsesVerdictWhateverSeparatesThem) {
  const char* const separators[] = {"\n", "\r\n", "\n \t\n", "\n\r\n\n", "\n   "};
  for (const std::string& c : every_case()) {
    if (c.find('\n') != std::string::npos) continue;  // it would be two lines
    for (const char* sep : separators) {
      std::string text;
      for (int i = 0; i < 4; ++i) text += kQuote + sep;
      text += c + sep;
      for (int i = 0; i < 4; ++i) text += kFx + sep;
      const Framed f(text);
      const Verdicts v = expect_same_as_parse(f.lines, c);
      ASSERT_EQ(v.got.size(), 9u) << c;
      // Valid JSON, good or not, comes from the stream (all but the run's last
      // line). Invalid JSON sends the rest of the run line by line, or all of
      // it when stage 1 refuses the run (bad UTF-8, a raw control character,
      // an odd number of quotes).
      if (v.got[4].reject != Reject::InvalidJson) {
        EXPECT_EQ(v.streamed, 8u) << c;
      }
    }
  }
}

TEST(ParseLines, EveryCaseAsTheFirstAndTheLastLine) {
  for (const std::string& c : every_case()) {
    if (c.find('\n') != std::string::npos) continue;
    expect_same_as_parse(Framed(c + "\n" + kQuote + "\n" + kFx).lines, c + " first");
    expect_same_as_parse(Framed(kQuote + "\n" + kFx + "\n" + c).lines, c + " last");
    expect_same_as_parse(Framed(c).lines, c + " alone");
  }
}

TEST(ParseLines, ALineLongerThanARunIsParsedOnItsOwn) {
  const std::string head = without_last(kQuote) + R"(,"pad":")";
  const std::string big = head + std::string(TickParser::kRunBytes, 'p') + "\"}";
  const std::string text = kQuote + "\n" + big + "\n" + kFx + "\n";
  const Verdicts v = expect_same_as_parse(Framed(text).lines, "long line");
  ASSERT_EQ(v.got.size(), 3u);
  EXPECT_EQ(v.got[1].reject, Reject::None);
  EXPECT_EQ(v.streamed, 0u);  // the lines around it are runs of one
}

TEST(ParseLines, LinesThatAreNotOneBufferWithWhitespaceBetweenAreParsedOneByOne) {
  // Two views into one buffer with a non-space byte between them, and a
  // view before the one before it: neither may join a stream.
  const std::string buf = kQuote + "x" + kFx + std::string(kLinePadding, '\0');
  const std::string_view q(buf.data(), kQuote.size());
  const std::string_view fx(buf.data() + kQuote.size() + 1, kFx.size());
  expect_same_as_parse({q, fx}, "garbage between");
  expect_same_as_parse({fx, q}, "out of order");
}

// Lines drawn from the cases, good lines cut short anywhere or with a byte
// changed, joined by random separators: ~24k lines over many runs.
TEST(ParseLines, RandomDamagedSequencesGetParsesVerdicts) {
  const std::vector<std::string> cases = every_case();
  std::mt19937_64 rng(20261204);
  const char* const separators[] = {"\n", "\n", "\n", "\r\n", "\n\n", "\n \n"};
  for (int round = 0; round < 40; ++round) {
    std::string text;
    for (int i = 0; i < 600; ++i) {
      std::string line = rng() % 2 ? kQuote : kFx;
      switch (rng() % 8) {
        case 0:
          line = cases[rng() % cases.size()];
          break;
        case 1:
          line.resize(rng() % line.size());
          break;
        case 2:
          line[rng() % line.size()] = "{}[]\",: x\"0\\"[rng() % 12];
          break;
        default:
          break;
      }
      if (line.find('\n') != std::string::npos) line = kFx;
      text += line + separators[rng() % std::size(separators)];
    }
    expect_same_as_parse(Framed(text).lines, "round " + std::to_string(round));
  }
}

TEST(ParseLines, NeverAllocates) {
  std::string text;
  for (const std::string& c : every_case()) {
    if (c.find('\n') == std::string::npos) text += kQuote + "\n" + c + "\n";
  }
  const Framed f(text);
  const Config config = test::feeds_config();
  TickParser parser(config);
  std::vector<ParsedLine> out(f.lines.size());
  test::start_counting_allocations();
  parser.parse_lines(f.lines, out.data());
  const std::size_t allocations = test::stop_counting_allocations();
  EXPECT_EQ(allocations, 0u) << "over " << f.lines.size() << " lines";
  EXPECT_GT(parser.streamed_lines(), 0u);
}

}  // namespace
}  // namespace adrmon
