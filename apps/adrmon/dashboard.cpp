// Dashboard: the server on its own thread.
//
// Everything below Server runs on the dashboard thread only (one io_context,
// one thread: no strands, no locks), except the three doors in from other
// threads: offer() (sink thread: SpscQueue push + one post per batch),
// counts() (relaxed atomics) and stop() (posts the shutdown, joins).
//
// Each poll (every min(50 ms, 1/updates_per_second)) reads the PairBoard;
// when its version moved, it samples the premium history and diffs every
// pair against what the clients last got. Changed pairs whose throttle has
// expired go into one "pairs" message, serialised once and shared by every
// client (shared_ptr<const std::string>), so twenty clients cost twenty
// pointer pushes, not twenty serialisations.
#include "dashboard.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <list>
#include <optional>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "adrmon/core/alert_json.hpp"
#include "adrmon/core/spsc_queue.hpp"
#include "alert_writer.hpp"
#include "dashboard_page.hpp"

namespace adrmon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Message = std::shared_ptr<const std::string>;

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

namespace {

constexpr std::size_t kAlertQueueCapacity = 4096;
constexpr std::size_t kSnapshotAlerts = 200;  // recent alerts in a WebSocket snapshot
constexpr std::size_t kMaxHttpSessions = 256;
constexpr auto kHttpTimeout = std::chrono::seconds(15);
constexpr auto kStuckWrite = std::chrono::seconds(60);
constexpr auto kWsIdleTimeout = std::chrono::seconds(60);  // pings at half; no pong: closed
constexpr auto kClockEvery = std::chrono::seconds(1);      // empty "pairs" to move the clock
constexpr int kWsSendBuffer = 64 * 1024;  // kernel bytes per client (Linux doubles it), bounded
constexpr std::uint32_t kMaxRequestBytes = 8 * 1024;

// Counters with a single writer (the dashboard thread, or the sink thread
// for the offer counters): plain load + store, no locked instruction.
void bump(std::atomic<std::uint64_t>& c, std::uint64_t by = 1) noexcept {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

// ---- small text helpers ------------------------------------------------------

void append_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else if (c == '<' || c == '>' || c == '&') {
          // Harmless in JSON, but keeps any text safe if ever embedded in HTML.
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
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

std::string random_nonce() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(22, 'A');
  for (char& c : out) c = kAlphabet[rng() % (sizeof kAlphabet - 1)];
  return out;
}

// ---- listen address ------------------------------------------------------------

struct ListenAddress {
  asio::ip::address address;
  std::uint16_t port = 0;
};

ListenAddress parse_listen(std::string_view listen) {
  auto bad = [&](std::string_view why) {
    throw std::invalid_argument("[dashboard] listen \"" + std::string(listen) +
                                "\": " + std::string(why));
  };
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) bad("must be HOST:PORT, e.g. \"127.0.0.1:8480\"");
  std::string_view host = listen.substr(0, colon);
  const std::string_view port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    bad("port must be a number in 0..65535");
  }
  ListenAddress out;
  out.port = static_cast<std::uint16_t>(port);
  if (host == "localhost") {
    out.address = asio::ip::address_v4::loopback();
    return out;
  }
  boost::system::error_code aec;
  out.address = asio::ip::make_address(std::string(host), aec);
  if (aec) bad("host must be an IP address or localhost");
  return out;
}

// Host header names a loopback host ("127.0.0.1:8480", "localhost", "[::1]:80").
bool loopback_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    host = host.substr(1, close - 1);
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const asio::ip::address a = asio::ip::make_address(std::string(host), ec);
  return !ec && a.is_loopback();
}

// ---- pair views as JSON ----------------------------------------------------------

struct PairName {
  std::string name, adr, hk;
};

void append_leg(std::string& out, std::string_view prefix, const LegQuote& q) {
  out += ",\"";
  out += prefix;
  out += "_bid\":";
  if (q.seen)
    append_number(out, q.bid);
  else
    out += "null";
  out += ",\"";
  out += prefix;
  out += "_ask\":";
  if (q.seen)
    append_number(out, q.ask);
  else
    out += "null";
  out += ",\"";
  out += prefix;
  out += "_ts\":";
  if (q.seen)
    append_int(out, q.ts);
  else
    out += "null";
}

void append_pair_json(std::string& out, const PairView& v, const PairName& n) {
  out += "{\"id\":";
  append_int(out, v.pair);
  out += ",\"pair\":";
  append_json_string(out, n.name);
  out += ",\"adr\":";
  append_json_string(out, n.adr);
  out += ",\"hk\":";
  append_json_string(out, n.hk);
  out += ",\"ratio\":";
  append_number(out, v.ratio);
  out += ",\"fungible\":";
  out += v.fungible ? "true" : "false";
  append_leg(out, "adr", v.adr);
  append_leg(out, "hk", v.hk);
  append_leg(out, "fx", v.fx);
  out += ",\"priced\":";
  out += v.priced ? "true" : "false";
  out += ",\"fresh\":";
  out += v.fresh ? "true" : "false";
  const auto num_if_priced = [&](std::string_view key, double x) {
    out += ",\"";
    out += key;
    out += "\":";
    if (v.priced)
      append_number(out, x);
    else
      out += "null";
  };
  num_if_priced("hk_equiv", v.hk_equiv_mid);
  num_if_priced("premium_bps", v.mid_premium_bps);
  num_if_priced("sell_adr_bps", v.edge_bps[0]);
  num_if_priced("buy_adr_bps", v.edge_bps[1]);
  for (int s = 0; s < kSideCount; ++s) {
    const std::string_view side = side_name(static_cast<Side>(s));
    out += ",\"open_";
    out += side;
    out += "\":";
    out += v.open[s] ? "true" : "false";
    if (v.open[s]) {
      out += ",\"open_ts_";
      out += side;
      out += "\":";
      append_int(out, v.open_ts[s]);
      out += ",\"peak_";
      out += side;
      out += "_bps\":";
      append_number(out, v.peak_edge_bps[s]);
    }
  }
  out += ",\"max_age_ns\":";
  append_int(out, v.max_age_ns);
  out += ",\"as_of\":";
  append_int(out, v.as_of);
  out += '}';
}

