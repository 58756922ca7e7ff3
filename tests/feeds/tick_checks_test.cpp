// check_tick_values (tick_checks.hpp) is the parser's value rules for ticks
// that come as binary records (the bus): for every combination of values
// below, a JSON line carrying them is refused by TickParser with exactly the
// reason check_tick_values gives the same values as a Tick, and accepted
// exactly when it accepts them.
#include "adrmon/feeds/tick_checks.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "adrmon/feeds/tick_parser.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

// A number as JSON writes it; infinity as 1e999 (which the parser reads as
// out of range: the reject a non-finite value gets).
std::string json_number(double v) {
  if (std::isinf(v)) return v > 0 ? "1e999" : "-1e999";
  char buf[64];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

class TickChecksTest : public ::testing::Test {
 protected:
  Reject parse(const std::string& line, Tick& out) {
    buffer_.assign(line);
    buffer_.append(kLinePadding, '\0');
    return parser_.parse(std::string_view(buffer_.data(), line.size()), out);
  }

  Config config_ = test::feeds_config();
  TickParser parser_{config_};
  std::string buffer_;
};

const double kInf = std::numeric_limits<double>::infinity();

TEST_F(TickChecksTest, QuotesAgreeWithTheParserOnEveryValueRule) {
  const std::vector<std::int64_t> tss = {1763951400000000000, kMinTsEvent, kMinTsEvent - 1, 1};
  const std::vector<double> prices = {85.12, 85.14, 0.0, -1.0, kInf, 1e-300};
  const std::vector<double> sizes = {300, 0, -5, kInf};
  int checked = 0, accepted = 0;
  for (const std::int64_t ts : tss) {
    for (const double bid : prices) {
      for (const double ask : prices) {
        for (const double size : sizes) {
          const std::string line = R"({"type":"quote","ts":)" + std::to_string(ts) +
                                   R"(,"venue":"US","sym":"BABA","bid":)" + json_number(bid) +
                                   R"(,"ask":)" + json_number(ask) + R"(,"bid_size":)" +
                                   json_number(size) + R"(,"ask_size":500})";
          Tick parsed{};
          const Reject want = parse(line, parsed);
          Tick t{};
          t.kind = TickKind::Quote;
          t.ts_event = ts;
          t.bid = bid;
          t.ask = ask;
          t.bid_size = size;
          t.ask_size = 500;
          EXPECT_EQ(check_tick_values(t, false, config_.fx.min, config_.fx.max), want) << line;
          ++checked;
          accepted += want == Reject::None;
        }
      }
    }
  }
  EXPECT_EQ(checked, 4 * 6 * 6 * 4);
  EXPECT_GT(accepted, 0);  // the grid holds good quotes too
}

TEST_F(TickChecksTest, FxAgreesWithTheParserIncludingTheBand) {
  const std::vector<double> prices = {7.7812, 7.7815, 7.70, 7.90, 7.69, 7.91, 0.0, kInf};
  int accepted = 0;
  for (const double bid : prices) {
    for (const double ask : prices) {
      const std::string line = R"({"type":"fx","ts":1763951400000000001,"pair":"USDHKD","bid":)" +
                               json_number(bid) + R"(,"ask":)" + json_number(ask) + "}";
      Tick parsed{};
      const Reject want = parse(line, parsed);
      Tick t{};
      t.kind = TickKind::Fx;
      t.ts_event = 1763951400000000001;
      t.bid = bid;
      t.ask = ask;
      EXPECT_EQ(check_tick_values(t, true, config_.fx.min, config_.fx.max), want) << line;
      accepted += want == Reject::None;
    }
  }
  EXPECT_GT(accepted, 0);
}

TEST_F(TickChecksTest, AStatusRecordCarriesNoPrices) {
  Tick t{};
  t.kind = TickKind::Halted;
  t.ts_event = 1763951400000000000;
  EXPECT_EQ(check_tick_values(t, false, config_.fx.min, config_.fx.max), Reject::None);
  t.bid = 85.0;
  EXPECT_EQ(check_tick_values(t, false, config_.fx.min, config_.fx.max), Reject::BadPrice);
  t.bid = 0;
  t.ts_event = 5;
  EXPECT_EQ(check_tick_values(t, false, config_.fx.min, config_.fx.max), Reject::BadTimestamp);
}

}  // namespace
}  // namespace adrmon
