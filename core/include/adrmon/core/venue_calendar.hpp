// VenueCalendar: the phase of one venue at any instant, from its calendar.
//
// Built once from a checked CalendarConfig (cold path): for every local date
// from kCalendarFirstDate to kCalendarLastDate that is a trading day (Monday
// to Friday, not a holiday) it turns that day's intervals (half_day_phases on
// a half day, phases otherwise) into instants through the tz database and
// keeps one sorted list of non-overlapping [start_ns, end_ns) spans, each
// with a phase id. An interval whose end is not after its start wraps
// midnight and belongs to the trading day on which it ends ("20:00-04:00" of
// day D runs from 20:00 on D-1 to 04:00 on D).
//
// The hot path (phase_at, live, phase_name) only compares integers: no
// allocation, no lock, no time-zone arithmetic. An instant no span covers is
// kClosed. A venue without a calendar gets always_open(): one phase "open",
// live, at every instant.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/calendar_config.hpp"

namespace adrmon {

// One precomputed span: [start_ns, end_ns) is in phase `phase`.
struct PhaseSpan {
  std::int64_t start_ns;
  std::int64_t end_ns;
  std::uint8_t phase;
  friend bool operator==(const PhaseSpan&, const PhaseSpan&) = default;
};

class VenueCalendar {
 public:
  // The phase of an instant no interval covers; its name is "closed".
  static constexpr std::uint8_t kClosed = 0;
  // The one phase of always_open(), named "open".
  static constexpr std::uint8_t kOpen = 1;

  // Same as always_open().
  VenueCalendar();

  // Precomputes the spans of `calendar`, which must have passed
  // check_calendar() (load_config does that); throws std::invalid_argument
  // if it does not. Phase ids: 1.. in order of first appearance in
  // `phases`, then `half_day_phases`. Allocates (about 20 bytes per span,
  // ~1 MB for 38 years of 5 intervals a day); cold path, any thread.
  explicit VenueCalendar(const CalendarConfig& calendar);

  // A venue without a calendar: phase kOpen ("open", live) at every instant.
  static VenueCalendar always_open();

  // The phase at instant `t_ns` (ns since the epoch). Keeps a cursor, so a
  // nondecreasing sequence of instants costs amortised O(1) per call and a
  // jump costs a binary search. No allocation, no lock, no tz arithmetic;
  // it writes the cursor, so one thread per VenueCalendar object (the
  // engine's) — copy the calendar for another thread, or use find_phase.
  std::uint8_t phase_at(std::int64_t t_ns) noexcept {
    const std::size_t n = spans_.size();
    std::size_t c = cursor_;
    // Invariant: c is the first span with end_ns > t (or n).
    if (c > 0 && spans_[c - 1].end_ns > t_ns) {
      c = first_ending_after(0, c, t_ns);
    } else {
      for (int step = 0; c < n && spans_[c].end_ns <= t_ns; ++step, ++c) {
        if (step == 4) {  // a jump forward: stop walking, search the rest
          c = first_ending_after(c, n, t_ns);
          break;
        }
      }
    }
    cursor_ = c;
    return c < n && spans_[c].start_ns <= t_ns ? spans_[c].phase : outside_;
  }

  // The same answer by binary search, without the cursor: O(log n), no
  // allocation; const, so any number of threads may call it at once.
  std::uint8_t find_phase(std::int64_t t_ns) const noexcept {
    const std::size_t c = first_ending_after(0, spans_.size(), t_ns);
    return c < spans_.size() && spans_[c].start_ns <= t_ns ? spans_[c].phase : outside_;
  }

  // Whether quotes of this venue count as live in `phase` (the calendar's
  // `live` list; kOpen of always_open() is live, kClosed never is).
  bool live(std::uint8_t phase) const noexcept { return live_[phase]; }

  // The phase's name ("closed" for kClosed and for an id that is no phase).
  // The view lives as long as this VenueCalendar. No allocation.
  std::string_view phase_name(std::uint8_t phase) const noexcept {
    return phase < names_.size() ? std::string_view(names_[phase]) : kClosedPhaseName;
  }

  // The id of the phase named `name` (kClosed for "closed"), or nothing.
  // Cold path.
  std::optional<std::uint8_t> phase_id(std::string_view name) const noexcept;

  // Number of phase ids including kClosed (so ids are 0 .. phase_count()-1).
  std::size_t phase_count() const noexcept { return names_.size(); }

  // False for always_open().
  bool has_calendar() const noexcept { return has_calendar_; }

  // The first instant after `t_ns` at which the phase changes, or nothing
  // when it never does again. Binary search; const, no allocation.
  std::optional<std::int64_t> next_change(std::int64_t t_ns) const noexcept;

  // The precomputed spans, sorted, non-overlapping, non-empty; adjacent
  // spans of one phase are merged. Lives as long as this object.
  std::span<const PhaseSpan> spans() const noexcept { return spans_; }

 private:
  // The first index in [lo, hi) whose span ends after t, or hi.
  std::size_t first_ending_after(std::size_t lo, std::size_t hi, std::int64_t t) const noexcept {
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (spans_[mid].end_ns <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  std::vector<PhaseSpan> spans_;
  std::vector<std::string> names_;  // by id; names_[kClosed] == "closed"
  std::array<bool, 256> live_{};
  std::uint8_t outside_ = kClosed;  // the phase where no span is: kOpen when always open
  bool has_calendar_ = false;
  std::size_t cursor_ = 0;
};

}  // namespace adrmon
