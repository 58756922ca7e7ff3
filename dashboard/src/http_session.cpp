// HttpSession: routes and the rules every request passes, in this order.
//
//  1. Bounds. A request's header and body are at most kMaxRequestBytes each;
//     reading a request (also the keep-alive wait for the next one) or writing
//     a reply may take kHttpTimeout, then the connection is closed. How many
//     connections may be open, in all and per address, is decided at accept
//     (listener.hpp); without a token the listener only binds loopback.
//  2. GET /health answers 200 "ok" (503 + JSON when the daemon says a part is down) before any
//  other check (probes need no
//     token and may name any Host).
//  3. With [dashboard] token set, every other request must carry it, as
//     "Authorization: Bearer TOKEN" or "?token=TOKEN" (percent-decoded),
//     compared in constant time; otherwise 401 with WWW-Authenticate.
//     Without a token, the Host header must name a loopback host (127/8,
//     [::1], localhost), otherwise 403: a page on another site cannot read
//     the dashboard through DNS rebinding (its Host would be that site's name).
//  4. A WebSocket upgrade is allowed on /ws only (404); if the browser sends
//     an Origin, it must be this server's own (Origin host == Host, scheme
//     http or https), otherwise 403 (cross-site WebSocket hijacking); at most
//     Dashboard::kMaxClients WebSocket clients (503).
//  5. Only GET and HEAD (405 with Allow).
//  6. Every reply: Cache-Control no-store, X-Content-Type-Options nosniff,
//     Referrer-Policy no-referrer. The page carries a Content-Security-Policy
//     whose nonce is new per response: only the page's own inline script and
//     style run, it connects only to itself, and it cannot be framed. The page
//     renders server strings with textContent, never as markup.
//
// Routes: /  /index.html  /health  /metrics  /api/pairs  /api/board  /api/alerts[?since=NS]  /ws
#include "http_session.hpp"

#include <sys/random.h>

#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <limits>
#include <random>
#include <stdexcept>

#include "adrmon/core/host_port.hpp"
#include "dashboard_page.hpp"
#include "websocket_session.hpp"

namespace adrmon {

// Declared in adrmon/dashboard/dashboard.hpp; defined here, beside its use.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  // Walk the expected length whatever `a` is; the length difference is
  // folded in, not branched on.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < b.size(); ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

}  // namespace adrmon

namespace adrmon::dashboard {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

namespace {

constexpr auto kHttpTimeout = std::chrono::seconds(15);
constexpr std::uint32_t kMaxRequestBytes = 8 * 1024;
constexpr std::string_view kText = "text/plain; charset=utf-8";

std::string_view view(beast::string_view s) noexcept {
  return {s.data(), s.size()};
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value of `name` in a query string ("a=1&b=2"), decoded; nullopt when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    const std::size_t eq = part.find('=');
    if (part.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : percent_decode(part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// A Host header names a loopback host: "127.0.0.1:8480", "localhost",
// "[::1]:80". The port, if any, is not looked at.
bool loopback_host_header(std::string_view host) noexcept {
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    return is_loopback_host(host.substr(0, close + 1));
  }
  if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return is_loopback_host(host);
}

// A browser names the page that opens a WebSocket in Origin; only this
// server's own page may (no cross-site WebSocket hijacking). Tools send no
// Origin and are let through (the token, if any, still applies).
bool same_origin(const HttpSession::Request& req) {
  std::string_view origin = view(req[http::field::origin]);
  if (origin.empty()) return true;
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (origin.substr(0, scheme.size()) == scheme) {
      origin.remove_prefix(scheme.size());
      break;
    }
  }
  const std::string_view host = view(req[http::field::host]);
  if (origin.size() != host.size()) return false;
  for (std::size_t i = 0; i < host.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(origin[i])) !=
        std::tolower(static_cast<unsigned char>(host[i]))) {
      return false;
    }
  }
  return true;
}

// 128 bits from the kernel's CSPRNG (getrandom), base64url without padding:
// a nonce an attacker cannot predict from earlier ones (a seeded mt19937 can
// be). 64 symbols, so no modulo bias.
std::string random_nonce() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char bytes[22];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
    } else if (errno != EINTR) {
      std::random_device dev;  // /dev/urandom on Linux: still the kernel's CSPRNG
      for (; got < sizeof bytes; ++got) bytes[got] = static_cast<unsigned char>(dev());
    }
  }
  std::string out(sizeof bytes, 'A');
  for (std::size_t i = 0; i < sizeof bytes; ++i) out[i] = kAlphabet[bytes[i] & 63];
  return out;
}

HttpSession::Response make(const HttpSession::Request& req, http::status status,
                           std::string_view type, std::string body) {
  HttpSession::Response res{status, req.version()};
  res.set(http::field::server, "adrmon");
  res.set(http::field::content_type, beast::string_view(type.data(), type.size()));
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.keep_alive(req.keep_alive());
  const bool head = req.method() == http::verb::head;
  res.body() = std::move(body);
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

}  // namespace

HttpSession::HttpSession(Server& server, tcp::socket&& socket, ConnectionSlot&& slot)
    : server_(server), stream_(std::move(socket)), slot_(std::move(slot)) {}

HttpSession::~HttpSession() {
  if (registered_) server_.leave(self_it_);
}

void HttpSession::start() {
  self_it_ = server_.join(this);
  registered_ = true;
  do_read();
}

