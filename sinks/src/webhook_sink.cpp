// Length: the producer side (filter, queue) and the worker (rate limit,
// formats, retries, TLS failures, shutdown grace) of one sink; the HTTP client
// is http_post_client.cpp.
// WebhookSink: the queue in front, the worker behind it.
//
// Producer side (offer): the filter (a per-pair flag, the side and kind
// flags, the edge floor, and a per-(pair, side) note of whether the open
// passed, for its close), single-writer counters, one queue push and one
// Doorbell ring (a fence and a load while the worker is awake; a futex wake
// only when it is parked). Worker side (State::run): pop, rate-limit,
// format, POST with retries through the HttpPostClient, whose per-attempt
// deadline (timeout_ms, covering resolve + connect + write + read) and abort
// deadline (set by stop()) bound every network wait. So a dead endpoint
// costs at most timeout_ms per attempt and stop() is never held past its
// budget.
#include "adrmon/sinks/webhook_sink.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <exception>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "adrmon/core/alert_json.hpp"
#include "adrmon/core/clock.hpp"
#include "adrmon/core/counter.hpp"
#include "adrmon/core/doorbell.hpp"
#include "adrmon/core/json_text.hpp"
#include "adrmon/core/rate_limited_reporter.hpp"
#include "adrmon/core/spsc_queue.hpp"
#include "adrmon/core/token_bucket.hpp"
#include "adrmon/sinks/http_post_client.hpp"
#include "adrmon/sinks/human_format.hpp"

namespace adrmon {

using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kFirstBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);
constexpr std::int64_t kMaxIdleParkNs = 1'000'000'000;  // an idle worker re-checks this often

std::int64_t to_ns(Clock::time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::int64_t ns_between(Clock::time_point from, Clock::time_point to) noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count();
}

bool ends_with(std::string_view s, std::string_view tail) noexcept {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The bot token: config.token, else the first line of token_file. The
// messages never quote it.
std::string telegram_token(const WebhookConfig& config) {
  if (!config.token.empty() || config.token_file.empty()) return config.token;
  std::ifstream in(config.token_file, std::ios::binary);
  if (!in)
    throw std::invalid_argument("webhook token_file \"" + config.token_file + "\": cannot read");
  std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  if (token.empty())
    throw std::invalid_argument("webhook token_file \"" + config.token_file + "\": empty");
  return token;
}

// Where the POSTs go: the url's target, or for telegram with a token
// (config.token or token_file) the url's path + /bot<TOKEN>/sendMessage.
std::string post_target(const WebhookConfig& config, const WebhookUrl& url) {
  if (config.format != WebhookFormat::Telegram) return url.target;
  if (config.chat_id.empty()) throw std::invalid_argument("webhook format telegram needs chat_id");
  const std::string token = telegram_token(config);
  if (token.empty()) {
    if (!ends_with(url.target, "/sendMessage"))
      throw std::invalid_argument(
          "webhook telegram url must end in /bot<TOKEN>/sendMessage (or give token_file)");
    return url.target;
  }
  std::string base = url.target;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/bot" + token + "/sendMessage";
}

}  // namespace

struct WebhookSink::State {
  State(const WebhookConfig& config, std::vector<std::string> names, WebhookUrl url,
        std::string target, Log& log);

  void run();
  // The filter, on the producer's thread (offer). No allocation.
  bool passes(const Alert& alert) noexcept;

  // ---- shared between the producer, the worker and stop() ----
  SpscQueue<Alert> queue;
  Doorbell bell;  // rung by offer() and stop(); the worker parks on it

  // Single writer: the producer (offer). Read anywhere.
  alignas(64) Counter offered;
  Counter dropped_full;
  Counter filtered;

  std::atomic<bool> closed{false};     // stop() began: offer() stops queueing
  std::atomic<bool> stopping{false};   // worker: exit once the queue is empty
  std::atomic<Clock::rep> stop_at_ns;  // steady-clock deadline of stop(); max until then

