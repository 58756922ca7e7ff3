// AlertLane: the hop from the engine stage to the sink stage: a bounded SPSC
// queue of stamped alerts and the sink thread's doorbell. The engine pushes
// and rings once per batch; the sink pops in bulk and parks when it is dry.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/doorbell.hpp"
#include "adrmon/core/spsc_queue.hpp"

namespace adrmon {

struct AlertLane {
  // Allocates the queue once. Cold path.
  explicit AlertLane(std::size_t capacity) : queue(capacity) {}

  SpscQueue<Alert> queue;
  Doorbell bell;                    // rung by the engine after pushing, and when it is done
  std::atomic<bool> closed{false};  // the engine is done: nothing more will be pushed
};

}  // namespace adrmon
