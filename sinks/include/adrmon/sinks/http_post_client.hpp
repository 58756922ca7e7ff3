// HttpPostClient: POSTs bodies to one HTTP/1.1 endpoint over one kept-alive
// connection, plain or TLS (https: OpenSSL through Beast's ssl_stream; the
// peer's certificate verified against the system store or a given CA file,
// its name or IP checked against the host, SNI sent for names). Boost.Beast runs on the client's
// own io_context, driven by the calling thread inside post(): each operation (resolve, connect,
// write, read) runs until it completes or a deadline passes, and is then cancelled. Two deadlines
// apply: the one given to post() (a dead endpoint costs at most that much) and an abort deadline
// another thread may set at any time (shutdown), whichever is sooner. Network failure is a value
// (error_code), never an exception.
#pragma once

#include <boost/system/error_code.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "adrmon/core/host_port.hpp"

namespace adrmon {

class HttpPostClient {
 public:
  using Clock = std::chrono::steady_clock;

  // TLS settings: `on` for https. `ca_file` (PEM) replaces the system's
  // trust store when not empty.
  struct Tls {
    bool on = false;
    std::string ca_file;
  };

  // POSTs to `target` ("/path?query") on `authority`, with the Host header
  // it implies (port omitted when 80, or 443 with TLS). Nothing touches the
  // network until post(). Throws std::invalid_argument when `tls.ca_file`
  // cannot be loaded ("ca_file \"PATH\": REASON"). Allocates. Cold path.
  HttpPostClient(HostPort authority, std::string target,
                 std::string content_type = "application/json");
  HttpPostClient(HostPort authority, std::string target, Tls tls,
                 std::string content_type = "application/json");
  ~HttpPostClient();

  HttpPostClient(const HttpPostClient&) = delete;
  HttpPostClient& operator=(const HttpPostClient&) = delete;

  // One POST of `body`, done by `deadline`: resolves and connects (and with
  // TLS completes the handshake) when there is no connection, writes, reads the answer (kept only
  // for its status; a body over 64 KiB is an error). A kept-alive connection the server closed
  // while idle (EOF or reset on the write or the read) is replaced once
  // within the call: servers' idle timeouts are the normal fate of a
  // connection that carries a few alerts a day. Returns
  // - no error: an answer was read, of any status (see status());
  // - boost::beast::error::timeout: `deadline` passed;
  // - boost::asio::error::operation_aborted: the abort deadline passed;
  // - a resolver, socket or HTTP error (host_not_found, connection_refused,
  //   end_of_stream, body_limit, ...);
  // - with TLS, an SSL error (boost::asio::error::get_ssl_category(): a
  //   certificate that fails verification, a protocol mismatch, ...); then
  //   handshake_failed() is true and detail() says why.
  // Any failure inside the TLS handshake, timeouts included, sets
  // handshake_failed().
  // The connection is closed after any error and after an answer without
  // keep-alive. Allocates (the body's copy, the response). The owning
  // thread only.
  boost::system::error_code post(std::string_view body, Clock::time_point deadline);

  // Status code and reason phrase of the last answer read; 0 and "" before
  // any. The owning thread only.
  unsigned status() const noexcept;
  std::string_view reason() const noexcept;

  // Whether the last post() failed in the TLS handshake (then no request
  // was sent). The owning thread only.
  bool handshake_failed() const noexcept;

  // Why the last post() failed, where error_code::message() does not say
  // it all: for a certificate OpenSSL refused, "certificate verify failed:
  // self-signed certificate" (the verification result's text); otherwise
  // empty. Never holds the target. The owning thread only.
  std::string_view detail() const noexcept;

  // From now on post() gives up at `at` at the latest; a post() waiting on
  // the network re-reads it at once. Any thread (this is how a sink's
  // stop() cuts its worker's attempt short). May allocate (a wake-up post).
  void abort_at(Clock::time_point at);

  // Closes the connection, if any. The owning thread only.
  void close() noexcept;

 private:
  struct Impl;  // Beast stream, resolver, buffers (http_post_client.cpp)
  std::unique_ptr<Impl> impl_;
};

}  // namespace adrmon
