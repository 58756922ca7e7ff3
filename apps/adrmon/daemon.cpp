// Daemon: threads, queues, signals and reports of `adrmon run`.
//
// Data flow: Source threads push Ticks into their TickChannels and ring the
// engine's Doorbell. The engine thread pops in bulk from every channel,
// prices each tick, stamps it and pushes any Alerts into the alert queue,
// ringing the sink's Doorbell. The sink thread writes alerts (JSON Lines log,
// stdout, webhook) and flushes whenever its queue runs dry. Engine and sink
// publish snapshots of their counters and latency histograms under a mutex a
// few times a second, never per tick; the main thread reads them for status
// lines and the summary.
#include "daemon.hpp"

#include <pthread.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/doorbell.hpp"
#include "adrmon/core/latency_histogram.hpp"
#include "adrmon/core/spsc_queue.hpp"
#include "adrmon/feeds/source.hpp"
#include "adrmon/strategy/spread_engine.hpp"
#include "alert_writer.hpp"
#include "dashboard.hpp"
#include "human_format.hpp"
#include "pair_board.hpp"
#include "summary.hpp"
#include "webhook_sink.hpp"

namespace adrmon {

namespace asio = boost::asio;

namespace {

constexpr std::int64_t kPublishEveryNs = 100'000'000;  // snapshots for status/metrics
constexpr std::int64_t kMaxParkNs = 20'000'000;        // idle threads re-check at least this often
constexpr std::size_t kTickBatch = 256;
constexpr std::size_t kAlertBatch = 64;

// What the engine thread shares with the rest, copied under a mutex.
struct EngineSnapshot {
  EngineCounts counts;
  RejectCounts rejects;  // engine-level rejects (out_of_order)
  std::uint64_t ticks = 0;
  std::uint64_t alert_queue_waits = 0;
  LatencyStages latency;
};

struct SinkSnapshot {
  std::uint64_t alerts = 0;
  std::uint64_t write_errors = 0;
  std::uint64_t alerts_lost = 0;
  LatencyStages latency;
};

// Pairs must match one for one (same symbols, same ratio) for a reload to
// keep state; the FX band is the parsers' and needs a restart.
std::optional<std::string> reload_incompatibility(const Config& old_cfg, const Config& new_cfg) {
  if (old_cfg.pairs.size() != new_cfg.pairs.size()) {
    return "the number of pairs changed (" + std::to_string(old_cfg.pairs.size()) + " -> " +
           std::to_string(new_cfg.pairs.size()) + "); restart to change the universe";
  }
  for (std::size_t i = 0; i < old_cfg.pairs.size(); ++i) {
    const PairConfig& a = old_cfg.pairs[i];
    const PairConfig& b = new_cfg.pairs[i];
    if (a.adr != b.adr || a.hk != b.hk || a.ratio != b.ratio || a.fungible != b.fungible) {
      return "pair " + std::to_string(i + 1) + " changed (" + a.name + " -> " + b.name +
             ", or its ratio or fungibility); restart to change the universe";
    }
  }
  if (old_cfg.fx.pair != new_cfg.fx.pair || old_cfg.fx.min != new_cfg.fx.min ||
      old_cfg.fx.max != new_cfg.fx.max) {
    return "[fx] changed; restart to change the FX pair or band";
  }
  return std::nullopt;
}

class Daemon {
 public:
  Daemon(Config config, const RunOptions& options)
      : config_(std::move(config)),
        options_(options),
        engine_(config_),
        alert_queue_(config_.pipeline.alert_queue_capacity),
        names_(pair_names(config_)),
        signals_(io_, SIGINT, SIGTERM, SIGHUP),
        status_timer_(io_) {
    std::vector<std::string> specs = options.sources.empty() ? config_.sources : options.sources;
    if (specs.empty()) {
      throw std::invalid_argument(
          "no sources: give --source SPEC or [[source]] spec = \"...\" in the config");
    }
    std::vector<SourceSpec> parsed;
    for (const std::string& s : specs) parsed.push_back(parse_source_spec(s));
    SourceOptions source_options;
    source_options.queue_capacity = config_.pipeline.queue_capacity;
    source_options.cpu = config_.pipeline.feed_cpu;
    sources_ = make_sources(parsed, config_, source_options, engine_bell_);

    const std::string alerts_path =
        options.alerts_path.empty() ? config_.sinks.alerts_path : options.alerts_path;
    if (!alerts_path.empty()) {
      json_.emplace(AlertWriter::open_file(alerts_path, names_));
      alerts_path_ = alerts_path;
    }
    stdout_human_ = config_.sinks.stdout_human && !options.no_stdout_alerts;
    if (!config_.webhook.url.empty()) {
      webhook_ = std::make_unique<WebhookSink>(config_.webhook, names_);
    }
    signals_.add(SIGUSR1);
    if (options.dashboard == "off") {
      config_.dashboard.listen.clear();
    } else if (!options.dashboard.empty()) {
      config_.dashboard.listen = options.dashboard;
    }
    if (!config_.dashboard.listen.empty()) {
      // A bad address (or one beyond loopback without a token) is a config
      // error and stops start-up; a port already taken only costs the view.
      try {
        dashboard_ = std::make_unique<Dashboard>(config_, board_, [this] { return collect(); });
      } catch (const boost::system::system_error& e) {
        std::fprintf(stderr, "adrmon: dashboard: cannot listen on %s (%s); running without it\n",
                     config_.dashboard.listen.c_str(), e.code().message().c_str());
      }
    }
    publish_views_ = dashboard_ != nullptr;
    views_.resize(config_.pairs.size());
    status_interval_s_ = options.status_interval_s >= 0 ? options.status_interval_s
                                                        : config_.pipeline.status_interval_s;
  }

