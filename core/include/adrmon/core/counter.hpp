// Counter: a statistic with one writer thread and any number of readers.
// The writer adds with a plain load + store (no locked instruction), readers
// see a recent value; relaxed ordering is enough for statistics.
#pragma once

#include <atomic>
#include <cstdint>

namespace adrmon {

class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void set(std::uint64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace adrmon
