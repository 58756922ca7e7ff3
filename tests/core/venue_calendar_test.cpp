// Length: the expected instants of every boundary (HK and US, both DST changes
// of two years) written out in UTC, which is the point of the test.
// VenueCalendar: phases at chosen instants under the issue's example
// calendars (HK lunch, half day, holiday, half-open boundaries; US overnight
// wrap, weekend and holiday eves, both DST changes of 2026 and 2027, spans
// computed through the tz database), the real calendars of config/pairs.toml
// (trading days per year), the cursor against binary search on random
// instants, and no allocation on the hot path. Expected instants are written
// in UTC and computed here by calendar arithmetic alone.
#include "adrmon/core/venue_calendar.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "adrmon/core/config.hpp"
#include "allocation_counter.hpp"
#include "calendar_test_support.hpp"

namespace adrmon {
namespace {

using test::kHourNs;
using test::kIssueCalendars;
using test::kMinuteNs;
using test::utc_ns;

// Hong Kong has no DST: HKT is UTC+8 all year.
constexpr std::int64_t hkt(int y, unsigned m, unsigned d, int hour, int minute) {
  return utc_ns(y, m, d, hour, minute) - 8 * kHourNs;
}

Config config_with(std::string_view calendars) {
  return parse_config(test::kCalendarPrefix + std::string(calendars), "cal.toml");
}

VenueCalendar example(Venue v) {
  return VenueCalendar(*config_with(kIssueCalendars).calendar[static_cast<int>(v)]);
}

VenueCalendar shipped(Venue v) {
  const Config c = load_config(std::string(ADRMON_TEST_DATA) + "/../../config/pairs.toml");
  return VenueCalendar(*c.calendar[static_cast<int>(v)]);
}

// The phase's name at t, through the cursor and through the binary search
// (they must agree).
std::string name_at(VenueCalendar& cal, std::int64_t t) {
  const std::uint8_t id = cal.phase_at(t);
  EXPECT_EQ(id, cal.find_phase(t)) << t;
  return std::string(cal.phase_name(id));
}

// The span covering t; fails the test if none does.
PhaseSpan span_at(const VenueCalendar& cal, std::int64_t t) {
  for (const PhaseSpan& s : cal.spans()) {
    if (s.start_ns <= t && t < s.end_ns) return s;
  }
  ADD_FAILURE() << "no span covers " << t;
  return {};
}

PhaseSpan span(const VenueCalendar& cal, std::int64_t start, std::int64_t end,
               std::string_view phase) {
  return {start, end, *cal.phase_id(phase)};
}

// The span covering both `start` and `end - 1` is [start, end) of `phase`
// (so is the one covering every instant between: spans are intervals).
void expect_span(const VenueCalendar& cal, std::int64_t start, std::int64_t end,
                 std::string_view phase) {
  EXPECT_EQ(span_at(cal, start), span(cal, start, end, phase)) << phase << " from " << start;
  EXPECT_EQ(span_at(cal, end - 1), span(cal, start, end, phase)) << phase << " to " << end;
}

TEST(VenueCalendar, WithoutCalendarEveryInstantIsOpenAndLive) {
  VenueCalendar cal = VenueCalendar::always_open();
  EXPECT_FALSE(cal.has_calendar());
  for (const std::int64_t t : {std::int64_t{-1}, std::int64_t{0}, test::kT0,
                               utc_ns(2026, 12, 25, 15, 0), utc_ns(2099, 1, 1, 0, 0)}) {
    EXPECT_EQ(cal.phase_at(t), VenueCalendar::kOpen);
    EXPECT_EQ(cal.find_phase(t), VenueCalendar::kOpen);
  }
  EXPECT_EQ(cal.phase_name(VenueCalendar::kOpen), "open");
  EXPECT_TRUE(cal.live(VenueCalendar::kOpen));
  EXPECT_EQ(cal.phase_name(VenueCalendar::kClosed), "closed");
  EXPECT_FALSE(cal.live(VenueCalendar::kClosed));
  EXPECT_EQ(cal.phase_count(), 2u);
  EXPECT_TRUE(cal.spans().empty());
  EXPECT_FALSE(cal.next_change(test::kT0).has_value());
  EXPECT_EQ(VenueCalendar().phase_at(test::kT0), VenueCalendar::kOpen);  // default = always open
}

TEST(VenueCalendar, PhaseIdsFollowFirstAppearanceAndNamesLiveAsLongAsTheCalendar) {
  const VenueCalendar us = example(Venue::Us);
  EXPECT_TRUE(us.has_calendar());
  EXPECT_EQ(us.phase_count(), 5u);
  EXPECT_EQ(us.phase_name(0), "closed");
  EXPECT_EQ(us.phase_name(1), "overnight");
  EXPECT_EQ(us.phase_name(2), "pre");
  EXPECT_EQ(us.phase_name(3), "regular");
  EXPECT_EQ(us.phase_name(4), "post");
  EXPECT_EQ(us.phase_name(200), "closed");  // no such id
  EXPECT_EQ(us.phase_id("regular"), std::optional<std::uint8_t>(3));
  EXPECT_EQ(us.phase_id("closed"), std::optional<std::uint8_t>(VenueCalendar::kClosed));
  EXPECT_FALSE(us.phase_id("open").has_value());
  EXPECT_TRUE(us.live(*us.phase_id("regular")));
  EXPECT_TRUE(us.live(*us.phase_id("overnight")));
  EXPECT_FALSE(us.live(*us.phase_id("pre")));
  EXPECT_FALSE(us.live(*us.phase_id("post")));
  EXPECT_FALSE(us.live(VenueCalendar::kClosed));
  EXPECT_FALSE(us.live(200));
  const VenueCalendar hk = example(Venue::Hk);
  EXPECT_TRUE(hk.live(*hk.phase_id("continuous")));
  EXPECT_FALSE(hk.live(*hk.phase_id("pre_open")));
  EXPECT_FALSE(hk.live(*hk.phase_id("closing_auction")));
}

// Wed 23 Dec 2026, a full day: every boundary is half-open [start, end).
TEST(VenueCalendar, HkFullDayBoundariesAndLunchBreak) {
  VenueCalendar hk = example(Venue::Hk);
  const auto at = [&](int h, int m, std::int64_t delta = 0) {
    return name_at(hk, hkt(2026, 12, 23, h, m) + delta);
  };
  // Each boundary HH:MM: the phase 1 ns before it, and at it.
  const struct {
    int h, m;
    const char *before, *from;
  } boundaries[] = {{9, 0, "closed", "pre_open"},         {9, 30, "pre_open", "continuous"},
                    {12, 0, "continuous", "closed"},  // lunch
                    {13, 0, "closed", "continuous"},      {16, 0, "continuous", "closing_auction"},
                    {16, 10, "closing_auction", "closed"}};
  for (const auto& b : boundaries) {
    EXPECT_EQ(at(b.h, b.m, -1), b.before) << b.h << ":" << b.m;
    EXPECT_EQ(at(b.h, b.m), b.from) << b.h << ":" << b.m;
  }
  EXPECT_EQ(at(8, 59), "closed");
  EXPECT_EQ(at(12, 30), "closed");
  EXPECT_EQ(at(23, 0), "closed");
  // The spans are exact instants: 09:30-12:00 HKT is 01:30Z-04:00Z.
  expect_span(hk, utc_ns(2026, 12, 23, 1, 30), utc_ns(2026, 12, 23, 4, 0), "continuous");
}

TEST(VenueCalendar, HkHalfDayHolidayAndWeekend) {
  VenueCalendar hk = example(Venue::Hk);
  // Thu 24 Dec 2026, a half day: morning session, closing auction at noon.
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 24, 9, 15)), "pre_open");
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 24, 11, 59)), "continuous");
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 24, 12, 0)), "closing_auction");
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 24, 12, 10) - 1), "closing_auction");
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 24, 12, 10)), "closed");
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 24, 13, 30)), "closed");  // no afternoon
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 24, 16, 5)), "closed");   // no 16:00 auction
  // Fri 25 Dec, a holiday; Sat 26 and Sun 27 Dec: no phase at all.
  for (const unsigned day : {25u, 26u, 27u}) {
    for (const int hour : {9, 10, 14, 16}) {
      EXPECT_EQ(name_at(hk, hkt(2026, 12, day, hour, 5)), "closed") << day << " " << hour;
    }
  }
  // Mon 28 Dec trades again; Thu 31 Dec is a half day.
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 28, 14, 0)), "continuous");
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 31, 14, 0)), "closed");
  EXPECT_EQ(name_at(hk, hkt(2026, 12, 31, 12, 5)), "closing_auction");
}