  int run() {
    start_ns_ = steady_ns();
    std::fprintf(stderr, "adrmon: running %zu pairs from %s; %zu source(s):", config_.pairs.size(),
                 config_.path.c_str(), sources_.size());
    for (const auto& s : sources_) std::fprintf(stderr, " [%s]", s->name().c_str());
    std::fprintf(stderr, "\n");
    if (dashboard_) {
      dashboard_->start();
      std::fprintf(stderr, "adrmon: dashboard at %s\n", dashboard_->url().c_str());
    }

    sink_thread_ = std::thread([this] { sink_loop(); });
    engine_thread_ = std::thread([this] { engine_loop(); });
    for (auto& s : sources_) s->start();

    wait_signal();
    sigset_t held;
    sigemptyset(&held);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaddset(&held, sig);
    pthread_sigmask(SIG_UNBLOCK, &held, nullptr);  // armed: a held signal is delivered now
    if (status_interval_s_ > 0) arm_status_timer();
    io_.run();

    for (auto& s : sources_) s->join();
    engine_thread_.join();
    sink_thread_.join();
    if (webhook_) webhook_->stop(std::chrono::milliseconds(2000));
    if (dashboard_) dashboard_->stop();
    return finish();
  }

 private:
  // ---- engine thread --------------------------------------------------------

  void engine_loop() {
    pin_this_thread(config_.pipeline.engine_cpu);
    Idler idler(config_.pipeline.wait, engine_bell_);
    std::vector<TickChannel*> channels;
    for (auto& s : sources_) channels.push_back(&s->channel());
    std::array<Tick, kTickBatch> batch;
    std::int64_t next_publish = steady_ns() + kPublishEveryNs;

    for (;;) {
      std::size_t got = 0;
      bool drained = true;  // every channel closed and empty
      for (TickChannel* ch : channels) {
        const bool closed = ch->closed();  // before popping: a close after this is seen next round
        const std::size_t n = ch->pop_bulk(batch.data(), batch.size());
        for (std::size_t i = 0; i < n; ++i) process(batch[i]);
        got += n;
        if (!closed || n > 0) drained = false;
      }
      if (got > 0) {
        idler.reset();
        if (alerts_pushed_) {
          sink_bell_.ring();
          alerts_pushed_ = false;
        }
        if ((ticks_ & 1023) < got && steady_ns() >= next_publish) {
          publish_engine();
          next_publish = steady_ns() + kPublishEveryNs;
        }
        continue;
      }
      if (drained && (options_.exit_when_done || stopping_.load(std::memory_order_acquire))) break;
      apply_pending_reload();
      if (steady_ns() >= next_publish) {
        publish_engine();
        next_publish = steady_ns() + kPublishEveryNs;
      }
      idler.idle(
          [&] {
            for (TickChannel* ch : channels) {
              if (!ch->empty()) return true;
            }
            return reload_pending_.load(std::memory_order_relaxed) ||
                   stopping_.load(std::memory_order_relaxed);
          },
          kMaxParkNs);
    }
    publish_engine();
    engine_done_ns_.store(steady_ns(), std::memory_order_relaxed);
    engine_done_.store(true, std::memory_order_release);
    sink_bell_.ring();
    asio::post(io_, [this] { on_engine_done(); });
  }

