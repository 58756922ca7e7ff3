// Daemon: the wiring of `adrmon run` — which stages, sinks and sources run,
// on which threads ([pipeline] design: staged, or inline where the engine
// thread reads the udp:// sockets and unpaced files and writes the alerts
// itself), and how it
// stops. The work itself lives in the
// libraries: sources (feeds) push ticks into TickChannels; the EngineStage
// (pipeline) prices them on the engine thread and pushes alerts into the
// AlertLane; the SinkStage fans them out to the sinks (JSON Lines log,
// stdout, webhook, dashboard). The main thread only handles signals (INT/TERM:
// drain and stop; HUP: reload thresholds; USR1: status and latency now), the
// periodic status line and the liveness watchdog (liveness_watchdog.hpp),
// which tells the engine which venues have no live source (feed_down,
// docs/FORMATS.md). The counters, the status line and the exit code come
// from daemon_status.hpp.
#include "daemon.hpp"

#include <pthread.h>

#include <boost/asio.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

#include "adrmon/bus/alert_publisher.hpp"
#include "adrmon/bus/nats_source.hpp"
#include "adrmon/core/clock.hpp"
#include "adrmon/core/cpu_affinity.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/dashboard/dashboard.hpp"
#include "adrmon/feeds/capture.hpp"
#include "adrmon/feeds/source.hpp"
#include "adrmon/pipeline/engine_stage.hpp"
#include "adrmon/pipeline/run_summary.hpp"
#include "adrmon/pipeline/sink_stage.hpp"
#include "adrmon/sinks/json_lines_sink.hpp"
#include "adrmon/sinks/stdout_sink.hpp"
#include "adrmon/sinks/webhook_sink.hpp"
#include "daemon_status.hpp"
#include "liveness_watchdog.hpp"

namespace adrmon {

namespace asio = boost::asio;

namespace {

constexpr int kHeldSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

void mask_signals(int how) {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kHeldSignals) sigaddset(&set, sig);
  pthread_sigmask(how, &set, nullptr);
}

// --record PATH: the capture every priced tick goes to (null without).
std::unique_ptr<CaptureWriter> open_record(const Config& c, const RunOptions& o) {
  if (o.record_path.empty()) return nullptr;
  CaptureHeader h;
  h.config_hash = config_file_hash(c.path);
  h.created_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  h.creator = "adrmon run --record";
  h.instruments = capture_instruments(c);
  return std::make_unique<CaptureWriter>(o.record_path, h, 1);
}
std::unique_ptr<TickRecorder> make_recorder(CaptureWriter* w) {
  if (w == nullptr) return nullptr;
  constexpr std::size_t kRecordQueue = 1 << 18;  // 16 MB: ~0.1 s of a max-speed replay
  return std::make_unique<TickRecorder>(
      kRecordQueue,
      [w](std::span<const Tick> ticks) {
        bool ok = true;
        for (const Tick& t : ticks) ok = w->append(t) && ok;
        return ok;
      },
      [w] { w->flush_block(); });
}

// [pipeline] design: inline when asked, or (auto) when the process may run
// on at most 2 CPUs and a source can be polled (udp://, or files replayed at
// full speed): there, the wake-ups
// between threads cost more than the work (docs/ARCHITECTURE.md, "Threads").
bool inline_design(const PipelineConfig& p, const std::vector<std::unique_ptr<Source>>& sources) {
  if (p.design != PipelineDesign::Auto) return p.design == PipelineDesign::Inline;
  bool pollable = false;
  for (const auto& s : sources) pollable = pollable || s->pollable();
  return pollable && usable_cpus() <= 2;
}

EngineStageOptions engine_options(const Config& c, const RunOptions& o, bool views,
                                  TickRecorder* recorder) {
  EngineStageOptions e;
  e.recorder = recorder;
  e.stamp = true;
  e.publish_views = views;
  e.wait = c.pipeline.wait;
  e.cpu = c.pipeline.engine_cpu;
  e.exit_when_done = o.exit_when_done;
  e.busy_poll_ns = c.pipeline.busy_poll_us * 1000;
  return e;
}

class Daemon {
 public:
  Daemon(Config config, const RunOptions& options)
      : config_(apply_overrides(std::move(config), options)),
        options_(options),
        lane_(config_.pipeline.alert_queue_capacity),
        names_(pair_names(config_)),
        capture_(open_record(config_, options)),
        recorder_(make_recorder(capture_.get())),
        engine_(
            config_, &lane_,
            engine_options(config_, options, !config_.dashboard.listen.empty(), recorder_.get())),
        signals_(io_, SIGINT, SIGTERM, SIGHUP),
        status_timer_(io_) {
    std::vector<SourceSpec> specs;
    for (const std::string& s : options.sources.empty() ? config_.sources : options.sources) {
      specs.push_back(parse_source_spec(s));
    }
    if (specs.empty()) {
      throw std::invalid_argument(
          "no sources: give --source SPEC or [[source]] spec = \"...\" in the config");
    }
    SourceOptions source_options;
    source_options.queue_capacity = config_.pipeline.queue_capacity;
    source_options.cpu = config_.pipeline.feed_cpu;
    source_options.log = &source_log_;
    sources_ = make_sources(specs, config_, source_options, engine_.bell(), &bus::make_nats_body);
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (!sources_[i]->timed()) engine_.set_untimed_source(static_cast<std::uint8_t>(i));
    }
    watchdog_ = std::make_unique<LivenessWatchdog>(io_, config_.liveness, sources_, engine_);

