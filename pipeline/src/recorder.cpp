// TickRecorder's thread: pop in bulk -> write(batch); flush once a second
// while something is buffered; on stop, drain to empty and flush.
#include "adrmon/pipeline/recorder.hpp"

#include <array>
#include <chrono>

#include "adrmon/core/clock.hpp"

namespace adrmon {

TickRecorder::TickRecorder(std::size_t capacity, Write write, Flush flush)
    : queue_(capacity), write_(std::move(write)), flush_(std::move(flush)) {
  thread_ = std::thread([this] { loop(); });
}

TickRecorder::~TickRecorder() {
  stop();
}

void TickRecorder::stop() {
  stopping_.store(true, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
}

void TickRecorder::loop() {
  constexpr std::int64_t kFlushEveryNs = 1'000'000'000;
  std::array<Tick, 1024> batch;
  bool buffered = false;
  std::int64_t last_flush = steady_ns();
  for (;;) {
    // Read the flag before popping: a stop after the last record() is seen
    // with every tick already in the queue.
    const bool stopping = stopping_.load(std::memory_order_acquire);
    const std::size_t n = queue_.try_pop_bulk(batch.data(), batch.size());
    if (n > 0) {
      write_(std::span<const Tick>(batch.data(), n));
      written_.add(n);
      buffered = true;
    }
    const std::int64_t now = steady_ns();
    if (buffered && now - last_flush >= kFlushEveryNs) {
      flush_();
      buffered = false;
      last_flush = now;
    }
    if (n > 0) continue;
    if (stopping) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  flush_();
}

}  // namespace adrmon