// "20:00-04:00" belongs to the trading day on which it ends.
TEST(VenueCalendar, UsOvernightBelongsToTheTradingDayItEndsOn) {
  VenueCalendar us = example(Venue::Us);
  // Sunday 22 Nov 2026 20:00 EST (01:00Z Monday) opens Monday's overnight.
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 23, 1, 0) - 1), "closed");  // Sun 19:59:59.999999999
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 23, 1, 0)), "overnight");
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 23, 9, 0) - 1), "overnight");  // Mon 03:59:59.999999999
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 23, 9, 0)), "pre");            // Mon 04:00
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 23, 14, 30)), "regular");      // Mon 09:30
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 23, 21, 0)), "post");          // Mon 16:00
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 24, 1, 0)), "overnight");      // Mon 20:00: Tuesday's
  // Friday 20 Nov 20:00 EST: Saturday is no trading day, so nothing runs.
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 21, 1, 0) - 1), "post");  // Fri 19:59:59.999999999
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 21, 1, 0)), "closed");
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 21, 6, 0)), "closed");   // Sat 01:00
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 22, 15, 0)), "closed");  // Sun 10:00
}

TEST(VenueCalendar, UsHolidayEveIsClosedAndTheHolidayEveningBelongsToTheNextDay) {
  VenueCalendar us = example(Venue::Us);
  // Wed 25 Nov 2026 20:00 EST: Thanksgiving (26 Nov) is a holiday.
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 26, 0, 59)), "post");  // Wed 19:59
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 26, 1, 0)), "closed");
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 26, 15, 0)), "closed");  // Thu 10:00
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 27, 0, 59)), "closed");  // Thu 19:59
  // Thanksgiving evening 20:00 is the overnight of Friday 27 Nov, a half day.
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 27, 1, 0)), "overnight");
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 27, 17, 59)), "regular");  // Fri 12:59
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 27, 18, 0)), "post");      // Fri 13:00 early close
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 27, 22, 0) - 1), "post");  // Fri 16:59:59.999999999
  EXPECT_EQ(name_at(us, utc_ns(2026, 11, 27, 22, 0)), "closed");    // Fri 17:00
  // Thu 24 Dec, a half day before the Christmas holiday: its overnight runs
  // from Wed 23 Dec 20:00; nothing runs on the evening of the 24th.
  EXPECT_EQ(name_at(us, utc_ns(2026, 12, 24, 1, 0)), "overnight");
  EXPECT_EQ(name_at(us, utc_ns(2026, 12, 24, 19, 0)), "post");   // 14:00
  EXPECT_EQ(name_at(us, utc_ns(2026, 12, 25, 1, 0)), "closed");  // 24 Dec 20:00
}