    std::vector<AlertSink*> sinks;
    if (!config_.sinks.alerts_path.empty()) {
      json_ = std::make_unique<JsonLinesSink>(config_.sinks.alerts_path, names_, stderr_log());
      sinks.push_back(json_.get());
    }
    if (config_.sinks.stdout_human) {
      stdout_ = std::make_unique<StdoutSink>(names_);
      sinks.push_back(stdout_.get());
    }
    for (const WebhookConfig& w : config_.webhooks) {  // [webhook] or every [[webhook]]
      webhooks_.push_back(std::make_unique<WebhookSink>(w, names_, stderr_log()));
      sinks.push_back(webhooks_.back().get());
    }
    if (config_.bus) {  // [bus]: every alert also to the alerts stream
      bus_alerts_ = std::make_unique<bus::AlertPublisher>(config_, stderr_log());
      sinks.push_back(bus_alerts_.get());
    }
    if (!config_.dashboard.listen.empty()) {
      // A bad address (or one beyond loopback without a token) is a config
      // error and stops start-up; a port already taken only costs the view.
      try {
        dashboard_ = std::make_unique<Dashboard>(
            config_, engine_.board(), [this] { return collect(); },
            [this] { return watchdog_->health(json_.get(), webhooks_); });
        sinks.push_back(dashboard_.get());
      } catch (const boost::system::system_error& e) {
        std::fprintf(stderr, "adrmon: dashboard: cannot listen on %s (%s); running without it\n",
                     config_.dashboard.listen.c_str(), e.code().message().c_str());
      }
    }
    sink_stage_ = std::make_unique<SinkStage>(std::move(sinks), true);
    inline_ = inline_design(config_.pipeline, sources_);
    if (inline_) engine_.set_inline_sinks(sink_stage_.get());
    signals_.add(SIGUSR1);
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
    std::vector<TickChannel*> channels;
    std::vector<PolledInput*> polled;  // inline: read by the engine thread, no feed thread
    for (auto& s : sources_) {
      channels.push_back(&s->channel());
      if (inline_ && s->pollable()) {
        s->start_polled();
        polled.push_back(s.get());
      }
    }
    print_design(polled.size());
    {
      std::jthread sink;
      if (!inline_)
        sink = std::jthread([this] { sink_stage_->run(lane_, config_.pipeline.sink_wait); });
      std::jthread engine([this, channels, polled] {
        engine_.run(
            channels, [this] { asio::post(io_, [this] { on_engine_done(); }); }, polled);
      });
      for (auto& s : sources_) s->start();  // the polled ones have no thread to start

      wait_signal();
      mask_signals(SIG_UNBLOCK);  // armed: a held signal is delivered now
      if (status_interval_s_ > 0) arm_status_timer();
      watchdog_->start(start_ns_);
      io_.run();
      for (auto& s : sources_) s->join();
    }  // engine and sink threads joined
    if (recorder_) {
      recorder_->stop();
      const bool ok = capture_->close();
      const std::uint64_t lost = recorder_->dropped() + capture_->lost();
      std::fprintf(stderr, "adrmon: recorded %llu tick(s) to %s (%llu bytes); %llu lost%s\n",
                   static_cast<unsigned long long>(capture_->records()), capture_->path().c_str(),
                   static_cast<unsigned long long>(capture_->bytes()),
                   static_cast<unsigned long long>(lost), ok ? "" : "; write failed");
    }
    for (auto& w : webhooks_) w->stop(w->shutdown_grace());
    if (dashboard_) dashboard_->stop();
    return finish();
  }

