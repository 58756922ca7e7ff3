// The feed-liveness watchdog and /health (liveness_watchdog.hpp). Wall time
// on purpose: a silent feed produces no event time at all, so only the
// steady clock can tell that it stopped.
#include "liveness_watchdog.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/json_text.hpp"
#include "adrmon/core/log.hpp"

namespace adrmon {

LivenessWatchdog::LivenessWatchdog(boost::asio::io_context& io, const LivenessConfig& config,
                                   const std::vector<std::unique_ptr<Source>>& sources,
                                   EngineStage& engine)
    : config_(config), sources_(sources), engine_(engine), timer_(io), watch_(sources.size()) {}

void LivenessWatchdog::start(std::int64_t start_ns) {
  start_ns_ = start_ns;
  arm();
}

void LivenessWatchdog::cancel() {
  finished_ = true;
  timer_.cancel();
}

// A source's silence timeout in ms (0: not watched): its spec's
// ?silence_ms=, else the smallest non-zero [liveness] venue setting among
// the venues it carried (all, before its first tick), else [liveness]
// silence_ms, else 5000 for a network source and 0 for a followed file.
std::int64_t LivenessWatchdog::silence_ms_of(const Source& src) const {
  const Source::Liveness& l = src.liveness();
  if (!l.live) return 0;
  if (l.silence_ms >= 0) return l.silence_ms;
  const LivenessConfig& c = config_;
  std::uint64_t mask = src.stats().venues.get();
  if (mask == 0) mask = 7;
  const std::int64_t per_venue[3] = {c.us_silence_ms, c.hk_silence_ms, c.fx_silence_ms};
  std::int64_t best = -1;
  for (unsigned v = 0; v < 3; ++v) {
    const std::int64_t ms = per_venue[v];
    if ((mask & (1u << v)) == 0 || ms < 0) continue;
    if (best <= 0 || (ms > 0 && ms < best)) best = ms;
  }
  if (best >= 0) return best;
  if (c.silence_ms >= 0) return c.silence_ms;
  return l.network ? 5000 : 0;
}

// The watchdog's period: a quarter of the shortest timeout, 20 to 250 ms.
std::int64_t LivenessWatchdog::period_ms() const {
  std::int64_t shortest = 0;
  for (const auto& src : sources_) {
    const std::int64_t ms = silence_ms_of(*src);
    if (ms > 0 && (shortest == 0 || ms < shortest)) shortest = ms;
  }
  return shortest == 0 ? 0 : std::clamp<std::int64_t>(shortest / 4, 20, 250);
}

void LivenessWatchdog::arm() {
  const std::int64_t period = period_ms();
  if (period == 0) return;
  timer_.expires_after(std::chrono::milliseconds(period));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    check();
    arm();
  });
}