// US DST 2026: 8 Mar (EST -> EDT) and 1 Nov (EDT -> EST), both on a Sunday.
// Regular 09:30-16:00 ET is 14:30-21:00Z in winter and 13:30-20:00Z in summer.
TEST(VenueCalendar, UsSpansAcrossTheMarchChangeComeFromTheTzDatabase) {
  const VenueCalendar us = example(Venue::Us);
  // Friday 6 Mar, EST.
  expect_span(us, utc_ns(2026, 3, 6, 14, 30), utc_ns(2026, 3, 6, 21, 0), "regular");
  expect_span(us, utc_ns(2026, 3, 6, 21, 0), utc_ns(2026, 3, 7, 1, 0), "post");
  // Monday 9 Mar's overnight starts Sunday 20:00 EDT (after that morning's change).
  expect_span(us, utc_ns(2026, 3, 9, 0, 0), utc_ns(2026, 3, 9, 8, 0), "overnight");
  expect_span(us, utc_ns(2026, 3, 9, 8, 0), utc_ns(2026, 3, 9, 13, 30), "pre");
  expect_span(us, utc_ns(2026, 3, 9, 13, 30), utc_ns(2026, 3, 9, 20, 0), "regular");
  // Nothing in the weekend between.
  EXPECT_EQ(us.find_phase(utc_ns(2026, 3, 8, 7, 0)), VenueCalendar::kClosed);
}

