// `adrmon check-config`: the strict loader, then a plain-text description of
// what the daemon would watch. Everything printed comes from the loaded
// Config (after overrides), so it is what the engine would use, not what the
// file happens to spell.
#include "check_config.hpp"

#include <cstddef>
#include <string_view>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/wait_strategy.hpp"
#include "cli_text.hpp"

namespace adrmon {

namespace {

using cli::num;

// Names as the config spells them, indexed by the enum.
constexpr const char* kWaitNames[] = {"spin", "yield", "block"};
constexpr const char* kFormatNames[] = {"json", "slack", "teams", "discord", "telegram"};

const char* wait_name(WaitStrategy w) {
  return kWaitNames[static_cast<std::size_t>(w)];
}

std::string ms(std::int64_t ns) {
  return num(static_cast<double>(ns) / 1e6);
}

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

std::string date_text(const LocalDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
  return buf;
}

std::string phases_text(const std::vector<PhaseConfig>& phases) {
  std::string s;
  for (const PhaseConfig& p : phases) {
    if (!s.empty()) s += ", ";
    s += p.name;
    for (const SessionInterval& iv : p.intervals) {
      s += ' ';
      s += hhmm(iv.start_min);
      s += '-';
      s += hhmm(iv.end_min);
    }
  }
  return s.empty() ? "(none)" : s;
}

std::string dates_text(const std::vector<CalendarDate>& dates) {
  if (dates.empty()) return "none";
  std::string s = std::to_string(dates.size()) + ":";
  for (const CalendarDate& d : dates) {
    s += ' ';  // (not " " + text: GCC 12 warns -Wrestrict on that falsely)
    s += date_text(d.date);
  }
  return s;
}

std::string thresholds_text(const Thresholds& t) {
  std::string s;
  for (int side = 0; side < kSideCount; ++side) {
    s += std::string(side_name(static_cast<Side>(side))) + " enter " + num(t.enter_for(side)) +
         " exit " + num(t.exit_for(side)) + " bp; ";
  }
  s += "max_age " + ms(t.max_age_ns) + " ms, fx_max_age " + ms(t.fx_age_ns()) +
       " ms, min_persist " + ms(t.min_persist_ns) + " ms; cost " + num(t.cost_bps) +
       " bp; conversion fee US$" + num(t.conversion_fee_usd) + " per ADS; max_premium " +
       num(t.max_premium_bps) + " bp";
  return s;
}

void describe_calendar(const CalendarConfig& c, std::FILE* out) {
  std::string live;
  for (const LiveName& n : c.live) live += (live.empty() ? "" : ", ") + n.name;
  std::fprintf(out, "calendar %s  timezone %s; live phases: %s\n",
               std::string(venue_name(c.venue)).c_str(), c.timezone.c_str(),
               live.empty() ? "(none: never live)" : live.c_str());
  std::fprintf(out, "  phases: %s\n", phases_text(c.phases).c_str());
  if (c.has_half_day_phases) {
    std::fprintf(out, "  half-day phases: %s\n", phases_text(c.half_day_phases).c_str());
  }
  std::fprintf(out, "  holidays %s\n", dates_text(c.holidays).c_str());
  std::fprintf(out, "  half days %s\n", dates_text(c.half_days).c_str());
}

const char* format_name(WebhookFormat f) {
  return kFormatNames[static_cast<std::size_t>(f)];
}

// Never the path, query or credentials of the url, nor a token: only
// scheme://host:port and whether secrets are configured.
void describe_webhook(const WebhookConfig& wh, std::FILE* out) {
  std::string filter;
  const auto add = [&filter](const std::string& s) { filter += (filter.empty() ? "" : ", ") + s; };
  if (!wh.pairs.empty()) {
    std::string p;
    for (const std::string& n : wh.pairs) p += (p.empty() ? "" : " ") + n;
    add("pairs " + p);
  }
  for (int side = 0; side < kSideCount; ++side) {
    if (!wh.sides[side]) add("no " + std::string(side_name(static_cast<Side>(side))));
  }
  if (!wh.kinds[0]) add("no opens");
  if (!wh.kinds[1]) add("no closes");
  if (wh.min_edge_bps) add("opens with edge >= " + num(*wh.min_edge_bps) + " bp");
  std::fprintf(out, "%-8s %s (path not shown); format %s", wh.label.c_str(),
               cli::url_authority(wh.url).c_str(), format_name(wh.format));
  if (wh.format == WebhookFormat::Telegram) {
    std::fprintf(out, ", chat %s, bot token %s", wh.chat_id.empty() ? "(none)" : "set",
                 !wh.token_file.empty() ? "from token_file" : "in the url");
  }
  std::fprintf(
      out,
      "\n  %s; at most %s/s; %d retries; %d ms per attempt; queue %zu; shutdown grace %d ms%s%s\n",
      filter.empty() ? "every alert" : filter.c_str(), num(wh.max_per_second).c_str(), wh.retries,
      wh.timeout_ms, wh.queue_capacity, wh.shutdown_grace_ms,
      wh.ca_file.empty() ? (wh.url.starts_with("https") ? "; CAs: system store" : "")
                         : "; CAs: ca_file ",
      wh.ca_file.c_str());
  if (!wh.public_url.empty()) {
    std::fprintf(out, "  dashboard link %s\n", cli::url_authority(wh.public_url).c_str());
  }
}

}  // namespace

void describe_config(const Config& config, std::FILE* out) {
  std::fprintf(out, "%s: ok\n", config.path.c_str());
  std::fprintf(out, "fx       %s, ticks accepted in [%s, %s]\n", config.fx.pair.c_str(),
               num(config.fx.min).c_str(), num(config.fx.max).c_str());
  std::fprintf(out, "defaults %s\n", thresholds_text(config.defaults).c_str());

  std::size_t fungible = 0;
  for (const PairConfig& p : config.pairs) fungible += p.fungible ? 1 : 0;
  std::fprintf(out, "pairs    %zu (%zu fungible, %zu priced only)\n", config.pairs.size(), fungible,
               config.pairs.size() - fungible);
  std::fprintf(out, "  %-16s %8s  %-15s %-15s %s\n", "pair", "ratio", "sell_adr in/out",
               "buy_adr in/out", "notes");
  for (const PairConfig& p : config.pairs) {
    const Thresholds& t = p.thresholds;
    std::string notes;
    const auto note = [&notes](const std::string& s) { notes += (notes.empty() ? "" : "; ") + s; };
    if (!p.fungible) note("not fungible: priced, never alerts");
    if (p.index_weight) note("index weight " + num(*p.index_weight));
    const Thresholds& d = config.defaults;
    if (t.max_age_ns != d.max_age_ns || t.fx_age_ns() != d.fx_age_ns()) {
      note("max_age " + ms(t.max_age_ns) + " ms, fx " + ms(t.fx_age_ns()) + " ms");
    }
    if (t.min_persist_ns != d.min_persist_ns) note("min_persist " + ms(t.min_persist_ns) + " ms");
    if (t.cost_bps != d.cost_bps) note("cost " + num(t.cost_bps) + " bp");
    if (t.conversion_fee_usd != d.conversion_fee_usd) {
      note("fee US$" + num(t.conversion_fee_usd));
    }
    if (t.max_premium_bps != d.max_premium_bps) {
      note("max_premium " + num(t.max_premium_bps) + " bp");
    }
    const std::string sell = num(t.enter_for(0)) + "/" + num(t.exit_for(0));
    const std::string buy = num(t.enter_for(1)) + "/" + num(t.exit_for(1));
    char row[512];
    std::snprintf(row, sizeof row, "  %-16s %8s  %-15s %-15s %s", p.name.c_str(),
                  num(p.ratio).c_str(), sell.c_str(), buy.c_str(), notes.c_str());
    std::string_view text(row);
    text = text.substr(0, text.find_last_not_of(' ') + 1);
    std::fprintf(out, "%.*s\n", static_cast<int>(text.size()), text.data());
    if (!p.ratio_history.empty()) {
      std::string h;
      for (const RatioChange& c : p.ratio_history) {
        h += num(c.ratio) + " before " + cli::utc(c.until_ns) + ", ";
      }
      std::fprintf(out, "  %-16s ratio history: %sthen %s\n", "", h.c_str(), num(p.ratio).c_str());
    }
  }

  for (std::size_t v = 0; v < kVenueCount; ++v) {
    if (config.calendar[v]) {
      describe_calendar(*config.calendar[v], out);
    } else {
      std::fprintf(out, "calendar %s  none: always open (live)\n",
                   std::string(venue_name(static_cast<Venue>(v))).c_str());
    }
  }

  std::size_t weighted = 0;
  double weight_sum = 0;
  for (const PairConfig& p : config.pairs) {
    if (p.index_weight) {
      ++weighted;
      weight_sum += *p.index_weight;
    }
  }
  std::fprintf(out, "index    %s: %zu pair(s) weighted, weights sum %s\n",
               config.index_name.c_str(), weighted, num(weight_sum).c_str());

  const PipelineConfig& pl = config.pipeline;
  const auto cpu = [](int c) {
    return c < 0 ? std::string("unpinned") : "cpu " + std::to_string(c);
  };
  const char* design = pl.design == PipelineDesign::Inline   ? "inline"
                       : pl.design == PipelineDesign::Staged ? "staged"
                                                             : "auto";
  std::fprintf(
      out,
      "pipeline design %s (busy poll %lld us); wait %s, sink %s; queues %zu ticks per source, "
      "%zu alerts; engine %s, feeds %s; status line %s\n",
      design, static_cast<long long>(pl.busy_poll_us), wait_name(pl.wait), wait_name(pl.sink_wait),
      pl.queue_capacity, pl.alert_queue_capacity, cpu(pl.engine_cpu).c_str(),
      cpu(pl.feed_cpu).c_str(),
      pl.status_interval_s > 0 ? ("every " + num(pl.status_interval_s) + " s").c_str() : "off");
  if (config.sources.empty()) {
    std::fprintf(out, "sources  none in the file: `adrmon run` needs --source SPEC\n");
  } else {
    std::fprintf(out, "sources  %zu\n", config.sources.size());
    for (const std::string& s : config.sources) std::fprintf(out, "  %s\n", s.c_str());
  }
  std::fprintf(out, "sinks    alert log %s; stdout %s\n",
               config.sinks.alerts_path.empty() ? "none" : config.sinks.alerts_path.c_str(),
               config.sinks.stdout_human ? "on" : "off");
  const DashboardConfig& db = config.dashboard;
  if (db.listen.empty()) {
    std::fprintf(out, "dashboard off\n");
  } else {
    std::fprintf(out, "dashboard http://%s/ (token %s); %s updates/s per pair; %s s history\n",
                 db.listen.c_str(), db.token.empty() ? "none: loopback only" : "set",
                 num(db.updates_per_second).c_str(), num(db.history_seconds).c_str());
  }
  if (config.webhooks.empty()) std::fprintf(out, "webhook  off\n");
  for (const WebhookConfig& wh : config.webhooks) {
    describe_webhook(wh, out);
  }
}

int run_check_config(const CheckConfigOptions& opt) {
  const Config config = load_config(opt.config);
  describe_config(config, stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace adrmon