  void process(const Tick& tick) noexcept {
    const Reject r = engine_.on_tick(tick);
    const std::int64_t now = steady_ns();
    ++ticks_;
    if (tick.ts_event > last_event_ts_) last_event_ts_ = tick.ts_event;
    latency_.recv_to_parsed.record(tick.parse_ns);
    latency_.parsed_to_priced.record(now - tick.ts_recv - tick.parse_ns);
    latency_.recv_to_priced.record(now - tick.ts_recv);
    if (r != Reject::None) [[unlikely]] {
      engine_rejects_.add(r);
      return;
    }
    for (const Alert& produced : engine_.alerts()) {
      Alert a = produced;
      a.ts_priced = now;
      // Backpressure: the sink only does buffered local writes, so a full
      // queue is a brief stall, counted; slow outputs have their own queues.
      if (!alert_queue_.try_push(a)) {
        ++alert_queue_waits_;
        sink_bell_.ring();
        while (!alert_queue_.try_push(a)) std::this_thread::yield();
      }
      alerts_pushed_ = true;
    }
  }

  void publish_engine() {
    if (publish_views_) {
      for (PairId id = 0; id < views_.size(); ++id) {
        views_[id] = make_pair_view(engine_, id, last_event_ts_);
      }
      board_.publish(views_);
    }
    std::lock_guard lock(engine_mutex_);
    engine_snapshot_.counts = engine_.counts();
    engine_snapshot_.rejects = engine_rejects_;
    engine_snapshot_.ticks = ticks_;
    engine_snapshot_.alert_queue_waits = alert_queue_waits_;
    engine_snapshot_.latency.recv_to_parsed = latency_.recv_to_parsed;
    engine_snapshot_.latency.parsed_to_priced = latency_.parsed_to_priced;
    engine_snapshot_.latency.recv_to_priced = latency_.recv_to_priced;
  }

  void apply_pending_reload() {
    if (!reload_pending_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(reload_mutex_);
    if (pending_config_ && engine_.apply_thresholds(*pending_config_)) {
      reloads_applied_.fetch_add(1, std::memory_order_relaxed);
    }
    pending_config_.reset();
    reload_pending_.store(false, std::memory_order_release);
  }

  // ---- sink thread ----------------------------------------------------------

  void sink_loop() {
    Idler idler(config_.pipeline.wait, sink_bell_);
    std::array<Alert, kAlertBatch> batch;
    std::unique_ptr<char[]> line = std::make_unique<char[]>(kMaxHumanAlertBytes);
    LatencyHistogram to_alert, priced_to_alert;
    std::uint64_t alerts = 0;
    std::int64_t next_publish = steady_ns() + kPublishEveryNs;
    bool dirty = false;
    for (;;) {
      const bool done = engine_done_.load(std::memory_order_acquire);
      const std::size_t n = alert_queue_.try_pop_bulk(batch.data(), batch.size());
      for (std::size_t i = 0; i < n; ++i) {
        const Alert& a = batch[i];
        if (json_) json_->write(a);
        if (stdout_human_) {
          const std::size_t len = format_alert_human(a, names_[a.pair], line.get());
          std::fwrite(line.get(), 1, len, stdout);
        }
        if (webhook_) webhook_->offer(a);
        if (dashboard_) dashboard_->offer(a);
        const std::int64_t now = steady_ns();
        to_alert.record(now - a.ts_recv);
        priced_to_alert.record(now - a.ts_priced);
        ++alerts;
      }
      if (n > 0) {
        dirty = true;
        idler.reset();
        continue;
      }
      if (dirty) {  // the queue ran dry: put everything on disk/screen now
        if (json_) json_->flush();
        if (stdout_human_) std::fflush(stdout);
        dirty = false;
      }
      if (json_ && json_->write_errors() != reported_write_errors_) report_write_errors(done);
      if (done || steady_ns() >= next_publish) {
        std::lock_guard lock(sink_mutex_);
        sink_snapshot_.alerts = alerts;
        sink_snapshot_.write_errors = json_ ? json_->write_errors() : 0;
        sink_snapshot_.alerts_lost = json_ ? json_->lost() : 0;
        sink_snapshot_.latency.recv_to_alert = to_alert;
        sink_snapshot_.latency.priced_to_alert = priced_to_alert;
        next_publish = steady_ns() + kPublishEveryNs;
      }
      if (done) break;
      idler.idle([&] { return alert_queue_.size_approx() > 0 || engine_done_.load(); }, kMaxParkNs);
    }
  }

  // A failing alert log (disk full, I/O error) is reported at most once a
  // second, with the running count; the engine never waits on it.
  void report_write_errors(bool final_report) {
    const std::int64_t now = steady_ns();
    if (!final_report && now - last_write_error_report_ < 1'000'000'000) return;
    last_write_error_report_ = now;
    reported_write_errors_ = json_->write_errors();
    std::fprintf(stderr, "adrmon: alert log %s: write failed (%s); %llu alert(s) lost so far\n",
                 alerts_path_.c_str(), std::strerror(json_->error()),
                 static_cast<unsigned long long>(json_->lost()));
  }

  // ---- main thread ----------------------------------------------------------

  void wait_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec || finished_) return;
      switch (signo) {
        case SIGINT:
        case SIGTERM:
          std::fprintf(stderr, "adrmon: %s: stopping sources, draining queues\n",
                       signo == SIGINT ? "SIGINT" : "SIGTERM");
          begin_stop();
          break;
        case SIGHUP:
          reload();
          break;
        case SIGUSR1:
          print_status(true);
          break;
      }
      wait_signal();
    });
  }