void HttpSession::close_now() {
  boost::system::error_code ec;
  stream_.socket().close(ec);
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(kMaxRequestBytes);
  parser_->body_limit(kMaxRequestBytes);
  stream_.expires_after(kHttpTimeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                     self->on_read(ec);
                   });
}

void HttpSession::on_read(boost::system::error_code ec) {
  if (ec) {  // closed, timed out, or over the limits: the session ends here
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return;
  }
  server_.counters().http_requests.add();
  route(parser_->release());
}

void HttpSession::route(Request&& req) {
  const std::string_view target = view(req.target());
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
  DashboardCounters& counters = server_.counters();

  // 2. Health first.
  if (path == "/health") {
    Dashboard::Health h = server_.health();
    if (h.ok) return reply(req, http::status::ok, kText, "ok\n");
    return reply(req, http::status::service_unavailable, "application/json", std::move(h.body));
  }

  // 3. Token, or a loopback Host.
  if (!server_.config().token.empty()) {
    if (!authorized(req, query)) {
      counters.unauthorized.add();
      auto res = make(req, http::status::unauthorized, kText,
                      "401 unauthorized: give the dashboard token as 'Authorization: Bearer "
                      "TOKEN' or ?token=TOKEN\n");
      res.set(http::field::www_authenticate, "Bearer realm=\"adrmon\"");
      return send(std::move(res));
    }
  } else if (!loopback_host_header(view(req[http::field::host]))) {
    counters.forbidden_host.add();
    return reply(req, http::status::forbidden, kText,
                 "403 forbidden: Host must be a loopback name (127.0.0.1, localhost, [::1])\n");
  }

  // 4. WebSocket upgrade.
  if (websocket::is_upgrade(req)) {
    if (path != "/ws") return reply(req, http::status::not_found, kText, "not found\n");
    if (!same_origin(req)) {
      counters.forbidden_host.add();
      return reply(req, http::status::forbidden, kText, "403 forbidden: cross-origin WebSocket\n");
    }
    if (server_.ws_count() >= Dashboard::kMaxClients) {
      counters.ws_refused.add();
      return reply(req, http::status::service_unavailable, kText, "too many dashboard clients\n");
    }
    stream_.expires_never();
    std::make_shared<WebSocketSession>(server_, std::move(stream_), std::move(slot_))
        ->start(std::move(req));
    return;
  }

  // 5. GET and HEAD only.
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = make(req, http::status::method_not_allowed, kText, "only GET\n");
    res.set(http::field::allow, "GET, HEAD");
    return send(std::move(res));
  }

  if (path == "/" || path == "/index.html") return page(req);
  if (path == "/metrics") {
    return reply(req, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                 server_.metrics_text());
  }
  if (path == "/api/pairs") {
    std::string body;
    server_.feed().append_pairs_array(body);
    return reply(req, http::status::ok, "application/json", std::move(body));
  }
  if (path == "/api/board") {
    return reply(req, http::status::ok, "application/json", server_.feed().board_json());
  }
  if (path == "/api/alerts") {
    std::int64_t since = std::numeric_limits<std::int64_t>::min();
    if (const auto s = query_param(query, "since"); s && !s->empty()) {
      const auto [end, err] = std::from_chars(s->data(), s->data() + s->size(), since);
      if (err != std::errc() || end != s->data() + s->size()) {
        return reply(req, http::status::bad_request, kText,
                     "since must be an integer timestamp in ns\n");
      }
    }
    return reply(req, http::status::ok, "application/json", server_.feed().alerts_since(since));
  }
  return reply(req, http::status::not_found, kText, "not found\n");
}

bool HttpSession::authorized(const Request& req, std::string_view query) const {
  const std::string_view token = server_.config().token;
  const std::string_view a = view(req[http::field::authorization]);
  constexpr std::string_view kBearer = "Bearer ";
  if (a.size() > kBearer.size() && a.substr(0, kBearer.size()) == kBearer) {
    return constant_time_equal(a.substr(kBearer.size()), token);
  }
  if (const auto t = query_param(query, "token")) return constant_time_equal(*t, token);
  return false;
}

// 6. The page, with a fresh CSP nonce in its <script>/<style> tags and header.
void HttpSession::page(const Request& req) {
  const std::string nonce = random_nonce();
  std::string body(reinterpret_cast<const char*>(kDashboardPage), kDashboardPageSize);
  for (std::size_t at = body.find("@NONCE@"); at != std::string::npos;
       at = body.find("@NONCE@", at + nonce.size())) {
    body.replace(at, 7, nonce);
  }
  auto res = make(req, http::status::ok, "text/html; charset=utf-8", std::move(body));
  res.set("Content-Security-Policy",
          "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce +
              "'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'");
  send(std::move(res));
}

void HttpSession::reply(const Request& req, http::status status, std::string_view type,
                        std::string body) {
  send(make(req, status, type, std::move(body)));
}

void HttpSession::send(Response&& res) {
  auto sp = std::make_shared<Response>(std::move(res));
  stream_.expires_after(kHttpTimeout);
  http::async_write(stream_, *sp,
                    [self = shared_from_this(), sp](boost::system::error_code ec, std::size_t) {
                      if (ec) return;
                      if (!sp->keep_alive()) {
                        boost::system::error_code ignored;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                        return;
                      }
                      self->do_read();
                    });
}

}  // namespace adrmon::dashboard
