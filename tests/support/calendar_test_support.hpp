// Helpers the calendar tests share (calendar_config, venue_calendar,
// local_time): utc_ns() turns a UTC civil time into ns since the epoch by
// calendar arithmetic alone (days from civil, H. Hinnant's algorithm), so
// the tz database's answers are checked, not restated; kIssueCalendars is
// the [calendar.US] / [calendar.HK] example of the issue as written there;
// kCalendarPrefix is the config those calendars are appended to;
// one_phase_calendar() writes the smallest calendar table.
// Header-only; constexpr except kCalendarPrefix.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "test_config.hpp"

namespace adrmon::test {

constexpr std::int64_t kMinuteNs = 60'000'000'000;
constexpr std::int64_t kHourNs = 60 * kMinuteNs;

// ns since the epoch of a UTC civil time.
constexpr std::int64_t utc_ns(int y, unsigned m, unsigned d, int hour, int minute) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = std::int64_t{era} * 146097 + doe - 719468;
  return ((days * 24 + hour) * 60 + minute) * kMinuteNs;
}
static_assert(utc_ns(1970, 1, 1, 0, 0) == 0);
static_assert(utc_ns(2025, 11, 24, 2, 30) == 1763951400000000000);  // the sample day

// [fx], [defaults] and one pair (BABA / 9988, ratio 8): 15 lines, so line n
// of a calendar snippet appended to it is line 15 + n of the file.
inline const std::string kCalendarPrefix =
    std::string(kBaseToml) + "[[pair]]\nadr = \"BABA\"\nhk = \"9988\"\nratio = 8\n";
constexpr int kCalendarPrefixLines = 15;

// [calendar.VENUE] in time zone `tz` with one phase, `phase`, live and of
// one interval ("HH:MM-HH:MM"): five lines.
inline std::string one_phase_calendar(std::string_view venue, std::string_view tz,
                                      std::string_view phase, std::string_view interval) {
  const std::string v(venue), p(phase);
  return "[calendar." + v + "]\ntimezone = \"" + std::string(tz) + "\"\nlive = [\"" + p +
         "\"]\n[calendar." + v + ".phases]\n" + p + " = [\"" + std::string(interval) + "\"]\n";
}

// The calendars of the issue, as written there.
constexpr std::string_view kIssueCalendars = R"([calendar.US]
timezone = "America/New_York"
live = ["regular", "overnight"]
holidays = [2026-11-26, 2026-12-25]
half_days = [2026-11-27, 2026-12-24]

[calendar.US.phases]
overnight = ["20:00-04:00"]
pre = ["04:00-09:30"]
regular = ["09:30-16:00"]
post = ["16:00-20:00"]

[calendar.US.half_day_phases]
overnight = ["20:00-04:00"]
pre = ["04:00-09:30"]
regular = ["09:30-13:00"]
post = ["13:00-17:00"]

[calendar.HK]
timezone = "Asia/Hong_Kong"
live = ["continuous"]
holidays = [2026-12-25]
half_days = [2026-12-24, 2026-12-31]

[calendar.HK.phases]
pre_open = ["09:00-09:30"]
continuous = ["09:30-12:00", "13:00-16:00"]
closing_auction = ["16:00-16:10"]

[calendar.HK.half_day_phases]
pre_open = ["09:00-09:30"]
continuous = ["09:30-12:00"]
closing_auction = ["12:00-12:10"]
)";

}  // namespace adrmon::test