  void begin_stop() {
    if (stopping_.exchange(true)) return;
    for (auto& s : sources_) s->request_stop();
    engine_bell_.ring();
  }

  void on_engine_done() {
    // A timer or signal handler that already completed still runs after the
    // cancel below; finished_ stops it re-arming, or io_.run() never returns.
    finished_ = true;
    begin_stop();
    signals_.cancel();
    status_timer_.cancel();
  }

  void reload() {
    try {
      Config next = load_config(config_.path);
      if (auto why = reload_incompatibility(config_, next)) {
        std::fprintf(stderr, "adrmon: reload refused: %s; keeping the running config\n",
                     why->c_str());
        return;
      }
      {
        std::lock_guard lock(reload_mutex_);
        pending_config_ = std::make_unique<Config>(std::move(next));
      }
      reload_pending_.store(true, std::memory_order_release);
      engine_bell_.ring();
      std::fprintf(stderr,
                   "adrmon: reload: thresholds from %s accepted (quotes and breaches kept)\n",
                   config_.path.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "adrmon: reload refused: %s; keeping the running config\n", e.what());
    }
  }

  void arm_status_timer() {
    status_timer_.expires_after(
        std::chrono::microseconds(static_cast<std::int64_t>(status_interval_s_ * 1e6)));
    status_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || finished_) return;
      print_status(false);
      arm_status_timer();
    });
  }

  RunSummary collect() {
    RunSummary s;
    {
      std::lock_guard lock(engine_mutex_);
      s.engine = engine_snapshot_.counts;
      s.rejects = engine_snapshot_.rejects;
      s.latency = engine_snapshot_.latency;
      s.alert_queue_waits = engine_snapshot_.alert_queue_waits;
    }
    {
      std::lock_guard lock(sink_mutex_);
      s.alerts = sink_snapshot_.alerts;
      s.latency.recv_to_alert = sink_snapshot_.latency.recv_to_alert;
      s.latency.priced_to_alert = sink_snapshot_.latency.priced_to_alert;
      s.alert_write_errors = sink_snapshot_.write_errors;
      s.alerts_lost = sink_snapshot_.alerts_lost;
    }
    s.has_latency = true;
    for (const auto& src : sources_) {
      const SourceStats& st = src->stats();
      SourceSummary ss;
      ss.name = src->name();
      ss.lines = st.lines.get();
      ss.parsed = st.parsed.get();
      ss.seq_gaps = st.seq_gaps.get();
      ss.seq_missing = st.seq_missing.get();
      ss.seq_duplicates = st.seq_duplicates.get();
      ss.connects = st.connects.get();
      ss.disconnects = st.disconnects.get();
      ss.datagrams = st.datagrams.get();
      ss.dropped = st.dropped.get() + src->channel().dropped();
      ss.queue_depth = src->channel().depth();
      s.feed.lines += ss.lines;
      s.feed.parsed += ss.parsed;
      s.feed.blank += st.blank.get();
      s.feed.bytes += st.bytes.get();
      s.feed.rejects += st.reject_counts();
      s.dropped += ss.dropped;
      s.sources.push_back(std::move(ss));
    }
    s.rejects += s.feed.rejects;
    if (webhook_) {
      const WebhookSink::Counts w = webhook_->counts();
      s.webhook = true;
      s.webhook_delivered = w.delivered;
      s.webhook_failed = w.failed;
      s.webhook_dropped = w.dropped_full + w.dropped_rate + w.dropped_shutdown;
    }
    s.wall_seconds = static_cast<double>(steady_ns() - start_ns_) / 1e9;
    const std::int64_t done = engine_done_ns_.load(std::memory_order_relaxed);
    s.engine_seconds = done != 0 ? static_cast<double>(done - start_ns_) / 1e9 : s.wall_seconds;
    return s;
  }

  void print_status(bool with_latency) {
    const RunSummary s = collect();
    const double rate =
        s.wall_seconds > 0 ? static_cast<double>(s.engine.accepted) / s.wall_seconds : 0;
    std::size_t depth = 0;
    std::uint64_t gaps = 0;
    for (const SourceSummary& src : s.sources) {
      depth += src.queue_depth;
      gaps += src.seq_gaps;
    }
    std::fprintf(stderr,
                 "status: up %.1fs | ticks read %llu accepted %llu rejected %llu | %.0f ticks/s | "
                 "queued %zu | open breaches %llu | alerts %llu | seq gaps %llu | dropped %llu\n",
                 s.wall_seconds, static_cast<unsigned long long>(s.feed.lines),
                 static_cast<unsigned long long>(s.engine.accepted),
                 static_cast<unsigned long long>(s.rejects.total()), rate, depth,
                 static_cast<unsigned long long>(s.engine.open_breaches),
                 static_cast<unsigned long long>(s.alerts), static_cast<unsigned long long>(gaps),
                 static_cast<unsigned long long>(s.dropped));
    if (with_latency) print_latency(stderr, s.latency);
  }

  int finish() {
    const RunSummary s = collect();
    print_summary(stderr, s);
    if (!options_.summary_json.empty()) write_summary_json(options_.summary_json, s);
    if (json_ && json_->write_errors() > 0) {
      std::fprintf(stderr, "adrmon: %s: %llu alert write error(s), %llu alert(s) lost, last: %s\n",
                   alerts_path_.c_str(), static_cast<unsigned long long>(json_->write_errors()),
                   static_cast<unsigned long long>(json_->lost()), std::strerror(json_->error()));
      return 1;
    }
    return 0;
  }

  Config config_;
  RunOptions options_;

  // Engine thread state.
  SpreadEngine engine_;
  RejectCounts engine_rejects_;
  std::uint64_t ticks_ = 0;
  std::uint64_t alert_queue_waits_ = 0;
  bool alerts_pushed_ = false;
  std::int64_t last_event_ts_ = 0;  // latest event time seen: "now" for pair views
  bool publish_views_ = false;      // a dashboard reads the board
  std::vector<PairView> views_;
  PairBoard board_;
  LatencyStages latency_;
  Doorbell engine_bell_;

  // Engine -> sink.
  SpscQueue<Alert> alert_queue_;
  Doorbell sink_bell_;
  std::atomic<bool> engine_done_{false};
  std::atomic<std::int64_t> engine_done_ns_{0};

  // Sink thread state.
  std::vector<std::string> names_;
  std::optional<AlertWriter> json_;
  std::string alerts_path_;
  bool stdout_human_ = true;
  std::unique_ptr<WebhookSink> webhook_;
  std::uint64_t reported_write_errors_ = 0;
  std::int64_t last_write_error_report_ = 0;

  // Shared snapshots.
  std::mutex engine_mutex_;
  EngineSnapshot engine_snapshot_;
  std::mutex sink_mutex_;
  SinkSnapshot sink_snapshot_;

  // Reload mailbox (main -> engine).
  std::mutex reload_mutex_;
  std::unique_ptr<Config> pending_config_;
  std::atomic<bool> reload_pending_{false};
  std::atomic<std::uint64_t> reloads_applied_{0};

  std::atomic<bool> stopping_{false};
  bool finished_ = false;  // main thread only: the engine is done, handlers must not re-arm
  std::vector<std::unique_ptr<Source>> sources_;
  std::thread engine_thread_;
  std::thread sink_thread_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer status_timer_;
  double status_interval_s_ = 0;
  std::int64_t start_ns_ = 0;
  // Last: reads board_ and collect(), so it goes (thread joined) first.
  std::unique_ptr<Dashboard> dashboard_;
};

}  // namespace

int run_daemon(const RunOptions& options) {
  // Hold INT/TERM/HUP/USR1 until the signal_set is armed: a stop during
  // start-up then still drains and prints a summary. Threads started in
  // between inherit the mask, so signals reach the main thread only.
  sigset_t held;
  sigemptyset(&held);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaddset(&held, sig);
  pthread_sigmask(SIG_BLOCK, &held, nullptr);
  Config config = load_config(options.config_path);
  Daemon daemon(std::move(config), options);
  return daemon.run();
}

}  // namespace adrmon
