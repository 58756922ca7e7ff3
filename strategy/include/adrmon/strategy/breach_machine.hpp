// BreachMachine: the open/closed state of one (pair, side), stepped at every
// evaluation of the pair in event time.
//
// closed -> open  when the gate holds and edge >= enter_bps at this evaluation
//                 and at every evaluation since a time s with t - s >= min_persist;
//                 an evaluation with the gate failed or edge < enter_bps restarts the wait.
// open -> closed  gate fails: the gate's reason (session, halted, stale, suspect);
//                 else edge < exit_bps: "reverted".
// Header-only and branch-light: the engine steps two per pair per evaluation.
#pragma once

#include <cstdint>
#include <limits>

namespace adrmon {

enum class Transition : std::uint8_t { None = 0, Open, CloseGate, CloseReverted };

class BreachMachine {
 public:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();

  // One evaluation at event time t against this side's own bars (the engine
  // passes Thresholds::enter_for/exit_for of the side). `edge_bps` is read
  // only when gate is true. No allocation; the engine thread.
  Transition step(bool gate, double edge_bps, std::int64_t t, double enter_bps, double exit_bps,
                  std::int64_t min_persist_ns) noexcept {
    if (open_) {
      if (!gate) return close(Transition::CloseGate);
      if (edge_bps < exit_bps) return close(Transition::CloseReverted);
      if (edge_bps > peak_edge_bps_) peak_edge_bps_ = edge_bps;
      return Transition::None;
    }
    if (!gate || !(edge_bps >= enter_bps)) {
      since_ = kNever;
      return Transition::None;
    }
    if (since_ == kNever) since_ = t;
    if (t - since_ < min_persist_ns) return Transition::None;
    open_ = true;
    open_ts_ = t;
    peak_edge_bps_ = edge_bps;
    since_ = kNever;
    return Transition::Open;
  }

  bool is_open() const noexcept { return open_; }
  std::int64_t open_ts() const noexcept { return open_ts_; }
  double peak_edge_bps() const noexcept { return peak_edge_bps_; }
  // Start of the current run of qualifying evaluations, or kNever.
  std::int64_t waiting_since() const noexcept { return since_; }

 private:
  Transition close(Transition why) noexcept {
    open_ = false;
    since_ = kNever;
    return why;
  }

  std::int64_t since_ = kNever;
  std::int64_t open_ts_ = 0;
  double peak_edge_bps_ = 0;
  bool open_ = false;
};

}  // namespace adrmon
