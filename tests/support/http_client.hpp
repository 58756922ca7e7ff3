// Test clients for HTTP servers on loopback (the dashboard, ...), on real
// sockets, synchronous Boost.Beast:
// - connect_from(): a TCP connection from a chosen local address (the whole
//   127.0.0.0/8 is loopback on Linux, so "127.0.0.2" is a second client
//   machine as far as the server can tell);
// - http_get(): one GET on a fresh connection, the reply's status, body and
//   Content-Type;
// - WsClient: a WebSocket client that reads text messages.
// Header-only; needs Boost (headers). Every call blocks, allocates, and
// throws boost::system::system_error on any network failure (a refused or
// reset connection, a malformed reply). Any thread; one object per thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace adrmon::test {

// A TCP connection to `to`:`port` whose local end is bound to `from` (any
// local port); an empty `from` lets the kernel choose.
inline boost::asio::ip::tcp::socket connect_from(boost::asio::io_context& io,
                                                 const std::string& from, std::uint16_t port,
                                                 const std::string& to = "127.0.0.1") {
  namespace asio = boost::asio;
  using tcp = asio::ip::tcp;
  tcp::socket s(io);
  const tcp::endpoint remote(asio::ip::make_address(to), port);
  s.open(remote.protocol());
  if (!from.empty()) s.bind({asio::ip::make_address(from), 0});
  s.connect(remote);
  return s;
}

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// GET `target` from 127.0.0.1:`port` on a new connection (closed on return).
// `host` is the Host header ("127.0.0.1:PORT" when empty); `from` the local
// address to connect from (see connect_from).
inline HttpReply http_get(std::uint16_t port, const std::string& target,
                          const HttpHeaders& headers = {}, const std::string& host = "",
                          const std::string& from = "") {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  auto s = connect_from(io, from, port);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, host.empty() ? "127.0.0.1:" + std::to_string(port) : host);
  for (const auto& [k, v] : headers) req.set(k, v);
  http::write(s, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return {static_cast<int>(res.result_int()), res.body(),
          std::string(res[http::field::content_type])};
}

// A WebSocket client of 127.0.0.1:`port`: the handshake in the constructor
// (throws when the server refuses the upgrade), then whole text messages.
// `rcvbuf` > 0 shrinks the kernel receive buffer (a client that reads slowly
// fills it sooner); `from` as in connect_from.
class WsClient {
 public:
  explicit WsClient(std::uint16_t port, const std::string& target = "/ws", int rcvbuf = 0,
                    const std::string& from = "")
      : ws_(io_) {
    namespace asio = boost::asio;
    auto& sock = ws_.next_layer();
    const asio::ip::tcp::endpoint remote(asio::ip::make_address("127.0.0.1"), port);
    sock.open(remote.protocol());
    if (rcvbuf > 0) sock.set_option(asio::socket_base::receive_buffer_size(rcvbuf));
    if (!from.empty()) sock.bind({asio::ip::make_address(from), 0});
    sock.connect(remote);
    ws_.handshake("127.0.0.1:" + std::to_string(port), target);
  }

  // Blocks until the next message; returns its payload.
  std::string read_text() {
    boost::beast::flat_buffer buf;
    ws_.read(buf);
    return boost::beast::buffers_to_string(buf.data());
  }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
};

}  // namespace adrmon::test
