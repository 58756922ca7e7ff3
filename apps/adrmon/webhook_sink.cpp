// WebhookSink: the queue in front, the worker behind it.
//
// Producer side (offer): relaxed counters, one queue push, and — only when the
// worker is asleep — one semaphore release. Worker side (State::run): pop,
// rate-limit, format, POST with retries. All network I/O is asynchronous on
// the worker's own io_context, driven by run_op(), which runs the context
// until the operation completes or its deadline passes and then cancels it:
// the attempt deadline (timeout_ms, covering resolve + connect + write +
// read) or the stop deadline, whichever is sooner. So a dead endpoint costs
// at most timeout_ms per attempt and stop() is never held past its budget.
#include "webhook_sink.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <cstdio>
#include <exception>
#include <optional>
#include <semaphore>
#include <stdexcept>
#include <utility>

#include "adrmon/core/alert_json.hpp"
#include "adrmon/core/spsc_queue.hpp"

namespace adrmon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);
constexpr auto kReportInterval = std::chrono::seconds(1);
// An endpoint's answer is read only for its status; a larger body is an error.
constexpr std::uint64_t kMaxResponseBodyBytes = 64 * 1024;

// Counters with a single writer: a plain load + store, no locked instruction.
void bump(std::atomic<std::uint64_t>& counter) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

[[noreturn]] void bad_url(std::string_view url, std::string_view problem) {
  throw std::invalid_argument("webhook url \"" + std::string(url) + "\": " + std::string(problem));
}

// Token bucket: refills at `rate` tokens per second up to `burst`, starts full.
class TokenBucket {
 public:
  explicit TokenBucket(double rate)
      : rate_(rate), burst_(std::max(1.0, rate)), tokens_(burst_), last_(Clock::now()) {}

  bool try_take(Clock::time_point now) noexcept {
    const double elapsed_s = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed_s * rate_);
    last_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

// Failure messages on stderr, at most one line a second. The first failure
// after a quiet second is printed at once; the ones that follow within the
// second are counted and printed as one line when the second is over (on
// the next failure, when the worker idles, or at stop).
class ErrorReporter {
 public:
  void note(std::string_view what, Clock::time_point now) {
    ++pending_;
    last_.assign(what);
    if (now >= next_allowed_) print(now);
  }
  void flush_if_due(Clock::time_point now) {
    if (pending_ != 0 && now >= next_allowed_) print(now);
  }
  void flush() {
    if (pending_ != 0) print(Clock::now());
  }
  // When flush_if_due() next has something to print; max() when nothing.
  Clock::time_point due() const noexcept {
    return pending_ != 0 ? next_allowed_ : Clock::time_point::max();
  }

 private:
  void print(Clock::time_point now) {
    if (pending_ == 1) {
      std::fprintf(stderr, "webhook: %s\n", last_.c_str());
    } else {
      std::fprintf(stderr, "webhook: %llu failures in the last second: %s\n",
                   static_cast<unsigned long long>(pending_), last_.c_str());
    }
    pending_ = 0;
    next_allowed_ = now + kReportInterval;
  }

  std::uint64_t pending_ = 0;
  std::string last_;
  Clock::time_point next_allowed_ = Clock::time_point::min();
};

}  // namespace

WebhookUrl parse_webhook_url(std::string_view url) {
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      bad_url(url, "contains a space or control character");
    }
  }
  constexpr std::string_view kScheme = "http://";
  if (url.rfind("https://", 0) == 0) {
    bad_url(url,
            "https is not supported (no TLS in the webhook sink); use http://, e.g. to a "
            "local TLS-terminating proxy");
  }
  if (url.rfind(kScheme, 0) != 0) bad_url(url, "must start with http://");
  std::string_view rest = url.substr(kScheme.size());

  const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = rest.substr(authority_end);
  target = target.substr(0, std::min(target.find('#'), target.size()));  // never sent

  if (authority.find('@') != std::string_view::npos) {
    bad_url(url, "credentials in the url are not supported");
  }
  WebhookUrl out;
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) bad_url(url, "unterminated [IPv6] host");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad_url(url, "junk after the [IPv6] host");
      port = after.substr(1);
      if (port.empty()) bad_url(url, "empty port");
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) bad_url(url, "empty port");
  }
  if (host.empty()) bad_url(url, "no host");
  out.host = std::string(host);
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      bad_url(url, "port must be a number in [1, 65535]");
    }
    out.port = std::to_string(value);
  }
  if (target.empty()) {
    out.target = "/";
  } else if (target.front() == '?') {
    out.target = "/" + std::string(target);
  } else {
    out.target = std::string(target);
  }
  return out;
}

