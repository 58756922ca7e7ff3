// Local wall-clock times of a venue turned into instants, through the IANA
// tz database (Howard Hinnant's date/tz over the system's tzdata): never
// hand-coded DST. Cold path only — start-up and once per file or trading day
// — never per tick: the hot path compares precomputed int64 instants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adrmon {

struct LocalDate {
  int year = 0;
  unsigned month = 0;  // 1..12
  unsigned day = 0;    // 1..31
  friend bool operator==(const LocalDate&, const LocalDate&) = default;
  friend auto operator<=>(const LocalDate&, const LocalDate&) = default;
};

// True when `tz` names a zone of the tz database ("America/New_York").
bool is_time_zone(std::string_view tz);

}  // namespace adrmon

namespace date {
class time_zone;
}

namespace adrmon {

// One zone of the tz database, looked up by name once and kept: the venue
// calendars turn tens of thousands of local session times into instants at
// start-up, and a lookup by name costs more than the conversion.
class LocalZone {
 public:
  // Throws std::invalid_argument for an unknown zone.
  explicit LocalZone(std::string_view tz);
  // As local_to_utc_ns() below.
  std::int64_t to_utc_ns(LocalDate date, int minutes) const;
  // As local_date_at() below.
  LocalDate date_at(std::int64_t ts_ns) const;

 private:
  const date::time_zone* zone_;
};

// ns since the Unix epoch of `date` at `minutes` after local midnight in
// `tz` (minutes may exceed 1440 or be negative: it is wall-clock arithmetic
// on the local date, then the zone's offset at that local time). A local time
// that does not exist (the spring-forward gap) maps to the instant just after
// the gap; an ambiguous one (fall back) to its first occurrence. Throws
// std::invalid_argument for an unknown zone.
std::int64_t local_to_utc_ns(std::string_view tz, LocalDate date, int minutes);

// Local midnight of `date` in `tz`, as ns since the epoch.
inline std::int64_t local_midnight_ns(std::string_view tz, LocalDate date) {
  return local_to_utc_ns(tz, date, 0);
}

// The local date in `tz` at instant `ts_ns`. Throws for an unknown zone.
LocalDate local_date_at(std::string_view tz, std::int64_t ts_ns);

// 0 = Sunday .. 6 = Saturday.
unsigned weekday(LocalDate date) noexcept;

// `date` plus `days` (may be negative).
LocalDate add_days(LocalDate date, int days) noexcept;

// "YYYY-MM-DD".
std::string to_string(LocalDate date);

}  // namespace adrmon

namespace adrmon {

// An RFC 3339 instant ("2026-11-25T10:30:00+08:00", "…T02:30:00.123456789Z";
// up to 9 fractional digits; 'T', 't' or ' ' between date and time) as ns
// since the epoch. False when `text` is not one. No allocation.
bool parse_rfc3339_ns(std::string_view text, std::int64_t& out) noexcept;

}  // namespace adrmon