  // Single writer: the worker. Read anywhere.
  alignas(64) Counter delivered;
  Counter failed;
  Counter retried;
  Counter dropped_rate;
  Counter tls_failed;
  // Two writers — the worker, and offer()/stop() once stop() has begun — so
  // this one alone is a fetch_add, not a Counter.
  std::atomic<std::uint64_t> dropped_shutdown{0};

  // ---- the worker's own (stop() calls only client.abort_at) ----
  HttpPostClient client;
  WebhookConfig config;  // as given (the label names log lines)

  // Producer-owned filter state: pair_pass[pair] (the pairs list), and per
  // pair * 2 + side what became of the last open: 0 none seen, 1 passed,
  // 2 kept out.
  std::vector<std::uint8_t> pair_pass;
  std::vector<std::uint8_t> open_seen;

 private:
  enum class Outcome : std::uint8_t { Delivered, Failed, Cut };

  Clock::time_point stop_deadline() const noexcept {
    return Clock::time_point(Clock::duration(stop_at_ns.load(std::memory_order_acquire)));
  }
  void deliver(const Alert& alert);
  std::string_view format(const Alert& alert);
  Outcome attempt(std::string_view body, std::string& error);
  bool wait_until(Clock::time_point until);

 public:
  // One line under the config's label. Any thread (the Log is).
  void log_line(LogLevel level, std::string_view what);

 private:
  void note_failure(std::string error, std::int64_t now_ns);
  void report(std::int64_t now_ns);

  std::vector<std::string> names_;
  std::string authority_;  // "HOST:PORT", for TLS failure lines (never the path)
  Log& log_;
  TokenBucket bucket_;
  RateLimitedReporter reporter_;
  std::string last_error_;
  char json_[kMaxAlertJsonBytes];
  char human_[kMaxHumanAlertBytes];
  std::string text_;  // the chat formats' message text, reused
  std::string body_;  // the chat formats' body, reused
};

WebhookSink::State::State(const WebhookConfig& config_in, std::vector<std::string> names,
                          WebhookUrl url, std::string target, Log& log)
    : queue(config_in.queue_capacity),
      stop_at_ns(Clock::time_point::max().time_since_epoch().count()),
      client(url.authority, std::move(target), HttpPostClient::Tls{url.tls, config_in.ca_file}),
      config(config_in),
      pair_pass(names.size(), config_in.pairs.empty() ? 1 : 0),
      open_seen(names.size() * 2, 0),
      names_(std::move(names)),
      authority_(url.authority.text()),
      log_(log),
      bucket_(config_in.max_per_second, config_in.max_per_second, steady_ns()) {
  for (const std::string& want : config.pairs) {
    const auto it = std::find(names_.begin(), names_.end(), want);
    if (it == names_.end()) {
      throw std::invalid_argument("webhook pairs: '" + want + "' is no configured pair");
    }
    pair_pass[static_cast<std::size_t>(it - names_.begin())] = 1;
  }
  text_.reserve(kMaxHumanAlertBytes + config.public_url.size() + 1);
  body_.reserve(2 * kMaxHumanAlertBytes + config.public_url.size() + config.chat_id.size() + 64);
}

bool WebhookSink::State::passes(const Alert& a) noexcept {
  if (a.pair >= pair_pass.size()) return false;  // no such pair: nothing to say about it
  const std::size_t slot = std::size_t{a.pair} * 2 + static_cast<std::size_t>(a.side);
  const bool where = pair_pass[a.pair] != 0 && config.sides[static_cast<int>(a.side)];
  if (a.kind == AlertKind::Open) {
    const bool edge = !config.min_edge_bps || a.edge_bps >= *config.min_edge_bps;
    open_seen[slot] = where && edge ? 1 : 2;
    return where && edge && config.kinds[0];
  }
  const std::uint8_t seen = open_seen[slot];
  open_seen[slot] = 0;
  return config.kinds[1] && (seen == 0 ? where : seen == 1);
}

