// SinkStage: the sink thread of `adrmon run`, and the alert fan-out of
// `adrmon replay`. It pops stamped alerts from the AlertLane in bulk and
// hands each to every AlertSink in order (JSON Lines log, stdout, webhook,
// dashboard), flushes them all whenever the lane runs dry, lets each report
// its problems (rate limited, in AlertSink::poll) while idle, and records
// priced->written and recv->written latency per alert.
// In the inline design there is no sink thread: the engine thread calls
// write_now() with each tick's alerts and service() between rounds.
//
// The sinks are owned by the caller and must outlive the stage. A virtual
// call per alert per sink: alerts are rare, ticks never come here.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "adrmon/core/alert_sink.hpp"
#include "adrmon/core/wait_strategy.hpp"
#include "adrmon/pipeline/alert_lane.hpp"
#include "adrmon/pipeline/latency_stages.hpp"

namespace adrmon {

struct SinkSnapshot {
  std::uint64_t alerts = 0;  // alerts handed to every sink
  LatencyStages latency;     // priced_to_alert, recv_to_alert
};

class SinkStage {
 public:
  static constexpr std::int64_t kPublishEveryNs = 100'000'000;
  static constexpr std::int64_t kMaxParkNs = 20'000'000;

  // `stamp`: read the clock per alert for latency (run); replay passes false.
  SinkStage(std::vector<AlertSink*> sinks, bool stamp);

  SinkStage(const SinkStage&) = delete;
  SinkStage& operator=(const SinkStage&) = delete;

  // One alert to every sink, in order. Sink thread (or replay's one thread).
  void deliver(const Alert& alert) noexcept;
  // Every sink's flush(). Sink thread.
  void flush() noexcept;
  // Every sink's poll(now, final). Sink thread.
  void poll(bool final) noexcept;

  // The inline design, on the engine thread: one tick's alerts to every sink,
  // then every sink flushed; the latency is stamped once they are written.
  void write_now(std::span<const Alert> alerts) noexcept;
  // The inline design, on the engine thread, at least every few tens of
  // milliseconds and once more (final) at the end: what the sink thread does
  // while idle (a requested reopen, the sinks' poll, the snapshot).
  void service(bool final) noexcept;
  // The inline design, on the engine thread while idle: every sink's
  // warm() with the last alert written (AlertSink::warm).
  void warm() noexcept;

  // The sink thread's loop: until `lane` is closed and empty. Flushes when
  // the lane runs dry, polls the sinks while idle and once more (final) at
  // the end. Call once, on the sink thread.
  void run(AlertLane& lane, WaitStrategy wait);

  // Any thread (the main thread on SIGHUP): every sink reopens its output
  // (AlertSink::reopen_output) on the sink thread, at its next idle round.
  void request_reopen() noexcept { reopen_.store(true, std::memory_order_release); }

  // Any thread: the last published snapshot.
  SinkSnapshot snapshot() const;
  // Sink thread: alerts delivered so far.
  std::uint64_t delivered() const noexcept { return alerts_; }

 private:
  void publish();
  void record(const Alert& alert, std::int64_t now) noexcept;

  std::vector<AlertSink*> sinks_;
  std::int64_t next_publish_ = 0;  // service()
  Alert last_{};                   // warm(): the last alert written (a zero one at first)
  std::atomic<bool> reopen_{false};
  bool stamp_;
  std::uint64_t alerts_ = 0;
  LatencyStages latency_;
  mutable std::mutex snapshot_mutex_;
  SinkSnapshot snapshot_;
};

}  // namespace adrmon
