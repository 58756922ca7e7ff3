// Length: 43 bad calendars, each with its whole expected FILE:LINE: key
// message, as a table.
// [calendar.US] / [calendar.HK] in the config loader: the issue's example
// loads with every value and line as written; the shipped configs carry both
// calendars; each bad calendar stops with one ConfigError whose whole message
// (file, line, key, reason) is pinned here.
#include "adrmon/core/calendar_config.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/config.hpp"
#include "calendar_test_support.hpp"

namespace adrmon {
namespace {

using test::kCalendarPrefixLines;

Config load(std::string_view calendars) {
  return parse_config(test::kCalendarPrefix + std::string(calendars), "cal.toml");
}

SessionInterval interval(int start_h, int start_m, int end_h, int end_m, int snippet_line) {
  return {start_h * 60 + start_m, end_h * 60 + end_m, kCalendarPrefixLines + snippet_line};
}

TEST(CalendarConfig, WithoutCalendarsBothVenuesHaveNone) {
  const Config c = load("");
  EXPECT_FALSE(c.calendar[static_cast<int>(Venue::Us)].has_value());
  EXPECT_FALSE(c.calendar[static_cast<int>(Venue::Hk)].has_value());
}

TEST(CalendarConfig, IssueExampleLoadsEveryValueWithItsLine) {
  const Config config = load(test::kIssueCalendars);
  ASSERT_TRUE(config.calendar[0].has_value());
  const CalendarConfig& us = *config.calendar[static_cast<int>(Venue::Us)];
  EXPECT_EQ(us.venue, Venue::Us);
  EXPECT_EQ(us.key(), "calendar.US");
  EXPECT_EQ(us.line, kCalendarPrefixLines + 1);
  EXPECT_EQ(us.timezone, "America/New_York");
  EXPECT_EQ(us.timezone_line, kCalendarPrefixLines + 2);
  ASSERT_EQ(us.live.size(), 2u);
  EXPECT_EQ(us.live[0].name, "regular");
  EXPECT_EQ(us.live[1].name, "overnight");
  EXPECT_EQ(us.live[1].line, kCalendarPrefixLines + 3);
  ASSERT_EQ(us.holidays.size(), 2u);
  EXPECT_EQ(us.holidays[0].date, (LocalDate{2026, 11, 26}));
  EXPECT_EQ(us.holidays[1].date, (LocalDate{2026, 12, 25}));
  EXPECT_EQ(us.holidays[1].line, kCalendarPrefixLines + 4);
  ASSERT_EQ(us.half_days.size(), 2u);
  EXPECT_EQ(us.half_days[0].date, (LocalDate{2026, 11, 27}));
  EXPECT_TRUE(us.has_half_day_phases);
  EXPECT_EQ(us.phases_line, kCalendarPrefixLines + 7);
  EXPECT_EQ(us.half_day_phases_line, kCalendarPrefixLines + 13);

  // Phases in file order, each interval with its own line; "20:00-04:00" wraps.
  ASSERT_EQ(us.phases.size(), 4u);
  const std::vector<std::string> names = {us.phases[0].name, us.phases[1].name, us.phases[2].name,
                                          us.phases[3].name};
  EXPECT_EQ(names, (std::vector<std::string>{"overnight", "pre", "regular", "post"}));
  EXPECT_EQ(us.phases[0].intervals, (std::vector{interval(20, 0, 4, 0, 8)}));
  EXPECT_TRUE(us.phases[0].intervals[0].wraps());
  EXPECT_EQ(us.phases[0].intervals[0].first_min(), -240);
  EXPECT_EQ(us.phases[2].intervals, (std::vector{interval(9, 30, 16, 0, 10)}));
  EXPECT_FALSE(us.phases[2].intervals[0].wraps());
  EXPECT_EQ(us.phases[2].line, kCalendarPrefixLines + 10);
  ASSERT_EQ(us.half_day_phases.size(), 4u);
  EXPECT_EQ(us.half_day_phases[3].name, "post");
  EXPECT_EQ(us.half_day_phases[3].intervals, (std::vector{interval(13, 0, 17, 0, 17)}));

  ASSERT_TRUE(config.calendar[1].has_value());
  const CalendarConfig& hk = *config.calendar[static_cast<int>(Venue::Hk)];
  EXPECT_EQ(hk.venue, Venue::Hk);
  EXPECT_EQ(hk.timezone, "Asia/Hong_Kong");
  ASSERT_EQ(hk.phases.size(), 3u);
  EXPECT_EQ(hk.phases[1].name, "continuous");
  EXPECT_EQ(hk.phases[1].intervals,
            (std::vector{interval(9, 30, 12, 0, 27), interval(13, 0, 16, 0, 27)}));
  EXPECT_EQ(hk.half_days.size(), 2u);
}

TEST(CalendarConfig, TwentyFourHundredEndsTheDayAndDoesNotWrap) {
  const Config c = load(test::one_phase_calendar("US", "America/New_York", "late", "16:00-24:00"));
  const SessionInterval& i = c.calendar[0]->phases[0].intervals[0];
  EXPECT_EQ(i.start_min, 960);
  EXPECT_EQ(i.end_min, 1440);
  EXPECT_FALSE(i.wraps());
  EXPECT_EQ(to_string(i), "16:00-24:00");
}

// A half day whose late session runs past the next day's overnight start is
// fine when the next day is no trading day (Friday; or before a holiday).
TEST(CalendarConfig, CrossDayOverlapOnlyCountsWhereTradingDaysFollow) {
  const std::string head = R"([calendar.US]
timezone = "America/New_York"
live = ["regular"]
)";
  const std::string tables = R"(
[calendar.US.phases]
overnight = ["20:00-04:00"]
regular = ["09:30-16:00"]
[calendar.US.half_day_phases]
regular = ["09:30-13:00"]
post = ["13:00-20:30"]
)";
  EXPECT_NO_THROW(load(head + "half_days = [2026-11-27]" + tables));  // a Friday
  EXPECT_NO_THROW(load(head + "half_days = [2026-12-24]\nholidays = [2026-12-25]" + tables));
}

