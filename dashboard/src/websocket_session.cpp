// WebSocketSession (see websocket_session.hpp).
#include "websocket_session.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <utility>

namespace adrmon::dashboard {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

namespace {
constexpr auto kStuckWrite = std::chrono::seconds(60);
constexpr auto kWsIdleTimeout = std::chrono::seconds(60);  // pings at half; no pong: closed
constexpr int kWsSendBuffer = 64 * 1024;  // kernel bytes per client (Linux doubles it), bounded
constexpr std::size_t kMaxReadMessage = 4096;  // a client says nothing we need
}  // namespace

WebSocketSession::WebSocketSession(Server& server, beast::tcp_stream&& stream,
                                   ConnectionSlot&& slot)
    : server_(server), ws_(std::move(stream)), slot_(std::move(slot)) {}

void WebSocketSession::start(http::request<http::string_body> req) {
  beast::get_lowest_layer(ws_).expires_never();
  boost::system::error_code opt_ec;  // best effort: defaults are fine too
  beast::get_lowest_layer(ws_).socket().set_option(
      asio::socket_base::send_buffer_size(kWsSendBuffer), opt_ec);
  beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), opt_ec);
  websocket::stream_base::timeout t =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  t.handshake_timeout = std::chrono::seconds(10);
  t.idle_timeout = kWsIdleTimeout;
  t.keep_alive_pings = true;
  ws_.set_option(t);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "adrmon"); }));
  ws_.read_message_max(kMaxReadMessage);
  ws_.auto_fragment(false);
  ws_.text(true);
  ws_.async_accept(
      req, [self = shared_from_this()](boost::system::error_code ec) { self->on_accept(ec); });
}

void WebSocketSession::on_accept(boost::system::error_code ec) {
  if (ec || server_.stopping()) return;
  open_ = true;
  self_it_ = server_.join(shared_from_this());
  DashboardCounters& k = server_.counters();
  k.ws_connects.add();
  k.ws_clients.add();
  snapshot_ = std::make_shared<const std::string>(server_.feed().snapshot_message());
  queue_bytes_add(snapshot_->size());
  do_read();
  write_next();
}

void WebSocketSession::do_read() {  // reading keeps pings and close working
  ws_.async_read(in_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
    if (ec) {
      self->close_now();
      return;
    }
    self->in_.consume(self->in_.size());
    self->do_read();
  });
}

void WebSocketSession::push_pairs(const Message& m) {
  if (!open_) return;
  if (resync_) {
    server_.counters().pair_updates_dropped.add();
    return;
  }
  if (pending_pairs_) {
    // Two deltas would be owed: skip both, send the full state next.
    server_.counters().pair_updates_dropped.add(2);
    pending_bytes_ -= pending_pairs_->size();
    pending_pairs_.reset();
    resync_ = true;
    return;
  }
  pending_pairs_ = m;
  queue_bytes_add(m->size());
  write_next();
}

void WebSocketSession::push_alert(const Message& m) {
  if (!open_) return;
  if (alerts_.size() >= Dashboard::kMaxQueuedAlerts) {
    server_.counters().ws_disconnected_slow.add();
    close_now();
    return;
  }
  alerts_.push_back(m);
  queue_bytes_add(m->size());
  write_next();
}

void WebSocketSession::check_stuck(Clock::time_point now) {
  if (writing_ && now - write_started_ > kStuckWrite) {
    server_.counters().ws_disconnected_slow.add();
    close_now();
  }
}

void WebSocketSession::queue_bytes_add(std::size_t n) {
  pending_bytes_ += n;
  Counter& high = server_.counters().max_client_queued_bytes;
  if (pending_bytes_ > high.get()) high.set(pending_bytes_);
}

void WebSocketSession::write_next() {
  if (writing_ || !open_) return;
  Message m;
  if (snapshot_) {
    m = std::move(snapshot_);
    snapshot_.reset();
  } else if (!alerts_.empty()) {
    m = std::move(alerts_.front());
    alerts_.pop_front();
  } else if (resync_) {
    m = server_.feed().full_pairs_message();
    resync_ = false;
    pending_bytes_ += m->size();
  } else if (pending_pairs_) {
    m = std::move(pending_pairs_);
    pending_pairs_.reset();
  } else {
    return;
  }
  writing_ = true;
  write_started_ = Clock::now();
  inflight_ = m;
  ws_.async_write(asio::buffer(*inflight_),
                  [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                    self->on_write(ec, n);
                  });
}

void WebSocketSession::on_write(boost::system::error_code ec, std::size_t n) {
  writing_ = false;
  pending_bytes_ -= std::min(pending_bytes_, inflight_ ? inflight_->size() : 0);
  inflight_.reset();
  if (ec) {
    close_now();
    return;
  }
  DashboardCounters& k = server_.counters();
  k.ws_messages.add();
  k.ws_bytes.add(n);
  write_next();
}

void WebSocketSession::close_now() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).socket().close(ec);
  slot_.release();
  alerts_.clear();
  pending_pairs_.reset();
  snapshot_.reset();
  if (open_) {
    open_ = false;
    Counter& clients = server_.counters().ws_clients;
    clients.set(clients.get() - 1);
    // Last: this may drop the Server's reference (every caller holds another).
    server_.leave(self_it_);
  }
}

}  // namespace adrmon::dashboard
