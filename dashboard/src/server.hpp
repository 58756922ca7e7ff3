// Server: everything on the dashboard thread's io_context, and the state the
// sessions share (Beast chat-multi's shared_state plus its main()).
//
//   Listener ──(socket, slot)──► HttpSession ──upgrade──► WebSocketSession
//                                    │ routes read              ▲ fan-out
//                                    ▼                          │
//   PairBoard ──poll timer──► PairFeed ──"pairs" deltas─────────┤
//   offer() ──SpscQueue──► drain ──► PairFeed ──"alert"s────────┘
//
// One io_context, one thread: no strands, no locks. The three doors in from
// other threads are offer() (the producer thread: SpscQueue push plus one
// post per batch), counts() (relaxed loads) and request_stop() (a post).
// Everything else, and every session, runs on the dashboard thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <list>
#include <memory>
#include <string>

#include "adrmon/core/spsc_queue.hpp"
#include "adrmon/dashboard/dashboard.hpp"
#include "dashboard_counters.hpp"
#include "listener.hpp"
#include "pair_feed.hpp"

namespace adrmon::dashboard {

class HttpSession;
class WebSocketSession;

class Server {
 public:
  using WsList = std::list<std::shared_ptr<WebSocketSession>>;
  using HttpList = std::list<HttpSession*>;

  // Validates [dashboard], binds and listens, allocates the alert queue.
  // Throws what listen_endpoint() and Listener throw. Cold path.
  Server(const Config& config, const PairBoard& board, Dashboard::MetricsFn metrics,
         Dashboard::HealthFn health = {});
  ~Server();

  // ---- other threads ----

  // The producer thread (one only). Never blocks or allocates.
  void offer(const Alert& alert) noexcept;
  // The dashboard thread's body: returns after request_stop().
  void run();
  // Any thread: closes every connection and stops run(), on the dashboard thread.
  void request_stop();
  // Any thread.
  Dashboard::Counts counts() const noexcept;
  const tcp::endpoint& local_endpoint() const noexcept { return listener_.local_endpoint(); }

  // ---- the sessions (dashboard thread) ----

  const DashboardConfig& config() const noexcept { return config_; }
  bool stopping() const noexcept { return stopping_; }
  DashboardCounters& counters() noexcept { return counters_; }
  PairFeed& feed() noexcept { return feed_; }
  // The Prometheus exposition: build info, RunSummary metrics, the board's
  // per-pair gauges, then the dashboard's own.
  std::string metrics_text();
  // /health: the daemon's HealthFn, or ok when there is none.
  Dashboard::Health health() const { return health_ ? health_() : Dashboard::Health{}; }

  std::size_t ws_count() const noexcept { return ws_sessions_.size(); }
  WsList::iterator join(std::shared_ptr<WebSocketSession> session);
  void leave(WsList::iterator it) noexcept;
  HttpList::iterator join(HttpSession* session);
  void leave(HttpList::iterator it) noexcept;

 private:
  void shutdown();  // dashboard thread
  void arm_poll();
  void drain_alerts();

  DashboardConfig config_;
  Dashboard::MetricsFn metrics_;
  Dashboard::HealthFn health_;
  DashboardCounters counters_;
  PairFeed feed_;
  SpscQueue<Alert> alert_queue_;
  std::atomic<bool> drain_posted_{false};
  std::atomic<bool> running_{false};

  // Declared before io_: pending handlers (and the sessions they own) die
  // with io_, and then release their slots and leave these lists.
  ConnectionLimits limits_;
  HttpList http_sessions_;
  WsList ws_sessions_;  // cleared in ~Server, before io_ goes

  boost::asio::io_context io_;
  Listener listener_;
  boost::asio::steady_timer poll_timer_;
  bool stopping_ = false;
};

}  // namespace adrmon::dashboard