TEST(CalendarConfig, ShippedConfigsCarryBothCalendarsFor2026And2027) {
  const std::string root = std::string(ADRMON_TEST_DATA) + "/../..";
  for (const char* name : {"/config/pairs.toml", "/config/demo.toml"}) {
    const Config c = load_config(root + name);
    ASSERT_TRUE(c.calendar[0].has_value()) << name;
    ASSERT_TRUE(c.calendar[1].has_value()) << name;
    const CalendarConfig& us = *c.calendar[0];
    const CalendarConfig& hk = *c.calendar[1];
    EXPECT_EQ(us.timezone, "America/New_York");
    EXPECT_EQ(hk.timezone, "Asia/Hong_Kong");
    EXPECT_EQ(us.holidays.size(), 20u) << name;  // 10 a year (NYSE Group calendar)
    EXPECT_EQ(us.half_days.size(), 3u) << name;  // 27 Nov, 24 Dec 2026; 26 Nov 2027
    EXPECT_EQ(hk.holidays.size(), 27u) << name;  // 14 weekday closures in 2026, 13 in 2027
    EXPECT_EQ(hk.half_days.size(), 6u) << name;  // LNY, Christmas and New Year's eves
  }
}

struct BadCase {
  const char* what;
  std::string snippet;
  int line;  // of the snippet, 1-based
  std::string key;
  std::string message;
};

constexpr std::string_view kOkPhases = R"(
[calendar.US.phases]
regular = ["09:30-16:00"]
)";

// A US calendar: line 1 [calendar.US], line 2 the timezone, line 3 `live`,
// then `extra` (one line per entry), then [calendar.US.phases] with
// `phases` (one line each) after a blank line.
std::string us(std::string_view extra, std::string_view phases = "regular = [\"09:30-16:00\"]\n",
               std::string_view live = "[\"regular\"]") {
  return "[calendar.US]\ntimezone = \"America/New_York\"\nlive = " + std::string(live) + "\n" +
         std::string(extra) + "\n[calendar.US.phases]\n" + std::string(phases);
}

const std::string kNotHhMm = R"(is not "HH:MM-HH:MM" (two digits each, e.g. "09:30-16:00"))";
const std::string kIntervals =
    R"(must be an array of "HH:MM-HH:MM" local times, e.g. ["09:30-16:00"])";
const std::string kDates = "must be an array of TOML local dates, e.g. [2026-12-25] (unquoted)";
const std::string kWrapNote =
    " (an interval whose end is not after its start wraps midnight: it runs from its start on "
    "the day before to its end)";

