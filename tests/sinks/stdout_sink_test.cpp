// StdoutSink and format_alert_human: the readable line, pinned byte for
// byte, and nothing reaching the stream before stdio flushes.
#include "adrmon/sinks/stdout_sink.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>
#include <utility>

#include "sink_test_support.hpp"

namespace adrmon::test {
namespace {

std::string human(const Alert& a) {
  char buf[kMaxHumanAlertBytes];
  return std::string(buf, format_alert_human(a, kNames[a.pair], buf));
}

TEST(HumanFormat, OpenAlertLine) {
  EXPECT_EQ(human(make_alert(1)),
            "2023-11-14T22:13:20.000000Z OPEN  sell_adr JD/9618      edge   +13.50bp prem   "
            "+30.25bp | ADR 80.01/80.02 age 0.000s | HK 78.100/78.150 age 0.000s | FX "
            "7.8101/7.8105 age 0.000s | 100 ADS $8002\n");
}

TEST(HumanFormat, StaleCloseLineNamesTheFailedLegPeakAndHowLongItWasOpen) {
  Alert a = make_alert(0);
  a.kind = AlertKind::Close;
  a.reason = CloseReason::Stale;
  a.failed_legs = 2;  // as the engine sets it: HK past its max_age
  a.peak_edge_bps = 55.5;
  a.open_ts = a.ts_event - 2'500'000'000;
  a.hk_ts = a.ts_event - 3'200'000'000;
  EXPECT_EQ(human(a),
            "2023-11-14T22:13:20.000000Z STALE (HK leg 3.2 s old) buy_adr  BABA/9988    edge   "
            "+12.50bp prem   +30.25bp | ADR 80.01/80.02 age 0.000s | HK 78.100/78.150 age 3.200s "
            "| FX 7.8101/7.8105 age 0.000s | peak +55.50bp, open 2.500s\n");
  // The legs the engine named, not the oldest: FX failed its own (shorter)
  // limit while the older ADR leg did not; an unseen leg says so.
  a.hk_ts = a.ts_event - 5;
  a.adr_ts = a.ts_event - 20'000'000'000;
  a.fx_ts = a.ts_event - 12'000'000'000;
  a.failed_legs = 4;
  EXPECT_NE(human(a).find(" STALE (FX leg 12.0 s old) buy_adr "), std::string::npos) << human(a);
  a.failed_legs = 2 | 4;
  a.hk_ts = 0;
  EXPECT_NE(human(a).find(" STALE (HK leg never seen, FX leg 12.0 s old) buy_adr "),
            std::string::npos)
      << human(a);
}

TEST(HumanFormat, FeedDownCloseNamesEveryFeedWithoutALiveSource) {
  Alert a = make_alert(0);
  a.kind = AlertKind::Close;
  a.reason = CloseReason::FeedDown;
  a.adr_ts = a.ts_event - 6'049'000'000;
  a.failed_legs = 1;  // as the engine sets it from the watchdog's venue mask
  const std::string want =
      "2023-11-14T22:13:20.000000Z FEED_DOWN (US feed: ADR leg 6.0 s old) buy_adr  BABA/9988 ";
  EXPECT_EQ(human(a).substr(0, want.size()), want);
  a.failed_legs = 1 | 2 | 4;
  const std::string all =
      "2023-11-14T22:13:20.000000Z FEED_DOWN (US feed: ADR leg 6.0 s old, HK feed: HK leg 0.0 s "
      "old, FX feed: FX leg 0.0 s old) buy_adr  BABA/9988 ";
  EXPECT_EQ(human(a).substr(0, all.size()), all);
}

// --tz: the same instant in the zone, with its offset; the database's DST
// rules, not a fixed offset (New York is -05:00 in November, -04:00 in July).
TEST(HumanFormat, AZoneClockPrintsLocalTimeWithTheOffset) {
  Alert a = make_alert(1);  // 2023-11-14T22:13:20Z
  char buf[kMaxHumanAlertBytes];
  HumanClock hk("Asia/Hong_Kong");
  std::string line(buf, format_alert_human(a, kNames[a.pair], buf, hk));
  EXPECT_EQ(line.substr(0, 39), "2023-11-15T06:13:20.000000+08:00 OPEN  ");
  HumanClock ny("America/New_York");
  line.assign(buf, format_alert_human(a, kNames[a.pair], buf, ny));
  EXPECT_EQ(line.substr(0, 33), "2023-11-14T17:13:20.000000-05:00 ");
  a.ts_event = 1'689'372'000'000'000'000;  // 2023-07-14T22:00:00Z
  line.assign(buf, format_alert_human(a, kNames[a.pair], buf, ny));
  EXPECT_EQ(line.substr(0, 33), "2023-07-14T18:00:00.000000-04:00 ");
  HumanClock utc("UTC");
  line.assign(buf, format_alert_human(a, kNames[a.pair], buf, utc));
  EXPECT_EQ(line.substr(0, 28), "2023-07-14T22:00:00.000000Z ");
  EXPECT_THROW(HumanClock("Mars/Olympus_Mons"), std::invalid_argument);
}

// recv on (adrmon run): the wall-clock time the causing tick arrived, from
// its steady-clock stamp, in the clock's zone; no stamp (0): nothing added.
TEST(HumanFormat, RecvTimeIsTheWallClockArrivalInTheZone) {
  HumanClock hk("Asia/Hong_Kong", /*recv=*/true);
  Alert a = make_alert(1);
  const auto now = std::chrono::system_clock::now();
  a.ts_recv = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now().time_since_epoch())
                  .count();
  char buf[kMaxHumanAlertBytes];
  const std::string line(buf, format_alert_human(a, kNames[a.pair], buf, hk));
  const std::time_t t = std::chrono::system_clock::to_time_t(now + std::chrono::hours(8));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char hhmm[8];
  std::strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
  const std::size_t at = line.find(" | recv ");
  ASSERT_NE(at, std::string::npos) << line;
  // HH:MM:SS.mmm HKT at the very end (the minute may tick over between the
  // two clock reads: accept either side of it).
  const std::string recv = line.substr(at + 8);
  EXPECT_EQ(recv.size(), 17u) << recv;
  EXPECT_EQ(recv.substr(12), " HKT\n");
  const std::time_t t2 = t + 60;
  std::tm tm2{};
  gmtime_r(&t2, &tm2);
  char hhmm2[8];
  std::strftime(hhmm2, sizeof hhmm2, "%H:%M", &tm2);
  EXPECT_TRUE(recv.substr(0, 5) == hhmm || recv.substr(0, 5) == hhmm2) << recv << " vs " << hhmm;
  a.ts_recv = 0;
  const std::string none(buf, format_alert_human(a, kNames[a.pair], buf, hk));
  EXPECT_EQ(none.find("recv"), std::string::npos) << none;
  EXPECT_EQ(none.substr(none.size() - 16), "| 100 ADS $8002\n");
}

TEST(HumanFormat, ACloseByTheGateNamesTheCheckThatShutIt) {
  const std::pair<CloseReason, std::string> cases[] = {
      {CloseReason::Reverted, " CLOSE "},  {CloseReason::Session, " SESSION "},
      {CloseReason::Halted, " HALTED "},   {CloseReason::FeedDown, " FEED_DOWN "},
      {CloseReason::Suspect, " SUSPECT "},
  };
  for (const auto& [reason, word] : cases) {
    Alert a = make_alert(0);
    a.kind = AlertKind::Close;
    a.reason = reason;
    const std::string line = human(a);
    EXPECT_EQ(line.find(word), 27u) << line;  // right after the timestamp
  }
}

TEST(StdoutSink, WritesOneHumanLinePerAlertAndFlushes) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  char buffer[BUFSIZ];
  std::setvbuf(out, buffer, _IOFBF, sizeof buffer);  // fully buffered, like a pipe
  {
    StdoutSink sink(kNames, out);
    AlertSink& as_sink = sink;
    as_sink.write(make_alert(0));
    as_sink.write(make_alert(1));
    std::FILE* reader = std::fopen(("/proc/self/fd/" + std::to_string(fileno(out))).c_str(), "r");
    ASSERT_NE(reader, nullptr);
    EXPECT_EQ(std::fgetc(reader), EOF);  // still in stdio's buffer
    std::fclose(reader);
    as_sink.flush();
  }
  std::rewind(out);
  std::string got;
  char chunk[1024];
  while (std::size_t n = std::fread(chunk, 1, sizeof chunk, out)) got.append(chunk, n);
  std::fclose(out);
  EXPECT_EQ(got, human(make_alert(0)) + human(make_alert(1)));
}

}  // namespace
}  // namespace adrmon::test
