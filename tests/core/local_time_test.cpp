// local_time: local wall clock <-> instants through the tz database. Every
// expectation is written in UTC and computed here by calendar arithmetic
// alone (test::utc_ns), so the tz database's answers are checked, not restated:
// both 2026 US DST changes (the spring-forward gap, the fall-back overlap),
// minutes outside 0..1440, local dates at instants, weekdays, date steps.
#include "adrmon/core/local_time.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

#include "calendar_test_support.hpp"

namespace adrmon {
namespace {

using test::kHourNs;
using test::utc_ns;

constexpr std::string_view kNewYork = "America/New_York";
constexpr std::string_view kHongKong = "Asia/Hong_Kong";

TEST(LocalTime, KnowsZonesOfTheDatabaseOnly) {
  EXPECT_TRUE(is_time_zone(kNewYork));
  EXPECT_TRUE(is_time_zone(kHongKong));
  EXPECT_TRUE(is_time_zone("UTC"));
  EXPECT_FALSE(is_time_zone("America/Nwe_York"));
  EXPECT_FALSE(is_time_zone("EST5EDT,M3.2.0,M11.1.0"));
  EXPECT_FALSE(is_time_zone(""));
}

TEST(LocalTime, UnknownZoneThrowsInvalidArgument) {
  EXPECT_THROW((void)local_to_utc_ns("Mars/Olympus", {2026, 1, 5}, 0), std::invalid_argument);
  EXPECT_THROW((void)local_date_at("Mars/Olympus", 0), std::invalid_argument);
}

TEST(LocalTime, StandardAndDaylightTimeOffsets) {
  // 09:30 ET is 14:30Z in winter (EST, -5) and 13:30Z in summer (EDT, -4).
  EXPECT_EQ(local_to_utc_ns(kNewYork, {2026, 1, 15}, 9 * 60 + 30), utc_ns(2026, 1, 15, 14, 30));
  EXPECT_EQ(local_to_utc_ns(kNewYork, {2026, 7, 15}, 9 * 60 + 30), utc_ns(2026, 7, 15, 13, 30));
  // Hong Kong has no DST: +8 all year.
  EXPECT_EQ(local_to_utc_ns(kHongKong, {2026, 1, 15}, 9 * 60 + 30), utc_ns(2026, 1, 15, 1, 30));
  EXPECT_EQ(local_to_utc_ns(kHongKong, {2026, 7, 15}, 9 * 60 + 30), utc_ns(2026, 7, 15, 1, 30));
  // The last year a calendar may describe still has its DST (calendar span).
  EXPECT_EQ(local_to_utc_ns(kNewYork, {2037, 7, 15}, 9 * 60 + 30), utc_ns(2037, 7, 15, 13, 30));
  EXPECT_EQ(local_to_utc_ns(kNewYork, {2037, 12, 15}, 9 * 60 + 30), utc_ns(2037, 12, 15, 14, 30));
}

// 2026-03-08 02:00 EST the clocks jump to 03:00 EDT (07:00Z).
TEST(LocalTime, SpringForwardGapMapsToTheInstantAfterIt) {
  const LocalDate day{2026, 3, 8};
  EXPECT_EQ(local_to_utc_ns(kNewYork, day, 1 * 60 + 59), utc_ns(2026, 3, 8, 6, 59));  // EST
  EXPECT_EQ(local_to_utc_ns(kNewYork, day, 2 * 60), utc_ns(2026, 3, 8, 7, 0));  // does not exist
  EXPECT_EQ(local_to_utc_ns(kNewYork, day, 2 * 60 + 30), utc_ns(2026, 3, 8, 7, 0));
  EXPECT_EQ(local_to_utc_ns(kNewYork, day, 3 * 60), utc_ns(2026, 3, 8, 7, 0));  // EDT
  EXPECT_EQ(local_to_utc_ns(kNewYork, day, 3 * 60 + 1), utc_ns(2026, 3, 8, 7, 1));
  // The local day is 23 hours long.
  EXPECT_EQ(local_midnight_ns(kNewYork, {2026, 3, 9}) - local_midnight_ns(kNewYork, day),
            23 * kHourNs);
}

// 2026-11-01 02:00 EDT the clocks go back to 01:00 EST: 01:00-01:59 happens
// twice (05:00Z-05:59Z EDT, then 06:00Z-06:59Z EST).
TEST(LocalTime, FallBackOverlapMapsToTheFirstOccurrence) {
  const LocalDate day{2026, 11, 1};
  EXPECT_EQ(local_to_utc_ns(kNewYork, day, 0 * 60 + 59), utc_ns(2026, 11, 1, 4, 59));  // EDT
  EXPECT_EQ(local_to_utc_ns(kNewYork, day, 1 * 60), utc_ns(2026, 11, 1, 5, 0));  // first 01:00
  EXPECT_EQ(local_to_utc_ns(kNewYork, day, 1 * 60 + 30), utc_ns(2026, 11, 1, 5, 30));
  EXPECT_EQ(local_to_utc_ns(kNewYork, day, 2 * 60), utc_ns(2026, 11, 1, 7, 0));  // EST
  EXPECT_EQ(local_midnight_ns(kNewYork, {2026, 11, 2}) - local_midnight_ns(kNewYork, day),
            25 * kHourNs);
}

TEST(LocalTime, MinutesOutsideTheDayAreWallClockArithmeticOnTheDate) {
  // -240 min of Monday 2026-03-09 is Sunday 20:00 EDT (after that morning's change).
  EXPECT_EQ(local_to_utc_ns(kNewYork, {2026, 3, 9}, -240), utc_ns(2026, 3, 9, 0, 0));
  // -240 min of Monday 2026-11-02 is Sunday 20:00 EST.
  EXPECT_EQ(local_to_utc_ns(kNewYork, {2026, 11, 2}, -240), utc_ns(2026, 11, 2, 1, 0));
  // 1440 is the next local midnight; 1500 is 01:00 the next day.
  EXPECT_EQ(local_to_utc_ns(kNewYork, {2026, 3, 7}, 1440),
            local_midnight_ns(kNewYork, {2026, 3, 8}));
  EXPECT_EQ(local_to_utc_ns(kHongKong, {2026, 12, 31}, 1500), utc_ns(2026, 12, 31, 17, 0));
}

TEST(LocalTime, LocalDateAtAnInstant) {
  // 03:59Z on 9 Mar 2026 is 23:59 EDT on the 8th; 04:00Z is midnight of the 9th.
  EXPECT_EQ(local_date_at(kNewYork, utc_ns(2026, 3, 9, 3, 59)), (LocalDate{2026, 3, 8}));
  EXPECT_EQ(local_date_at(kNewYork, utc_ns(2026, 3, 9, 4, 0)), (LocalDate{2026, 3, 9}));
  // In winter local midnight is 05:00Z.
  EXPECT_EQ(local_date_at(kNewYork, utc_ns(2026, 11, 2, 4, 59)), (LocalDate{2026, 11, 1}));
  EXPECT_EQ(local_date_at(kNewYork, utc_ns(2026, 11, 2, 5, 0)), (LocalDate{2026, 11, 2}));
  // 16:00Z on New Year's Eve is already New Year's Day in Hong Kong.
  EXPECT_EQ(local_date_at(kHongKong, utc_ns(2026, 12, 31, 15, 59)), (LocalDate{2026, 12, 31}));
  EXPECT_EQ(local_date_at(kHongKong, utc_ns(2026, 12, 31, 16, 0)), (LocalDate{2027, 1, 1}));
  // Before the epoch too.
  EXPECT_EQ(local_date_at(kNewYork, utc_ns(1969, 12, 31, 12, 0)), (LocalDate{1969, 12, 31}));
}

TEST(LocalTime, WeekdaySundayIsZero) {
  EXPECT_EQ(weekday({2026, 3, 8}), 0u);    // Sunday, DST starts
  EXPECT_EQ(weekday({2026, 11, 27}), 5u);  // Friday after Thanksgiving
  EXPECT_EQ(weekday({2000, 1, 1}), 6u);    // Saturday
  EXPECT_EQ(weekday({2028, 2, 29}), 2u);   // Tuesday, leap day
  EXPECT_EQ(weekday({1970, 1, 1}), 4u);    // Thursday
}

TEST(LocalTime, AddDaysCrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ(add_days({2028, 2, 28}, 1), (LocalDate{2028, 2, 29}));
  EXPECT_EQ(add_days({2027, 2, 28}, 1), (LocalDate{2027, 3, 1}));
  EXPECT_EQ(add_days({2026, 12, 31}, 1), (LocalDate{2027, 1, 1}));
  EXPECT_EQ(add_days({2026, 3, 1}, -1), (LocalDate{2026, 2, 28}));
  EXPECT_EQ(add_days({2026, 1, 1}, 365), (LocalDate{2027, 1, 1}));
  EXPECT_EQ(add_days({2026, 6, 15}, 0), (LocalDate{2026, 6, 15}));
}

TEST(LocalTime, DatesOrderAndPrint) {
  EXPECT_LT((LocalDate{2026, 12, 31}), (LocalDate{2027, 1, 1}));
  EXPECT_LT((LocalDate{2026, 2, 28}), (LocalDate{2026, 3, 1}));
  EXPECT_EQ(to_string(LocalDate{2026, 3, 8}), "2026-03-08");
  EXPECT_EQ(to_string(LocalDate{2000, 1, 1}), "2000-01-01");
}

}  // namespace
}  // namespace adrmon
