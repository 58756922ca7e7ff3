// HttpPostClient: every asynchronous operation goes through run_op(), which
// runs the io_context until the operation completes or the sooner of the
// call's deadline and the abort deadline passes, then cancels it.
//
// TLS: one ssl::context per client (trust store, verify_peer, TLS >= 1.2);
// each new connection gets a fresh ssl_stream over a tcp_stream (an SSL
// object is not reused across connections) with SNI and the host check set
// on it, so the deadline machinery (tcp_stream's timer, socket cancel) is the
// same for both kinds: only the layer the HTTP messages go through differs.
#include "adrmon/sinks/http_post_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>

namespace adrmon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using Clock = HttpPostClient::Clock;

namespace {
// An endpoint's answer is read only for its status; a larger body is an error.
constexpr std::uint64_t kMaxResponseBodyBytes = 64 * 1024;

// The client side of TLS: verify the peer, TLS 1.2 or later, the system's
// trust store or `ca_file`.
std::unique_ptr<ssl::context> make_tls_context(const std::string& ca_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (ca_file.empty()) {
    ctx->set_default_verify_paths(ec);  // a machine without a store fails each handshake
  } else {
    ctx->load_verify_file(ca_file, ec);
    if (ec) throw std::invalid_argument("ca_file \"" + ca_file + "\": " + ec.message());
  }
  return ctx;
}

}  // namespace

struct HttpPostClient::Impl {
  Impl(HostPort authority, std::string target, Tls tls, std::string content_type);

  beast::error_code post(std::string_view body, Clock::time_point deadline);
  beast::error_code exchange(Clock::time_point deadline, bool& stale);
  template <class Start>
  beast::error_code run_op(Start&& start, Clock::time_point deadline);
  Clock::time_point abort_deadline() const noexcept {
    return Clock::time_point(Clock::duration(abort_at_ns.load(std::memory_order_acquire)));
  }
  void close() noexcept;
  beast::error_code handshake(Clock::time_point deadline);
  // The TCP layer of the current connection (TLS or not).
  beast::tcp_stream& tcp_layer() noexcept {
    return secure ? beast::get_lowest_layer(*secure) : stream;
  }
  // Writes / reads one HTTP message through the connection's top layer.
  template <class Done>
  void async_write(Done done) {
    if (secure) {
      http::async_write(*secure, request, std::move(done));
    } else {
      http::async_write(stream, request, std::move(done));
    }
  }
  template <class Done>
  void async_read(Done done) {
    if (secure) {
      http::async_read(*secure, buffer, *response, std::move(done));
    } else {
      http::async_read(stream, buffer, *response, std::move(done));
    }
  }

  HostPort authority;
  std::string port;  // decimal text, as the resolver takes it
  asio::io_context ioc{1};
  tcp::resolver resolver{ioc};
  beast::tcp_stream stream{ioc};                               // plain http
  std::unique_ptr<ssl::context> tls_context;                   // https only
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;  // https: one per connection
  bool host_is_ip = false;                                     // no SNI, check the IP
  bool handshake_failed = false;
  std::string detail;
  bool connected = false;
  bool aborted = false;  // the last run_op ended at the abort deadline
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  std::optional<http::response_parser<http::string_body>> response;
  unsigned status = 0;
  std::string reason;
  std::atomic<Clock::rep> abort_at_ns{Clock::time_point::max().time_since_epoch().count()};
};

HttpPostClient::Impl::Impl(HostPort authority_in, std::string target, Tls tls,
                           std::string content_type)
    : authority(std::move(authority_in)), port(std::to_string(authority.port)) {
  if (tls.on) {
    tls_context = make_tls_context(tls.ca_file);
    beast::error_code ec;
    (void)asio::ip::make_address(authority.host, ec);
    host_is_ip = !ec;
  }
  // Only the body changes from one POST to the next.
  std::string host = authority.bracketed ? "[" + authority.host + "]" : authority.host;
  if (authority.port != (tls.on ? 443 : 80)) host += ":" + port;
  request.version(11);
  request.method(http::verb::post);
  request.target(target);
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "adrmon");
  request.set(http::field::content_type, content_type);
  request.keep_alive(true);
}

beast::error_code HttpPostClient::Impl::post(std::string_view body, Clock::time_point deadline) {
  request.body().assign(body);
  request.prepare_payload();
  beast::error_code ec;
  for (int pass = 0; pass < 2; ++pass) {
    bool stale = false;
    ec = exchange(deadline, stale);
    if (!ec || !stale) break;  // a stale connection gets one fresh one
  }
  return ec;
}

