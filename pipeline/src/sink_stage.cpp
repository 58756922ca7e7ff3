#include "adrmon/pipeline/sink_stage.hpp"

#include <array>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/doorbell.hpp"

namespace adrmon {

namespace {
constexpr std::size_t kAlertBatch = 64;
}  // namespace

SinkStage::SinkStage(std::vector<AlertSink*> sinks, bool stamp)
    : sinks_(std::move(sinks)), stamp_(stamp) {}

void SinkStage::record(const Alert& alert, std::int64_t now) noexcept {
  latency_.recv_to_alert.record(now - alert.ts_recv);
  latency_.priced_to_alert.record(now - alert.ts_priced);
}

void SinkStage::deliver(const Alert& alert) noexcept {
  for (AlertSink* s : sinks_) s->write(alert);
  if (stamp_) record(alert, steady_ns());
  ++alerts_;
}

void SinkStage::write_now(std::span<const Alert> alerts) noexcept {
  for (const Alert& a : alerts) {
    for (AlertSink* s : sinks_) s->write(a);
  }
  flush();
  if (stamp_) {
    const std::int64_t now = steady_ns();
    for (const Alert& a : alerts) record(a, now);
  }
  alerts_ += alerts.size();
  last_ = alerts.back();
}

void SinkStage::warm() noexcept {
  for (AlertSink* s : sinks_) s->warm(last_);
}

void SinkStage::service(bool final) noexcept {
  if (reopen_.exchange(false, std::memory_order_acq_rel)) {
    for (AlertSink* s : sinks_) s->reopen_output();
  }
  poll(final);
  const std::int64_t now = steady_ns();
  if (final || now >= next_publish_) {
    publish();
    next_publish_ = now + kPublishEveryNs;
  }
}

void SinkStage::flush() noexcept {
  for (AlertSink* s : sinks_) s->flush();
}

void SinkStage::poll(bool final) noexcept {
  const std::int64_t now = steady_ns();
  for (AlertSink* s : sinks_) s->poll(now, final);
}

void SinkStage::run(AlertLane& lane, WaitStrategy wait) {
  Idler idler(wait, lane.bell);
  std::array<Alert, kAlertBatch> batch;
  std::int64_t next_publish = steady_ns() + kPublishEveryNs;
  bool dirty = false;
  for (;;) {
    // Read before popping: a close after this is seen next round, so the
    // last alerts pushed before the close are always popped.
    const bool done = lane.closed.load(std::memory_order_acquire);
    const std::size_t n = lane.queue.try_pop_bulk(batch.data(), batch.size());
    for (std::size_t i = 0; i < n; ++i) deliver(batch[i]);
    if (n > 0) {
      dirty = true;
      idler.reset();
      continue;
    }
    if (dirty) {  // the lane ran dry: put everything on disk/screen now
      flush();
      dirty = false;
    }
    if (reopen_.exchange(false, std::memory_order_acq_rel)) {
      for (AlertSink* s : sinks_) s->reopen_output();
    }
    poll(done);
    if (done || steady_ns() >= next_publish) {
      publish();
      next_publish = steady_ns() + kPublishEveryNs;
    }
    if (done) break;
    idler.idle(
        [&] { return lane.queue.size_approx() > 0 || lane.closed.load(std::memory_order_relaxed); },
        kMaxParkNs);
  }
}

void SinkStage::publish() {
  std::lock_guard lock(snapshot_mutex_);
  snapshot_.alerts = alerts_;
  snapshot_.latency.recv_to_alert = latency_.recv_to_alert;
  snapshot_.latency.priced_to_alert = latency_.priced_to_alert;
}

SinkSnapshot SinkStage::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

}  // namespace adrmon
