// `adrmon alerts`: read_alerts (bus/) -> --since filter on each line's ts ->
// stdout, either the JSON line or the readable line (the JSON parsed back
// by explain's parse_alert_line into an Alert for format_alert_human). The
// JSON does not carry the legs a stale or feed_down close names: with
// --config a stale close's legs are recomputed from the pair's max ages
// exactly as the engine decides them; feed_down lines name none.
#include "alerts.hpp"

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <limits>

#include "adrmon/bus/alert_reader.hpp"
#include "adrmon/core/bus_url.hpp"
#include "adrmon/core/local_time.hpp"
#include "adrmon/sinks/human_format.hpp"
#include "explain.hpp"

namespace adrmon {

namespace {

std::atomic<bool> g_alerts_stop{false};
extern "C" void on_alerts_signal(int) {
  g_alerts_stop.store(true);
}

std::int64_t parse_since(const std::string& text) {
  std::int64_t ns = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ns);
  if (ec == std::errc() && end == text.data() + text.size() && ns >= 0) return ns;
  if (parse_rfc3339_ns(text, ns)) return ns;
  throw std::invalid_argument("--since '" + text +
                              "': expected integer ns since the epoch or an RFC 3339 instant "
                              "(2026-11-25T10:30:00+08:00)");
}

// The Alert a JSON line describes, for the readable line; `pair` (or null)
// gives the max ages of a stale close's legs.
Alert to_alert(const AlertRecord& r, const PairConfig* pair) {
  Alert a{};
  a.ts_event = r.ts;
  a.open_ts = r.open_ts.value_or(r.ts);
  a.adr_ts = r.adr_ts;
  a.hk_ts = r.hk_ts;
  a.fx_ts = r.fx_ts;
  a.edge_bps = r.edge_bps.value_or(std::numeric_limits<double>::quiet_NaN());
  a.mid_premium_bps = r.mid_premium_bps;
  a.peak_edge_bps = r.peak_edge_bps.value_or(a.edge_bps);
  a.adr_bid = r.adr_bid;
  a.adr_ask = r.adr_ask;
  a.hk_bid = r.hk_bid;
  a.hk_ask = r.hk_ask;
  a.fx_bid = r.fx_bid;
  a.fx_ask = r.fx_ask;
  a.ratio = r.ratio;
  a.size_ads = r.size_ads.value_or(0);
  a.notional_usd = r.notional_usd.value_or(0);
  a.side = r.side == "buy_adr" ? Side::BuyAdr : Side::SellAdr;
  a.kind = r.kind == "close" ? AlertKind::Close : AlertKind::Open;
  a.reason = CloseReason::None;
  for (std::uint8_t i = 0; i < 16; ++i) {
    if (reason_name(static_cast<CloseReason>(i)) == r.reason)
      a.reason = static_cast<CloseReason>(i);
  }
  if (pair != nullptr && a.kind == AlertKind::Close && a.reason == CloseReason::Stale) {
    const Thresholds& th = pair->thresholds;
    const auto stale = [&](std::int64_t leg_ts, std::int64_t max_age) {
      return leg_ts == 0 || r.ts - leg_ts > max_age;
    };
    a.failed_legs = static_cast<std::uint8_t>((stale(r.adr_ts, th.max_age_ns) ? 1u : 0u) |
                                              (stale(r.hk_ts, th.max_age_ns) ? 2u : 0u) |
                                              (stale(r.fx_ts, th.fx_age_ns()) ? 4u : 0u));
  }
  a.has_phases = r.us_phase.has_value() && r.hk_phase.has_value();
  if (a.has_phases) {
    r.us_phase->copy(a.us_phase, sizeof a.us_phase - 1);
    r.hk_phase->copy(a.hk_phase, sizeof a.hk_phase - 1);
  }
  return a;
}

}  // namespace

int run_alerts(const AlertsOptions& opt) {
  BusConfig bus;
  Config config;
  if (!opt.config.empty()) {
    config = load_config(opt.config);
    bus = config.bus.value_or(BusConfig{});
  }
  const auto pair_named = [&config](const std::string& name) -> const PairConfig* {
    for (const PairConfig& p : config.pairs) {
      if (p.name == name) return &p;
    }
    return nullptr;
  };
  if (!opt.bus.empty()) bus.urls = parse_bus_urls(opt.bus);  // refused like [bus] url
  if (bus.urls.empty())
    throw std::invalid_argument("no bus: give --bus URL (or --config with [bus])");
  const std::int64_t since = opt.since.empty() ? 0 : parse_since(opt.since);
  g_alerts_stop.store(false);
  std::signal(SIGINT, on_alerts_signal);
  std::signal(SIGTERM, on_alerts_signal);
  bus::AlertReadOptions ro;
  ro.follow = opt.follow;
  ro.stop = &g_alerts_stop;
  std::uint64_t bad = 0;
  char human[4096];
  HumanClock clock = default_human_clock();  // --tz, set by main
  bus::read_alerts(bus, ro, stderr_log(), [&](std::string_view json) {
    try {
      const AlertRecord r = parse_alert_line(json);
      if (r.ts < since) return;
      if (opt.json) {
        std::fwrite(json.data(), 1, json.size(), stdout);
        std::fputc('\n', stdout);
      } else {
        const std::size_t n =
            format_alert_human(to_alert(r, pair_named(r.pair)), r.pair, human, clock);
        std::fwrite(human, 1, n, stdout);
      }
      if (opt.follow) std::fflush(stdout);
    } catch (const std::invalid_argument& e) {
      if (bad++ == 0)
        std::fprintf(stderr, "adrmon alerts: skipping a message that is no alert: %s\n", e.what());
    }
  });
  std::fflush(stdout);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  return 0;
}

}  // namespace adrmon