// Connect if needed, write the request, read the answer. `stale`: the
// failure is a reused connection that the peer had closed before answering.
beast::error_code HttpPostClient::Impl::exchange(Clock::time_point deadline, bool& stale) {
  handshake_failed = false;
  detail.clear();
  const bool reused = connected;
  beast::error_code ec;
  if (!connected && tls_context) secure.emplace(ioc, *tls_context);
  tcp_layer().expires_at(deadline);  // one deadline for resolve, connect, handshake, write, read
  if (!connected) {
    tcp::resolver::results_type endpoints;
    ec = run_op(
        [&](auto done) {
          resolver.async_resolve(authority.host, port,
                                 [&endpoints, done](beast::error_code e, auto results) mutable {
                                   endpoints = std::move(results);
                                   done(e);
                                 });
        },
        deadline);
    if (!ec) {
      ec = run_op([&](auto done) { tcp_layer().async_connect(endpoints, std::move(done)); },
                  deadline);
    }
    if (!ec && secure) ec = handshake(deadline);
    if (ec) {
      close();
      return aborted ? asio::error::operation_aborted : ec;
    }
    connected = true;
  }

  ec = run_op([&](auto done) { async_write(std::move(done)); }, deadline);
  if (!ec) {
    response.emplace();
    response->body_limit(kMaxResponseBodyBytes);
    ec = run_op([&](auto done) { async_read(std::move(done)); }, deadline);
  }
  if (ec) {
    stale = !aborted && reused &&
            (ec == http::error::end_of_stream || ec == asio::error::eof ||
             ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
             ec == ssl::error::stream_truncated);
    close();
    return aborted ? asio::error::operation_aborted : ec;
  }
  const auto& res = response->get();
  status = res.result_int();
  reason.assign(res.reason().data(), res.reason().size());
  if (!res.keep_alive()) close();
  return {};
}

// The TLS handshake on a fresh connection: SNI (names only, RFC 6066) and
// the peer's certificate checked against the host's name or IP address, on
// top of the chain check of the context's verify_peer.
beast::error_code HttpPostClient::Impl::handshake(Clock::time_point deadline) {
  SSL* native = secure->native_handle();
  if (host_is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), authority.host.c_str());
  } else {
    SSL_set_tlsext_host_name(native, authority.host.c_str());
    SSL_set1_host(native, authority.host.c_str());
  }
  const beast::error_code ec =
      run_op([&](auto done) { secure->async_handshake(ssl::stream_base::client, std::move(done)); },
             deadline);
  if (!ec) return ec;
  handshake_failed = true;
  const long verify = SSL_get_verify_result(native);
  if (verify != X509_V_OK) {
    detail.assign("certificate verify failed: ").append(X509_verify_cert_error_string(verify));
  }
  return ec;
}

// Starts one asynchronous operation (start(done) must arrange for done(ec)
// to be called) and runs the io_context until it completes. If the deadline
// or the abort deadline passes first, cancels it and reports beast timeout;
// `aborted` says the abort deadline was the one that passed.
template <class Start>
beast::error_code HttpPostClient::Impl::run_op(Start&& start, Clock::time_point deadline) {
  std::optional<beast::error_code> result;
  aborted = false;
  start([&result](beast::error_code e, auto&&...) { result = e; });
  ioc.restart();
  while (!result) {
    const auto abort_at = abort_deadline();
    const auto limit = std::min(deadline, abort_at);
    const auto now = Clock::now();
    if (now >= limit) {
      aborted = now >= abort_at;
      break;
    }
    ioc.run_one_until(limit);  // also returns for abort_at()'s wake-up post
    if (ioc.stopped()) ioc.restart();
  }
  if (result) return *result;
  // Deadline: tcp_stream's own timer normally fires first for socket work;
  // this covers the resolver and an abort deadline set while waiting.
  resolver.cancel();
  beast::error_code ignored;
  tcp_layer().socket().cancel(ignored);
  ioc.restart();
  while (!result && ioc.run_one() != 0) {
  }
  close();
  return beast::error::timeout;
}

// No TLS close_notify: a client that closes after its answer has nothing
// left to protect, and waiting for the peer's reply could stall.
void HttpPostClient::Impl::close() noexcept {
  beast::error_code ignored;
  tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
  tcp_layer().close();
  secure.reset();
  connected = false;
  buffer.clear();
}

HttpPostClient::HttpPostClient(HostPort authority, std::string target, std::string content_type)
    : HttpPostClient(std::move(authority), std::move(target), Tls{}, std::move(content_type)) {}

HttpPostClient::HttpPostClient(HostPort authority, std::string target, Tls tls,
                               std::string content_type)
    : impl_(std::make_unique<Impl>(std::move(authority), std::move(target), std::move(tls),
                                   std::move(content_type))) {}

HttpPostClient::~HttpPostClient() {
  impl_->close();
}

boost::system::error_code HttpPostClient::post(std::string_view body, Clock::time_point deadline) {
  return impl_->post(body, deadline);
}

unsigned HttpPostClient::status() const noexcept {
  return impl_->status;
}

std::string_view HttpPostClient::reason() const noexcept {
  return impl_->reason;
}

bool HttpPostClient::handshake_failed() const noexcept {
  return impl_->handshake_failed;
}

std::string_view HttpPostClient::detail() const noexcept {
  return impl_->detail;
}

void HttpPostClient::abort_at(Clock::time_point at) {
  impl_->abort_at_ns.store(at.time_since_epoch().count(), std::memory_order_release);
  asio::post(impl_->ioc, [] {});  // a post() waiting on the network re-reads the deadline
}

void HttpPostClient::close() noexcept {
  impl_->close();
}

}  // namespace adrmon