struct WebhookSink::State {
  State(const WebhookConfig& config, std::vector<std::string> names, WebhookUrl parsed);

  void run();

  // ---- shared between the producer, the worker and stop() ----
  SpscQueue<Alert> queue;

  // Written by the producer only (offer), read anywhere.
  alignas(64) std::atomic<std::uint64_t> offered{0};
  std::atomic<std::uint64_t> dropped_full{0};

  // Set by the worker just before it sleeps on `wake`; offer() releases
  // `wake` only when it finds this set, so a busy worker costs offer()
  // nothing but a fence and a load.
  alignas(64) std::atomic<bool> sleeping{false};
  std::counting_semaphore<> wake{0};
  std::atomic<bool> closed{false};       // stop() began: offer() stops queueing
  std::atomic<bool> stopping{false};     // worker: exit once the queue is empty
  std::atomic<std::int64_t> stop_at_ns;  // steady-clock deadline of stop(); max until then

  // Written by the worker. dropped_shutdown also by offer() once stop() has
  // begun, so it alone is updated with fetch_add.
  alignas(64) std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> retried{0};
  std::atomic<std::uint64_t> dropped_rate{0};
  std::atomic<std::uint64_t> dropped_shutdown{0};

  // ---- the worker's own ----
  asio::io_context ioc{1};  // stop() posts to it (thread-safe) to wake a waiting worker

 private:
  enum class Outcome : std::uint8_t { Delivered, Failed, Cut };

  Clock::time_point stop_deadline() const noexcept {
    return Clock::time_point(Clock::duration(stop_at_ns.load(std::memory_order_acquire)));
  }
  void deliver(const Alert& alert);
  Outcome attempt(std::string& error);
  Outcome exchange(Clock::time_point deadline, beast::error_code& ec, bool& stale);
  template <class Start>
  beast::error_code run_op(Start&& start, Clock::time_point deadline);
  bool wait_until(Clock::time_point until);
  void close_connection() noexcept;

  WebhookConfig config_;
  WebhookUrl url_;
  std::vector<std::string> names_;
  TokenBucket bucket_;
  ErrorReporter reporter_;

  tcp::resolver resolver_{ioc};
  beast::tcp_stream stream_{ioc};
  bool connected_ = false;
  bool cut_ = false;  // the last run_op ended at the stop deadline
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> response_;
  char json_[kMaxAlertJsonBytes];
};

WebhookSink::State::State(const WebhookConfig& config, std::vector<std::string> names,
                          WebhookUrl parsed)
    : queue(config.queue_capacity),
      stop_at_ns(Clock::time_point::max().time_since_epoch().count()),
      config_(config),
      url_(std::move(parsed)),
      names_(std::move(names)),
      bucket_(config.max_per_second) {
  // Only the body changes from one alert to the next.
  const bool ipv6 = url_.host.find(':') != std::string::npos;
  std::string host_header = ipv6 ? "[" + url_.host + "]" : url_.host;
  if (url_.port != "80") host_header += ":" + url_.port;
  request_.version(11);
  request_.method(http::verb::post);
  request_.target(url_.target);
  request_.set(http::field::host, host_header);
  request_.set(http::field::user_agent, "adrmon");
  request_.set(http::field::content_type, "application/json");
  request_.keep_alive(true);
}

WebhookSink::WebhookSink(const WebhookConfig& config, std::vector<std::string> pair_names) {
  WebhookUrl url = parse_webhook_url(config.url);
  if (!(config.max_per_second > 0)) {
    throw std::invalid_argument("webhook max_per_second must be > 0");
  }
  if (config.retries < 0) throw std::invalid_argument("webhook retries must be >= 0");
  if (config.timeout_ms <= 0) throw std::invalid_argument("webhook timeout_ms must be > 0");
  if (config.queue_capacity == 0) throw std::invalid_argument("webhook queue_capacity must be > 0");
  state_ = std::make_unique<State>(config, std::move(pair_names), std::move(url));
  worker_ = std::thread([s = state_.get()] { s->run(); });
  pthread_setname_np(worker_.native_handle(), "adrmon-webhook");
}

WebhookSink::~WebhookSink() {
  stop(std::chrono::milliseconds(0));
}

void WebhookSink::offer(const Alert& alert) noexcept {
  State& s = *state_;
  bump(s.offered);
  if (s.closed.load(std::memory_order_relaxed)) {
    s.dropped_shutdown.fetch_add(1, std::memory_order_relaxed);  // stop() has begun
    return;
  }
  if (!s.queue.try_push(alert)) {
    bump(s.dropped_full);
    return;
  }
  // Pairs with the fence in run(): either the worker sees this alert before
  // it sleeps, or this thread sees it asleep and wakes it.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (s.sleeping.load(std::memory_order_relaxed) && s.sleeping.exchange(false)) s.wake.release();
}

