// The calendar model: what a `[calendar.US]` / `[calendar.HK]` table means
// (docs/FORMATS.md, "Calendars"), and the rules both the config loader and
// VenueCalendar apply to it.
//
// The loader (config.cpp) reads the TOML into a CalendarConfig, keeping each
// value's source line, and runs check_calendar() so that a bad calendar stops
// start-up with FILE:LINE: key '...'. VenueCalendar (venue_calendar.hpp)
// then turns a checked CalendarConfig into sorted instant spans once, on the
// cold path. Everything here allocates; any thread; cold path only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/instrument.hpp"
#include "adrmon/core/local_time.hpp"

namespace adrmon {

// The two venues that may have a calendar; the values equal Leg::Adr and
// Leg::Hk so `Config::calendar[static_cast<int>(leg)]` is the leg's venue.
enum class Venue : std::uint8_t { Us = 0, Hk = 1 };
inline constexpr std::size_t kVenueCount = 2;

// "US" / "HK": the table names ([calendar.US]) and the tick files' venue.
constexpr std::string_view venue_name(Venue v) noexcept {
  return v == Venue::Us ? "US" : "HK";
}
constexpr Venue venue_of(Leg leg) noexcept {
  return leg == Leg::Hk ? Venue::Hk : Venue::Us;
}

// The local dates a calendar may describe. Instants outside the spans of
// these trading days are "closed". The end is 2037 because the system's
// compiled tz files list explicit transitions through 2037 only and the tz
// library reads them without the rule that continues them, so later DST
// would be wrong; a date outside the span in a calendar is a config error.
inline constexpr LocalDate kCalendarFirstDate{2000, 1, 1};
inline constexpr LocalDate kCalendarLastDate{2037, 12, 31};

inline constexpr std::string_view kClosedPhaseName = "closed";
// At most this many named phases per calendar (ids 1..kMaxPhases; 0 is closed).
inline constexpr std::size_t kMaxPhases = 64;

// One "HH:MM-HH:MM" local wall-clock interval, half-open [start, end).
// start_min is 0..1439; end_min is 0..1440 ("24:00" is allowed as an end
// only: midnight at the end of the day). When end_min <= start_min the
// interval wraps midnight and belongs to the trading day on which it ends.
struct SessionInterval {
  int start_min = 0;
  int end_min = 0;
  int line = 0;  // source line of the string in the config file

  bool wraps() const noexcept { return end_min <= start_min; }
  // Minutes relative to the owning trading day's local midnight:
  // [first, last) with first in [-1440, 1440), last in (first, 1440].
  int first_min() const noexcept { return wraps() ? start_min - 1440 : start_min; }
  int last_min() const noexcept { return end_min; }
  friend bool operator==(const SessionInterval&, const SessionInterval&) = default;
};

// Parses "HH:MM-HH:MM" (two digits each, HH 00..23, MM 00..59, or "24:00"
// as the end). On failure returns false and says why. No allocation on
// success.
bool parse_session_interval(std::string_view text, SessionInterval& out, std::string& why);

// "HH:MM-HH:MM" again (24:00 for an end of 1440).
std::string to_string(const SessionInterval& interval);

// One named phase and its intervals, in file order.
struct PhaseConfig {
  std::string name;
  std::vector<SessionInterval> intervals;
  int line = 0;  // source line of `name = [...]`
};

// A dated list entry with its source line.
struct CalendarDate {
  LocalDate date;
  int line = 0;
};

// A `live` entry with its source line.
struct LiveName {
  std::string name;
  int line = 0;
};

struct CalendarConfig {
  Venue venue = Venue::Us;
  std::string timezone;  // IANA zone, checked with is_time_zone()
  std::vector<LiveName> live;
  std::vector<CalendarDate> holidays;   // file order
  std::vector<CalendarDate> half_days;  // file order
  std::vector<PhaseConfig> phases;      // file order
  std::vector<PhaseConfig> half_day_phases;
  bool has_half_day_phases = false;  // the table was given (it may be empty)

  int line = 0;  // [calendar.XX]
  int timezone_line = 0;
  int live_line = 0;
  int phases_line = 0;
  int half_day_phases_line = 0;

  // "calendar.US"
  std::string key() const { return "calendar." + std::string(venue_name(venue)); }
};

// A problem check_calendar() found: the line and the full key to name
// ("calendar.US.phases.regular") and what is wrong.
struct CalendarProblem {
  int line = 0;
  std::string key;
  std::string message;
};

// Checks every rule a calendar must satisfy beyond TOML types and interval
// syntax (the loader checks those), in this order: a known timezone; phase
// names 1..15 (they ride in every Alert) of [A-Za-z0-9_-], not "closed", at most kMaxPhases in all;
// every `live` name a phase of `phases` or `half_day_phases`; dates inside
// kCalendarFirstDate..kCalendarLastDate, none twice in a list, none in both
// lists; half_days only with half_day_phases; no two intervals of one day's
// phase set overlapping after the wrap rule; no wrapping interval reaching
// back into the previous trading day's intervals. Returns the first problem,
// or nothing for a good calendar.
std::optional<CalendarProblem> check_calendar(const CalendarConfig& calendar);

}  // namespace adrmon
