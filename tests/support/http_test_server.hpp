// Test endpoints on 127.0.0.1 for HTTP clients (the webhook sink, ...):
// - HttpTestServer: a small real HTTP/1.1 server (synchronous Beast, an
//   accept thread plus one thread per connection) that records every request
//   and answers each by a script: status, an optional delay, and whether to
//   close the connection afterwards;
// - SilentEndpoint: completes TCP handshakes (the kernel does, from the
//   listen backlog) and never reads or answers: the endpoint that is up but
//   stuck;
// - refused_url(): a port nobody listens on.
// Header-only; needs Boost (headers) and Threads.
#pragma once

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace adrmon::test {

// What the server does with the n-th request it reads (0-based, over all
// connections): wait `delay`, answer `status`, then close the connection if
// `close_after` (while still saying keep-alive, like a server whose idle
// timeout fires).
struct Reply {
  unsigned status = 200;
  bool close_after = false;
  std::chrono::milliseconds delay{0};
};

struct Received {
  std::string method, target, content_type, host, body;
  int connection = 0;  // 0-based, in accept order
};

namespace detail {

// What HttpTestServer and TlsTestServer share: a listening socket on
// 127.0.0.1 at a free port, an accept thread, one thread per connection,
// the record of requests and the Reply script. `Connection` runs on each
// connection's own thread with the accepted socket and its id: it wraps the
// socket as it needs (a TLS handshake, say), calls serve_requests() on the
// stream and close() on the socket. Destruction stops accepting, ends
// scripted delays, wakes blocking reads and joins every thread.
class ScriptedHttpServer {
 public:
  using tcp = boost::asio::ip::tcp;
  using Script = std::function<Reply(std::size_t)>;
  using Connection = std::function<void(ScriptedHttpServer&, tcp::socket, int)>;

  ScriptedHttpServer(Script script, Connection connection)
      : script_(std::move(script)),
        connection_(std::move(connection)),
        acceptor_(ioc_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~ScriptedHttpServer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();                                  // ends scripted delays
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocking accept
    accept_thread_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes blocking reads
    }
    for (std::thread& t : connection_threads_) t.join();
  }

  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<Received> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  int connections() const {
    std::lock_guard lock(mu_);
    return connections_;
  }

  // Reads requests from `stream` (connection `id`) and answers each by the
  // script until the peer closes, a read or write fails, the reply says
  // close_after, the request is not keep-alive or the server is stopping.
  template <class Stream>
  void serve_requests(Stream& stream, int id) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      http::read(stream, buffer, req, ec);
      if (ec) break;
      Reply reply;
      {
        std::unique_lock lock(mu_);
        received_.push_back(Received{std::string(req.method_string()), std::string(req.target()),
                                     std::string(req[http::field::content_type]),
                                     std::string(req[http::field::host]), req.body(), id});
        reply = script_(received_.size() - 1);
        if (cv_.wait_for(lock, reply.delay, [this] { return stopping_; })) break;
      }
      http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
      res.keep_alive(req.keep_alive());
      res.body() = "ok";
      res.prepare_payload();
      http::write(stream, res, ec);
      if (ec || reply.close_after || !req.keep_alive()) break;
    }
  }

  // Shuts down and closes a connection's socket.
  void close(tcp::socket& socket) {
    std::lock_guard lock(mu_);
    std::erase(open_fds_, socket.native_handle());  // before close: the fd number may be reused
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

 private:
  void accept_loop() {
    for (;;) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      std::lock_guard lock(mu_);
      const int id = connections_++;
      open_fds_.push_back(socket.native_handle());
      connection_threads_.emplace_back(
          [this, id, s = std::move(socket)]() mutable { connection_(*this, std::move(s), id); });
    }
  }

  Script script_;
  Connection connection_;
  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<Received> received_;
  std::vector<std::thread> connection_threads_;
  std::vector<int> open_fds_;
  int connections_ = 0;
};

}  // namespace detail

class HttpTestServer {
 public:
  using Script = detail::ScriptedHttpServer::Script;

  // Listens on 127.0.0.1 at a free port; answers 200 to everything unless
  // `script` says otherwise (called under the server's lock).
  explicit HttpTestServer(Script script = [](std::size_t) { return Reply{}; })
      : server_(std::move(script), [](detail::ScriptedHttpServer& server,
                                      boost::asio::ip::tcp::socket socket, int id) {
          server.serve_requests(socket, id);
          server.close(socket);
        }) {}

  std::uint16_t port() const { return server_.port(); }
  // "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  // Every request read so far, in order.
  std::vector<Received> received() const { return server_.received(); }
  // Connections accepted so far.
  int connections() const { return server_.connections(); }

 private:
  detail::ScriptedHttpServer server_;
};

class SilentEndpoint {
 public:
  SilentEndpoint()
      : acceptor_(ioc_,
                  boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {}
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path = "/stuck") const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

// "http://127.0.0.1:PORT/down" at a port that was free a moment ago:
// connecting is refused.
inline std::string refused_url() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor probe(
      ioc, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = probe.local_endpoint().port();
  probe.close();
  return "http://127.0.0.1:" + std::to_string(port) + "/down";
}

}  // namespace adrmon::test
