// LivenessWatchdog: the feed-liveness check of `adrmon run` (issue 15). A
// steady timer on the main thread's io_context looks at each live source's
// parsed-tick counter; a source that stays silent longer than its timeout is
// down (one log line), data coming back brings it up again; a venue that no
// live source carries any more is handed to the engine as feed_down
// (docs/FORMATS.md). It also renders /health from that state.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/dashboard/dashboard.hpp"
#include "adrmon/feeds/source.hpp"
#include "adrmon/pipeline/engine_stage.hpp"
#include "adrmon/sinks/json_lines_sink.hpp"
#include "adrmon/sinks/webhook_sink.hpp"

namespace adrmon {

class LivenessWatchdog {
 public:
  // What the run summary and /metrics show of one source.
  struct SourceState {
    bool up = true;                 // unwatched sources count as up
    std::uint64_t downs = 0;        // times it went down
    double last_tick_seconds = -1;  // wall seconds since its last tick; -1: none yet
  };

  // Keeps references to all four: they must outlive the watchdog. Allocates.
  LivenessWatchdog(boost::asio::io_context& io, const LivenessConfig& config,
                   const std::vector<std::unique_ptr<Source>>& sources, EngineStage& engine);

  // Main thread: starts the periodic check (nothing when no source is
  // watched). start_ns is the run's start, the "last tick" before the first.
  void start(std::int64_t start_ns);
  // Main thread: the sources are stopping; nobody goes down any more.
  void on_stopping() noexcept { stopping_ = true; }
  // Main thread: the engine is done; cancels the timer for good.
  void cancel();

  // Any thread (a mutex): one source's state.
  SourceState state(std::size_t source) const;

  // Dashboard thread: 200 "ok" when every watched source is up and the alert
  // log writes; else 503 with a JSON body naming what is not. json may be
  // null (no alert log). Allocates.
  Dashboard::Health health(const JsonLinesSink* json,
                           const std::vector<std::unique_ptr<WebhookSink>>& webhooks) const;

 private:
  std::int64_t silence_ms_of(const Source& src) const;
  std::int64_t period_ms() const;
  void arm();
  void check();

  struct Watch {
    std::int64_t silence_ms = 0;    // in force at the last check; 0: not watched
    std::uint64_t last_parsed = 0;  // stats().parsed at the last check
    std::int64_t last_tick_ns = 0;  // steady ns of the check that saw new ticks; 0: none yet
    bool up = true;
    std::uint64_t downs = 0;
  };

  const LivenessConfig& config_;
  const std::vector<std::unique_ptr<Source>>& sources_;
  EngineStage& engine_;
  boost::asio::steady_timer timer_;
  mutable std::mutex mutex_;  // watch_: main thread writes, any reads
  std::vector<Watch> watch_;
  std::uint8_t engine_feeds_down_ = 0;  // main thread: the last mask sent to the engine
  std::int64_t start_ns_ = 0;
  bool stopping_ = false;  // main thread only
  bool finished_ = false;  // main thread only: handlers must not re-arm
};

}  // namespace adrmon
