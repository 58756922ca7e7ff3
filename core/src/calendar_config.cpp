// The rules of a calendar table that do not depend on TOML: interval syntax,
// names, dates and overlaps (calendar_config.hpp). The loader reports what
// check_calendar() finds as a ConfigError.
#include "adrmon/core/calendar_config.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "adrmon/core/alert.hpp"  // kPhaseNameBytes: phase names ride in every Alert

namespace adrmon {

namespace {

bool two_digits(std::string_view s, std::size_t at, int& value) {
  const char a = s[at];
  const char b = s[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return false;
  value = (a - '0') * 10 + (b - '0');
  return true;
}

// "HH:MM" at `at` -> minutes after midnight; 24:00 gives 1440.
bool clock_time(std::string_view s, std::size_t at, int& minutes, std::string& why) {
  int h = 0;
  int m = 0;
  if (!two_digits(s, at, h) || s[at + 2] != ':' || !two_digits(s, at + 3, m)) {
    why = "is not \"HH:MM-HH:MM\" (two digits each, e.g. \"09:30-16:00\")";
    return false;
  }
  if (h == 24 && m == 0) {
    minutes = 1440;
    return true;
  }
  if (h > 23) {
    why = "has an hour above 23 (24:00 may only end an interval)";
    return false;
  }
  if (m > 59) {
    why = "has a minute above 59";
    return false;
  }
  minutes = h * 60 + m;
  return true;
}

std::string quoted(const SessionInterval& i) {
  std::string out = "\"";  // (not "\"" + string: GCC 12 warns -Wrestrict on that)
  out += to_string(i);
  out += '"';
  return out;
}

bool good_phase_name(std::string_view name) {
  if (name.empty() || name.size() >= kPhaseNameBytes) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// One interval of a day's phase set, for the overlap checks.
struct Item {
  const PhaseConfig* phase;
  const SessionInterval* interval;
};

std::vector<Item> items_of(const std::vector<PhaseConfig>& set) {
  std::vector<Item> items;
  for (const PhaseConfig& p : set) {
    for (const SessionInterval& i : p.intervals) items.push_back({&p, &i});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.interval->first_min() < b.interval->first_min();
  });
  return items;
}

const char* kWrapNote =
    " (an interval whose end is not after its start wraps midnight: it runs from its start on "
    "the day before to its end)";

std::optional<CalendarProblem> same_day_overlap(const CalendarConfig& c,
                                                const std::vector<PhaseConfig>& set,
                                                std::string_view table) {
  const std::vector<Item> items = items_of(set);
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t j = i + 1; j < items.size(); ++j) {
      const SessionInterval& a = *items[i].interval;
      const SessionInterval& b = *items[j].interval;
      if (b.first_min() >= a.last_min()) break;  // sorted by start: no later one overlaps a
      // Name the one written later in the file, pointing at the other.
      const bool b_later = b.line >= a.line;
      const Item& here = b_later ? items[j] : items[i];
      const Item& there = b_later ? items[i] : items[j];
      std::string msg = quoted(*here.interval) + " overlaps " + quoted(*there.interval) +
                        " of phase '" + there.phase->name + "' on the same trading day";
      if (a.wraps() || b.wraps()) msg += kWrapNote;
      return CalendarProblem{here.interval->line,
                             c.key() + "." + std::string(table) + "." + here.phase->name, msg};
    }
  }
  return std::nullopt;
}

// Day D uses `today`, the trading day D-1 before it `yesterday`: a wrapping
// interval of D must not reach back into an interval of D-1.
std::optional<CalendarProblem> next_day_overlap(const CalendarConfig& c,
                                                const std::vector<PhaseConfig>& yesterday,
                                                const std::vector<PhaseConfig>& today,
                                                std::string_view today_table,
                                                const std::string& when) {
  for (const PhaseConfig& p : today) {
    for (const SessionInterval& b : p.intervals) {
      if (!b.wraps()) continue;
      for (const PhaseConfig& q : yesterday) {
        for (const SessionInterval& a : q.intervals) {
          // b covers [b.first + 1440, b.last + 1440) in D-1's minutes.
          if (b.first_min() + 1440 < a.last_min()) {
            return CalendarProblem{b.line, c.key() + "." + std::string(today_table) + "." + p.name,
                                   quoted(b) +
                                       " wraps midnight, so it starts on the day before its "
                                       "trading day, where it overlaps " +
                                       quoted(a) + " of phase '" + q.name +
                                       "' of the previous trading day" + when};
          }
        }
      }
    }
  }
  return std::nullopt;
}

bool contains(const std::vector<CalendarDate>& list, LocalDate d) {
  return std::any_of(list.begin(), list.end(), [&](const CalendarDate& x) { return x.date == d; });
}

}  // namespace

