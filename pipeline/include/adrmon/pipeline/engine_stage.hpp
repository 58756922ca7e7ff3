// EngineStage: the engine thread of `adrmon run`, and the pricing step of
// `adrmon replay` and the benchmarks.
//
// Data flow: run() pops ticks in bulk from every source's TickChannel, prices
// each with the SpreadEngine (the only writer of pricing state), stamps the
// priced time and the latency of the tick's hops, and pushes any alerts into
// the AlertLane, ringing the sink once per batch. Between batches it applies
// a reload from the mailbox and, a few times a second (never per tick),
// publishes a snapshot of its counters and latency (and the pair views, when
// a dashboard reads them) for the other threads.
//
// Per tick: no allocation, lock, exception, virtual call or logging. A full
// alert lane is a counted stall (the sink only does buffered local writes).
//
// The inline design (run to completion, docs/ARCHITECTURE.md "Threads"): the
// engine thread also reads the polled inputs (udp:// sockets) at the top of
// each round and writes each tick's alerts to the sinks itself
// (SinkStage::write_now), so nothing waits for a wake-up between the wire and
// the alert line. While idle it keeps polling for busy_poll_ns after the last
// work, then sleeps in poll(2) on the inputs (1 ms at most, so the other
// channels, a reload and a stop are still seen).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/doorbell.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/core/polled_input.hpp"
#include "adrmon/core/rate_limited_reporter.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick_channel.hpp"
#include "adrmon/pipeline/alert_lane.hpp"
#include "adrmon/pipeline/latency_stages.hpp"
#include "adrmon/pipeline/pair_board.hpp"
#include "adrmon/pipeline/recorder.hpp"
#include "adrmon/pipeline/reload_mailbox.hpp"
#include "adrmon/pipeline/sink_stage.hpp"
#include "adrmon/strategy/pair_view.hpp"
#include "adrmon/strategy/spread_engine.hpp"

namespace adrmon {

// What the engine stage shares with other threads, copied under a mutex.
struct EngineSnapshot {
  EngineCounts counts;
  RejectCounts rejects;  // engine-level rejects (out_of_order)
  std::uint64_t ticks = 0;
  std::uint64_t alert_queue_waits = 0;
  std::uint64_t reloads_applied = 0;
  std::int64_t last_event_ts = 0;
  std::uint64_t reloads_refused = 0;
  std::vector<std::uint64_t> suspect_by_pair;  // evaluations gated `suspect`, by pair id
  LatencyStages latency;                       // recv_to_parsed, parsed_to_priced, recv_to_priced
};

struct EngineStageOptions {
  bool stamp = true;           // read the clock per tick: ts_priced and latency (run)
  bool publish_views = false;  // fill the PairBoard (a dashboard reads it)
  WaitStrategy wait = WaitStrategy::Block;
  int cpu = -1;                 // pin the engine thread; -1: no
  bool exit_when_done = false;  // run() returns once every channel is closed and empty
  // run() hands every tick it pops to this recorder, in engine order, before
  // pricing it (`adrmon run --record`); null: none.
  TickRecorder* recorder = nullptr;
  // Where the stage says a pair turned suspect (at most one line a second,
  // the rest counted) and that a reload was refused. Never per tick.
  Log* log = &null_log();
  // The inline design: the sinks this thread writes alerts to itself (the
  // lane is then unused; null: alerts go to the lane's sink thread).
  SinkStage* inline_sinks = nullptr;
  // With polled inputs: keep polling this long after the last work before
  // sleeping in poll(2); wait = spin never sleeps.
  std::int64_t busy_poll_ns = 10'000'000;
};

class EngineStage {
 public:
  static constexpr std::int64_t kPublishEveryNs = 100'000'000;
  static constexpr std::int64_t kMaxParkNs = 20'000'000;  // idle re-checks at least this often

  // Builds the engine for `config` (allocates every buffer once). `lane` may
  // be null for price()-only use (replay, benchmarks). Cold path.
  EngineStage(const Config& config, AlertLane* lane, EngineStageOptions options);

  EngineStage(const EngineStage&) = delete;
  EngineStage& operator=(const EngineStage&) = delete;

  // Prices one tick. Returns the tick's alerts, stamped with ts_priced when
  // options.stamp (else ts_priced = 0); the span lives until the next call.
  // Counts a reject (out_of_order) and returns no alerts for it.
  // No allocation, lock or exception. Engine thread only.
  std::span<const Alert> price(const Tick& tick) noexcept;

