// TickRecorder: hands every tick the engine prices to a writer thread, in
// engine order, so `adrmon run --record` can write a capture without
// compressing or writing on the engine's hot path.
//
// Data flow: EngineStage::run -> record(batch) (engine thread: one
// try_push per tick into a pre-sized SpscQueue<Tick>; a full queue drops
// the tick and counts it, the engine never waits) -> the recorder's thread
// pops in bulk and calls `write` with each batch, and `flush` once a second
// while ticks are buffered (so a crash loses at most about a second) and at
// stop(). The thread polls every millisecond when the queue is empty: no
// doorbell, so the engine never pays for a wake-up.
//
// The writer is a callback because pipeline does not know capture formats
// (feeds/capture.hpp); the app binds it to a CaptureWriter.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <thread>

#include "adrmon/core/counter.hpp"
#include "adrmon/core/spsc_queue.hpp"
#include "adrmon/core/tick.hpp"

namespace adrmon {

class TickRecorder {
 public:
  // Called on the recorder's thread: a batch of ticks in engine order; false
  // once writing failed (every later tick is then counted as lost there).
  using Write = std::function<bool(std::span<const Tick>)>;
  using Flush = std::function<void()>;

  // Pre-sizes the queue (`capacity` ticks; allocates once) and starts the
  // thread. Cold path.
  TickRecorder(std::size_t capacity, Write write, Flush flush);
  ~TickRecorder();  // stop()
  TickRecorder(const TickRecorder&) = delete;
  TickRecorder& operator=(const TickRecorder&) = delete;

  // Engine thread only: queues `n` ticks. No allocation, lock, syscall or
  // exception; a tick that finds the queue full is dropped and counted.
  void record(const Tick* ticks, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
      if (!queue_.try_push(ticks[i])) [[unlikely]]
        dropped_.add();
    }
  }

  // After the last record(): writes everything queued, flushes, joins the
  // thread. Idempotent. Any thread but the engine's while it still records.
  void stop();

  std::uint64_t dropped() const noexcept { return dropped_.get(); }  // any thread
  std::uint64_t written() const noexcept { return written_.get(); }  // handed to write

 private:
  void loop();

  SpscQueue<Tick> queue_;
  Write write_;
  Flush flush_;
  Counter dropped_;
  Counter written_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace adrmon