void WebhookSink::stop(std::chrono::milliseconds drain) {
  if (!worker_.joinable()) return;
  State& s = *state_;
  s.closed.store(true, std::memory_order_relaxed);
  const auto now = Clock::now();
  const auto headroom =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now);
  const auto deadline = drain >= headroom ? Clock::time_point::max() : now + drain;
  s.stop_at_ns.store(deadline.time_since_epoch().count(), std::memory_order_release);
  s.stopping.store(true, std::memory_order_release);
  s.wake.release();          // a worker asleep or backing off
  asio::post(s.ioc, [] {});  // a worker waiting on the network re-reads the deadline
  worker_.join();
  // The worker has exited, so this thread may consume: anything an offer()
  // slipped in after the worker's last look is counted, never stranded.
  Alert left;
  while (s.queue.try_pop(left)) s.dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
}

WebhookSink::Counts WebhookSink::counts() const noexcept {
  const State& s = *state_;
  constexpr auto r = std::memory_order_relaxed;
  return Counts{s.offered.load(r),         s.delivered.load(r),    s.failed.load(r),
                s.retried.load(r),         s.dropped_full.load(r), s.dropped_rate.load(r),
                s.dropped_shutdown.load(r)};
}

std::size_t WebhookSink::queued() const noexcept {
  return state_->queue.size_approx();
}

