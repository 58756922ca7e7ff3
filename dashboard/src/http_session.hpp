// HttpSession: one HTTP/1.1 connection (keep-alive) and every rule a request
// must pass. The security rules are all in http_session.cpp; read it alone.
//
// Dashboard thread only. The session holds its ConnectionSlot from accept
// until its socket closes, or hands it to the WebSocketSession it becomes.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "listener.hpp"
#include "server.hpp"

namespace adrmon::dashboard {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  HttpSession(Server& server, tcp::socket&& socket, ConnectionSlot&& slot);
  ~HttpSession();

  // Joins the Server's list (for shutdown) and reads the first request.
  void start();
  // Closes the socket; pending operations end with an error. Idempotent.
  void close_now();

 private:
  void do_read();
  void on_read(boost::system::error_code ec);
  void route(Request&& req);
  bool authorized(const Request& req, std::string_view query) const;
  void page(const Request& req);
  void reply(const Request& req, boost::beast::http::status status, std::string_view type,
             std::string body);
  void send(Response&& res);

  Server& server_;
  boost::beast::tcp_stream stream_;
  ConnectionSlot slot_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Server::HttpList::iterator self_it_;
  bool registered_ = false;
};

}  // namespace adrmon::dashboard
