#include "adrmon/pipeline/engine_stage.hpp"

#include <poll.h>

#include <array>
#include <cstdio>
#include <thread>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/cpu_affinity.hpp"

namespace adrmon {

namespace {
constexpr std::size_t kTickBatch = 256;
constexpr int kSleepPollMs = 1;  // polled inputs, quiet: the longest sleep in poll(2)
// Inline sinks: warm the alert path (formatter, the write's kernel path) at
// most this often, in quiet rounds only (between ticks too: at 20,000
// ticks/s a gap is ~50 rounds). Warming costs ~1 us; on this VM the path is
// cold again ~3 ms after its last use.
constexpr std::int64_t kWarmEveryNs = 250'000;
}  // namespace

EngineStage::EngineStage(const Config& config, AlertLane* lane, EngineStageOptions options)
    : options_(options), engine_(config), lane_(lane) {
  stamped_.resize(2 * config.pairs.size());
  if (options_.publish_views) views_.resize(config.pairs.size());
  names_ = pair_names(config);
  snapshot_.suspect_by_pair.resize(config.pairs.size());
}

std::span<const Alert> EngineStage::price(const Tick& tick) noexcept {
  if (engine_.feeds_down() != 0) [[unlikely]]
    source_back(tick.source);
  const Reject r = engine_.on_tick(tick);
  ++ticks_;
  if (tick.ts_event > last_event_ts_) last_event_ts_ = tick.ts_event;
  std::int64_t now = 0;
  const bool timed = (untimed_sources_[tick.source >> 6] >> (tick.source & 63) & 1) == 0;
  if (options_.stamp && timed) {
    now = steady_ns();
    latency_.recv_to_parsed.record(tick.parse_ns);
    latency_.parsed_to_priced.record(now - tick.ts_recv - tick.parse_ns);
    latency_.recv_to_priced.record(now - tick.ts_recv);
  }
  if (r != Reject::None) [[unlikely]] {
    rejects_.add(r);
    return {};
  }
  if (!engine_.suspects().empty()) [[unlikely]]
    report_suspects();
  const std::span<const Alert> produced = engine_.alerts();
  if (options_.stamp && !timed && !produced.empty()) [[unlikely]]
    now = steady_ns();  // an untimed tick's alerts: priced -> written is still measured
  for (std::size_t i = 0; i < produced.size(); ++i) {
    stamped_[i] = produced[i];
    stamped_[i].ts_priced = now;
  }
  return {stamped_.data(), produced.size()};
}

// One line per pair turning suspect, at most one a second; the ones in
// between are counted and named in the next line. Cold (a bad tick).
void EngineStage::report_suspects() noexcept {
  for (const SuspectEvent& e : engine_.suspects()) {
    if (!suspect_reporter_.note(steady_ns())) continue;
    const std::uint64_t n = suspect_reporter_.take(steady_ns());
    const PairState& p = engine_.pair(e.pair);
    const LegQuote& fx = engine_.fx();
    char line[384];
    std::snprintf(line, sizeof line,
                  "suspect at ts %lld: premium %+.2f bp, ratio %g; ADR %g/%g, HK %g/%g, FX "
                  "%g/%g; gated until it is sane%s",
                  static_cast<long long>(e.ts), e.mid_premium_bps, e.ratio, p.adr.bid, p.adr.ask,
                  p.hk.bid, p.hk.ask, fx.bid, fx.ask,
                  n > 1 ? " (and more suspect turns in the last second)" : "");
    options_.log->write(LogLevel::Warning, names_[e.pair], line);
  }
}

void EngineStage::push(const Alert& alert) noexcept {
  // Backpressure: the sink only does buffered local writes, so a full lane
  // is a brief stall, counted; slow outputs have their own queues.
  if (!lane_->queue.try_push(alert)) {
    ++alert_queue_waits_;
    lane_->bell.ring();
    while (!lane_->queue.try_push(alert)) std::this_thread::yield();
  }
}

void EngineStage::run(std::span<TickChannel* const> channels, const std::function<void()>& on_done,
                      std::span<PolledInput* const> polled) {
  pin_current_thread(options_.cpu);
  Idler idler(options_.wait, bell_);
  SinkStage* const sinks = options_.inline_sinks;
  std::vector<pollfd> fds;  // the polled inputs, to sleep on when quiet (sized once)
  for (PolledInput* p : polled) fds.push_back(pollfd{p->wait_fd(), POLLIN, 0});
  const bool may_sleep = options_.wait != WaitStrategy::Spin;
  std::uint32_t quiet_rounds = 0;  // polled inputs: rounds without work since quiet_since
  std::int64_t quiet_since = 0;
  std::int64_t warmed_at = 0;  // inline sinks: the last warm()
  std::array<Tick, kTickBatch> batch;
  std::int64_t next_publish = steady_ns() + kPublishEveryNs;
  // A few times a second, never per tick: the snapshot, and the inline sinks' idle work.
  const auto periodic = [&](std::int64_t now) {
    if (now < next_publish) return;
    publish();
    if (sinks != nullptr) sinks->service(false);
    next_publish = now + kPublishEveryNs;
  };

  for (;;) {
    std::size_t got = 0;
    bool alerts_pushed = false;
    // A control message, once per batch (one relaxed load), before the ticks.
    if (feeds_down_gen_.load(std::memory_order_acquire) != feeds_down_applied_) [[unlikely]]
      alerts_pushed = apply_feeds_down();
    const bool read = poll_inputs(polled);
    bool drained = true;  // every channel closed and empty
    for (TickChannel* ch : channels) {
      const bool closed = ch->closed();  // before popping: a close after this is seen next round
      const std::size_t n = ch->pop_bulk(batch.data(), batch.size());
      if (options_.recorder != nullptr) options_.recorder->record(batch.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        const std::span<const Alert> alerts = price(batch[i]);
        if (alerts.empty()) [[likely]]
          continue;
        if (sinks != nullptr) {
          sinks->write_now(alerts);
        } else {
          for (const Alert& a : alerts) push(a);
          alerts_pushed = true;
        }
      }
      got += n;
      if (!closed || n > 0) drained = false;
    }
    if (alerts_pushed) lane_->bell.ring();
    if (got > 0 || read) {
      idler.reset();
      quiet_rounds = 0;
      if ((ticks_ & 1023) < got) periodic(steady_ns());
      continue;
    }
    if (drained && (options_.exit_when_done || stopping_.load(std::memory_order_acquire))) break;
    apply_reload();
    const std::int64_t now = steady_ns();
    periodic(now);
    if (polled_done(polled)) {  // none, or all at their end: wait for the channels
      idler.idle(
          [&] {
            for (TickChannel* ch : channels) {
              if (!ch->empty()) return true;
            }
            return reload_.waiting() || stopping_.load(std::memory_order_relaxed) ||
                   feeds_down_gen_.load(std::memory_order_relaxed) != feeds_down_applied_;
          },
          kMaxParkNs);
      continue;
    }
    // Polled inputs: busy-poll while the feed is live (no wake-up to pay),
    // sleep in poll(2) once it has been quiet for busy_poll_ns.
    if (quiet_rounds++ == 0) quiet_since = now;
    if (may_sleep && (quiet_rounds & 63) == 0 && now - quiet_since >= options_.busy_poll_ns) {
      ::poll(fds.data(), fds.size(), kSleepPollMs);
    } else if (sinks != nullptr && now - warmed_at >= kWarmEveryNs) {
      sinks->warm();  // the next alert's path back into cache
      warmed_at = now;
    } else {
      cpu_relax();
    }
  }
  publish();
  if (sinks != nullptr) sinks->service(true);
  done_ns_.store(steady_ns(), std::memory_order_release);
  if (lane_ != nullptr) {
    lane_->closed.store(true, std::memory_order_release);
    lane_->bell.ring();
  }
  if (on_done) on_done();
}

bool EngineStage::poll_inputs(std::span<PolledInput* const> polled) noexcept {
  std::size_t reads = 0;
  for (PolledInput* p : polled) reads += p->poll();
  return reads > 0;
}

bool EngineStage::polled_done(std::span<PolledInput* const> polled) noexcept {
  for (const PolledInput* p : polled) {
    if (!p->done()) return false;
  }
  return true;
}

void EngineStage::request_stop() noexcept {
  stopping_.store(true, std::memory_order_release);
  bell_.ring();
}

void EngineStage::set_feeds_down(std::uint8_t mask,
                                 std::span<const std::uint8_t> down_sources) noexcept {
  {
    std::lock_guard lock(feeds_down_mutex_);
    feeds_down_mask_ = mask;
    feeds_down_sources_ = {};
    for (const std::uint8_t i : down_sources) feeds_down_sources_[i >> 6] |= 1ull << (i & 63);
    feeds_down_gen_.fetch_add(1, std::memory_order_release);
  }
  bell_.ring();
}

bool EngineStage::apply_feeds_down() noexcept {
  std::uint8_t mask = 0;
  {
    std::lock_guard lock(feeds_down_mutex_);
    feeds_down_applied_ = feeds_down_gen_.load(std::memory_order_relaxed);
    mask = feeds_down_mask_;
    down_sources_ = feeds_down_sources_;
  }
  const std::int64_t now = steady_ns();
  engine_.set_feeds_down(mask, now);
  const std::span<const Alert> produced = engine_.alerts();
  if (options_.inline_sinks != nullptr) {
    std::vector<Alert> stamped(produced.begin(), produced.end());  // cold: a venue went down
    for (Alert& a : stamped) a.ts_priced = options_.stamp ? now : 0;
    options_.inline_sinks->write_now(stamped);
    return false;
  }
  for (Alert a : produced) {
    a.ts_priced = options_.stamp ? now : 0;
    if (lane_ != nullptr) push(a);
  }
  return lane_ != nullptr && !produced.empty();
}

// Cold: a tick while some venue is down. From a source listed down, it is
// back; once none is left, the gate opens (this tick is evaluated open).
void EngineStage::source_back(std::uint8_t source) noexcept {
  std::uint64_t& word = down_sources_[source >> 6];
  const std::uint64_t bit = 1ull << (source & 63);
  if ((word & bit) == 0) return;
  word &= ~bit;
  for (const std::uint64_t w : down_sources_) {
    if (w != 0) return;
  }
  engine_.set_feeds_down(0, 0);
}

void EngineStage::apply_reload() {
  if (!reload_.waiting()) return;
  const std::unique_ptr<Config> next = reload_.take();
  if (!next) return;
  if (engine_.apply_thresholds(*next)) {
    ++reloads_applied_;
  } else {
    ++reloads_refused_;
    options_.log->write(LogLevel::Error, "reload",
                        "refused by the engine: a pair's ratio in force up to the latest event "
                        "time would change (only future ratio_history may); keeping the running "
                        "config");
  }
}

void EngineStage::publish() {
  if (options_.publish_views) {
    for (PairId id = 0; id < views_.size(); ++id) {
      views_[id] = make_pair_view(engine_, id, last_event_ts_);
    }
    board_.publish(views_);
  }
  std::lock_guard lock(snapshot_mutex_);
  snapshot_.counts = engine_.counts();
  snapshot_.rejects = rejects_;
  snapshot_.ticks = ticks_;
  snapshot_.alert_queue_waits = alert_queue_waits_;
  snapshot_.reloads_applied = reloads_applied_;
  snapshot_.reloads_refused = reloads_refused_;
  for (PairId id = 0; id < snapshot_.suspect_by_pair.size(); ++id) {
    snapshot_.suspect_by_pair[id] = engine_.pair(id).suspect_evaluations;
  }
  snapshot_.last_event_ts = last_event_ts_;
  snapshot_.latency.recv_to_parsed = latency_.recv_to_parsed;
  snapshot_.latency.parsed_to_priced = latency_.parsed_to_priced;
  snapshot_.latency.recv_to_priced = latency_.recv_to_priced;
}

EngineSnapshot EngineStage::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

}  // namespace adrmon
