// Server (see server.hpp): wiring, the poll loop, alert fan-out, shutdown.
#include "server.hpp"

#include <boost/asio/post.hpp>
#include <vector>

#include "http_session.hpp"
#include "prometheus_text.hpp"
#include "websocket_session.hpp"

namespace adrmon::dashboard {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kAlertQueueCapacity = 4096;
}  // namespace

Server::Server(const Config& config, const PairBoard& board, Dashboard::MetricsFn metrics,
               Dashboard::HealthFn health)
    : config_(config.dashboard),
      metrics_(std::move(metrics)),
      health_(std::move(health)),
      feed_(config, board),
      alert_queue_(kAlertQueueCapacity),
      limits_(Dashboard::kMaxConnections, Dashboard::kMaxConnectionsPerAddress),
      listener_(io_, listen_endpoint(config.dashboard), limits_,
                [this](tcp::socket&& socket, ConnectionSlot&& slot) {
                  std::make_shared<HttpSession>(*this, std::move(socket), std::move(slot))->start();
                }),
      poll_timer_(io_) {}

Server::~Server() {
  ws_sessions_.clear();
}

// ---- other threads ------------------------------------------------------------

void Server::offer(const Alert& a) noexcept {
  counters_.alerts_offered.add();
  if (!alert_queue_.try_push(a)) {
    counters_.alerts_dropped.add();
    return;
  }
  if (running_.load(std::memory_order_acquire) &&
      !drain_posted_.exchange(true, std::memory_order_acq_rel)) {
    asio::post(io_, [this] { drain_alerts(); });
  }
}

void Server::run() {
  running_.store(true, std::memory_order_release);
  listener_.start();
  arm_poll();
  asio::post(io_, [this] { drain_alerts(); });  // anything offered before start()
  io_.run();
}

void Server::request_stop() {
  asio::post(io_, [this] {
    shutdown();
    io_.stop();
  });
}

Dashboard::Counts Server::counts() const noexcept {
  const DashboardCounters& k = counters_;
  Dashboard::Counts c;
  c.http_requests = k.http_requests.get();
  c.unauthorized = k.unauthorized.get();
  c.forbidden_host = k.forbidden_host.get();
  c.ws_connects = k.ws_connects.get();
  c.ws_clients = k.ws_clients.get();
  c.ws_messages = k.ws_messages.get();
  c.ws_bytes = k.ws_bytes.get();
  c.pair_updates_dropped = k.pair_updates_dropped.get();
  c.ws_disconnected_slow = k.ws_disconnected_slow.get();
  c.ws_refused = k.ws_refused.get();
  c.alerts_offered = k.alerts_offered.get();
  c.alerts_dropped = k.alerts_dropped.get();
  c.max_client_queued_bytes = k.max_client_queued_bytes.get();
  c.connections = limits_.open().get();
  c.refused_per_address = limits_.refused_per_address().get();
  c.refused_server_full = limits_.refused_server_full().get();
  return c;
}

// ---- the dashboard thread -----------------------------------------------------

void Server::shutdown() {
  stopping_ = true;
  listener_.close();
  poll_timer_.cancel();
  for (auto& s :
       std::vector<std::shared_ptr<WebSocketSession>>(ws_sessions_.begin(), ws_sessions_.end())) {
    s->close_now();
  }
  for (HttpSession* h : std::vector<HttpSession*>(http_sessions_.begin(), http_sessions_.end())) {
    h->close_now();
  }
}

void Server::arm_poll() {
  poll_timer_.expires_after(feed_.poll_every());
  poll_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    const auto now = Clock::now();
    if (const Message m = feed_.poll(now); m && !ws_sessions_.empty()) {
      for (auto& s : std::vector<std::shared_ptr<WebSocketSession>>(ws_sessions_.begin(),
                                                                    ws_sessions_.end())) {
        s->push_pairs(m);
      }
    }
    drain_alerts();
    for (auto& s :
         std::vector<std::shared_ptr<WebSocketSession>>(ws_sessions_.begin(), ws_sessions_.end())) {
      s->check_stuck(now);
    }
    arm_poll();
  });
}

void Server::drain_alerts() {
  drain_posted_.store(false, std::memory_order_release);
  Alert a;
  while (alert_queue_.try_pop(a)) {
    const Message m = feed_.add_alert(a, /*framed=*/!ws_sessions_.empty());
    if (!m) continue;
    for (auto& s :
         std::vector<std::shared_ptr<WebSocketSession>>(ws_sessions_.begin(), ws_sessions_.end())) {
      s->push_alert(m);
    }
  }
}

std::string Server::metrics_text() {
  PromWriter w;
  write_build_info(w);
  if (metrics_) write_summary_metrics(w, metrics_());
  write_pair_metrics(w, feed_.newest_views(), feed_.names());
  write_dashboard_metrics(w, counts());
  return w.take();
}

Server::WsList::iterator Server::join(std::shared_ptr<WebSocketSession> session) {
  ws_sessions_.push_back(std::move(session));
  return std::prev(ws_sessions_.end());
}

void Server::leave(WsList::iterator it) noexcept {
  ws_sessions_.erase(it);
}

Server::HttpList::iterator Server::join(HttpSession* session) {
  http_sessions_.push_back(session);
  return std::prev(http_sessions_.end());
}

void Server::leave(HttpList::iterator it) noexcept {
  http_sessions_.erase(it);
}

}  // namespace adrmon::dashboard
