// PairBoard: the latest PairView of every pair, published by the engine
// thread a few times a second and read by the dashboard thread. One mutex,
// held for a copy of a few KB, ten times a second: never on the tick path.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "adrmon/strategy/pair_view.hpp"

namespace adrmon {

class PairBoard {
 public:
  // Engine thread: replaces the views (same size every time). Cold path.
  void publish(const std::vector<PairView>& views) {
    std::lock_guard lock(mutex_);
    views_ = views;
    ++version_;
  }
  // Any thread: copies the views into `out` and returns their version
  // (0 before the first publish). Allocates only when `out` must grow.
  std::uint64_t read(std::vector<PairView>& out) const {
    std::lock_guard lock(mutex_);
    out = views_;
    return version_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<PairView> views_;
  std::uint64_t version_ = 0;
};

}  // namespace adrmon