  // The engine thread's loop over `channels` until every channel is closed
  // and drained and either exit_when_done or request_stop() — nothing that
  // was queued is lost. Then publishes a last snapshot, closes the lane and
  // calls `on_done` (on this thread). Call once, on the engine thread.
  // `polled`: inputs this thread reads itself, each round, before popping
  // the channels (their ticks land in their own channels among `channels`).
  void run(std::span<TickChannel* const> channels, const std::function<void()>& on_done,
           std::span<PolledInput* const> polled = {});

  // The inline design: this thread writes alerts to `sinks` itself from now
  // on (options.inline_sinks). Before run(); owner's thread.
  void set_inline_sinks(SinkStage* sinks) noexcept { options_.inline_sinks = sinks; }

  // A source whose ticks are not timed (a file group replayed at full
  // speed: a throughput run, where a per-tick stamp would only measure
  // queueing and cost two clock reads a tick): price() reads no clock for
  // its ticks and records no per-tick stage; their alerts are still
  // stamped, so priced -> written stays measured. Before run(); owner's
  // thread.
  void set_untimed_source(std::uint8_t source) noexcept {
    untimed_sources_[source >> 6] |= 1ull << (source & 63);
  }

  // Doorbell the sources ring after pushing (TickChannel's bell).
  Doorbell& bell() noexcept { return bell_; }

  // Any thread: ask run() to return once every channel is closed and drained.
  void request_stop() noexcept;

  // Any thread (the daemon's liveness watchdog): the venues that have no
  // live source now (bits 1 US, 2 HK, 4 FX; 0: all up) and which sources are
  // down (by source index). A control message: the engine thread picks it up
  // once per batch, never per tick; a change to down evaluates every pair at
  // once (SpreadEngine::set_feeds_down), so open breaches close `feed_down`
  // even when no tick arrives. A tick from a source listed down brings it
  // back on the engine thread itself (the watchdog only sees it a timer tick
  // later); when no listed source is left down, the gate opens with that
  // tick. Takes a mutex; no allocation.
  void set_feeds_down(std::uint8_t mask, std::span<const std::uint8_t> down_sources) noexcept;

  // Main thread: hand a reloaded config to the engine (applied between ticks).
  ReloadMailbox& reload_mailbox() noexcept { return reload_; }

  // Any thread: the last published snapshot (a mutex, a copy of ~20 KB).
  EngineSnapshot snapshot() const;
  const PairBoard& board() const noexcept { return board_; }
  // Steady ns when run() finished draining; 0 while running.
  std::int64_t done_ns() const noexcept { return done_ns_.load(std::memory_order_acquire); }

  // The engine itself (replay and tests read its counts). Engine thread only.
  const SpreadEngine& engine() const noexcept { return engine_; }
  std::uint64_t ticks() const noexcept { return ticks_; }
  const RejectCounts& rejects() const noexcept { return rejects_; }

 private:
  void push(const Alert& alert) noexcept;
  bool poll_inputs(std::span<PolledInput* const> polled) noexcept;  // true: something was read
  static bool polled_done(std::span<PolledInput* const> polled) noexcept;  // none live (or none)
  void report_suspects() noexcept;
  void publish();
  void apply_reload();
  bool apply_feeds_down() noexcept;  // true when alerts were pushed
  void source_back(std::uint8_t source) noexcept;

  EngineStageOptions options_;
  SpreadEngine engine_;
  AlertLane* lane_;
  std::vector<Alert> stamped_;  // capacity 2 per pair, sized once
  RejectCounts rejects_;
  std::uint64_t ticks_ = 0;
  std::uint64_t alert_queue_waits_ = 0;
  std::uint64_t reloads_applied_ = 0;
  std::uint64_t reloads_refused_ = 0;
  std::vector<std::string> names_;  // pair names, for suspect lines
  RateLimitedReporter suspect_reporter_;
  std::int64_t last_event_ts_ = 0;  // latest event time seen: "now" for pair views
  LatencyStages latency_;
  std::vector<PairView> views_;
  PairBoard board_;
  Doorbell bell_;
  ReloadMailbox reload_;
  // The watchdog's last word (under feeds_down_mutex_), numbered by
  // feeds_down_gen_; the engine thread keeps its own copy of the down set.
  std::mutex feeds_down_mutex_;
  std::uint8_t feeds_down_mask_ = 0;
  std::array<std::uint64_t, 4> feeds_down_sources_{};
  std::atomic<std::uint32_t> feeds_down_gen_{0};
  std::uint32_t feeds_down_applied_ = 0;            // engine thread
  std::array<std::uint64_t, 4> down_sources_{};     // engine thread
  std::array<std::uint64_t, 4> untimed_sources_{};  // set before run(), then read only
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> done_ns_{0};
  mutable std::mutex snapshot_mutex_;
  EngineSnapshot snapshot_;
};

}  // namespace adrmon
