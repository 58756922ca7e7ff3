// WebhookSink: HTTP POST of each alert's JSON to one endpoint, off the
// engine's path.
//
// Data flow: the daemon's sink thread calls offer(), which copies the Alert
// into a bounded SpscQueue and returns (a full queue drops the alert and
// counts it). One worker thread owned by the sink pops alerts, applies the
// rate limit, formats each with format_alert_json and POSTs it over one
// kept-alive HTTP/1.1 connection (Boost.Beast on the worker's own
// io_context), retrying with backoff. A slow or dead endpoint therefore costs
// the caller nothing but queue slots: it can fill the queue, never stall it.
//
// Every alert offered ends in exactly one counter once the sink is stopped:
//   offered == delivered + failed + dropped_full + dropped_rate + dropped_shutdown
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/config.hpp"

namespace adrmon {

// The parts of an "http://HOST[:PORT][/PATH]" url the sink needs.
struct WebhookUrl {
  std::string host;
  std::string port = "80";  // decimal text, as the resolver takes it
  std::string target = "/";
};

// Parses a webhook url. Throws std::invalid_argument naming the url and the
// problem (https and other schemes, empty host, bad port, query-less junk).
// Allocates. Any thread. Cold path.
WebhookUrl parse_webhook_url(std::string_view url);

class WebhookSink {
 public:
  // Validates `config` (throws std::invalid_argument on a malformed url, a
  // non-positive rate, timeout or capacity, negative retries), allocates the
  // queue and starts one worker thread. `pair_names[id]` names pair id in the
  // JSON. Nothing touches the network until the first alert. Cold path.
  WebhookSink(const WebhookConfig& config, std::vector<std::string> pair_names);

  // stop(0ms): whatever is still queued or in flight is dropped and counted.
  ~WebhookSink();

  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  // Offers one alert. Never blocks, never allocates, never throws. Overflow
  // policy: drop the newest — when the queue is full the offered alert is
  // dropped and counted in dropped_full (a single-producer queue cannot evict
  // its oldest item, and the queued ones are already owed to the endpoint).
  // After stop() the alert is counted in dropped_shutdown. One producer
  // thread only (the daemon's sink thread); not safe from two threads at once.
  void offer(const Alert& alert) noexcept;

  // Stops the worker: keeps delivering what is queued for at most `drain`,
  // then cuts any attempt in flight and counts whatever is left as
  // dropped_shutdown. Returns once the worker thread has exited; idempotent.
  // Call from the thread that owns the sink, not concurrently with offer().
  // Cold path.
  void stop(std::chrono::milliseconds drain);

  struct Counts {
    std::uint64_t offered = 0;           // calls to offer()
    std::uint64_t delivered = 0;         // answered 2xx
    std::uint64_t failed = 0;            // gave up after 1 + retries attempts
    std::uint64_t retried = 0;           // attempts beyond the first, over all alerts
    std::uint64_t dropped_full = 0;      // queue full at offer()
    std::uint64_t dropped_rate = 0;      // over max_per_second when the worker reached it
    std::uint64_t dropped_shutdown = 0;  // still queued or in flight when stop() gave up
  };

  // A snapshot of the counters (relaxed loads: each is exact, the set is not
  // taken at one instant). No allocation. Any thread.
  Counts counts() const noexcept;

  // Alerts waiting in the queue (not counting one in flight), approximately.
  // For status lines. No allocation. Any thread.
  std::size_t queued() const noexcept;

 private:
  struct State;  // queue, counters, the worker's network state (webhook_sink.cpp)
  std::unique_ptr<State> state_;
  std::thread worker_;
};

}  // namespace adrmon