WebhookSink::WebhookSink(const WebhookConfig& config, std::vector<std::string> pair_names,
                         Log& log) {
  WebhookUrl url = parse_webhook_url(config.url);
  if (!(config.max_per_second > 0)) {
    throw std::invalid_argument("webhook max_per_second must be > 0");
  }
  if (config.retries < 0) throw std::invalid_argument("webhook retries must be >= 0");
  if (config.timeout_ms <= 0) throw std::invalid_argument("webhook timeout_ms must be > 0");
  if (config.queue_capacity == 0) throw std::invalid_argument("webhook queue_capacity must be > 0");
  if (config.shutdown_grace_ms < 0) {
    throw std::invalid_argument("webhook shutdown_grace_ms must be >= 0");
  }
  std::string target = post_target(config, url);
  state_ = std::make_unique<State>(config, std::move(pair_names), std::move(url), std::move(target),
                                   log);
  grace_ = std::chrono::milliseconds(config.shutdown_grace_ms);
  worker_ = std::thread([s = state_.get()] { s->run(); });
  pthread_setname_np(worker_.native_handle(), "adrmon-webhook");
}

WebhookSink::~WebhookSink() {
  stop(std::chrono::milliseconds(0));
}

void WebhookSink::offer(const Alert& alert) noexcept {
  State& s = *state_;
  s.offered.add();
  if (!s.passes(alert)) {
    s.filtered.add();
    return;
  }
  if (s.closed.load(std::memory_order_relaxed)) {
    s.dropped_shutdown.fetch_add(1, std::memory_order_relaxed);  // stop() has begun
    return;
  }
  if (!s.queue.try_push(alert)) {
    s.dropped_full.add();
    return;
  }
  s.bell.ring();
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
  s.client.abort_at(deadline);  // a worker waiting on the network
  s.bell.ring();                // a worker parked idle or backing off
  worker_.join();
  // The worker has exited, so this thread may consume: anything an offer()
  // slipped in after the worker's last look is counted, never stranded.
  Alert left;
  while (s.queue.try_pop(left)) s.dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t lost = s.dropped_shutdown.load(std::memory_order_relaxed);
  if (lost > 0) {
    std::string line = std::to_string(lost);
    line.append(lost == 1 ? " alert" : " alerts")
        .append(" still pending after the ")
        .append(std::to_string(drain.count()))
        .append(" ms shutdown grace: counted lost");
    s.log_line(LogLevel::Warning, line);
  }
}

WebhookSink::Counts WebhookSink::counts() const noexcept {
  const State& s = *state_;
  return Counts{s.offered.get(),
                s.delivered.get(),
                s.failed.get(),
                s.retried.get(),
                s.dropped_full.get(),
                s.dropped_rate.get(),
                s.dropped_shutdown.load(std::memory_order_relaxed),
                s.filtered.get(),
                s.tls_failed.get()};
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
      const std::int64_t now = steady_ns();
      if (reporter_.due(now)) report(now);
      // Woken by offer() or stop() (Doorbell::park re-checks after announcing
      // the sleep, so no wake-up is lost); the timeout is for a due report.
      const std::int64_t wake_at = std::min(reporter_.next_due_ns(), now + kMaxIdleParkNs);
      bell.park(
          [this] { return queue.size_approx() > 0 || stopping.load(std::memory_order_acquire); },
          std::max<std::int64_t>(wake_at - now, 0));
    }
  } catch (const std::exception& e) {
    // Nothing on this thread is expected to throw (network errors are
    // values); if something does (bad_alloc), the sink degrades to counting.
    log_line(LogLevel::Error, std::string("worker stopped: ") + e.what());
  }
  client.close();
  report(steady_ns());
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
  if (!bucket_.try_take(to_ns(now))) {
    dropped_rate.add();
    return;
  }
  const std::string_view body = format(alert);

  auto backoff = std::chrono::duration_cast<Clock::duration>(kFirstBackoff);
  std::string error;
  for (int tries = 0;; ++tries) {
    if (tries > 0) retried.add();
    switch (attempt(body, error)) {
      case Outcome::Delivered:
        delivered.add();
        return;
      case Outcome::Cut:
        dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
        return;
      case Outcome::Failed:
        break;
    }
    now = Clock::now();
    note_failure(std::move(error), to_ns(now));
    if (tries >= config.retries) {
      failed.add();
      return;
    }
    if (!wait_until(now + backoff)) {  // the stop deadline came first
      dropped_shutdown.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    backoff = std::min(backoff * 2, std::chrono::duration_cast<Clock::duration>(kMaxBackoff));
  }
}

