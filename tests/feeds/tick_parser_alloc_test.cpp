// TickParser::parse "never allocates after construction": every good line
// and every reject case of tick_parser_cases.hpp, and the longest line and
// one over it, parsed inside an allocation window (tests/support: the binary's
// global operator new counts only inside the window).
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "adrmon/feeds/tick_parser.hpp"
#include "allocation_counter.hpp"
#include "test_config.hpp"
#include "tick_parser_cases.hpp"

namespace adrmon {
namespace {

using namespace parser_cases;

TEST(TickParserAllocation, ParseNeverAllocatesOnGoodOrBadLines) {
  const Config config = test::feeds_config();
  TickParser parser(config);
  std::vector<std::string> lines = {kQuote,
                                    kFx,
                                    edit(kQuote, R"(,"seq":17)", ""),
                                    edit(edit(kQuote, "\"US\"", "\"HK\""), "\"BABA\"", "\"09988\""),
                                    " \t" + kQuote + " \t ",
                                    edit(kQuote, "85.12", "85.12000000000000000000001")};
  std::vector<Reject> want(lines.size(), Reject::None);
  const std::string head = without_last(kQuote) + R"(,"pad":")";
  for (const std::size_t size : {kMaxLineBytes, kMaxLineBytes + 1}) {  // the largest, one over
    lines.push_back(head + std::string(size - head.size() - 2, 'p') + "\"}");
    want.push_back(size == kMaxLineBytes ? Reject::None : Reject::LineTooLong);
  }
  for (const RejectCase& c : kRejectCases) {
    lines.push_back(c.line);
    want.push_back(c.want);
  }
  std::vector<std::string> padded;  // each line with the framer's padding after it
  for (const std::string& l : lines) padded.push_back(l + std::string(kLinePadding, '\0'));
  std::vector<Reject> got(lines.size(), Reject::None);
  Tick tick{};

  test::start_counting_allocations();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    got[i] = parser.parse(std::string_view(padded[i].data(), lines[i].size()), tick);
  }
  const std::size_t allocations = test::stop_counting_allocations();

  EXPECT_EQ(allocations, 0u) << "over " << lines.size() << " lines";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(reject_name(got[i]), reject_name(want[i])) << lines[i];
  }
}

}  // namespace
}  // namespace adrmon
