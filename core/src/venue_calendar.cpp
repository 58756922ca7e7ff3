// VenueCalendar's cold path: a checked CalendarConfig -> sorted instant spans
// (venue_calendar.hpp). Local wall-clock times become instants through
// local_time.hpp (the tz database); nothing here adjusts for DST by hand.
#include "adrmon/core/venue_calendar.hpp"

#include <algorithm>
#include <stdexcept>

namespace adrmon {

namespace {

bool in_sorted(const std::vector<LocalDate>& dates, LocalDate d) {
  return std::binary_search(dates.begin(), dates.end(), d);
}

std::vector<LocalDate> sorted_dates(const std::vector<CalendarDate>& list) {
  std::vector<LocalDate> out;
  out.reserve(list.size());
  for (const CalendarDate& d : list) out.push_back(d.date);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

VenueCalendar::VenueCalendar() : names_{std::string(kClosedPhaseName), "open"} {
  live_[kOpen] = true;
  outside_ = kOpen;
}

VenueCalendar VenueCalendar::always_open() {
  return VenueCalendar();
}

VenueCalendar::VenueCalendar(const CalendarConfig& c) : names_{std::string(kClosedPhaseName)} {
  if (auto problem = check_calendar(c)) {
    throw std::invalid_argument(problem->key + ": " + problem->message);
  }
  has_calendar_ = true;
  outside_ = kClosed;

  // Ids by first appearance: phases, then names only half_day_phases has.
  const auto id_of = [&](const std::string& name) {
    const auto it = std::find(names_.begin(), names_.end(), name);
    return static_cast<std::uint8_t>(it - names_.begin());
  };
  for (const auto* set : {&c.phases, &c.half_day_phases}) {
    for (const PhaseConfig& p : *set) {
      if (id_of(p.name) == names_.size()) names_.push_back(p.name);
    }
  }
  for (const LiveName& l : c.live) live_[id_of(l.name)] = true;

  // Each day's set as (first_min, last_min, id) relative to its midnight.
  struct Rel {
    int first;
    int last;
    std::uint8_t id;
  };
  const auto rel_of = [&](const std::vector<PhaseConfig>& set) {
    std::vector<Rel> out;
    for (const PhaseConfig& p : set) {
      for (const SessionInterval& i : p.intervals) {
        out.push_back({i.first_min(), i.last_min(), id_of(p.name)});
      }
    }
    std::sort(out.begin(), out.end(), [](const Rel& a, const Rel& b) { return a.first < b.first; });
    return out;
  };
  const std::vector<Rel> full = rel_of(c.phases);
  const std::vector<Rel> half = rel_of(c.half_day_phases);
  const std::vector<LocalDate> holidays = sorted_dates(c.holidays);
  const std::vector<LocalDate> half_days = sorted_dates(c.half_days);

  std::vector<PhaseSpan> spans;
  spans.reserve(14000 * std::max<std::size_t>(full.size(), 1));
  const LocalZone zone(c.timezone);
  for (LocalDate d = kCalendarFirstDate; d <= kCalendarLastDate; d = add_days(d, 1)) {
    const unsigned wd = weekday(d);
    if (wd == 0 || wd == 6 || in_sorted(holidays, d)) continue;
    for (const Rel& r : in_sorted(half_days, d) ? half : full) {
      const std::int64_t start = zone.to_utc_ns(d, r.first);
      const std::int64_t end = zone.to_utc_ns(d, r.last);
      // An interval inside a spring-forward gap covers no instant.
      if (end > start) spans.push_back({start, end, r.id});
    }
  }
  // Days are visited in order and each day's intervals sorted; a stable sort
  // only matters if the tz database were to reorder local times.
  const auto earlier = [](const PhaseSpan& a, const PhaseSpan& b) {
    return a.start_ns < b.start_ns;
  };
  if (!std::is_sorted(spans.begin(), spans.end(), earlier)) {
    std::stable_sort(spans.begin(), spans.end(), earlier);
  }
  spans_.reserve(spans.size());
  for (const PhaseSpan& s : spans) {
    if (!spans_.empty() && s.start_ns < spans_.back().end_ns) {
      // check_calendar() rules this out; reaching here is a bug.
      throw std::logic_error(c.key() + ": overlapping spans after the tz conversion");
    }
    if (!spans_.empty() && s.start_ns == spans_.back().end_ns && s.phase == spans_.back().phase) {
      spans_.back().end_ns = s.end_ns;
    } else {
      spans_.push_back(s);
    }
  }
}

std::optional<std::uint8_t> VenueCalendar::phase_id(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<std::uint8_t>(i);
  }
  return std::nullopt;
}

std::optional<std::int64_t> VenueCalendar::next_change(std::int64_t t_ns) const noexcept {
  const std::size_t c = first_ending_after(0, spans_.size(), t_ns);
  if (c == spans_.size()) return std::nullopt;
  return spans_[c].start_ns <= t_ns ? spans_[c].end_ns : spans_[c].start_ns;
}

}  // namespace adrmon
