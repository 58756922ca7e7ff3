// What every network source body shares, once: the thread skeleton (an Asio
// io_context run on the source's thread, a stop request posted to it), the
// reconnect backoff of the TCP framings (tcp://, soupbin://: 100 ms doubling
// to 5 s, the time spent down, the lines that say so), and the parts of the
// ITCH framings (moldudp64://, soupbin://: ingest and decoder).
// Cold path: virtual calls here are per source or per connection, never per
// tick; the failure lines allocate, at most one per backoff step.
#pragma once

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stop_token>
#include <string>
#include <string_view>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/feeds/source.hpp"

namespace adrmon {

// A Source::Body, with its source's name, log and stats, that runs `io_` on
// the source's thread until it has no work left. begin() queues the first work; a stop request,
// made on any thread (or before run), posts close() to this thread, so sockets and timers are only
// touched by the thread that runs `io_`; end() runs after the loop.
class IoBody : public Source::Body {
 public:
  void run(std::stop_token stop) final {
    stop_ = stop;
    begin();
    const std::stop_callback post(stop, [this] { boost::asio::post(io_, [this] { close(); }); });
    io_.run();
    end();
  }

 protected:
  explicit IoBody(const Source::Parts& parts)
      : name_(parts.name), log_(parts.log), stats_(parts.stats) {}

  virtual void begin() = 0;
  virtual void close() = 0;
  virtual void end() {}
  bool stopping() const noexcept { return stop_.stop_requested(); }

  const std::string& name_;  // the source's
  Log& log_;
  SourceStats& stats_;
  boost::asio::io_context io_;  // before the derived bodies' sockets and timers
  std::stop_token stop_;
};

// Reconnect backoff: failed() logs one warning and says how long to wait
// (100 ms doubling to 5 s); up() ends the down time. The source's thread.
class ReconnectBackoff {
 public:
  ReconnectBackoff(const std::string& name, Log& log) : name_(name), log_(log) {}

  // Logs "WHAT: WHY; retrying in N msTAIL" (a warning), starts the down time
  // if it is not running, and returns the wait; the next one is twice as long.
  std::chrono::milliseconds failed(std::string_view what, std::string_view why,
                                   std::string_view tail = "") {
    if (down_since_ == 0) down_since_ = steady_ns();
    const std::int64_t wait = backoff_ms_;
    log_.write(LogLevel::Warning, name_,
               std::string(what) + ": " + std::string(why) + "; retrying in " +
                   std::to_string(wait) + " ms" + std::string(tail));
    backoff_ms_ = std::min(backoff_ms_ * 2, kMaxMs);
    return std::chrono::milliseconds(wait);
  }

  // Up again: " after X.XXX s down" when a failure came before ("" at the
  // first connection); resets the backoff.
  std::string up() {
    std::string down;
    if (down_since_ != 0) {
      char text[64];
      std::snprintf(text, sizeof text, " after %.3f s down",
                    static_cast<double>(steady_ns() - down_since_) / 1e9);
      down = text;
    }
    down_since_ = 0;
    backoff_ms_ = kMinMs;
    return down;
  }

 private:
  static constexpr std::int64_t kMinMs = 100;
  static constexpr std::int64_t kMaxMs = 5000;
  const std::string& name_;
  Log& log_;
  std::int64_t backoff_ms_ = kMinMs;
  std::int64_t down_since_ = 0;
};

}  // namespace adrmon