bool same_leg(const LegQuote& a, const LegQuote& b) noexcept {
  return a.seen == b.seen && a.bid == b.bid && a.ask == b.ask && a.ts == b.ts;
}

// What a viewer would see change (as_of moves every publish and is sent on
// its own).
bool same_view(const PairView& a, const PairView& b) noexcept {
  return same_leg(a.adr, b.adr) && same_leg(a.hk, b.hk) && same_leg(a.fx, b.fx) &&
         a.priced == b.priced && a.fresh == b.fresh && a.open[0] == b.open[0] &&
         a.open[1] == b.open[1] && a.peak_edge_bps[0] == b.peak_edge_bps[0] &&
         a.peak_edge_bps[1] == b.peak_edge_bps[1] && a.max_age_ns == b.max_age_ns;
}

// ---- Prometheus text exposition --------------------------------------------------

class PromWriter {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (const char c : help) {  // HELP escapes backslash and newline
      if (c == '\\')
        out_ += "\\\\";
      else if (c == '\n')
        out_ += "\\n";
      else
        out_ += c;
    }
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // labels: pairs of (name, value); values escaped here.
  void sample(std::string_view name,
              std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
              double value) {
    out_ += name;
    if (labels.size() != 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [k, v] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += k;
        out_ += "=\"";
        for (const char c : v) {
          if (c == '\\')
            out_ += "\\\\";
          else if (c == '"')
            out_ += "\\\"";
          else if (c == '\n')
            out_ += "\\n";
          else
            out_ += c;
        }
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    value_text(out_, value);
    out_ += '\n';
  }
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  void one(std::string_view name, std::string_view type, std::string_view help, double value) {
    family(name, type, help);
    sample(name, value);
  }
  static void value_text(std::string& out, double v) {
    if (std::isnan(v))
      out += "NaN";
    else if (std::isinf(v))
      out += v > 0 ? "+Inf" : "-Inf";
    else if (v == std::floor(v) && std::fabs(v) < 9e15)
      append_int(out, static_cast<std::int64_t>(v));
    else
      append_number(out, v);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Count of recorded values <= LatencyHistogram::bucket_upper(b). Uses a
// per-bucket accessor when the histogram has one; otherwise finds the
// largest rank whose value lies at or below the edge by bisection over
// percentile() (exact: percentile returns bucket upper edges).
template <class H>
std::uint64_t count_at_or_below(const H& h, std::size_t b) {
  if constexpr (requires { h.bucket_count(std::size_t{0}); }) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i <= b; ++i) sum += h.bucket_count(i);
    return sum;
  } else {
    const std::uint64_t n = h.count();
    if (n == 0) return 0;
    const std::int64_t edge = H::bucket_upper(b);
    const auto value_at_rank = [&](std::uint64_t r) {
      // (r - 0.5) keeps ceil() on rank r whatever the rounding.
      return h.percentile((static_cast<double>(r) - 0.5) * 100.0 / static_cast<double>(n));
    };
    std::uint64_t lo = 0, hi = n;  // answer in [lo, hi]
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo + 1) / 2;
      if (value_at_rank(mid) <= edge)
        lo = mid;
      else
        hi = mid - 1;
    }
    return lo;
  }
}

// Bucket edges: the internal log-linear buckets' upper edges nearest below a
// 1-2.5-5 series from 1 us to 10 s, so every cumulative count is exact.
const std::vector<std::size_t>& export_buckets() {
  static const std::vector<std::size_t> buckets = [] {
    std::vector<std::size_t> out;
    for (double decade = 1e3; decade <= 1e10; decade *= 10) {
      for (const double m : {1.0, 2.5, 5.0}) {
        const auto edge = static_cast<std::int64_t>(decade * m);
        if (edge > 10'000'000'000) break;
        std::size_t b = LatencyHistogram::bucket_of(edge);
        if (LatencyHistogram::bucket_upper(b) > edge) --b;
        if (out.empty() || out.back() != b) out.push_back(b);
      }
    }
    return out;
  }();
  return buckets;
}

void write_histogram(PromWriter& w, std::string_view name, std::string_view stage,
                     const LatencyHistogram& h) {
  const std::vector<std::size_t>& buckets = export_buckets();
  std::string bucket_name(name);
  bucket_name += "_bucket";
  double sum_ns = 0;
  std::uint64_t prev_count = 0;
  double prev_edge = static_cast<double>(h.min());
  for (const std::size_t b : buckets) {
    const std::uint64_t c = count_at_or_below(h, b);
    const auto edge = static_cast<double>(LatencyHistogram::bucket_upper(b));
    std::string le;
    PromWriter::value_text(le, edge / 1e9);
    w.sample(bucket_name, {{"stage", stage}, {"le", le}}, static_cast<double>(c));
    // Approximate sum: each value at the midpoint of its exported bucket.
    const double lo = std::min(prev_edge, edge);
    sum_ns += static_cast<double>(c - prev_count) *
              (lo + std::min(edge, static_cast<double>(h.max()))) / 2;
    prev_count = c;
    prev_edge = edge;
  }
  sum_ns +=
      static_cast<double>(h.count() - prev_count) * (prev_edge + static_cast<double>(h.max())) / 2;
  w.sample(bucket_name, {{"stage", stage}, {"le", "+Inf"}}, static_cast<double>(h.count()));
  w.sample(std::string(name) + "_sum", {{"stage", stage}}, sum_ns / 1e9);
  w.sample(std::string(name) + "_count", {{"stage", stage}}, static_cast<double>(h.count()));
}

}  // namespace

