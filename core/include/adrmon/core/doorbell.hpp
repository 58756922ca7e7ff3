// Doorbell and Idler: how a consumer thread waits for work without a lock on
// the producers' path.
//
// Producers push into their lock-free queues, then ring() once per batch: a
// fence and one relaxed load while the consumer is awake; a futex wake only
// when it is parked. The consumer's Idler escalates per WaitStrategy: spin
// (pause), then yield, then (Block) park on the futex with a timeout, so an
// idle daemon costs no CPU and wakes within microseconds of new data.
// The fences pair up Dekker-style: the producer publishes data then reads
// `sleeping_`; the consumer publishes `sleeping_` then re-checks for data;
// at least one of the two sees the other, so no wake-up is lost.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <ctime>
#include <thread>

#include "adrmon/core/wait_strategy.hpp"

namespace adrmon {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

class Doorbell {
 public:
  // After publishing a batch. Any producer thread; no allocation, no lock.
  void ring() noexcept {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_relaxed) != 0) {
      epoch_.fetch_add(1, std::memory_order_release);
      syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&epoch_), FUTEX_WAKE_PRIVATE, 1, nullptr,
              nullptr, 0);
    }
  }

  // Parks the consumer until rung or `timeout_ns` passes, unless has_work()
  // (checked after announcing the sleep) says there is work. Consumer only.
  template <class HasWork>
  void park(HasWork&& has_work, std::int64_t timeout_ns) noexcept {
    sleeping_.store(1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const std::uint32_t seen = epoch_.load(std::memory_order_acquire);
    if (!has_work()) {
      timespec ts{static_cast<time_t>(timeout_ns / 1'000'000'000),
                  static_cast<long>(timeout_ns % 1'000'000'000)};
      syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&epoch_), FUTEX_WAIT_PRIVATE, seen, &ts,
              nullptr, 0);
    }
    sleeping_.store(0, std::memory_order_relaxed);
  }

 private:
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  alignas(64) std::atomic<std::uint32_t> epoch_{0};
  alignas(64) std::atomic<std::uint32_t> sleeping_{0};
};

// The consumer's back-off between empty polls. Reset it whenever work arrives.
class Idler {
 public:
  Idler(WaitStrategy strategy, Doorbell& bell) noexcept : strategy_(strategy), bell_(bell) {}

  void reset() noexcept { idle_polls_ = 0; }

  // One idle step; `has_work` is re-checked before parking. Parks at most
  // `max_park_ns` so the caller can do periodic work.
  template <class HasWork>
  void idle(HasWork&& has_work, std::int64_t max_park_ns) noexcept {
    ++idle_polls_;
    if (strategy_ == WaitStrategy::Spin || idle_polls_ < kSpinPolls) {
      cpu_relax();
    } else if (strategy_ == WaitStrategy::Yield || idle_polls_ < kSpinPolls + kYieldPolls) {
      std::this_thread::yield();
    } else {
      bell_.park(has_work, max_park_ns);
    }
  }

 private:
  static constexpr std::uint32_t kSpinPolls = 256;
  static constexpr std::uint32_t kYieldPolls = 64;
  WaitStrategy strategy_;
  Doorbell& bell_;
  std::uint32_t idle_polls_ = 0;
};

}  // namespace adrmon
