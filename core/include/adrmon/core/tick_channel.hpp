// TickChannel: one feed thread's lane into the engine: a bounded SPSC queue
// of Ticks, the engine's doorbell, and the counters both sides publish.
//
// Overflow policy is per source: files apply backpressure (wait, never drop);
// network sources drop and count, because blocking a UDP reader only moves
// the loss into the kernel where nobody counts it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "adrmon/core/doorbell.hpp"
#include "adrmon/core/spsc_queue.hpp"
#include "adrmon/core/tick.hpp"

namespace adrmon {

enum class Overflow : std::uint8_t { Backpressure, DropNewest };

class TickChannel {
 public:
  TickChannel(std::string name, std::size_t capacity, Overflow policy, Doorbell& bell)
      : name_(std::move(name)), queue_(capacity), policy_(policy), bell_(bell) {}

  // Producer: queue one tick under the overflow policy. Returns false only
  // when dropped (DropNewest and full). A Backpressure wait does not give up
  // on shutdown: the engine drains every channel until it is closed, so the
  // wait ends and the tick is priced (SIGTERM loses nothing already read).
  bool push(const Tick& tick) noexcept {
    if (queue_.try_push(tick)) [[likely]] {
      return true;
    }
    if (policy_ == Overflow::DropNewest) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    full_waits_.fetch_add(1, std::memory_order_relaxed);
    bell_.ring();
    for (std::uint32_t spins = 0; !queue_.try_push(tick); ++spins) {
      if (spins < 64) {
        cpu_relax();
      } else {
        std::this_thread::yield();
      }
    }
    return true;
  }

  // Producer: after a batch of pushes, wake the engine if it sleeps.
  void ring() noexcept { bell_.ring(); }

  // Producer: no more ticks will come (end of file, shutdown).
  void close() noexcept {
    closed_.store(true, std::memory_order_release);
    bell_.ring();
  }

  // Consumer side.
  std::size_t pop_bulk(Tick* out, std::size_t max) noexcept {
    return queue_.try_pop_bulk(out, max);
  }
  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
  bool empty() const noexcept { return queue_.size_approx() == 0; }

  const std::string& name() const noexcept { return name_; }
  std::size_t depth() const noexcept { return queue_.size_approx(); }
  // How many ticks fit before a push waits (or drops).
  std::size_t capacity() const noexcept { return queue_.capacity(); }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t full_waits() const noexcept { return full_waits_.load(std::memory_order_relaxed); }

 private:
  std::string name_;
  SpscQueue<Tick> queue_;
  Overflow policy_;
  Doorbell& bell_;
  std::atomic<bool> closed_{false};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> full_waits_{0};
};

}  // namespace adrmon
