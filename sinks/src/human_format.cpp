// The human alert line (see human_format.hpp) and HumanClock: the zone is
// looked up once; each instant reuses the cached offset period.
#include "adrmon/sinks/human_format.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace adrmon {

namespace {

constexpr std::int64_t kNsPerSec = 1'000'000'000;

double age_s(std::int64_t now, std::int64_t then) {
  return static_cast<double>(now - then) / 1e9;
}

// floor(ns / 1e9) and the ns left, for instants before 1970 too.
std::tm utc_tm(std::int64_t ns, std::int64_t& sub_ns) {
  std::int64_t secs = ns / kNsPerSec;
  sub_ns = ns % kNsPerSec;
  if (sub_ns < 0) {
    sub_ns += kNsPerSec;
    --secs;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

// Appends to out[0, size) at n (clamped: never past the end); returns the new n.
std::size_t append(char* out, std::size_t size, std::size_t n, const char* fmt, auto... args) {
  if (n + 1 >= size) return n;
  const int w = std::snprintf(out + n, size - n, fmt, args...);
  return w < 0 ? n : std::min(size - 1, n + static_cast<std::size_t>(w));
}

// "STALE (HK leg 3.2 s old, FX leg never seen)", "FEED_DOWN (US feed: ADR
// leg 6.0 s old)": the word, then each leg in the alert's failed_legs (bits
// 1 ADR, 2 HK, 4 FX, as the engine set them) with its age at the alert; the
// word alone when none is set.
void name_legs(const char* word, bool feeds, const Alert& a, char* out, std::size_t size) {
  static const char* const kLeg[] = {"ADR", "HK", "FX"};
  static const char* const kFeed[] = {"US", "HK", "FX"};
  const std::int64_t ts[] = {a.adr_ts, a.hk_ts, a.fx_ts};
  std::size_t n = append(out, size, 0, "%s", word);
  const char* sep = " (";
  for (int i = 0; i < 3; ++i) {
    if ((a.failed_legs & (1 << i)) == 0) continue;
    n = append(out, size, n, "%s", sep);
    if (feeds) n = append(out, size, n, "%s feed: ", kFeed[i]);
    n = ts[i] == 0 ? append(out, size, n, "%s leg never seen", kLeg[i])
                   : append(out, size, n, "%s leg %.1f s old", kLeg[i], age_s(a.ts_event, ts[i]));
    sep = ", ";
  }
  if (a.failed_legs != 0) append(out, size, n, "%s", ")");
}

// "OPEN ", "CLOSE", "STALE (HK leg 3.2 s old)", "FEED_DOWN (US feed: ADR leg 6.0 s old)", ...
void what_text(const Alert& a, char* out, std::size_t size) {
  if (a.kind == AlertKind::Open) {
    std::snprintf(out, size, "OPEN ");
    return;
  }
  switch (a.reason) {
    case CloseReason::Stale:
      name_legs("STALE", false, a, out, size);
      return;
    case CloseReason::FeedDown:
      name_legs("FEED_DOWN", true, a, out, size);
      return;
    case CloseReason::Session:
    case CloseReason::Halted:
    case CloseReason::Suspect: {
      // SESSION, HALTED, SUSPECT: the reason's name in capitals.
      const std::string_view name = reason_name(a.reason);
      std::size_t i = 0;
      for (; i < name.size() && i + 1 < size; ++i) {
        out[i] = static_cast<char>(name[i] - 'a' + 'A');
      }
      out[i] = '\0';
      return;
    }
    default:
      std::snprintf(out, size, "CLOSE");
  }
}

HumanClock& default_clock_storage() {
  static HumanClock clock;
  return clock;
}

}  // namespace

HumanClock::HumanClock(std::string_view tz, bool recv) : name_(tz), recv_(recv) {
  if (tz != "UTC") {
    try {
      zone_ = date::locate_zone(std::string(tz));
    } catch (const std::exception&) {
      throw std::invalid_argument("unknown time zone '" + std::string(tz) +
                                  "' (want UTC or a tz database name such as Asia/Hong_Kong)");
    }
  }
  using namespace std::chrono;
  steady_to_wall_ns_ = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count() -
                       duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
  period_at(duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count());
}

void HumanClock::period_at(std::int64_t ns) noexcept {
  if (zone_ == nullptr) {
    begin_ns_ = INT64_MIN;
    end_ns_ = INT64_MAX;
    return;
  }
  try {
    using namespace std::chrono;
    const date::sys_info info = zone_->get_info(date::sys_time<nanoseconds>(nanoseconds(ns)));
    const auto to_ns = [](date::sys_seconds s) {
      const auto secs = s.time_since_epoch().count();
      if (secs > INT64_MAX / kNsPerSec) return INT64_MAX;
      if (secs < INT64_MIN / kNsPerSec) return INT64_MIN;
      return static_cast<std::int64_t>(secs) * kNsPerSec;
    };
    begin_ns_ = to_ns(info.begin);
    end_ns_ = to_ns(info.end);
    offset_ns_ = static_cast<std::int64_t>(info.offset.count()) * kNsPerSec;
    std::snprintf(abbrev_, sizeof abbrev_, "%s", info.abbrev.c_str());
  } catch (...) {  // outside the database's range: print UTC
    begin_ns_ = end_ns_ = ns;
    offset_ns_ = 0;
    std::snprintf(abbrev_, sizeof abbrev_, "UTC");
  }
}

int HumanClock::timestamp(std::int64_t ns, char* out, std::size_t size) noexcept {
  if (ns < begin_ns_ || ns >= end_ns_) period_at(ns);
  std::int64_t sub = 0;
  const std::tm tm = utc_tm(ns + offset_ns_, sub);
  const long micros = static_cast<long>(sub / 1000);
  if (zone_ == nullptr) {
    return std::snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  }
  const std::int64_t off_min = (offset_ns_ < 0 ? -offset_ns_ : offset_ns_) / (60 * kNsPerSec);
  return std::snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld%c%02d:%02d",
                       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                       tm.tm_sec, micros, offset_ns_ < 0 ? '-' : '+',
                       static_cast<int>(off_min / 60), static_cast<int>(off_min % 60));
}

int HumanClock::recv_suffix(std::int64_t steady_ns, char* out, std::size_t size) noexcept {
  if (!recv_ || steady_ns == 0) {
    if (size > 0) out[0] = '\0';
    return 0;
  }
  const std::int64_t ns = steady_ns + steady_to_wall_ns_;
  if (ns < begin_ns_ || ns >= end_ns_) period_at(ns);
  std::int64_t sub = 0;
  const std::tm tm = utc_tm(ns + offset_ns_, sub);
  return std::snprintf(out, size, " | recv %02d:%02d:%02d.%03ld %s", tm.tm_hour, tm.tm_min,
                       tm.tm_sec, static_cast<long>(sub / 1'000'000), abbrev_);
}

void set_default_human_clock(const HumanClock& clock) {
  default_clock_storage() = clock;
}

HumanClock default_human_clock() {
  return default_clock_storage();
}

std::size_t format_alert_human(const Alert& a, std::string_view pair_name, char* out) noexcept {
  HumanClock utc;
  return format_alert_human(a, pair_name, out, utc);
}

std::size_t format_alert_human(const Alert& a, std::string_view pair_name, char* out,
                               HumanClock& clock) noexcept {
  char when[64];
  clock.timestamp(a.ts_event, when, sizeof when);
  char what[160];  // three legs named: "FEED_DOWN (US feed: ADR leg 6.0 s old, ...)"
  what_text(a, what, sizeof what);
  char edge[48];
  if (std::isfinite(a.edge_bps)) {
    std::snprintf(edge, sizeof edge, "edge %+8.2fbp", a.edge_bps);
  } else {
    std::snprintf(edge, sizeof edge, "edge      n/a  ");
  }
  char tail[96];
  if (a.kind == AlertKind::Open) {
    std::snprintf(tail, sizeof tail, "%.0f ADS $%.0f", a.size_ads, a.notional_usd);
  } else {
    std::snprintf(tail, sizeof tail, "peak %+.2fbp, open %.3fs", a.peak_edge_bps,
                  age_s(a.ts_event, a.open_ts));
  }
  char recv[64];
  clock.recv_suffix(a.ts_recv, recv, sizeof recv);
  const int n = std::snprintf(
      out, kMaxHumanAlertBytes,
      "%s %s %-8s %-12.*s %s prem %+8.2fbp | ADR %.2f/%.2f age %.3fs | HK %.3f/%.3f age %.3fs | "
      "FX %.4f/%.4f age %.3fs | %s%s\n",
      when, what, side_name(a.side).data(), static_cast<int>(pair_name.size()), pair_name.data(),
      edge, a.mid_premium_bps, a.adr_bid, a.adr_ask, age_s(a.ts_event, a.adr_ts), a.hk_bid,
      a.hk_ask, age_s(a.ts_event, a.hk_ts), a.fx_bid, a.fx_ask, age_s(a.ts_event, a.fx_ts), tail,
      recv);
  if (n < 0) return 0;
  return std::min<std::size_t>(static_cast<std::size_t>(n), kMaxHumanAlertBytes - 1);
}

}  // namespace adrmon