TEST(VenueCalendar, UsSpansAcrossTheNovemberChangeComeFromTheTzDatabase) {
  const VenueCalendar us = example(Venue::Us);
  // Friday 30 Oct, EDT.
  expect_span(us, utc_ns(2026, 10, 30, 13, 30), utc_ns(2026, 10, 30, 20, 0), "regular");
  // Monday 2 Nov's overnight starts Sunday 20:00 EST.
  expect_span(us, utc_ns(2026, 11, 2, 1, 0), utc_ns(2026, 11, 2, 9, 0), "overnight");
  expect_span(us, utc_ns(2026, 11, 2, 14, 30), utc_ns(2026, 11, 2, 21, 0), "regular");
  // 2027's changes: 14 Mar and 7 Nov.
  EXPECT_EQ(span_at(us, utc_ns(2027, 3, 12, 15, 0)).start_ns, utc_ns(2027, 3, 12, 14, 30));
  EXPECT_EQ(span_at(us, utc_ns(2027, 3, 15, 15, 0)).start_ns, utc_ns(2027, 3, 15, 13, 30));
  EXPECT_EQ(span_at(us, utc_ns(2027, 11, 5, 15, 0)).start_ns, utc_ns(2027, 11, 5, 13, 30));
  EXPECT_EQ(span_at(us, utc_ns(2027, 11, 8, 15, 0)).start_ns, utc_ns(2027, 11, 8, 14, 30));
}

// An interval that itself contains the change (a Monday session starting
// Sunday 01:00) is 23 or 25 hours of instants, not 24 of arithmetic; one that
// starts inside the spring-forward gap starts at the change.
TEST(VenueCalendar, AnIntervalContainingTheChangeHasTheDatabasesLength) {
  // (The HK table is only a second calendar here; any zone is allowed.)
  const Config c =
      config_with(test::one_phase_calendar("US", "America/New_York", "long", "01:00-00:30") +
                  test::one_phase_calendar("HK", "America/New_York", "gap", "02:30-00:30"));
  const VenueCalendar cal(*c.calendar[0]);
  // Monday 9 Mar 2026: Sun 01:00 EST (06:00Z) to Mon 00:30 EDT (04:30Z).
  const PhaseSpan spring = span_at(cal, utc_ns(2026, 3, 8, 12, 0));
  EXPECT_EQ(spring.start_ns, utc_ns(2026, 3, 8, 6, 0));
  EXPECT_EQ(spring.end_ns, utc_ns(2026, 3, 9, 4, 30));
  EXPECT_EQ(spring.end_ns - spring.start_ns, 22 * kHourNs + 30 * kMinuteNs);
  // Monday 2 Nov 2026: Sun 01:00 EDT, the first of the two (05:00Z), to Mon 00:30 EST (05:30Z).
  const PhaseSpan fall = span_at(cal, utc_ns(2026, 11, 1, 12, 0));
  EXPECT_EQ(fall.start_ns, utc_ns(2026, 11, 1, 5, 0));
  EXPECT_EQ(fall.end_ns, utc_ns(2026, 11, 2, 5, 30));
  EXPECT_EQ(fall.end_ns - fall.start_ns, 24 * kHourNs + 30 * kMinuteNs);

  const VenueCalendar gap(*c.calendar[1]);
  // Sun 8 Mar 02:30 does not exist: the span starts at the change, 07:00Z.
  EXPECT_EQ(span_at(gap, utc_ns(2026, 3, 8, 12, 0)).start_ns, utc_ns(2026, 3, 8, 7, 0));
}