// The body in the configured format. The chat formats carry the human line
// (and public_url on a line of its own), JSON-escaped; allocates only if
// body_'s reserve is exceeded.
std::string_view WebhookSink::State::format(const Alert& alert) {
  const std::string_view name =
      alert.pair < names_.size() ? std::string_view(names_[alert.pair]) : std::string_view("?");
  if (config.format == WebhookFormat::Json) {
    std::size_t n = format_alert_json(alert, name, json_);
    if (n > 0 && json_[n - 1] == '\n') --n;
    return std::string_view(json_, n);
  }
  std::size_t n = format_alert_human(alert, name, human_);
  if (n > 0 && human_[n - 1] == '\n') --n;
  text_.assign(human_, n);
  if (!config.public_url.empty()) text_.append("\n").append(config.public_url);
  body_.clear();
  switch (config.format) {
    case WebhookFormat::Telegram:
      body_.append("{\"chat_id\":");
      append_json_string(body_, config.chat_id);
      body_.append(",\"text\":");
      break;
    case WebhookFormat::Discord:
      body_.append("{\"content\":");
      break;
    case WebhookFormat::Slack:
    case WebhookFormat::Teams:
    case WebhookFormat::Json:
      body_.append("{\"text\":");
      break;
  }
  append_json_string(body_, text_);
  body_.push_back('}');
  return body_;
}

// One POST with its own deadline: Delivered (2xx), Cut (stop deadline), or
// Failed with `error` saying why.
WebhookSink::State::Outcome WebhookSink::State::attempt(std::string_view body, std::string& error) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(config.timeout_ms);
  const boost::system::error_code ec = client.post(body, deadline);
  if (ec == boost::asio::error::operation_aborted) return Outcome::Cut;
  // Appended piece by piece: GCC 12 flags `"literal" + std::string` (-Wrestrict).
  error.clear();
  if (ec && client.handshake_failed()) {
    tls_failed.add();
    error.assign("TLS handshake with ").append(authority_).append(" failed: ");
  }
  if (ec == boost::beast::error::timeout) {
    error.append("no answer within ").append(std::to_string(config.timeout_ms)).append(" ms");
    return Outcome::Failed;
  }
  if (ec) {
    error.append(client.detail().empty() ? ec.message() : std::string(client.detail()));
    return Outcome::Failed;
  }
  const unsigned status = client.status();
  if (status >= 200 && status < 300) return Outcome::Delivered;
  error.assign("HTTP ").append(std::to_string(status));
  if (!client.reason().empty()) error.append(" ").append(client.reason());
  return Outcome::Failed;
}

// Sleeps until `until` unless the stop deadline comes first (then returns
// false). Wakes early to re-read a deadline stop() has just set (and, harmlessly,
// when offer() rings for a new alert).
bool WebhookSink::State::wait_until(Clock::time_point until) {
  for (;;) {
    const auto stop_at = stop_deadline();
    const auto now = Clock::now();
    if (now >= stop_at) return false;
    if (now >= until) return true;
    bell.park([&] { return stop_deadline() != stop_at; },
              ns_between(now, std::min(until, stop_at)));
  }
}

// Failure lines, at most one a second: the first after a quiet second at
// once; the ones within the second summed into one line when it is over (on
// the next failure, when the worker idles, or at exit).
void WebhookSink::State::note_failure(std::string error, std::int64_t now_ns) {
  last_error_ = std::move(error);
  if (reporter_.note(now_ns)) report(now_ns);
}

void WebhookSink::State::report(std::int64_t now_ns) {
  const std::uint64_t n = reporter_.take(now_ns);
  if (n == 0) return;
  if (n == 1) {
    log_line(LogLevel::Error, last_error_);
  } else {
    log_line(LogLevel::Error, std::to_string(n) + " failures in the last second: " + last_error_);
  }
}

void WebhookSink::State::log_line(LogLevel level, std::string_view what) {
  log_.write(level, config.label, what);
}

}  // namespace adrmon
