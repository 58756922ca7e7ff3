#include "human_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace adrmon {

namespace {

// "2025-11-24T02:30:01.123456Z" from ns since the epoch (UTC).
int format_utc(std::int64_t ns, char* out, std::size_t size) {
  const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  const long micros = static_cast<long>((ns % 1'000'000'000) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return std::snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

double age_s(std::int64_t now, std::int64_t then) {
  return static_cast<double>(now - then) / 1e9;
}

}  // namespace

std::size_t format_alert_human(const Alert& a, std::string_view pair_name, char* out) noexcept {
  char when[64];
  format_utc(a.ts_event, when, sizeof when);
  const bool open = a.kind == AlertKind::Open;
  const char* what = open ? "OPEN " : (a.reason == CloseReason::Stale ? "STALE" : "CLOSE");
  char edge[48];
  if (std::isfinite(a.edge_bps)) {
    std::snprintf(edge, sizeof edge, "edge %+8.2fbp", a.edge_bps);
  } else {
    std::snprintf(edge, sizeof edge, "edge      n/a  ");
  }
  char tail[96];
  if (open) {
    std::snprintf(tail, sizeof tail, "%.0f ADS $%.0f", a.size_ads, a.notional_usd);
  } else {
    std::snprintf(tail, sizeof tail, "peak %+.2fbp, open %.3fs", a.peak_edge_bps,
                  age_s(a.ts_event, a.open_ts));
  }
  const int n = std::snprintf(
      out, kMaxHumanAlertBytes,
      "%s %s %-8s %-12.*s %s prem %+8.2fbp | ADR %.2f/%.2f age %.3fs | HK %.3f/%.3f age %.3fs | "
      "FX %.4f/%.4f age %.3fs | %s\n",
      when, what, side_name(a.side).data(), static_cast<int>(pair_name.size()), pair_name.data(),
      edge, a.mid_premium_bps, a.adr_bid, a.adr_ask, age_s(a.ts_event, a.adr_ts), a.hk_bid,
      a.hk_ask, age_s(a.ts_event, a.hk_ts), a.fx_bid, a.fx_ask, age_s(a.ts_event, a.fx_ts), tail);
  if (n < 0) return 0;
  return std::min<std::size_t>(static_cast<std::size_t>(n), kMaxHumanAlertBytes - 1);
}

}  // namespace adrmon
