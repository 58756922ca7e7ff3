// PolledInput: an input the engine thread reads itself in the inline (run to
// completion) design of `adrmon run` (docs/ARCHITECTURE.md, "Threads"): no
// feed thread and no wake-up between the socket and the pricing. The engine
// calls poll() once per round, each call reading whatever waits (up to a
// batch) into the input's TickChannel, which the engine pops in the same
// round. A virtual call per round, never per tick.
#pragma once

#include <cstddef>

namespace adrmon {

class PolledInput {
 public:
  virtual ~PolledInput() = default;

  // Reads what is waiting now into the input's channel; never blocks.
  // Returns how many reads (datagrams) it took, 0 when none. Once a stop is
  // requested it ends the input instead (last counts, channel closed).
  // Engine thread only.
  virtual std::size_t poll() noexcept = 0;

  // A descriptor that turns readable when poll() has work: what the engine
  // sleeps on in poll(2) when every input has been quiet for a while; -1
  // for an input that never waits (replayed files: poll() reads until the
  // end).
  virtual int wait_fd() const noexcept = 0;

  // The input is over (its end reached, or stopped) and its channel
  // closed: poll() reads nothing more.
  virtual bool done() const noexcept = 0;
};

}  // namespace adrmon
