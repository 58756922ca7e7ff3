#include "adrmon/core/local_time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace adrmon {

namespace {

const date::time_zone* zone(std::string_view tz) {
  try {
    return date::locate_zone(std::string(tz));
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown time zone '" + std::string(tz) + "'");
  }
}

date::year_month_day ymd(LocalDate d) {
  return date::year{d.year} / date::month{d.month} / date::day{d.day};
}

LocalDate from_ymd(date::year_month_day v) {
  return {static_cast<int>(v.year()), static_cast<unsigned>(v.month()),
          static_cast<unsigned>(v.day())};
}

}  // namespace

bool is_time_zone(std::string_view tz) {
  try {
    date::locate_zone(std::string(tz));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

LocalZone::LocalZone(std::string_view tz) : zone_(zone(tz)) {}

std::int64_t LocalZone::to_utc_ns(LocalDate d, int minutes) const {
  const date::local_days day{ymd(d)};
  const auto local = day + std::chrono::minutes{minutes};
  // earliest: an ambiguous time is its first instant; a nonexistent one
  // becomes the transition instant (the end of the gap).
  const auto utc = zone_->to_sys(local, date::choose::earliest);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(utc.time_since_epoch()).count();
}

LocalDate LocalZone::date_at(std::int64_t ts_ns) const {
  const date::sys_time<std::chrono::nanoseconds> t{std::chrono::nanoseconds{ts_ns}};
  const auto local = zone_->to_local(t);
  return from_ymd(date::year_month_day{date::floor<date::days>(local)});
}

std::int64_t local_to_utc_ns(std::string_view tz, LocalDate d, int minutes) {
  return LocalZone(tz).to_utc_ns(d, minutes);
}

LocalDate local_date_at(std::string_view tz, std::int64_t ts_ns) {
  return LocalZone(tz).date_at(ts_ns);
}

unsigned weekday(LocalDate d) noexcept {
  return date::weekday{date::sys_days{ymd(d)}}.c_encoding();
}

LocalDate add_days(LocalDate d, int days) noexcept {
  return from_ymd(date::year_month_day{date::sys_days{ymd(d)} + date::days{days}});
}

std::string to_string(LocalDate d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
  return buf;
}

}  // namespace adrmon

namespace adrmon {

namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) noexcept {
  if (at + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

bool parse_rfc3339_ns(std::string_view s, std::int64_t& out) noexcept {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
      !digits(s, 17, 2, sec)) {
    return false;
  }
  std::size_t i = 19;
  std::int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (++n > 9) return false;
      frac = frac * 10 + (s[i] - '0');
      ++i;
    }
    if (n == 0) return false;
    for (; n < 9; ++n) frac *= 10;
  }
  int offset_min = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int oh = 0, om = 0;
    if (!digits(s, i + 1, 2, oh) || !digits(s, i + 4, 2, om) || oh > 23 || om > 59) return false;
    offset_min = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
    i += 6;
  } else {
    return false;
  }
  if (i != s.size() || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return false;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  const std::int64_t days = date::sys_days{ymd}.time_since_epoch().count();
  const std::int64_t secs =
      days * 86400 + h * 3600 + mi * 60 + sec - static_cast<std::int64_t>(offset_min) * 60;
  out = secs * 1'000'000'000 + frac;
  return true;
}

}  // namespace adrmon
