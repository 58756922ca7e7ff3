// WebhookSink: HTTP(S) POST of each alert to one endpoint, off the engine's
// path, in one of five bodies (WebhookFormat): the alert's JSON line, or the
// human alert line (format_alert_human, plus public_url when set) wrapped
// for Slack, Teams, Discord or Telegram.
//
// Data flow: the sink thread calls write() (= offer()), which applies the
// filter (pairs, sides, kinds, min_edge_bps: an array lookup and a few
// compares), copies the Alert into a bounded SpscQueue, rings a Doorbell and returns (a full queue
// drops the alert and counts it). One worker thread owned by the sink pops
// alerts, applies the rate limit (TokenBucket), formats each and POSTs it
// through an HttpPostClient (one kept-alive connection, TLS for https),
// retrying with backoff. A slow or dead endpoint (or one whose TLS handshake
// never completes) therefore costs the caller nothing but queue slots: it can
// fill the queue, never stall it. Failures go to the Log under the config's
// label ("webhook", "webhook[2]"), at most one line a second; no log line
// ever holds the url's path or query (where Slack, Discord and Teams keep
// their keys and Telegram its bot token) or the token.
//
// Filter rule for closes: a close passes when its open passed the filter's
// pairs, sides and min_edge_bps (the breach the endpoint was told about also
// gets its end) and "close" is among kinds. A close whose open this sink
// never saw (it started mid-breach) passes on pairs and sides alone.
//
// Every alert offered ends in exactly one counter once the sink is stopped:
//   offered == delivered + failed + filtered + dropped_full + dropped_rate
//              + dropped_shutdown
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/alert_sink.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/core/webhook_url.hpp"

namespace adrmon {

class WebhookSink final : public AlertSink {
 public:
  // Validates `config` (throws std::invalid_argument on a malformed url —
  // parse_webhook_url's reasons —, a non-positive rate, timeout or
  // capacity, negative retries or shutdown_grace_ms, a ca_file that does not
  // load, a telegram config without chat_id or token, a filter pair that is
  // not in `pair_names`); reads token_file when `config.token` is empty;
  // allocates the queue and starts one worker thread. `pair_names[id]` names
  // pair id in the bodies; `log` gets the failure reports (from the worker
  // thread, and stop()'s report) and must outlive the sink. Nothing touches
  // the network until the first alert. Cold path.
  WebhookSink(const WebhookConfig& config, std::vector<std::string> pair_names, Log& log);

  // stop(0ms): whatever is still queued or in flight is dropped and counted.
  ~WebhookSink() override;

  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  // Offers one alert: one the filter keeps out is counted in filtered.
  // Never blocks, never allocates, never throws. Overflow
  // policy: drop the newest — when the queue is full the offered alert is
  // dropped and counted in dropped_full (a single-producer queue cannot evict
  // its oldest item, and the queued ones are already owed to the endpoint).
  // After stop() the alert is counted in dropped_shutdown. One producer
  // thread only (the sink thread); not safe from two threads at once.
  void offer(const Alert& alert) noexcept;

  // AlertSink: offer(alert). The worker delivers as it goes, so flush() and
  // poll() have nothing to do.
  void write(const Alert& alert) noexcept override { offer(alert); }

  // Stops the worker: keeps delivering what is queued for at most `drain`,
  // then cuts any attempt in flight and counts whatever is left as
  // dropped_shutdown, and says so in one Log line ("N alerts still pending
  // after the M ms shutdown grace: counted lost") when there were any.
  // Returns once the worker thread has exited; idempotent. Call from the
  // thread that owns the sink, not concurrently with offer(). Cold path.
  void stop(std::chrono::milliseconds drain);

  // The configured shutdown grace ([webhook] shutdown_grace_ms): what the
  // daemon passes to stop() on SIGTERM or --exit-when-done. Any thread.
  std::chrono::milliseconds shutdown_grace() const noexcept { return grace_; }

  struct Counts {
    std::uint64_t offered = 0;           // calls to offer()
    std::uint64_t delivered = 0;         // answered 2xx
    std::uint64_t failed = 0;            // gave up after 1 + retries attempts
    std::uint64_t retried = 0;           // attempts beyond the first, over all alerts
    std::uint64_t dropped_full = 0;      // queue full at offer()
    std::uint64_t dropped_rate = 0;      // over max_per_second when the worker reached it
    std::uint64_t dropped_shutdown = 0;  // still queued or in flight when stop() gave up
    std::uint64_t filtered = 0;          // kept out by the filter at offer()
    std::uint64_t tls_failed = 0;        // attempts whose TLS handshake failed (any reason,
                                         // timeouts included), over all alerts
  };

  // A snapshot of the counters (relaxed loads: each is exact, the set is not
  // taken at one instant). No allocation. Any thread.
  Counts counts() const noexcept;

  // Alerts waiting in the queue (not counting one in flight), approximately.
  // For status lines. No allocation. Any thread.
  std::size_t queued() const noexcept;

 private:
  struct State;  // queue, counters, doorbell, the worker's client (webhook_sink.cpp)
  std::unique_ptr<State> state_;
  std::thread worker_;
  std::chrono::milliseconds grace_{0};
};

}  // namespace adrmon