// ---- the server ------------------------------------------------------------------

struct Dashboard::Server {
  struct WsSession;
  struct HttpSession;

  Server(const Config& config, const PairBoard& b, MetricsFn m)
      : cfg(config.dashboard),
        board(b),
        metrics(std::move(m)),
        alert_queue(kAlertQueueCapacity),
        acceptor(io),
        poll_timer(io) {
    const ListenAddress where = parse_listen(cfg.listen);
    if (!where.address.is_loopback() && cfg.token.empty()) {
      throw std::invalid_argument(
          "[dashboard] listen \"" + cfg.listen +
          "\" is not a loopback address: set [dashboard] token to serve beyond this machine, "
          "or listen on 127.0.0.1");
    }
    loopback = where.address.is_loopback();
    const std::vector<std::string> names = pair_names(config);
    for (std::size_t i = 0; i < config.pairs.size(); ++i) {
      pairs.push_back({names[i], config.pairs[i].adr, config.pairs[i].hk});
    }
    const std::size_t n = pairs.size();
    sent.resize(n);
    sent_at.assign(n, Clock::time_point{});
    ever_sent.assign(n, false);
    history.resize(n);
    for (auto& h : history) h.reserve(kHistoryPoints);
    history_head.assign(n, 0);
    history_last.assign(n, 0);
    history_step_ns =
        static_cast<std::int64_t>(cfg.history_seconds * 1e9 / static_cast<double>(kHistoryPoints));
    min_interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / cfg.updates_per_second));
    poll_every = std::clamp<Clock::duration>(min_interval, std::chrono::milliseconds(10),
                                             std::chrono::milliseconds(50));

    const tcp::endpoint ep(where.address, where.port);
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
    bound = acceptor.local_endpoint();
  }

  // Pending handlers (and the sessions they hold) die with io, after the
  // body below; they must not touch the session lists by then.
  ~Server() {
    tearing_down = true;
    ws_sessions.clear();
  }

  // ---- threads in: offer / stop ---------------------------------------------------

  void offer(const Alert& a) noexcept {
    bump(alerts_offered);
    if (!alert_queue.try_push(a)) {
      bump(alerts_dropped);
      return;
    }
    if (running.load(std::memory_order_acquire) &&
        !drain_posted.exchange(true, std::memory_order_acq_rel)) {
      asio::post(io, [this] { drain_alerts(); });
    }
  }

  void run() {
    running.store(true, std::memory_order_release);
    do_accept();
    arm_poll();
    asio::post(io, [this] { drain_alerts(); });  // anything offered before start()
    io.run();
  }

  void shutdown() {  // dashboard thread
    stopping = true;
    boost::system::error_code ec;
    acceptor.close(ec);
    poll_timer.cancel();
    for (auto& s :
         std::vector<std::shared_ptr<WsSession>>(ws_sessions.begin(), ws_sessions.end())) {
      s->close_now();
    }
    for (auto* h : std::vector<HttpSession*>(http_sessions.begin(), http_sessions.end()))
      h->close_now();
  }

  // ---- accept ---------------------------------------------------------------------

  void do_accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || stopping) return;
        // EMFILE and friends: try again shortly rather than spin.
        auto t = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(100));
        t->async_wait([this, t](boost::system::error_code) {
          if (!stopping) do_accept();
        });
        return;
      }
      if (http_sessions.size() >= kMaxHttpSessions) {
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<HttpSession>(*this, std::move(socket))->start();
      }
      do_accept();
    });
  }

  // ---- poll: board -> history -> deltas -------------------------------------------

  void arm_poll() {
    poll_timer.expires_after(poll_every);
    poll_timer.async_wait([this](boost::system::error_code ec) {
      if (ec || stopping) return;
      poll();
      drain_alerts();
      check_stuck();
      arm_poll();
    });
  }

  void poll() {
    const std::uint64_t v = board.read(latest);
    if (latest.size() != pairs.size()) return;  // nothing published yet
    const auto now = Clock::now();
    const bool moved = v != board_version;
    if (moved) {
      board_version = v;
      full_cache.reset();
      for (const PairView& p : latest) {
        if (p.as_of > as_of) as_of = p.as_of;
        sample_history(p);
      }
    } else if (!throttled && now - last_pairs_msg < kClockEvery) {
      return;
    }
    std::string msg;
    std::size_t changed = 0;
    throttled = false;
    for (std::size_t i = 0; i < latest.size(); ++i) {
      const PairView& p = latest[i];
      if (ever_sent[i]) {
        if (same_view(p, sent[i])) continue;
        if (now - sent_at[i] < min_interval) {  // throttled: goes at a later poll
          throttled = true;
          continue;
        }
      }
      msg += changed == 0 ? "" : ",";
      append_pair_json(msg, p, pairs[p.pair]);
      sent[i] = p;
      sent_at[i] = now;
      ever_sent[i] = true;
      ++changed;
    }
    if (changed == 0 && now - last_pairs_msg < kClockEvery) return;
    std::string framed = "{\"type\":\"pairs\",\"as_of\":";
    append_int(framed, as_of);
    framed += ",\"pairs\":[";
    framed += msg;
    framed += "]}";
    last_pairs_msg = now;
    if (ws_sessions.empty()) return;
    const Message m = std::make_shared<const std::string>(std::move(framed));
    for (auto& s :
         std::vector<std::shared_ptr<WsSession>>(ws_sessions.begin(), ws_sessions.end())) {
      s->push_pairs(m);
    }
  }

  void sample_history(const PairView& p) {
    if (!p.priced) return;
    const std::size_t i = p.pair;
    if (history_last[i] != 0 && p.as_of - history_last[i] < history_step_ns) return;
    history_last[i] = p.as_of;
    auto& h = history[i];
    const std::pair<std::int64_t, float> point{p.as_of, static_cast<float>(p.mid_premium_bps)};
    if (h.size() < kHistoryPoints) {
      h.push_back(point);
    } else {
      h[history_head[i]] = point;
      history_head[i] = (history_head[i] + 1) % kHistoryPoints;
    }
  }

  // Every pair as it is now, for a client that skipped deltas. Built at
  // most once per board version.
  Message full_pairs_message() {
    if (full_cache) return full_cache;
    std::string out = "{\"type\":\"pairs\",\"full\":true,\"as_of\":";
    append_int(out, as_of);
    out += ",\"pairs\":";
    append_pairs_array(out);
    out += '}';
    full_cache = std::make_shared<const std::string>(std::move(out));
    return full_cache;
  }

  void append_pairs_array(std::string& out) {
    out += '[';
    board.read(scratch);  // the newest views, not the last poll's
    for (std::size_t i = 0; i < scratch.size(); ++i) {
      if (i != 0) out += ',';
      append_pair_json(out, scratch[i], pairs[scratch[i].pair]);
    }
    out += ']';
  }

  std::string snapshot_message() {
    std::string out = "{\"type\":\"snapshot\",\"as_of\":";
    append_int(out, as_of);
    out += ",\"history_seconds\":";
    append_number(out, cfg.history_seconds);
    out += ",\"updates_per_second\":";
    append_number(out, cfg.updates_per_second);
    out += ",\"pairs\":";
    append_pairs_array(out);
    out += ",\"alerts\":[";
    const std::size_t first = recent.size() > kSnapshotAlerts ? recent.size() - kSnapshotAlerts : 0;
    for (std::size_t i = first; i < recent.size(); ++i) {
      if (i != first) out += ',';
      out += recent[i].json;
    }
    out += "],\"history\":{";
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (i != 0) out += ',';
      append_json_string(out, pairs[i].name);
      out += ":[";
      const auto& h = history[i];
      for (std::size_t k = 0; k < h.size(); ++k) {
        const auto& [ts, prem] = h[(history_head[i] + k) % h.size()];
        if (k != 0) out += ',';
        out += '[';
        append_int(out, ts);
        out += ',';
        char buf[16];
        out.append(buf, static_cast<std::size_t>(std::snprintf(buf, sizeof buf, "%.1f", prem)));
        out += ']';
      }
      out += ']';
    }
    out += "}}";
    return out;
  }

  // ---- alerts -----------------------------------------------------------------

  void drain_alerts() {
    drain_posted.store(false, std::memory_order_release);
    Alert a;
    char buf[kMaxAlertJsonBytes];
    while (alert_queue.try_pop(a)) {
      std::size_t len = format_alert_json(a, a.pair < pairs.size() ? pairs[a.pair].name : "?", buf);
      if (len > 0 && buf[len - 1] == '\n') --len;
      StoredAlert stored{a.ts_event, std::string(buf, len)};
      if (!ws_sessions.empty()) {
        std::string framed = "{\"type\":\"alert\",\"alert\":";
        framed += stored.json;
        framed += '}';
        const Message m = std::make_shared<const std::string>(std::move(framed));
        for (auto& s :
             std::vector<std::shared_ptr<WsSession>>(ws_sessions.begin(), ws_sessions.end())) {
          s->push_alert(m);
        }
      }
      recent.push_back(std::move(stored));
      if (recent.size() > kRecentAlerts) recent.pop_front();
    }
  }

  std::string alerts_since(std::int64_t since) const {
    std::string out = "[";
    bool first = true;
    for (const StoredAlert& a : recent) {
      if (a.ts <= since) continue;
      if (!first) out += ',';
      first = false;
      out += a.json;
    }
    out += ']';
    return out;
  }

  void check_stuck() {
    const auto now = Clock::now();
    for (auto& s :
         std::vector<std::shared_ptr<WsSession>>(ws_sessions.begin(), ws_sessions.end())) {
      if (s->writing && now - s->write_started > kStuckWrite) {
        bump(ws_disconnected_slow);
        s->close_now();
      }
    }
  }

  // ---- metrics ----------------------------------------------------------------

  std::string metrics_text() {
    PromWriter w;
    if (metrics) {
      const RunSummary s = metrics();
      w.one("adrmon_ticks_read_total", "counter", "Tick lines read from all sources.",
            static_cast<double>(s.feed.lines));
      w.one("adrmon_ticks_accepted_total", "counter", "Ticks accepted by the engine.",
            static_cast<double>(s.engine.accepted));
      w.family("adrmon_ticks_rejected_total", "counter",
               "Ticks refused, by reason (parse time and engine).");
      for (std::size_t r = 1; r < kRejectReasonCount; ++r) {
        w.sample("adrmon_ticks_rejected_total", {{"reason", reject_name(static_cast<Reject>(r))}},
                 static_cast<double>(s.rejects.by_reason[r]));
      }
      w.one("adrmon_ticks_dropped_total", "counter",
            "Network ticks dropped on a full queue, all sources.", static_cast<double>(s.dropped));
      std::uint64_t gaps = 0, missing = 0, dups = 0;
      for (const SourceSummary& src : s.sources) {
        gaps += src.seq_gaps;
        missing += src.seq_missing;
        dups += src.seq_duplicates;
      }
      w.one("adrmon_seq_gaps_total", "counter", "Per-stream seq gaps seen, all sources.",
            static_cast<double>(gaps));
      w.one("adrmon_seq_missing_total", "counter", "Ticks missing inside seq gaps, all sources.",
            static_cast<double>(missing));
      w.one("adrmon_seq_duplicates_total", "counter", "Duplicate seqs seen, all sources.",
            static_cast<double>(dups));
      const auto per_source = [&](std::string_view name, std::string_view type,
                                  std::string_view help, auto field) {
        w.family(name, type, help);
        for (const SourceSummary& src : s.sources) {
          w.sample(name, {{"source", src.name}}, static_cast<double>(field(src)));
        }
      };
      per_source("adrmon_source_lines_total", "counter", "Tick lines read, per source.",
                 [](const SourceSummary& x) { return x.lines; });
      per_source("adrmon_source_queue_depth", "gauge",
                 "Ticks waiting in the source's queue to the engine.",
                 [](const SourceSummary& x) { return x.queue_depth; });
      per_source("adrmon_source_seq_gaps_total", "counter", "Seq gaps, per source.",
                 [](const SourceSummary& x) { return x.seq_gaps; });
      per_source("adrmon_source_dropped_total", "counter", "Ticks dropped, per source.",
                 [](const SourceSummary& x) { return x.dropped; });
      per_source("adrmon_source_connects_total", "counter", "Connections made (TCP), per source.",
                 [](const SourceSummary& x) { return x.connects; });
      per_source("adrmon_source_disconnects_total", "counter", "Connections lost, per source.",
                 [](const SourceSummary& x) { return x.disconnects; });
      w.one("adrmon_open_breaches", "gauge", "Breaches (pair, side) open now.",
            static_cast<double>(s.engine.open_breaches));
      w.family("adrmon_alerts_total", "counter", "Alerts the engine emitted, by kind.");
      w.sample("adrmon_alerts_total", {{"kind", "open"}}, static_cast<double>(s.engine.opens));
      w.sample("adrmon_alerts_total", {{"kind", "close"}}, static_cast<double>(s.engine.closes));
      w.one("adrmon_alerts_written_total", "counter", "Alerts the sink thread handled.",
            static_cast<double>(s.alerts));
      w.one("adrmon_alert_queue_waits_total", "counter",
            "Times the engine found the alert queue full and waited.",
            static_cast<double>(s.alert_queue_waits));
      w.one("adrmon_alert_write_errors_total", "counter", "Alert log write errors.",
            static_cast<double>(s.alert_write_errors));
      if (s.webhook) {
        w.one("adrmon_webhook_delivered_total", "counter", "Alerts POSTed and answered 2xx.",
              static_cast<double>(s.webhook_delivered));
        w.one("adrmon_webhook_failed_total", "counter", "Alerts given up after retries.",
              static_cast<double>(s.webhook_failed));
        w.one("adrmon_webhook_dropped_total", "counter",
              "Alerts dropped by the webhook (queue full, rate limit, shutdown).",
              static_cast<double>(s.webhook_dropped));
      }
      w.one("adrmon_uptime_seconds", "gauge", "Seconds since the daemon started.", s.wall_seconds);
      if (s.has_latency) {
        constexpr std::string_view kName = "adrmon_latency_seconds";
        w.family(kName, "histogram",
                 "Steady-clock latency per stage (recv = bytes in hand). Bucket edges are the "
                 "internal log-linear buckets' edges nearest below 1-2.5-5 steps, so counts are "
                 "exact; _sum is approximate (each value at its bucket's midpoint).");
        write_histogram(w, kName, "recv_to_parsed", s.latency.recv_to_parsed);
        write_histogram(w, kName, "parsed_to_priced", s.latency.parsed_to_priced);
        write_histogram(w, kName, "recv_to_priced", s.latency.recv_to_priced);
        write_histogram(w, kName, "priced_to_alert", s.latency.priced_to_alert);
        write_histogram(w, kName, "recv_to_alert", s.latency.recv_to_alert);
      }
    }
    const Dashboard::Counts c = counts();
    w.one("adrmon_dashboard_http_requests_total", "counter", "HTTP requests answered.",
          static_cast<double>(c.http_requests));
    w.one("adrmon_dashboard_unauthorized_total", "counter", "Requests refused 401 (token).",
          static_cast<double>(c.unauthorized));
    w.one("adrmon_dashboard_forbidden_host_total", "counter",
          "Requests refused 403 (Host not loopback).", static_cast<double>(c.forbidden_host));
    w.one("adrmon_dashboard_ws_clients", "gauge", "WebSocket clients connected.",
          static_cast<double>(c.ws_clients));
    w.one("adrmon_dashboard_ws_connects_total", "counter", "WebSocket handshakes completed.",
          static_cast<double>(c.ws_connects));
    w.one("adrmon_dashboard_ws_messages_total", "counter", "WebSocket frames written.",
          static_cast<double>(c.ws_messages));
    w.one("adrmon_dashboard_ws_bytes_total", "counter", "WebSocket payload bytes written.",
          static_cast<double>(c.ws_bytes));
    w.one("adrmon_dashboard_ws_pair_updates_dropped_total", "counter",
          "Pair deltas skipped for slow clients (replaced by a full refresh).",
          static_cast<double>(c.pair_updates_dropped));
    w.one("adrmon_dashboard_ws_disconnected_slow_total", "counter",
          "Clients disconnected: too many queued alerts or a stuck write.",
          static_cast<double>(c.ws_disconnected_slow));
    w.one("adrmon_dashboard_ws_refused_total", "counter", "WebSocket clients refused (limit).",
          static_cast<double>(c.ws_refused));
    w.one("adrmon_dashboard_alerts_offered_total", "counter", "Alerts offered to the dashboard.",
          static_cast<double>(c.alerts_offered));
    w.one("adrmon_dashboard_alerts_dropped_total", "counter",
          "Alerts dropped: dashboard queue full.", static_cast<double>(c.alerts_dropped));
    return w.take();
  }

  Dashboard::Counts counts() const noexcept {
    Dashboard::Counts c;
    c.http_requests = http_requests.load(std::memory_order_relaxed);
    c.unauthorized = unauthorized.load(std::memory_order_relaxed);
    c.forbidden_host = forbidden_host.load(std::memory_order_relaxed);
    c.ws_connects = ws_connects.load(std::memory_order_relaxed);
    c.ws_clients = ws_clients.load(std::memory_order_relaxed);
    c.ws_messages = ws_messages.load(std::memory_order_relaxed);
    c.ws_bytes = ws_bytes.load(std::memory_order_relaxed);
    c.pair_updates_dropped = pair_updates_dropped.load(std::memory_order_relaxed);
    c.ws_disconnected_slow = ws_disconnected_slow.load(std::memory_order_relaxed);
    c.ws_refused = ws_refused.load(std::memory_order_relaxed);
    c.alerts_offered = alerts_offered.load(std::memory_order_relaxed);
    c.alerts_dropped = alerts_dropped.load(std::memory_order_relaxed);
    c.max_client_queued_bytes = max_client_queued_bytes.load(std::memory_order_relaxed);
    return c;
  }

  // ---- state ------------------------------------------------------------------

  struct StoredAlert {
    std::int64_t ts;
    std::string json;
  };

  bool tearing_down = false;  // declared before io: outlives its handlers
  DashboardConfig cfg;
  const PairBoard& board;
  MetricsFn metrics;
  bool loopback = true;
  std::vector<PairName> pairs;

  SpscQueue<Alert> alert_queue;
  std::atomic<bool> drain_posted{false};
  std::atomic<bool> running{false};

  asio::io_context io;
  tcp::acceptor acceptor;
  tcp::endpoint bound;
  asio::steady_timer poll_timer;
  bool stopping = false;

  // Dashboard thread state.
  std::vector<PairView> latest;   // last board read
  std::vector<PairView> scratch;  // for /api/pairs and full refreshes
  std::uint64_t board_version = 0;
  bool throttled = false;  // a changed pair is waiting for its throttle
  std::int64_t as_of = 0;
  std::vector<PairView> sent;  // what the clients last got, per pair
  std::vector<Clock::time_point> sent_at;
  std::vector<bool> ever_sent;
  Clock::duration min_interval{};
  Clock::duration poll_every{};
  Clock::time_point last_pairs_msg{};
  Message full_cache;
  std::vector<std::vector<std::pair<std::int64_t, float>>> history;  // rings
  std::vector<std::size_t> history_head;
  std::vector<std::int64_t> history_last;
  std::int64_t history_step_ns = 1;
  std::deque<StoredAlert> recent;
  std::list<std::shared_ptr<WsSession>> ws_sessions;
  std::list<HttpSession*> http_sessions;

  std::atomic<std::uint64_t> http_requests{0}, unauthorized{0}, forbidden_host{0};
  std::atomic<std::uint64_t> ws_connects{0}, ws_clients{0}, ws_messages{0}, ws_bytes{0};
  std::atomic<std::uint64_t> pair_updates_dropped{0}, ws_disconnected_slow{0}, ws_refused{0};
  std::atomic<std::uint64_t> alerts_offered{0}, alerts_dropped{0};
  std::atomic<std::uint64_t> max_client_queued_bytes{0};

  // ---- one WebSocket client ---------------------------------------------------

  struct WsSession : std::enable_shared_from_this<WsSession> {
    WsSession(Server& s, beast::tcp_stream&& stream) : server(s), ws(std::move(stream)) {}

    void start(http::request<http::string_body> req) {
      beast::get_lowest_layer(ws).expires_never();
      boost::system::error_code opt_ec;  // best effort: defaults are fine too
      beast::get_lowest_layer(ws).socket().set_option(
          asio::socket_base::send_buffer_size(kWsSendBuffer), opt_ec);
      beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true), opt_ec);
      websocket::stream_base::timeout t =
          websocket::stream_base::timeout::suggested(beast::role_type::server);
      t.handshake_timeout = std::chrono::seconds(10);
      t.idle_timeout = kWsIdleTimeout;
      t.keep_alive_pings = true;
      ws.set_option(t);
      ws.set_option(websocket::stream_base::decorator(
          [](websocket::response_type& res) { res.set(http::field::server, "adrmon"); }));
      ws.read_message_max(4096);
      ws.auto_fragment(false);
      ws.text(true);
      ws.async_accept(
          req, [self = shared_from_this()](boost::system::error_code ec) { self->on_accept(ec); });
    }

    void on_accept(boost::system::error_code ec) {
      if (ec || server.stopping) return;
      open = true;
      server.ws_sessions.push_back(shared_from_this());
      self_it = std::prev(server.ws_sessions.end());
      bump(server.ws_connects);
      bump(server.ws_clients);
      snapshot = std::make_shared<const std::string>(server.snapshot_message());
      queue_bytes_add(snapshot->size());
      do_read();
      write_next();
    }

    void do_read() {  // a client says nothing we need; reading keeps pings/close working
      ws.async_read(in, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        if (ec) {
          self->close_now();
          return;
        }
        self->in.consume(self->in.size());
        self->do_read();
      });
    }

    void push_pairs(const Message& m) {
      if (!open) return;
      if (resync) {
        bump(server.pair_updates_dropped);
        return;
      }
      if (pending_pairs) {
        // Two deltas would be owed: skip both, send the full state next.
        bump(server.pair_updates_dropped, 2);
        pending_bytes -= pending_pairs->size();
        pending_pairs.reset();
        resync = true;
        return;
      }
      pending_pairs = m;
      queue_bytes_add(m->size());
      write_next();
    }

    void push_alert(const Message& m) {
      if (!open) return;
      if (alerts.size() >= kMaxQueuedAlerts) {
        bump(server.ws_disconnected_slow);
        close_now();
        return;
      }
      alerts.push_back(m);
      queue_bytes_add(m->size());
      write_next();
    }

    void queue_bytes_add(std::size_t n) {
      pending_bytes += n;
      if (pending_bytes > server.max_client_queued_bytes.load(std::memory_order_relaxed)) {
        server.max_client_queued_bytes.store(pending_bytes, std::memory_order_relaxed);
      }
    }

    void write_next() {
      if (writing || !open) return;
      Message m;
      if (snapshot) {
        m = std::move(snapshot);
        snapshot.reset();
      } else if (!alerts.empty()) {
        m = std::move(alerts.front());
        alerts.pop_front();
      } else if (resync) {
        m = server.full_pairs_message();
        resync = false;
        pending_bytes += m->size();
      } else if (pending_pairs) {
        m = std::move(pending_pairs);
        pending_pairs.reset();
      } else {
        return;
      }
      writing = true;
      write_started = Clock::now();
      inflight = m;
      ws.async_write(asio::buffer(*inflight),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                       self->on_write(ec, n);
                     });
    }

    void on_write(boost::system::error_code ec, std::size_t n) {
      writing = false;
      pending_bytes -= std::min(pending_bytes, inflight ? inflight->size() : 0);
      inflight.reset();
      if (ec) {
        close_now();
        return;
      }
      bump(server.ws_messages);
      bump(server.ws_bytes, n);
      write_next();
    }

    void close_now() {
      if (closed) return;
      closed = true;
      if (open) {
        open = false;
        server.ws_sessions.erase(self_it);
        server.ws_clients.store(server.ws_clients.load(std::memory_order_relaxed) - 1,
                                std::memory_order_relaxed);
      }
      boost::system::error_code ec;
      beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(ws).socket().close(ec);
      alerts.clear();
      pending_pairs.reset();
      snapshot.reset();
    }

    Server& server;
    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer in;
    std::list<std::shared_ptr<WsSession>>::iterator self_it;
    bool open = false;
    bool closed = false;
    bool writing = false;
    bool resync = false;
    Clock::time_point write_started{};
    Message inflight, snapshot, pending_pairs;
    std::deque<Message> alerts;
    std::size_t pending_bytes = 0;
  };

  // ---- one HTTP connection (keep-alive) ---------------------------------------

  struct HttpSession : std::enable_shared_from_this<HttpSession> {
    HttpSession(Server& s, tcp::socket&& socket) : server(s), stream(std::move(socket)) {}
    ~HttpSession() {
      if (registered && !server.tearing_down) server.http_sessions.erase(self_it);
    }

    void start() {
      server.http_sessions.push_back(this);
      self_it = std::prev(server.http_sessions.end());
      registered = true;
      do_read();
    }

    void do_read() {
      parser.emplace();
      parser->header_limit(kMaxRequestBytes);
      parser->body_limit(kMaxRequestBytes);
      stream.expires_after(kHttpTimeout);
      http::async_read(stream, buffer, *parser,
                       [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                         self->on_read(ec);
                       });
    }

    void on_read(boost::system::error_code ec) {
      if (ec) {
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        return;
      }
      bump(server.http_requests);
      http::request<http::string_body> req = parser->release();
      const std::string_view target(req.target().data(), req.target().size());
      const std::size_t q = target.find('?');
      const std::string_view path = target.substr(0, q);
      const std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);

      if (path == "/health")
        return reply(req, http::status::ok, "text/plain; charset=utf-8", "ok\n");
      if (!server.cfg.token.empty()) {
        if (!authorized(req, query)) {
          bump(server.unauthorized);
          auto res = make(req, http::status::unauthorized, "text/plain; charset=utf-8",
                          "401 unauthorized: give the dashboard token as 'Authorization: Bearer "
                          "TOKEN' or ?token=TOKEN\n");
          res.set(http::field::www_authenticate, "Bearer realm=\"adrmon\"");
          return send(std::move(res));
        }
      } else if (!loopback_host(std::string_view(req[http::field::host].data(),
                                                 req[http::field::host].size()))) {
        bump(server.forbidden_host);
        return reply(req, http::status::forbidden, "text/plain; charset=utf-8",
                     "403 forbidden: Host must be a loopback name (127.0.0.1, localhost, [::1])\n");
      }
      if (websocket::is_upgrade(req)) {
        if (path != "/ws") {
          return reply(req, http::status::not_found, "text/plain; charset=utf-8", "not found\n");
        }
        if (!same_origin(req)) {
          bump(server.forbidden_host);
          return reply(req, http::status::forbidden, "text/plain; charset=utf-8",
                       "403 forbidden: cross-origin WebSocket\n");
        }
        if (server.ws_sessions.size() >= kMaxClients) {
          bump(server.ws_refused);
          return reply(req, http::status::service_unavailable, "text/plain; charset=utf-8",
                       "too many dashboard clients\n");
        }
        stream.expires_never();
        std::make_shared<WsSession>(server, std::move(stream))->start(std::move(req));
        return;
      }
      if (req.method() != http::verb::get && req.method() != http::verb::head) {
        auto res =
            make(req, http::status::method_not_allowed, "text/plain; charset=utf-8", "only GET\n");
        res.set(http::field::allow, "GET, HEAD");
        return send(std::move(res));
      }
      if (path == "/" || path == "/index.html") return page(req);
      if (path == "/metrics") {
        return reply(req, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                     server.metrics_text());
      }
      if (path == "/api/pairs") {
        std::string body;
        server.append_pairs_array(body);
        return reply(req, http::status::ok, "application/json", std::move(body));
      }
      if (path == "/api/alerts") {
        std::int64_t since = std::numeric_limits<std::int64_t>::min();
        if (const auto s = query_param(query, "since"); s && !s->empty()) {
          const auto [end, err] = std::from_chars(s->data(), s->data() + s->size(), since);
          if (err != std::errc() || end != s->data() + s->size()) {
            return reply(req, http::status::bad_request, "text/plain; charset=utf-8",
                         "since must be an integer timestamp in ns\n");
          }
        }
        return reply(req, http::status::ok, "application/json", server.alerts_since(since));
      }
      return reply(req, http::status::not_found, "text/plain; charset=utf-8", "not found\n");
    }

    bool authorized(const http::request<http::string_body>& req, std::string_view query) const {
      const auto auth = req[http::field::authorization];
      const std::string_view a(auth.data(), auth.size());
      constexpr std::string_view kBearer = "Bearer ";
      if (a.size() > kBearer.size() && a.substr(0, kBearer.size()) == kBearer) {
        return constant_time_equal(a.substr(kBearer.size()), server.cfg.token);
      }
      if (const auto t = query_param(query, "token"))
        return constant_time_equal(*t, server.cfg.token);
      return false;
    }

    // A browser names the page that opens a WebSocket in Origin; only this
    // server's own page may (no cross-site WebSocket hijacking). Tools send
    // no Origin and are let through (the token, if any, still applies).
    static bool same_origin(const http::request<http::string_body>& req) {
      const auto o = req[http::field::origin];
      std::string_view origin(o.data(), o.size());
      if (origin.empty()) return true;
      for (const std::string_view scheme : {"http://", "https://"}) {
        if (origin.substr(0, scheme.size()) == scheme) {
          origin.remove_prefix(scheme.size());
          break;
        }
      }
      const auto h = req[http::field::host];
      const std::string_view host(h.data(), h.size());
      if (origin.size() != host.size()) return false;
      for (std::size_t i = 0; i < host.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(origin[i])) !=
            std::tolower(static_cast<unsigned char>(host[i]))) {
          return false;
        }
      }
      return true;
    }

    void page(const http::request<http::string_body>& req) {
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

    http::response<http::string_body> make(const http::request<http::string_body>& req,
                                           http::status status, std::string_view type,
                                           std::string body) {
      http::response<http::string_body> res{status, req.version()};
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

    void reply(const http::request<http::string_body>& req, http::status status,
               std::string_view type, std::string body) {
      send(make(req, status, type, std::move(body)));
    }

    void send(http::response<http::string_body>&& res) {
      auto sp = std::make_shared<http::response<http::string_body>>(std::move(res));
      stream.expires_after(kHttpTimeout);
      http::async_write(stream, *sp,
                        [self = shared_from_this(), sp](boost::system::error_code ec, std::size_t) {
                          if (ec) return;
                          if (!sp->keep_alive()) {
                            boost::system::error_code ignored;
                            self->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
                            return;
                          }
                          self->do_read();
                        });
    }

    void close_now() {
      boost::system::error_code ec;
      stream.socket().close(ec);
    }

    Server& server;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    std::optional<http::request_parser<http::string_body>> parser;
    std::list<HttpSession*>::iterator self_it;
    bool registered = false;
  };
};

// ---- Dashboard -------------------------------------------------------------------

Dashboard::Dashboard(const Config& config, const PairBoard& board, MetricsFn metrics)
    : server_(std::make_unique<Server>(config, board, std::move(metrics))) {}

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
  asio::post(server_->io, [s = server_.get()] {
    s->shutdown();
    s->io.stop();
  });
  thread_.join();
}

std::string Dashboard::url() const {
  const asio::ip::address a = server_->bound.address();
  std::string host = a.to_string();
  if (a.is_v6()) host = "[" + host + "]";
  if (a.is_unspecified()) host = a.is_v6() ? "[::1]" : "127.0.0.1";
  return "http://" + host + ":" + std::to_string(server_->bound.port()) + "/";
}

std::uint16_t Dashboard::port() const noexcept {
  return server_->bound.port();
}

Dashboard::Counts Dashboard::counts() const noexcept {
  return server_->counts();
}

}  // namespace adrmon
