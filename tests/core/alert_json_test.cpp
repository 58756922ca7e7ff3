// Alert -> JSON Lines: exact text for hand-built alerts, following the field
// order and presence rules of docs/FORMATS.md ("Alerts").
#include "adrmon/core/alert_json.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <limits>
#include <string>

namespace adrmon {
namespace {

constexpr std::int64_t kOpenTs = 1763951401000000000;
constexpr std::int64_t kCloseTs = 1763951402000000000;

// An alert with numbers whose shortest decimal form is obvious.
Alert base_alert() {
  Alert a{};
  a.ts_event = kOpenTs;
  a.ts_recv = 123;
  a.open_ts = kOpenTs;
  a.adr_ts = 1763951400500000000;
  a.hk_ts = 1763951400900000000;
  a.fx_ts = kOpenTs;
  a.edge_bps = 113.25;
  a.mid_premium_bps = 136.5;
  a.peak_edge_bps = 113.25;
  a.adr_bid = 104;
  a.adr_ask = 104.02;
  a.hk_bid = 100;
  a.hk_ask = 100.1;
  a.fx_bid = 7.8;
  a.fx_ask = 7.8002;
  a.ratio = 8;
  a.size_ads = 100;
  a.notional_usd = 10400;
  a.pair = 0;
  a.side = Side::SellAdr;
  a.kind = AlertKind::Open;
  a.reason = CloseReason::None;
  return a;
}

// base_alert() closed at kCloseTs: a close carries no size or notional.
Alert close_alert(CloseReason why, double edge_bps, double mid_premium_bps, double peak_edge_bps) {
  Alert a = base_alert();
  a.ts_event = kCloseTs;
  a.kind = AlertKind::Close;
  a.reason = why;
  a.edge_bps = edge_bps;
  a.mid_premium_bps = mid_premium_bps;
  a.peak_edge_bps = peak_edge_bps;
  a.size_ads = 0;
  a.notional_usd = 0;
  return a;
}

std::string format(const Alert& a, std::string_view pair = "BABA/9988") {
  std::array<char, kMaxAlertJsonBytes> buf{};
  const std::size_t n = format_alert_json(a, pair, buf.data());
  EXPECT_LE(n, kMaxAlertJsonBytes);
  return std::string(buf.data(), n);
}

TEST(AlertJson, OpenHasEdgeSizeAndNotionalButNoReasonOrOpenTs) {
  EXPECT_EQ(format(base_alert()),
            "{\"ts\":1763951401000000000,\"pair\":\"BABA/9988\",\"side\":\"sell_adr\","
            "\"kind\":\"open\",\"edge_bps\":113.25,\"mid_premium_bps\":136.5,"
            "\"adr_bid\":104,\"adr_ask\":104.02,\"hk_bid\":100,\"hk_ask\":100.1,"
            "\"fx_bid\":7.8,\"fx_ask\":7.8002,\"ratio\":8,\"size_ads\":100,"
            "\"notional_usd\":10400,\"adr_ts\":1763951400500000000,"
            "\"hk_ts\":1763951400900000000,\"fx_ts\":1763951401000000000}\n");
}

TEST(AlertJson, StaleCloseHasReasonOpenTsAndPeakButNoEdge) {
  Alert a =
      close_alert(CloseReason::Stale, std::numeric_limits<double>::quiet_NaN(), -0.375, 150.5);
  a.side = Side::BuyAdr;
  a.ratio = 0.5;
  EXPECT_EQ(format(a, "NOAH/6686"),
            "{\"ts\":1763951402000000000,\"pair\":\"NOAH/6686\",\"side\":\"buy_adr\","
            "\"kind\":\"close\",\"reason\":\"stale\",\"mid_premium_bps\":-0.375,"
            "\"adr_bid\":104,\"adr_ask\":104.02,\"hk_bid\":100,\"hk_ask\":100.1,"
            "\"fx_bid\":7.8,\"fx_ask\":7.8002,\"ratio\":0.5,"
            "\"open_ts\":1763951401000000000,\"peak_edge_bps\":150.5,"
            "\"adr_ts\":1763951400500000000,\"hk_ts\":1763951400900000000,"
            "\"fx_ts\":1763951401000000000}\n");
}

TEST(AlertJson, RevertedCloseHasReasonEdgeOpenTsAndPeak) {
  EXPECT_EQ(format(close_alert(CloseReason::Reverted, -23.375, -0.5, 113.25)),
            "{\"ts\":1763951402000000000,\"pair\":\"BABA/9988\",\"side\":\"sell_adr\","
            "\"kind\":\"close\",\"reason\":\"reverted\",\"edge_bps\":-23.375,"
            "\"mid_premium_bps\":-0.5,\"adr_bid\":104,\"adr_ask\":104.02,\"hk_bid\":100,"
            "\"hk_ask\":100.1,\"fx_bid\":7.8,\"fx_ask\":7.8002,\"ratio\":8,"
            "\"open_ts\":1763951401000000000,\"peak_edge_bps\":113.25,"
            "\"adr_ts\":1763951400500000000,\"hk_ts\":1763951400900000000,"
            "\"fx_ts\":1763951401000000000}\n");
}

TEST(AlertJson, ReturnsTheByteCountAndWritesNothingBeyondIt) {
  std::array<char, kMaxAlertJsonBytes> buf;
  buf.fill('#');
  const std::size_t n = format_alert_json(base_alert(), "BABA/9988", buf.data());
  ASSERT_GT(n, 0u);
  EXPECT_EQ(buf[n - 1], '\n');
  EXPECT_EQ(std::memchr(buf.data(), '\n', n - 1), nullptr);  // exactly one line
  EXPECT_EQ(buf[n], '#');
}

TEST(AlertJson, NumbersReadBackExactly) {
  Alert a = base_alert();
  a.edge_bps = 0.1 + 0.2;  // 0.30000000000000004: shortest round-trip text is long
  const std::string text = format(a);
  EXPECT_NE(text.find("\"edge_bps\":0.30000000000000004,"), std::string::npos) << text;
}

}  // namespace
}  // namespace adrmon
