// WebSocketSession: one browser on /ws, and the slow-client policy.
//
// On accept the client gets a snapshot (every pair, recent alerts, premium
// history), then "pairs" deltas and "alert"s as the Server pushes them. A
// client that reads slowly never grows memory without bound:
//   - pair updates: at most one pending delta; when a second arrives both are
//     skipped (counted in pair_updates_dropped) and the next write is a full
//     refresh instead — latest state wins;
//   - alerts: at most Dashboard::kMaxQueuedAlerts queued; one more
//     disconnects the client (ws_disconnected_slow);
//   - a write stuck longer than kStuckWrite disconnects it too;
//   - the kernel send buffer is kept small (kWsSendBuffer), so a stalled
//     reader is found quickly.
// Writes go out one at a time in the order snapshot, alerts, full refresh,
// delta. The session holds its ConnectionSlot until its socket closes.
//
// Dashboard thread only.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>

#include "listener.hpp"
#include "pair_feed.hpp"
#include "server.hpp"

namespace adrmon::dashboard {

class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  // Takes over an HTTP connection whose upgrade request passed the checks.
  WebSocketSession(Server& server, boost::beast::tcp_stream&& stream, ConnectionSlot&& slot);

  // Answers the upgrade `req`; on success joins the Server and sends the snapshot.
  void start(boost::beast::http::request<boost::beast::http::string_body> req);

  // Queue one shared message (see the policy above). No-op once closed.
  void push_pairs(const Message& m);
  void push_alert(const Message& m);

  // Disconnects (counted) when a write has been stuck past kStuckWrite.
  void check_stuck(Clock::time_point now);

  // Closes the socket, leaves the Server, gives the slot back. Idempotent.
  void close_now();

 private:
  void on_accept(boost::system::error_code ec);
  void do_read();
  void queue_bytes_add(std::size_t n);
  void write_next();
  void on_write(boost::system::error_code ec, std::size_t n);

  Server& server_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  ConnectionSlot slot_;
  boost::beast::flat_buffer in_;
  Server::WsList::iterator self_it_;
  bool open_ = false;  // joined the Server
  bool closed_ = false;
  bool writing_ = false;
  bool resync_ = false;  // deltas were skipped: the next pair write is a full refresh
  Clock::time_point write_started_{};
  Message inflight_, snapshot_, pending_pairs_;
  std::deque<Message> alerts_;
  std::size_t pending_bytes_ = 0;
};

}  // namespace adrmon::dashboard