std::vector<BadCase> bad_cases() {
  return {
      {"unknown venue", "[calendar.JP]\ntimezone = \"Asia/Tokyo\"\n", 1, "calendar.JP",
       "unknown venue (known: US, HK)"},
      {"venue not a table", "[calendar]\nUS = 1\n", 2, "calendar.US",
       "must be a table ([calendar.US])"},
      {"misspelt key", us("lives = [\"regular\"]"), 4, "calendar.US.lives",
       "unknown key in calendar.US (known: timezone, live, holidays, half_days, phases, "
       "half_day_phases)"},
      {"missing timezone",
       "[calendar.US]\nlive = [\"regular\"]\n[calendar.US.phases]\nregular = [\"09:30-16:00\"]\n",
       1, "calendar.US.timezone", "missing (required in calendar.US)"},
      {"timezone not a string",
       "[calendar.US]\ntimezone = -5\nlive = []\n" + std::string(kOkPhases), 2,
       "calendar.US.timezone", "must be a string"},
      {"unknown timezone",
       "[calendar.US]\ntimezone = \"America/Nwe_York\"\nlive = []\n" + std::string(kOkPhases), 2,
       "calendar.US.timezone",
       "unknown time zone 'America/Nwe_York' (an IANA tz database name, e.g. "
       "\"America/New_York\")"},
      {"missing live", "[calendar.US]\ntimezone = \"America/New_York\"\n" + std::string(kOkPhases),
       1, "calendar.US.live", "missing (required in calendar.US)"},
      {"live not an array", us("", "regular = [\"09:30-16:00\"]\n", "\"regular\""), 3,
       "calendar.US.live", "must be an array of phase names, e.g. [\"regular\"]"},
      {"live element not a string", us("", "regular = [\"09:30-16:00\"]\n", "[1]"), 3,
       "calendar.US.live", "must be an array of phase names, e.g. [\"regular\"]"},
      {"live name that is no phase", us("", "regular = [\"09:30-16:00\"]\n", "[\"regualr\"]"), 3,
       "calendar.US.live",
       "'regualr' is no phase of [calendar.US.phases] or [calendar.US.half_day_phases] (phases: "
       "regular)"},
      {"live name on its own line",
       us("", "regular = [\"09:30-16:00\"]\n", "[\n  \"regular\",\n  \"overnite\",\n]"), 5,
       "calendar.US.live",
       "'overnite' is no phase of [calendar.US.phases] or [calendar.US.half_day_phases] "
       "(phases: regular)"},
      {"holidays not an array", us("holidays = 2026-12-25"), 4, "calendar.US.holidays", kDates},
      {"holiday as a string", us("holidays = [\"2026-12-25\"]"), 4, "calendar.US.holidays", kDates},
      {"holiday as a date-time", us("holidays = [2026-12-25T00:00:00]"), 4, "calendar.US.holidays",
       kDates},
      {"holiday before the span", us("holidays = [1999-12-31]"), 4, "calendar.US.holidays",
       "1999-12-31 is outside the calendar span 2000-01-01 to 2037-12-31"},
      {"half day after the span", us("half_days = [2038-01-01]"), 4, "calendar.US.half_days",
       "2038-01-01 is outside the calendar span 2000-01-01 to 2037-12-31"},
      {"holiday listed twice", us("holidays = [\n  2026-12-25,\n  2026-12-25,\n]"), 6,
       "calendar.US.holidays", "2026-12-25 is listed twice"},
      {"date in both lists",
       us("holidays = [2026-12-25]\nhalf_days = [2026-12-24, 2026-12-25]") +
           "[calendar.US.half_day_phases]\nregular = [\"09:30-13:00\"]\n",
       5, "calendar.US.half_days", "2026-12-25 is in both holidays and half_days"},
      {"half days without half_day_phases", us("half_days = [2026-12-24]"), 4,
       "calendar.US.half_days",
       "half days need [calendar.US.half_day_phases] (the phases they use)"},
      {"missing phases", "[calendar.US]\ntimezone = \"America/New_York\"\nlive = []\n", 1,
       "calendar.US.phases", "missing (required in calendar.US)"},
      {"phases not a table",
       "[calendar.US]\ntimezone = \"America/New_York\"\nlive = []\nphases = 1\n", 4,
       "calendar.US.phases", "must be a table ([calendar.US.phases])"},
      {"phase not an array", us("", "regular = \"09:30-16:00\"\n"), 6, "calendar.US.phases.regular",
       kIntervals},
      {"interval not a string", us("", "regular = [930]\n"), 6, "calendar.US.phases.regular",
       kIntervals},
      {"one-digit hour", us("", "regular = [\"9:30-16:00\"]\n"), 6, "calendar.US.phases.regular",
       "\"9:30-16:00\" " + kNotHhMm},
      {"spaces", us("", "regular = [\"09:30 - 16:00\"]\n"), 6, "calendar.US.phases.regular",
       "\"09:30 - 16:00\" " + kNotHhMm},
      {"dots", us("", "regular = [\"09.30-16.00\"]\n"), 6, "calendar.US.phases.regular",
       "\"09.30-16.00\" " + kNotHhMm},
      {"minute 60", us("", "regular = [\"09:30-16:60\"]\n"), 6, "calendar.US.phases.regular",
       "\"09:30-16:60\" has a minute above 59"},
      {"hour 25", us("", "regular = [\"25:00-26:00\"]\n"), 6, "calendar.US.phases.regular",
       "\"25:00-26:00\" has an hour above 23 (24:00 may only end an interval)"},
      {"24:01", us("", "regular = [\"20:00-24:01\"]\n"), 6, "calendar.US.phases.regular",
       "\"20:00-24:01\" has an hour above 23 (24:00 may only end an interval)"},
      {"start 24:00", us("", "regular = [\"24:00-04:00\"]\n"), 6, "calendar.US.phases.regular",
       "\"24:00-04:00\" starts at 24:00 (24:00 may only end an interval; write 00:00)"},
      {"bad interval on its own line",
       us("", "regular = [\n  \"09:30-12:00\",\n  \"13:00-16:0\",\n]\n"), 8,
       "calendar.US.phases.regular", "\"13:00-16:0\" " + kNotHhMm},
      {"bad half-day interval",
       us("half_days = [2026-12-24]") +
           "[calendar.US.half_day_phases]\nregular = [\"09:30-1300\"]\n",
       8, "calendar.US.half_day_phases.regular", "\"09:30-1300\" " + kNotHhMm},
      {"reserved phase name", us("", "closed = [\"16:00-20:00\"]\n"), 6,
       "calendar.US.phases.closed",
       "'closed' is reserved: it is the phase when no interval covers an instant"},
      {"phase name with a space", us("", "\"pre market\" = [\"04:00-09:30\"]\n"), 6,
       "calendar.US.phases.pre market", "a phase name is 1 to 15 letters, digits, '_' or '-'"},
      {"overlap within one phase",
       us("", "regular = [\"09:30-12:00\", \"11:00-13:00\"]\n", "[\"regular\"]"), 6,
       "calendar.US.phases.regular",
       "\"11:00-13:00\" overlaps \"09:30-12:00\" of phase 'regular' on the same trading day"},
      {"overlap of two phases, named at the later line",
       us("", "pre = [\"04:00-09:31\"]\nregular = [\"09:30-16:00\"]\n"), 7,
       "calendar.US.phases.regular",
       "\"09:30-16:00\" overlaps \"04:00-09:31\" of phase 'pre' on the same trading day"},
      {"overlap of the wrapped part",
       us("",
          "overnight = [\"20:00-04:00\"]\npre = [\"03:30-09:30\"]\nregular = [\"09:30-16:00\"]\n"),
       7, "calendar.US.phases.pre",
       "\"03:30-09:30\" overlaps \"20:00-04:00\" of phase 'overnight' on the same trading day" +
           kWrapNote},
      {"two wrapping intervals",
       us("", "regular = [\"09:30-16:00\"]\nnight = [\"22:00-02:00\", \"23:00-01:00\"]\n"), 7,
       "calendar.US.phases.night",
       "\"23:00-01:00\" overlaps \"22:00-02:00\" of phase 'night' on the same trading day" +
           kWrapNote},
      {"overlap in half_day_phases",
       us("half_days = [2026-12-24]") +
           "[calendar.US.half_day_phases]\nregular = [\"09:30-13:00\"]\npost = [\"12:59-17:00\"]\n",
       9, "calendar.US.half_day_phases.post",
       "\"12:59-17:00\" overlaps \"09:30-13:00\" of phase 'regular' on the same trading day"},
      {"wrap reaching into the previous trading day",
       us("",
          "overnight = [\"20:00-04:00\"]\nregular = [\"09:30-16:00\"]\npost = [\"16:00-21:00\"]\n"),
       6, "calendar.US.phases.overnight",
       "\"20:00-04:00\" wraps midnight, so it starts on the day before its trading day, where it "
       "overlaps \"16:00-21:00\" of phase 'post' of the previous trading day"},
      {"wrap reaching into a half day's late session",
       us("half_days = [2026-12-24]",
          "overnight = [\"20:00-04:00\"]\nregular = [\"09:30-16:00\"]\n") +
           "[calendar.US.half_day_phases]\nregular = [\"09:30-13:00\"]\npost = [\"13:00-20:30\"]\n",
       6, "calendar.US.phases.overnight",
       "\"20:00-04:00\" wraps midnight, so it starts on the day before its trading day, where it "
       "overlaps \"13:00-20:30\" of phase 'post' of the previous trading day (2026-12-24 is a "
       "half day)"},
      {"half day's wrap reaching into the day before",
       us("half_days = [2026-11-27]", "regular = [\"09:30-16:00\"]\npost = [\"16:00-20:00\"]\n") +
           "[calendar.US.half_day_phases]\novernight = [\"19:00-04:00\"]\n",
       9, "calendar.US.half_day_phases.overnight",
       "\"19:00-04:00\" wraps midnight, so it starts on the day before its trading day, where it "
       "overlaps \"16:00-20:00\" of phase 'post' of the previous trading day (2026-11-27 is a "
       "half day)"},
  };
}