bool parse_session_interval(std::string_view text, SessionInterval& out, std::string& why) {
  if (text.size() != 11 || text[5] != '-') {
    why = "is not \"HH:MM-HH:MM\" (two digits each, e.g. \"09:30-16:00\")";
    return false;
  }
  int start = 0;
  int end = 0;
  if (!clock_time(text, 0, start, why) || !clock_time(text, 6, end, why)) return false;
  if (start == 1440) {
    why = "starts at 24:00 (24:00 may only end an interval; write 00:00)";
    return false;
  }
  out.start_min = start;
  out.end_min = end;
  return true;
}

std::string to_string(const SessionInterval& i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", i.start_min / 60, i.start_min % 60,
                i.end_min / 60, i.end_min % 60);
  return buf;
}

std::optional<CalendarProblem> check_calendar(const CalendarConfig& c) {
  const std::string key = c.key();
  if (!is_time_zone(c.timezone)) {
    return CalendarProblem{c.timezone_line, key + ".timezone",
                           "unknown time zone '" + c.timezone +
                               "' (an IANA tz database name, e.g. \"America/New_York\")"};
  }

  std::vector<std::string> names;  // every phase name, first appearance order
  std::size_t phase_count = 0;
  for (const auto* set : {&c.phases, &c.half_day_phases}) {
    const std::string table = set == &c.phases ? ".phases" : ".half_day_phases";
    for (const PhaseConfig& p : *set) {
      if (!good_phase_name(p.name)) {
        return CalendarProblem{p.line, key + table + "." + p.name,
                               "a phase name is 1 to 15 letters, digits, '_' or '-'"};
      }
      if (p.name == kClosedPhaseName) {
        return CalendarProblem{p.line, key + table + "." + p.name,
                               "'closed' is reserved: it is the phase when no interval covers "
                               "an instant"};
      }
      if (std::find(names.begin(), names.end(), p.name) == names.end()) {
        names.push_back(p.name);
        if (++phase_count > kMaxPhases) {
          return CalendarProblem{p.line, key + table + "." + p.name,
                                 "too many phases (at most " + std::to_string(kMaxPhases) + ")"};
        }
      }
    }
  }
  for (const LiveName& l : c.live) {
    if (std::find(names.begin(), names.end(), l.name) == names.end()) {
      std::string known;
      for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
      return CalendarProblem{l.line, key + ".live",
                             "'" + l.name + "' is no phase of [" + key + ".phases] or [" + key +
                                 ".half_day_phases] (phases: " + (known.empty() ? "none" : known) +
                                 ")"};
    }
  }

  for (const auto* list : {&c.holidays, &c.half_days}) {
    const std::string list_key = key + (list == &c.holidays ? ".holidays" : ".half_days");
    std::set<LocalDate> seen;
    for (const CalendarDate& d : *list) {
      if (d.date < kCalendarFirstDate || d.date > kCalendarLastDate) {
        return CalendarProblem{d.line, list_key,
                               to_string(d.date) + " is outside the calendar span " +
                                   to_string(kCalendarFirstDate) + " to " +
                                   to_string(kCalendarLastDate)};
      }
      if (!seen.insert(d.date).second) {
        return CalendarProblem{d.line, list_key, to_string(d.date) + " is listed twice"};
      }
    }
  }
  for (const CalendarDate& d : c.half_days) {
    if (contains(c.holidays, d.date)) {
      return CalendarProblem{d.line, key + ".half_days",
                             to_string(d.date) + " is in both holidays and half_days"};
    }
  }
  if (!c.half_days.empty() && !c.has_half_day_phases) {
    return CalendarProblem{c.half_days.front().line, key + ".half_days",
                           "half days need [" + key + ".half_day_phases] (the phases they use)"};
  }

  if (auto p = same_day_overlap(c, c.phases, "phases")) return p;
  if (auto p = same_day_overlap(c, c.half_day_phases, "half_day_phases")) return p;
  // Two ordinary trading days in a row happen in every calendar; a half day
  // next to a trading day is checked where the calendar has one.
  if (auto p = next_day_overlap(c, c.phases, c.phases, "phases", "")) return p;
  const auto is_trading = [&](LocalDate d) {
    const unsigned wd = weekday(d);
    return wd != 0 && wd != 6 && !contains(c.holidays, d);
  };
  for (const CalendarDate& h : c.half_days) {
    if (!is_trading(h.date)) continue;
    const std::string when = " (" + to_string(h.date) + " is a half day)";
    const LocalDate before = add_days(h.date, -1);
    if (is_trading(before)) {
      const bool half = contains(c.half_days, before);
      if (auto p = next_day_overlap(c, half ? c.half_day_phases : c.phases, c.half_day_phases,
                                    "half_day_phases", when)) {
        return p;
      }
    }
    const LocalDate after = add_days(h.date, 1);
    if (is_trading(after) && !contains(c.half_days, after)) {
      if (auto p = next_day_overlap(c, c.half_day_phases, c.phases, "phases", when)) return p;
    }
  }
  return std::nullopt;
}

}  // namespace adrmon
