// AlertSink: one output of alerts (the JSON Lines log, stdout, the webhook,
// the dashboard). The pipeline's SinkStage owns none of them: it holds
// AlertSink& and calls them on the sink thread, in this order per alert, so
// one virtual call per alert per sink (alerts are rare; ticks never reach
// here). A slow output (network) must not block write(): it keeps its own
// bounded queue and worker, and counts what it drops.
#pragma once

#include <cstdint>

#include "adrmon/core/alert.hpp"

namespace adrmon {

class AlertSink {
 public:
  virtual ~AlertSink() = default;

  // Sink thread. One alert, stamped with ts_priced. Never throws.
  virtual void write(const Alert& alert) noexcept = 0;

  // Sink thread. The alert queue ran dry: put everything buffered out now.
  virtual void flush() noexcept {}

  // Sink thread, when idle (at least every few tens of milliseconds) and
  // once more with `final` set after the last alert: a place for rate-limited
  // problem reports. `now_ns` is the steady clock.
  virtual void poll(std::int64_t now_ns, bool final) noexcept {
    (void)now_ns;
    (void) final;
  }

  // The inline design, on the engine thread in quiet rounds (at most every
  // 250 us, between ticks too): run what write(sample) runs, without
  // writing or counting anything, so the next alert finds its code, tables
  // and kernel paths in cache rather than in memory. Optional.
  virtual void warm(const Alert& sample) noexcept { (void)sample; }

  // Sink thread, after a SIGHUP: reopen the output by name (logrotate moved
  // the file). Says what it did through its own Log. No-op for outputs that
  // are not files.
  virtual void reopen_output() noexcept {}
};

}  // namespace adrmon