TEST(CalendarConfigError, EachBadCalendarNamesFileLineKeyAndReason) {
  for (const BadCase& c : bad_cases()) {
    SCOPED_TRACE(c.what);
    const int line = kCalendarPrefixLines + c.line;
    try {
      (void)load(c.snippet);
      ADD_FAILURE() << "expected ConfigError for:\n" << c.snippet;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.file(), "cal.toml");
      EXPECT_EQ(e.line(), line) << e.what();
      EXPECT_EQ(e.key(), c.key) << e.what();
      EXPECT_EQ(std::string(e.what()),
                "cal.toml:" + std::to_string(line) + ": key '" + c.key + "': " + c.message);
    }
  }
}

TEST(CalendarConfigError, CalendarThatIsNoTable) {
  try {
    (void)parse_config("calendar = \"US\"\n" + test::kCalendarPrefix, "cal.toml");
    ADD_FAILURE() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "cal.toml:1: key 'calendar': must be a table");
  }
}

// The same rules without TOML: check_calendar on a model built in code, so
// VenueCalendar's constructor (which runs it too) can rely on them.
TEST(CalendarConfigCheck, GoodModelPassesAndEachRuleIsChecked) {
  CalendarConfig c;
  c.venue = Venue::Hk;
  c.timezone = "Asia/Hong_Kong";
  c.phases = {{"continuous", {{570, 720, 3}, {780, 960, 3}}, 3}};
  c.live = {{"continuous", 2}};
  EXPECT_FALSE(check_calendar(c).has_value());

  CalendarConfig bad_zone = c;
  bad_zone.timezone = "Asia/Hongkong_";
  ASSERT_TRUE(check_calendar(bad_zone).has_value());
  EXPECT_EQ(check_calendar(bad_zone)->key, "calendar.HK.timezone");

  CalendarConfig lunch_overlap = c;
  lunch_overlap.phases[0].intervals[1].start_min = 700;
  ASSERT_TRUE(check_calendar(lunch_overlap).has_value());
  EXPECT_EQ(check_calendar(lunch_overlap)->key, "calendar.HK.phases.continuous");

  CalendarConfig many = c;
  many.live.clear();
  for (int i = 0; i < 65; ++i) {
    std::string name = "p";  // (not "p" + string: GCC 12 warns -Wrestrict on that)
    name += std::to_string(i);
    many.phases.push_back({name, {}, 10 + i});
  }
  ASSERT_TRUE(check_calendar(many).has_value());
  EXPECT_EQ(check_calendar(many)->message, "too many phases (at most 64)");
}

TEST(CalendarConfigInterval, ParsesAndPrintsBack) {
  SessionInterval i;
  std::string why;
  ASSERT_TRUE(parse_session_interval("00:00-24:00", i, why));
  EXPECT_EQ(i.start_min, 0);
  EXPECT_EQ(i.end_min, 1440);
  EXPECT_FALSE(i.wraps());
  ASSERT_TRUE(parse_session_interval("20:00-20:00", i, why));  // end not after start: wraps
  EXPECT_TRUE(i.wraps());
  EXPECT_EQ(i.first_min(), 20 * 60 - 1440);
  EXPECT_EQ(i.last_min(), 20 * 60);
  ASSERT_TRUE(parse_session_interval("23:59-00:00", i, why));
  EXPECT_TRUE(i.wraps());
  EXPECT_EQ(to_string(i), "23:59-00:00");
  EXPECT_FALSE(parse_session_interval("", i, why));
  EXPECT_FALSE(parse_session_interval("09:30-16:00 ", i, why));
  EXPECT_FALSE(parse_session_interval("+9:30-16:00", i, why));
}

}  // namespace
}  // namespace adrmon
