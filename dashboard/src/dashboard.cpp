// Dashboard: the public facade over the Server (server.hpp) and the thread
// it runs on. The parts, each one thing:
//   listener.cpp           acceptor, connection bounds (total and per address)
//   http_session.cpp       routes, token, Host/Origin checks, CSP — the security rules
//   websocket_session.cpp  snapshot, then pushes; the slow-client policy
//   pair_feed.cpp          shared pair state: board polls, deltas, history, recent alerts
//   prometheus_text.cpp    /metrics (text format 0.0.4)
//   server.cpp             wiring, poll loop, alert fan-out, shutdown
#include "adrmon/dashboard/dashboard.hpp"

#include "server.hpp"

namespace adrmon {

Dashboard::Dashboard(const Config& config, const PairBoard& board, MetricsFn metrics,
                     HealthFn health)
    : server_(std::make_unique<dashboard::Server>(config, board, std::move(metrics),
                                                  std::move(health))) {}

Dashboard::~Dashboard() {
  stop();
}

void Dashboard::start() {
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { server_->run(); });
}

void Dashboard::offer(const Alert& alert) noexcept {
  server_->offer(alert);
}

void Dashboard::stop() {
  if (!thread_.joinable()) return;
  server_->request_stop();
  thread_.join();
}

std::string Dashboard::url() const {
  const boost::asio::ip::address a = server_->local_endpoint().address();
  std::string host = a.to_string();
  if (a.is_v6()) host = "[" + host + "]";
  if (a.is_unspecified()) host = a.is_v6() ? "[::1]" : "127.0.0.1";
  return "http://" + host + ":" + std::to_string(server_->local_endpoint().port()) + "/";
}

std::uint16_t Dashboard::port() const noexcept {
  return server_->local_endpoint().port();
}

Dashboard::Counts Dashboard::counts() const noexcept {
  return server_->counts();
}

}  // namespace adrmon