TEST(VenueCalendar, AdjacentIntervalsOfOnePhaseBecomeOneSpan) {
  const Config c = config_with(R"([calendar.HK]
timezone = "Asia/Hong_Kong"
live = ["a"]
[calendar.HK.phases]
a = ["09:00-10:00", "10:00-11:00"]
b = ["11:00-12:00"]
)");
  const VenueCalendar hk(*c.calendar[1]);
  expect_span(hk, hkt(2026, 6, 1, 9, 0), hkt(2026, 6, 1, 11, 0), "a");
  expect_span(hk, hkt(2026, 6, 1, 11, 0), hkt(2026, 6, 1, 12, 0), "b");
}

TEST(VenueCalendar, SpansAreSortedDisjointAndInsideTheCalendarSpan) {
  for (const Venue v : {Venue::Us, Venue::Hk}) {
    const VenueCalendar cal = shipped(v);
    const auto spans = cal.spans();
    ASSERT_FALSE(spans.empty());
    for (std::size_t i = 0; i < spans.size(); ++i) {
      ASSERT_LT(spans[i].start_ns, spans[i].end_ns);
      ASSERT_NE(spans[i].phase, VenueCalendar::kClosed);
      if (i > 0) {
        ASSERT_LE(spans[i - 1].end_ns, spans[i].start_ns);
      }
    }
  }
  // The first US span is the overnight of Monday 3 Jan 2000 (1 Jan is a
  // Saturday), from Sunday 20:00 EST; the last is Thursday 31 Dec 2037's post.
  const VenueCalendar us = shipped(Venue::Us);
  EXPECT_EQ(us.spans().front(),
            span(us, utc_ns(2000, 1, 3, 1, 0), utc_ns(2000, 1, 3, 9, 0), "overnight"));
  EXPECT_EQ(us.spans().back(),
            span(us, utc_ns(2037, 12, 31, 21, 0), utc_ns(2038, 1, 1, 1, 0), "post"));
  // Outside the span a calendar venue is closed.
  EXPECT_EQ(us.find_phase(utc_ns(1999, 12, 31, 15, 0)), VenueCalendar::kClosed);
  EXPECT_EQ(us.find_phase(utc_ns(2038, 1, 4, 15, 0)), VenueCalendar::kClosed);
}

TEST(VenueCalendar, NextChangeIsTheNextBoundary) {
  const VenueCalendar hk = example(Venue::Hk);
  EXPECT_EQ(hk.next_change(hkt(2026, 12, 23, 10, 0)), hkt(2026, 12, 23, 12, 0));
  EXPECT_EQ(hk.next_change(hkt(2026, 12, 23, 12, 0)), hkt(2026, 12, 23, 13, 0));
  EXPECT_EQ(hk.next_change(hkt(2026, 12, 23, 16, 10)), hkt(2026, 12, 24, 9, 0));
  EXPECT_EQ(hk.next_change(hkt(2026, 12, 24, 12, 10)), hkt(2026, 12, 28, 9, 0));
  EXPECT_FALSE(hk.next_change(utc_ns(2040, 1, 1, 0, 0)).has_value());
}