 private:
  static Config apply_overrides(Config c, const RunOptions& o) {
    if (!o.alerts_path.empty()) c.sinks.alerts_path = o.alerts_path;
    if (o.no_stdout_alerts) c.sinks.stdout_human = false;
    if (o.dashboard == "off") {
      c.dashboard.listen.clear();
    } else if (!o.dashboard.empty()) {
      c.dashboard.listen = o.dashboard;
    }
    return c;
  }

  void print_design(std::size_t polled) const {
    if (!inline_) {
      std::fprintf(stderr,
                   "adrmon: pipeline staged: feed threads -> engine thread -> sink thread\n");
      return;
    }
    std::fprintf(stderr,
                 "adrmon: pipeline inline: the engine thread reads %zu source(s) itself "
                 "(udp:// busy polled %lld us after the last datagram; files at full speed "
                 "merged as replay does), prices and writes the alerts\n",
                 polled, static_cast<long long>(config_.pipeline.busy_poll_us));
  }

  void wait_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec || finished_) return;
      if (signo == SIGINT || signo == SIGTERM) {
        std::fprintf(stderr, "adrmon: %s: stopping sources, draining queues\n",
                     signo == SIGINT ? "SIGINT" : "SIGTERM");
        begin_stop();
      } else if (signo == SIGHUP) {
        reload();
      } else if (signo == SIGUSR1) {
        print_status(true);
      }
      wait_signal();
    });
  }

  void begin_stop() {
    if (stopping_) return;
    stopping_ = true;
    watchdog_->on_stopping();
    for (auto& s : sources_) s->request_stop();
    engine_.request_stop();
  }

  void on_engine_done() {
    // A timer or signal handler that already completed still runs after the
    // cancel below; finished_ stops it re-arming, or io_.run() never returns.
    finished_ = true;
    begin_stop();
    signals_.cancel();
    status_timer_.cancel();
    watchdog_->cancel();
  }

  // SIGHUP: reopen the alert log (logrotate moved it) and reload thresholds.
  void reload() {
    sink_stage_->request_reopen();
    try {
      Config next = load_config(config_.path);
      select_pairs(next, options_.pairs, options_.shard);
      if (auto why = reload_incompatibility(config_, next)) {
        std::fprintf(stderr, "adrmon: reload refused: %s; keeping the running config\n",
                     why->c_str());
        return;
      }
      const std::vector<std::string> changes = config_changes(config_, next);
      engine_.reload_mailbox().post(next);
      engine_.bell().ring();
      std::fprintf(stderr, "adrmon: reload: %s accepted (quotes and breaches kept): %s\n",
                   config_.path.c_str(),
                   changes.empty() ? "no threshold changed" : join(changes).c_str());
      for (std::size_t i = 0; i < config_.pairs.size(); ++i) {
        config_.pairs[i].thresholds = next.pairs[i].thresholds;
      }
      config_.defaults = next.defaults;
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

  RunSummary collect() const {
    return collect_run_summary(
        {engine_, *sink_stage_, json_.get(), webhooks_, sources_, *watchdog_, names_}, start_ns_);
  }

  void print_status(bool with_latency) { print_status_line(stderr, collect(), with_latency); }

  int finish() {
    return report_run_end(stderr, collect(), options_.summary_json, json_.get(), source_log_);
  }

  SourceLog source_log_;  // first: the sources hold a reference to it
  Config config_;
  RunOptions options_;
  AlertLane lane_;
  std::vector<std::string> names_;
  std::unique_ptr<CaptureWriter> capture_;  // --record: before the engine that feeds it
  std::unique_ptr<TickRecorder> recorder_;
  EngineStage engine_;
  std::unique_ptr<JsonLinesSink> json_;
  std::unique_ptr<StdoutSink> stdout_;
  std::vector<std::unique_ptr<WebhookSink>> webhooks_;
  std::unique_ptr<bus::AlertPublisher> bus_alerts_;  // [bus]
  std::unique_ptr<SinkStage> sink_stage_;
  std::vector<std::unique_ptr<Source>> sources_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer status_timer_;
  std::unique_ptr<LivenessWatchdog> watchdog_;  // main thread drives it; any thread reads
  double status_interval_s_ = 0;
  std::int64_t start_ns_ = 0;
  bool inline_ = false;    // [pipeline] design resolved (inline_design)
  bool stopping_ = false;  // main thread only
  bool finished_ = false;  // main thread only: the engine is done, handlers must not re-arm
  // Last: reads the board and collect(), so it goes (thread joined) first.
  std::unique_ptr<Dashboard> dashboard_;
};

}  // namespace