void WebhookSink::State::run() {
  try {
    Alert alert;
    for (;;) {
      if (queue.try_pop(alert)) {
        deliver(alert);
        continue;
      }
      if (stopping.load(std::memory_order_acquire)) break;
      const auto now = Clock::now();
      reporter_.flush_if_due(now);
      sleeping.store(true, std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with offer()
      if (queue.size_approx() == 0 && !stopping.load(std::memory_order_acquire)) {
        // Woken by offer() or stop(); the timeout is for a due error report
        // (and bounds the cost of any missed wake-up to a second).
        wake.try_acquire_until(std::min(reporter_.due(), now + std::chrono::seconds(1)));
      }
      sleeping.store(false, std::memory_order_relaxed);
    }
  } catch (const std::exception& e) {
    // Nothing on this thread is expected to throw (network errors are
    // values); if something does (bad_alloc), the sink degrades to counting.
    std::fprintf(stderr, "webhook: worker stopped: %s\n", e.what());
  }
  close_connection();
  reporter_.flush();
}

// One alert from the queue to the endpoint, or to exactly one counter.
void WebhookSink::State::deliver(const Alert& alert) {
  auto now = Clock::now();
  if (now >= stop_deadline()) {
    dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // Over the rate the alert is dropped, not delayed. Delaying would turn a
  // burst into a backlog that reaches the trader late — at 5/s the 50th
  // alert of a burst would land 10 s after its breach, by which time it
  // is usually stale — and would hold queue slots the next alert needs.
  // Dropping keeps the latency of what is delivered bounded; the drop is
  // counted, and the JSON Lines log keeps every alert.
  if (!bucket_.try_take(now)) {
    bump(dropped_rate);
    return;
  }
  const std::string_view name =
      alert.pair < names_.size() ? std::string_view(names_[alert.pair]) : std::string_view("?");
  std::size_t n = format_alert_json(alert, name, json_);
  if (n > 0 && json_[n - 1] == '\n') --n;
  request_.body().assign(json_, n);
  request_.prepare_payload();

  auto backoff = std::chrono::duration_cast<Clock::duration>(kFirstBackoff);
  std::string error;
  for (int tries = 0;; ++tries) {
    if (tries > 0) bump(retried);
    switch (attempt(error)) {
      case Outcome::Delivered:
        bump(delivered);
        return;
      case Outcome::Cut:
        dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
        return;
      case Outcome::Failed:
        break;
    }
    now = Clock::now();
    reporter_.note(error, now);
    if (tries >= config_.retries) {
      bump(failed);
      return;
    }
    if (!wait_until(now + backoff)) {  // the stop deadline came first
      dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    backoff = std::min(backoff * 2, std::chrono::duration_cast<Clock::duration>(kMaxBackoff));
  }
}

// Sleeps until `until` unless the stop deadline comes first (then returns
// false). Wakes early only to re-read a deadline stop() has just set.
bool WebhookSink::State::wait_until(Clock::time_point until) {
  for (;;) {
    const auto stop_at = stop_deadline();
    const auto now = Clock::now();
    if (now >= stop_at) return false;
    if (now >= until) return true;
    wake.try_acquire_until(std::min(until, stop_at));
  }
}

// One POST with its own deadline. A kept-alive connection the server has
// closed while idle (it answers the write or the read with EOF or a reset)
// is replaced once within the same attempt, not counted as a retry: idle
// timeouts on the server side are the normal fate of a connection that
// carries a few alerts a day.
WebhookSink::State::Outcome WebhookSink::State::attempt(std::string& error) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(config_.timeout_ms);
  beast::error_code ec;
  for (int pass = 0; pass < 2; ++pass) {
    bool stale = false;
    const Outcome outcome = exchange(deadline, ec, stale);
    if (outcome == Outcome::Delivered || outcome == Outcome::Cut) return outcome;
    if (ec) {
      if (stale && pass == 0) continue;
      error = ec == beast::error::timeout
                  ? "no answer within " + std::to_string(config_.timeout_ms) + " ms"
                  : ec.message();
      return Outcome::Failed;
    }
    const auto& res = response_->get();
    error = "HTTP " + std::to_string(res.result_int());
    if (!res.reason().empty()) error += " " + std::string(res.reason());
    return Outcome::Failed;
  }
  error = ec.message();
  return Outcome::Failed;
}

// Connect if needed, write the request, read the answer. On return: Delivered
// (2xx), Cut (stop deadline), or Failed with `ec` set (network) or clear
// (non-2xx status). `stale`: the failure is a reused connection that the
// peer had closed before answering anything.
WebhookSink::State::Outcome WebhookSink::State::exchange(Clock::time_point deadline,
                                                         beast::error_code& ec, bool& stale) {
  stream_.expires_at(deadline);  // one deadline for resolve, connect, write and read
  const bool reused = connected_;
  if (!connected_) {
    tcp::resolver::results_type endpoints;
    ec = run_op(
        [&](auto done) {
          resolver_.async_resolve(url_.host, url_.port,
                                  [&endpoints, done](beast::error_code e, auto results) mutable {
                                    endpoints = std::move(results);
                                    done(e);
                                  });
        },
        deadline);
    if (!ec) {
      ec = run_op([&](auto done) { stream_.async_connect(endpoints, std::move(done)); }, deadline);
    }
    if (cut_) return Outcome::Cut;
    if (ec) {
      close_connection();
      return Outcome::Failed;
    }
    connected_ = true;
  }

  ec = run_op([&](auto done) { http::async_write(stream_, request_, std::move(done)); }, deadline);
  if (!ec) {
    response_.emplace();
    response_->body_limit(kMaxResponseBodyBytes);
    ec = run_op([&](auto done) { http::async_read(stream_, buffer_, *response_, std::move(done)); },
                deadline);
  }
  if (cut_) {
    close_connection();
    return Outcome::Cut;
  }
  if (ec) {
    stale = reused && (ec == http::error::end_of_stream || ec == asio::error::eof ||
                       ec == asio::error::connection_reset || ec == asio::error::broken_pipe);
    close_connection();
    return Outcome::Failed;
  }
  const auto& res = response_->get();
  if (!res.keep_alive()) close_connection();
  const unsigned status = res.result_int();
  return status >= 200 && status < 300 ? Outcome::Delivered : Outcome::Failed;
}

// Starts one asynchronous operation (start(done) must arrange for done(ec)
// to be called) and runs the io_context until it completes. If the deadline
// or the stop deadline passes first, cancels it and reports beast timeout;
// cut_ says the stop deadline was the one that passed.
template <class Start>
beast::error_code WebhookSink::State::run_op(Start&& start, Clock::time_point deadline) {
  std::optional<beast::error_code> result;
  cut_ = false;
  start([&result](beast::error_code e, auto&&...) { result = e; });
  ioc.restart();
  while (!result) {
    const auto stop_at = stop_deadline();
    const auto limit = std::min(deadline, stop_at);
    const auto now = Clock::now();
    if (now >= limit) {
      cut_ = now >= stop_at;
      break;
    }
    ioc.run_one_until(limit);  // also returns for stop()'s wake-up post
    if (ioc.stopped()) ioc.restart();
  }
  if (result) return *result;
  // Deadline: tcp_stream's own timer normally fires first for socket work;
  // this covers the resolver and a stop() that shortened the deadline.
  resolver_.cancel();
  beast::error_code ignored;
  stream_.socket().cancel(ignored);
  ioc.restart();
  while (!result && ioc.run_one() != 0) {
  }
  close_connection();
  return beast::error::timeout;
}

void WebhookSink::State::close_connection() noexcept {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
  connected_ = false;
  buffer_.clear();
}

}  // namespace adrmon