// The real calendars: trading days per year match ../shared/MARKETS.md §2.
TEST(VenueCalendar, ShippedCalendarsGiveTheYearsTradingDays) {
  VenueCalendar hk = shipped(Venue::Hk);
  VenueCalendar us = shipped(Venue::Us);
  const auto trading_days = [](VenueCalendar& cal, int year, auto instant_at_10am,
                               std::string_view phase) {
    int n = 0;
    for (LocalDate d{year, 1, 1}; d.year == year; d = add_days(d, 1)) {
      n += cal.phase_name(cal.phase_at(instant_at_10am(d))) == phase ? 1 : 0;
    }
    return n;
  };
  const auto hk_10am = [](LocalDate d) { return hkt(d.year, d.month, d.day, 10, 0); };
  // 10:00 ET, through the tz database (local_time_test checks that path).
  const auto us_10am = [](LocalDate d) { return local_to_utc_ns("America/New_York", d, 600); };
  EXPECT_EQ(trading_days(hk, 2026, hk_10am, "continuous"), 247);
  EXPECT_EQ(trading_days(hk, 2027, hk_10am, "continuous"), 248);
  EXPECT_EQ(trading_days(us, 2026, us_10am, "regular"), 251);
  EXPECT_EQ(trading_days(us, 2027, us_10am, "regular"), 251);

  // HK half days: Lunar New Year's eve 2026, Christmas and New Year's eves.
  EXPECT_EQ(name_at(hk, hkt(2026, 2, 16, 12, 5)), "closing_auction");
  EXPECT_EQ(name_at(hk, hkt(2026, 2, 16, 14, 0)), "closed");
  EXPECT_EQ(name_at(hk, hkt(2026, 2, 17, 10, 0)), "closed");  // LNY
  EXPECT_EQ(name_at(hk, hkt(2027, 2, 5, 14, 0)), "closed");
  EXPECT_EQ(name_at(hk, hkt(2027, 12, 31, 11, 0)), "continuous");
  // US: 3 Jul 2026 observed Independence Day; the evening before is closed,
  // Sunday 5 Jul 20:00 EDT is Monday's overnight.
  EXPECT_EQ(name_at(us, utc_ns(2026, 7, 3, 0, 0)), "closed");     // Thu 2 Jul 20:00 EDT
  EXPECT_EQ(name_at(us, utc_ns(2026, 7, 3, 14, 0)), "closed");    // Fri 10:00
  EXPECT_EQ(name_at(us, utc_ns(2026, 7, 6, 0, 0)), "overnight");  // Sun 5 Jul 20:00 EDT
  // 26 Nov 2027, the one early close of 2027; 24 Dec 2027 is a holiday.
  EXPECT_EQ(name_at(us, utc_ns(2027, 11, 26, 18, 30)), "post");  // 13:30 EST
  EXPECT_EQ(name_at(us, utc_ns(2027, 12, 24, 1, 0)), "closed");  // Thu 23 Dec 20:00 EST
  EXPECT_EQ(name_at(us, utc_ns(2027, 12, 24, 15, 0)), "closed");
}

// The bundled sample day (data/sample, 2025-11-24 02:30Z-02:35Z) is Sunday
// evening overnight in New York and Monday morning continuous trading in Hong
// Kong: demo.toml's calendars leave every one of its comparisons live.
TEST(VenueCalendar, TheSampleDayIsLiveUnderDemoCalendars) {
  const Config c = load_config(std::string(ADRMON_TEST_DATA) + "/../../config/demo.toml");
  VenueCalendar us(*c.calendar[0]);
  VenueCalendar hk(*c.calendar[1]);
  for (std::int64_t t = test::kT0; t <= test::kT0 + 5 * kMinuteNs; t += kMinuteNs / 4) {
    EXPECT_EQ(us.phase_name(us.phase_at(t)), "overnight");
    EXPECT_EQ(hk.phase_name(hk.phase_at(t)), "continuous");
    EXPECT_TRUE(us.live(us.phase_at(t)) && hk.live(hk.phase_at(t)));
  }
}

