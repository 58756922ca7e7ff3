// `adrmon explain`: the arithmetic behind an alert, step by step.
//
// An alert line (docs/FORMATS.md "Alerts") carries the quotes, the FX rate,
// the ratio and each leg's timestamp; the config carries the costs and
// thresholds. explain() recomputes every figure with the pricing contract's
// own functions (strategy/pricing.hpp, the engine's code, in the engine's
// order), prints each step with the numbers it carries, and compares the
// alert's doubles bit for bit: edge_bps, mid_premium_bps and notional_usd,
// plus the ratio in force at ts. It also checks what the alert implies about
// the gate (leg ages against max_age_ms / fx_max_age_ms, calendar phases,
// max_premium_bps) and the thresholds it crossed.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/venue_calendar.hpp"

namespace adrmon {

struct ExplainOptions {
  std::string config;
  std::vector<std::string> alerts;  // alert lines; empty or "-": read lines from stdin
  bool brief = false;               // one verdict line per alert
};

// One alert as read from its JSON line; absent fields are empty optionals,
// a JSON null number is NaN.
struct AlertRecord {
  std::int64_t ts = 0;
  std::string pair, side, kind, reason;
  std::optional<double> edge_bps;
  double mid_premium_bps = 0;
  double adr_bid = 0, adr_ask = 0, hk_bid = 0, hk_ask = 0, fx_bid = 0, fx_ask = 0, ratio = 0;
  std::optional<double> size_ads, notional_usd, peak_edge_bps;
  std::optional<std::int64_t> open_ts;
  std::int64_t adr_ts = 0, hk_ts = 0, fx_ts = 0;
  std::optional<std::string> us_phase, hk_phase;
};

// Parses one alert JSON line. Throws std::invalid_argument naming what is
// wrong (not one flat JSON object, a required field missing or of the wrong
// type, an unknown side or kind). Allocates; any thread.
AlertRecord parse_alert_line(std::string_view line);

class Explainer {
 public:
  // Builds the calendars of `config` once (cold; about 1 MB per calendar).
  explicit Explainer(const Config& config);

  // Explains `alert` on `out` (every step, or one line when `brief`) and
  // returns the fields that were not reproduced or not consistent (empty:
  // reproduced exactly). Throws std::invalid_argument when the alert's pair
  // is not in the config. Allocates; one thread per Explainer.
  std::vector<std::string> explain(const AlertRecord& alert, std::FILE* out, bool brief) const;

 private:
  const Config& config_;
  VenueCalendar calendar_[kVenueCount];
  bool has_calendars_ = false;
};

// The subcommand: 0 when every alert was reproduced exactly, 1 otherwise.
// Throws ConfigError for a bad config and std::invalid_argument for an input
// that is no alert (main maps both to exit code 2).
int run_explain(const ExplainOptions& opt);

}  // namespace adrmon
