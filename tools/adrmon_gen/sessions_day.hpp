// adrmon-gen --profile sessions: whole calendar days for the config's real
// calendars ([calendar.US], [calendar.HK]), phase by phase.
//
// Data flow (write_sessions):
//   the config's calendars -> VenueCalendar (the engine's own code) -> the
//   window of each US trade date D (20:00 ET on D-1, when D's overnight
//   session starts, to 20:00 ET on D, when its post-market ends; HK's day D
//   lies inside it) -> segments where both venues' phases are constant ->
//   per instrument and segment a quote rhythm (dense pairs: fresher than
//   max_age while both venues are live; thin elsewhere; silent when closed)
//   -> per-pair fair value walked through its event times -> quotes on the
//   HKEX grid and the cent grid (auction phases quote a locked indicative
//   price; overnight US spreads are wider) -> planned dislocations pushed
//   into the ADR, an HK halt as status records -> DIR/us.jsonl, hk.jsonl,
//   fx.jsonl, README.txt (each planned event in local time and UTC ns, and
//   what the engine should do with it).
//
// Deterministic for a seed (see rng.hpp). Cold path: allocates freely,
// single-threaded, throws std::runtime_error on bad input (no calendars in
// the config, dates outside the calendars).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/local_time.hpp"

namespace adrmon::gen {

struct SessionsOptions {
  std::string out;      // output directory (created if missing)
  std::string config;   // the config's path, for README.txt
  std::string command;  // the command line, for README.txt
  std::uint64_t seed = 1;
  LocalDate start;  // first US trade date (= HK date) generated
  int days = 1;
  int dense = 2;  // pairs quoting fresher than max_age while both venues are live
};

// Rough HK price level (HKD per share) and board lot of one pair.
struct PairLevel {
  double hk_price = 50;
  int lot = 100;
};

// Writes the days; `levels` is indexed like `pairs`. Returns the stderr
// summary line. Throws std::runtime_error (see above).
std::string write_sessions(const SessionsOptions& opt, const Config& config,
                           const std::vector<PairConfig>& pairs,
                           const std::vector<PairLevel>& levels);

// "YYYY-MM-DD" -> date; false when malformed. No allocation.
bool parse_local_date(std::string_view text, LocalDate& out) noexcept;

}  // namespace adrmon::gen