// The cursor must give the binary search's answer whatever the order.
TEST(VenueCalendar, CursorAgreesWithBinarySearch) {
  for (const Venue v : {Venue::Us, Venue::Hk}) {
    VenueCalendar cal = shipped(v);
    std::mt19937_64 rng(20260308 + static_cast<int>(v));
    const std::int64_t lo = utc_ns(1999, 6, 1, 0, 0);
    const std::int64_t hi = utc_ns(2038, 6, 1, 0, 0);
    // Nearly monotone event time: small steps forward, including zero.
    std::int64_t t = utc_ns(2025, 12, 20, 0, 0);
    for (int i = 0; i < 200000; ++i) {
      t += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(20 * kMinuteNs));
      ASSERT_EQ(cal.phase_at(t), cal.find_phase(t)) << "step " << i << " t " << t;
    }
    // Every span boundary and its neighbours, in order.
    const std::span<const PhaseSpan> spans = cal.spans();  // phase_at leaves them alone
    for (const PhaseSpan& s : spans) {
      for (const std::int64_t b : {s.start_ns - 1, s.start_ns, s.end_ns - 1, s.end_ns}) {
        ASSERT_EQ(cal.phase_at(b), cal.find_phase(b)) << b;
      }
    }
    // Random jumps anywhere, and forward runs broken by jumps back.
    std::uniform_int_distribution<std::int64_t> anywhere(lo, hi);
    for (int i = 0; i < 100000; ++i) {
      const std::int64_t j = anywhere(rng);
      ASSERT_EQ(cal.phase_at(j), cal.find_phase(j)) << j;
    }
    t = utc_ns(2026, 1, 1, 0, 0);
    for (int i = 0; i < 100000; ++i) {
      const std::uint64_t r = rng();
      if (r % 50 == 0) {
        t -= static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(30 * 24 * kHourNs));
      } else if (r % 50 == 1) {
        t += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(90 * 24 * kHourNs));
      } else {
        t += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(kHourNs));
      }
      ASSERT_EQ(cal.phase_at(t), cal.find_phase(t)) << t;
    }
  }
}

TEST(VenueCalendar, CopiesAnswerTheSame) {
  VenueCalendar a = example(Venue::Us);
  (void)a.phase_at(utc_ns(2026, 11, 23, 15, 0));  // move the cursor
  VenueCalendar b = a;
  for (const std::int64_t t : {utc_ns(2026, 1, 5, 15, 0), utc_ns(2026, 11, 27, 18, 0)}) {
    EXPECT_EQ(a.phase_at(t), b.phase_at(t));
  }
}

TEST(VenueCalendar, TheHotPathNeverAllocates) {
  VenueCalendar us = shipped(Venue::Us);
  VenueCalendar open = VenueCalendar::always_open();
  std::mt19937_64 rng(7);
  std::vector<std::int64_t> times(200000);
  std::int64_t t = utc_ns(2026, 1, 1, 0, 0);
  for (std::int64_t& x : times) {
    t += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(10 * kMinuteNs));
    x = rng() % 100 == 0
            ? utc_ns(2000, 1, 1, 0, 0) + static_cast<std::int64_t>(rng() % (1ull << 60))
            : t;
  }
  std::size_t live = 0;
  std::size_t name_bytes = 0;
  test::start_counting_allocations();
  for (const std::int64_t x : times) {
    const std::uint8_t p = us.phase_at(x);
    live += us.live(p) ? 1 : 0;
    name_bytes += us.phase_name(p).size();
    live += open.live(open.phase_at(x)) ? 1 : 0;
    live += us.find_phase(x) == p ? 1 : 0;
  }
  const std::size_t allocations = test::stop_counting_allocations();
  EXPECT_EQ(allocations, 0u);
  EXPECT_GT(live, times.size());
  EXPECT_GT(name_bytes, 0u);
}

TEST(VenueCalendar, AnUncheckedBadCalendarIsRefused) {
  CalendarConfig c;
  c.timezone = "Nowhere/Atlantis";
  c.phases = {{"regular", {{570, 960, 1}}, 1}};
  EXPECT_THROW(VenueCalendar{c}, std::invalid_argument);
  c.timezone = "America/New_York";
  c.live = {{"regualr", 1}};
  EXPECT_THROW(VenueCalendar{c}, std::invalid_argument);
  c.live = {{"regular", 1}};
  EXPECT_NO_THROW(VenueCalendar{c});
}

}  // namespace
}  // namespace adrmon