void LivenessWatchdog::check() {
  const std::int64_t now = steady_ns();
  std::uint8_t down = 0;
  std::vector<std::uint8_t> down_sources;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      const Source& src = *sources_[i];
      Watch& w = watch_[i];
      w.silence_ms = silence_ms_of(src);
      const std::uint64_t parsed = src.stats().parsed.get();
      if (parsed != w.last_parsed) {
        w.last_parsed = parsed;
        const std::int64_t was = w.last_tick_ns != 0 ? w.last_tick_ns : start_ns_;
        w.last_tick_ns = now;
        if (!w.up) {
          w.up = true;
          char line[160];
          std::snprintf(line, sizeof line, "data again after %.1f s silent: source up",
                        static_cast<double>(now - was) / 1e9);
          stderr_log().write(LogLevel::Info, src.name(), line);
        }
        continue;
      }
      if (w.silence_ms == 0 || !w.up || stopping_ || src.stats().done.get() != 0) continue;
      const std::int64_t since = w.last_tick_ns != 0 ? w.last_tick_ns : start_ns_;
      if (now - since <= w.silence_ms * 1'000'000) continue;
      w.up = false;
      ++w.downs;
      char line[200];
      if (w.last_tick_ns == 0) {
        std::snprintf(line, sizeof line,
                      "no data since start (%.1f s, silence_ms %lld): source down",
                      static_cast<double>(now - since) / 1e9, static_cast<long long>(w.silence_ms));
      } else {
        std::snprintf(line, sizeof line, "no data for %.1f s (silence_ms %lld): source down",
                      static_cast<double>(now - since) / 1e9, static_cast<long long>(w.silence_ms));
      }
      stderr_log().write(LogLevel::Warning, src.name(), line);
    }
    // A venue is down when sources carry it and none of them is up (an
    // unwatched source counts as up; one that carried nothing yet, as
    // carrying every venue).
    for (unsigned v = 0; v < 3; ++v) {
      bool covered = false;
      bool covered_up = false;
      for (std::size_t i = 0; i < sources_.size(); ++i) {
        std::uint64_t mask = sources_[i]->stats().venues.get();
        if (mask == 0) mask = 7;
        if ((mask & (1u << v)) == 0) continue;
        covered = true;
        covered_up = covered_up || watch_[i].silence_ms == 0 || watch_[i].up;
      }
      if (covered && !covered_up) down = static_cast<std::uint8_t>(down | (1u << v));
    }
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (watch_[i].silence_ms != 0 && !watch_[i].up) {
        down_sources.push_back(static_cast<std::uint8_t>(i));
      }
    }
  }
  if (down == engine_feeds_down_) return;
  if (down != 0) {
    std::string venues;
    constexpr const char* kNames[3] = {"US", "HK", "FX"};
    for (unsigned v = 0; v < 3; ++v) {
      if ((down & (1u << v)) == 0) continue;
      venues += venues.empty() ? "" : ",";
      venues += kNames[v];
    }
    stderr_log().write(
        LogLevel::Warning, "feed_down",
        "no live source for " + venues + ": every pair gated feed_down, open breaches closed");
  } else {
    stderr_log().write(LogLevel::Info, "feed_down",
                       "every venue has a live source again: pairs may open");
  }
  engine_feeds_down_ = down;
  engine_.set_feeds_down(down, down_sources);
}

LivenessWatchdog::SourceState LivenessWatchdog::state(std::size_t source) const {
  std::lock_guard lock(mutex_);
  const Watch& w = watch_[source];
  SourceState s;
  s.up = w.silence_ms == 0 || w.up;
  s.downs = w.downs;
  s.last_tick_seconds =
      w.last_tick_ns == 0 ? -1 : static_cast<double>(steady_ns() - w.last_tick_ns) / 1e9;
  return s;
}

Dashboard::Health LivenessWatchdog::health(
    const JsonLinesSink* json, const std::vector<std::unique_ptr<WebhookSink>>& webhooks) const {
  std::string sources;
  bool ok = true;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      const Watch& w = watch_[i];
      const char* state = w.silence_ms == 0     ? "unwatched"
                          : w.up                ? "up"
                          : w.last_tick_ns == 0 ? "never_connected"
                                                : "down";
      if (w.silence_ms != 0 && !w.up) ok = false;
      sources += sources.empty() ? "" : ",";
      sources += "{\"name\":";
      append_json_string(sources, sources_[i]->name());
      sources += ",\"state\":\"";
      sources += state;
      sources += "\"}";
    }
  }
  std::string body = "{\"status\":";
  std::string log_state = "\"none\"";
  if (json != nullptr) {
    const bool log_ok = json->error() == 0;
    ok = ok && log_ok;
    log_state = log_ok ? "\"ok\"" : "\"failing\"";
  }
  std::string hook_state = "\"none\"";
  if (!webhooks.empty()) {
    std::uint64_t failed = 0;
    for (const auto& w : webhooks) failed += w->counts().failed;
    hook_state = failed == 0 ? "\"ok\"" : "\"failures\"";
  }
  body += ok ? "\"ok\"" : "\"unhealthy\"";
  body += ",\"sources\":[" + sources + "],\"alert_log\":" + log_state +
          ",\"webhook\":" + hook_state + "}\n";
  return {ok, std::move(body)};
}

}  // namespace adrmon
