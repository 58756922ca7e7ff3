// One readable line per alert for people watching stdout:
//   2025-11-24T02:30:01.123456Z OPEN  sell_adr BABA/9988 edge +113.06bp prem +136.04bp |
//   ADR 104.00/104.02 age 0.000s | HK 100.00/100.10 age 1.000s | FX 7.8000/7.8002 age 2.000s | 100
//   ADS $10400
// A close by the gate names the check that shut it; STALE and FEED_DOWN also
// name the legs behind it ("STALE (HK leg 3.2 s old)", "FEED_DOWN (US feed:
// ADR leg 6.0 s old)"): those in the alert's failed_legs, which the engine
// set at the close (past their own age limit; on a venue with no live
// source). With a HumanClock
// in a zone the timestamp carries its offset ("…T10:30:01.123456+08:00");
// with recv on (adrmon run) the line ends "| recv 10:30:02.125 HKT", the
// wall-clock time the tick that caused it arrived, so an alert about an old
// event does not look fresh.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adrmon/core/alert.hpp"

namespace date {
class time_zone;
}

namespace adrmon {

inline constexpr std::size_t kMaxHumanAlertBytes = 512;

// How human lines print times: UTC ("…Z") or an IANA zone, and whether to
// add the receive time. The zone is looked up once, at construction; each
// format reuses the zone's offset while the instant stays inside the same
// offset period (a DST change costs one lookup). One clock per sink thread
// (the cache is mutable state).
class HumanClock {
 public:
  HumanClock() = default;  // UTC, no receive time
  // `tz`: "UTC" or a zone of the tz database ("Asia/Hong_Kong",
  // "America/New_York"). `recv`: add "recv HH:MM:SS.mmm ZONE" from the
  // alert's ts_recv (a steady-clock stamp, converted with the steady-to-wall
  // offset measured here). Throws std::invalid_argument naming an unknown
  // zone. Cold path.
  explicit HumanClock(std::string_view tz, bool recv = false);

  const std::string& zone_name() const noexcept { return name_; }
  bool shows_recv() const noexcept { return recv_; }

  // "2025-11-24T10:30:01.123456+08:00" (UTC: "…Z") into `out`; returns
  // bytes (out needs 40). No allocation except at an offset change.
  int timestamp(std::int64_t ns, char* out, std::size_t size) noexcept;
  // " | recv 10:30:02.125 HKT" for steady-clock stamp `steady_ns` (0: "");
  // returns bytes (out needs 40).
  int recv_suffix(std::int64_t steady_ns, char* out, std::size_t size) noexcept;

 private:
  void period_at(std::int64_t ns) noexcept;  // fills the cache below for `ns`

  std::string name_ = "UTC";
  const date::time_zone* zone_ = nullptr;  // null: UTC
  bool recv_ = false;
  std::int64_t steady_to_wall_ns_ = 0;
  std::int64_t begin_ns_ = 0, end_ns_ = 0;  // the cached offset holds in [begin, end)
  std::int64_t offset_ns_ = 0;
  char abbrev_[12] = "UTC";
};

// The clock StdoutSinks take when none is given. Set once by main before any
// sink is built (not thread-safe); UTC without receive time until then.
void set_default_human_clock(const HumanClock& clock);
HumanClock default_human_clock();

// Writes the line and '\n' into `out` (kMaxHumanAlertBytes); returns bytes.
// UTC, no receive time.
std::size_t format_alert_human(const Alert& alert, std::string_view pair_name, char* out) noexcept;
// The same with `clock`'s zone and receive time.
std::size_t format_alert_human(const Alert& alert, std::string_view pair_name, char* out,
                               HumanClock& clock) noexcept;

}  // namespace adrmon