void select_pairs(Config& config, const std::string& pairs, const std::string& shard) {
  if (pairs.empty() && shard.empty()) return;
  std::vector<bool> keep(config.pairs.size(), true);
  if (!pairs.empty()) {
    std::fill(keep.begin(), keep.end(), false);
    std::size_t start = 0;
    while (start <= pairs.size()) {
      std::size_t comma = pairs.find(',', start);
      if (comma == std::string::npos) comma = pairs.size();
      const std::string name = pairs.substr(start, comma - start);
      bool found = false;
      for (std::size_t p = 0; p < config.pairs.size(); ++p) {
        if (config.pairs[p].name == name) keep[p] = found = true;
      }
      if (!found) {
        throw std::invalid_argument("--pairs: '" + name + "' is no pair of " + config.path +
                                    " (names are \"ADR/HK\", e.g. \"" + config.pairs.front().name +
                                    "\")");
      }
      start = comma + 1;
    }
  }
  if (!shard.empty()) {
    unsigned i = 0, n = 0;
    char slash = 0, extra = 0;
    if (std::sscanf(shard.c_str(), "%u%c%u%c", &i, &slash, &n, &extra) != 3 || slash != '/' ||
        n == 0 || i == 0 || i > n) {
      throw std::invalid_argument("--shard '" + shard + "': expected I/N with 1 <= I <= N");
    }
    for (std::size_t p = 0; p < config.pairs.size(); ++p) {
      if (p % n != i - 1) keep[p] = false;
    }
  }
  std::vector<PairConfig> kept;
  for (std::size_t p = 0; p < config.pairs.size(); ++p) {
    if (keep[p]) kept.push_back(config.pairs[p]);
  }
  if (kept.empty()) throw std::invalid_argument("--pairs/--shard leave no pair to run");
  const auto kept_symbol = [&](const std::string& s) {
    for (const PairConfig& p : kept) {
      if (p.adr == s || p.hk == s) return true;
    }
    return false;
  };
  std::erase_if(config.aliases.us, [&](const SymbolAlias& a) { return !kept_symbol(a.target); });
  std::erase_if(config.aliases.hk, [&](const SymbolAlias& a) { return !kept_symbol(a.target); });
  config.pairs = std::move(kept);
}

int run_daemon(const RunOptions& options) {
  // Hold INT/TERM/HUP/USR1 until the signal_set is armed: a stop during
  // start-up then still drains and prints a summary. Threads started in
  // between inherit the mask, so signals reach the main thread only.
  mask_signals(SIG_BLOCK);
  Config config = load_config(options.config_path);
  select_pairs(config, options.pairs, options.shard);
  Daemon daemon(std::move(config), options);
  return daemon.run();
}

}  // namespace adrmon
