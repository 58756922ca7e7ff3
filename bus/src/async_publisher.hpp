// AsyncPublisher (private to bus/src): js_PublishMsgAsync with cnats' own
// bounded window (PublishAsync.MaxPending); the ack callback (a cnats
// thread) only counts and hands failed messages back to the publishing
// thread, which re-sends them. When acks stop (a server died, a leader
// moved) the publishing thread takes back every unacked message
// (js_PublishAsyncGetPendingList) and re-sends it with its Msg-Id;
// JetStream de-duplicates what it had stored. The ticks of `adrmon feed`
// and the alerts of `adrmon run` both go through it. Every method but the
// ack callback: the one publishing thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/bus/tick_publisher.hpp"
#include "adrmon/core/clock.hpp"
#include "nats_handle.hpp"

namespace adrmon::bus {

inline constexpr const char* kAttemptHeader = "Adrmon-Attempt";

class AsyncPublisher {
 public:
  AsyncPublisher(const BusConfig& bus, const std::string& stream, const char* subjects, Log& log_,
                 const PublisherOptions& o)
      : options(o), log(log_), handle(bus, o.client_name, init_js_options(), log_) {
    handle.ensure_stream(stream, subjects, bus);
    last_progress_ns = steady_ns();
  }
  ~AsyncPublisher() {
    handle.close();  // first: no ack callback may touch the members below after this
    std::lock_guard lock(failed_mutex);
    for (const Retry& r : failed) natsMsg_Destroy(r.msg);
    failed.clear();
  }

  // Takes `m` (with its Nats-Msg-Id header) and sends it; counted in published.
  void publish(natsMsg* m) {
    published.fetch_add(1, std::memory_order_relaxed);
    send(m);
  }
  void count_lost_unsent() {
    published.fetch_add(1, std::memory_order_relaxed);
    lost.fetch_add(1, std::memory_order_relaxed);
  }

  // Waits for every ack up to `limit`, re-sending; what is unacked then is lost.
  void finish(std::chrono::milliseconds limit) {
    const std::int64_t end = steady_ns() + limit.count() * 1'000'000;
    while (pending_now() > 0 && steady_ns() < end) {
      jsPubOptions o;
      jsPubOptions_Init(&o);
      o.MaxWait = 100;
      if (js_PublishAsyncComplete(handle.js(), &o) == NATS_OK && pending_now() > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // only backoffs left
      }
      poll();
    }
    {  // still waiting for a re-send: lost
      std::lock_guard lock(failed_mutex);
      for (const Retry& r : failed) natsMsg_Destroy(r.msg);
      lost.fetch_add(failed.size(), std::memory_order_relaxed);
      failed.clear();
    }
    // Only with something pending: cnats 3.4's GetPendingList dereferences its
    // pending map, which exists only after a first async publish.
    natsMsgList list{};
    if (pending_now() > 0 && js_PublishAsyncGetPendingList(&list, handle.js()) == NATS_OK) {
      lost.fetch_add(static_cast<std::uint64_t>(list.Count), std::memory_order_relaxed);
      natsMsgList_Destroy(&list);
    }
  }

  PublishCounts counts() const {
    PublishCounts c;
    c.published = published.load(std::memory_order_relaxed);
    c.acked = acked.load(std::memory_order_relaxed);
    c.duplicates = duplicates.load(std::memory_order_relaxed);
    c.retried = retried.load(std::memory_order_relaxed);
    c.lost = lost.load(std::memory_order_relaxed);
    c.stalls = stalls.load(std::memory_order_relaxed);
    c.pending = pending_now();
    c.reconnects = handle.reconnects();
    return c;
  }

  jsOptions* init_js_options() {
    jsOptions_Init(&js_options);
    js_options.PublishAsync.MaxPending = static_cast<int64_t>(options.window);
    js_options.PublishAsync.AckHandler = &AsyncPublisher::on_ack;
    js_options.PublishAsync.AckHandlerClosure = this;
    js_options.PublishAsync.StallWait = 50;
    return &js_options;
  }

  // cnats' thread: one ack or error. The message is ours to keep or destroy.
  static void on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
    auto* self = static_cast<AsyncPublisher*>(closure);
    if (pae == nullptr) {
      self->acked.fetch_add(1, std::memory_order_relaxed);
      if (pa != nullptr && pa->Duplicate) self->duplicates.fetch_add(1, std::memory_order_relaxed);
      natsMsg_Destroy(msg);
      return;
    }
    // No responders while a stream leader is elected fail at once: each
    // re-send waits a little longer (25 ms doubling to 1 s), so a failover
    // of a few seconds costs retries, not messages.
    const int attempts = self->attempts_of(msg);
    const std::int64_t backoff_ms = std::min<std::int64_t>(25LL << std::min(attempts, 6), 1000);
    std::lock_guard lock(self->failed_mutex);
    self->failed.push_back({msg, steady_ns() + backoff_ms * 1'000'000});
  }

  int attempts_of(natsMsg* m) {
    const char* value = nullptr;
    if (natsMsgHeader_Get(m, kAttemptHeader, &value) != NATS_OK || value == nullptr) return 1;
    return std::atoi(value);
  }

  // Sends `m` again (taking it), or counts it lost after max_attempts.
  void resend(natsMsg* m) {
    const int attempts = attempts_of(m);
    if (attempts >= options.max_attempts) {
      lost.fetch_add(1, std::memory_order_relaxed);
      natsMsg_Destroy(m);
      return;
    }
    const std::string next = std::to_string(attempts + 1);
    natsMsgHeader_Set(m, kAttemptHeader, next.c_str());
    retried.fetch_add(1, std::memory_order_relaxed);
    send(m);
  }

  // js_PublishMsgAsync until it takes the message (it stalls while the
  // window is full). On a persistent failure the message is lost.
  void send(natsMsg* m) {
    for (int i = 0; i < 200; ++i) {
      const natsStatus s = js_PublishMsgAsync(handle.js(), &m, nullptr);
      if (s == NATS_OK) return;
      stalls.fetch_add(1, std::memory_order_relaxed);
      if (s != NATS_TIMEOUT) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    lost.fetch_add(1, std::memory_order_relaxed);
    natsMsg_Destroy(m);
  }

  // Re-sends the failed messages whose backoff has passed (all with `all`).
  void drain_failed(bool all = false) {
    std::vector<natsMsg*> due;
    {
      const std::int64_t now = steady_ns();
      std::lock_guard lock(failed_mutex);
      std::erase_if(failed, [&](const Retry& r) {
        if (!all && r.due_ns > now) return false;
        due.push_back(r.msg);
        return true;
      });
    }
    for (natsMsg* m : due) resend(m);
  }

  std::uint64_t pending_now() const {
    const std::uint64_t done =
        acked.load(std::memory_order_relaxed) + lost.load(std::memory_order_relaxed);
    const std::uint64_t p = published.load(std::memory_order_relaxed);
    return p > done ? p - done : 0;
  }

  void poll() {
    drain_failed();
    const std::uint64_t a = acked.load(std::memory_order_relaxed);
    const std::int64_t now = steady_ns();
    if (a != last_acked || pending_now() == 0) {
      last_acked = a;
      last_progress_ns = now;
      return;
    }
    if (now - last_progress_ns < options.ack_timeout.count() * 1'000'000) return;
    // No ack for ack_timeout: take every unacked message back and send it again.
    natsMsgList list{};  // pending_now() > 0 here: a publish happened, the map exists
    if (js_PublishAsyncGetPendingList(&list, handle.js()) == NATS_OK) {
      log.write(LogLevel::Warning, "bus",
                "no acks for " + std::to_string(options.ack_timeout.count()) + " ms; re-sending " +
                    std::to_string(list.Count) + " unacked message(s) with their Msg-Ids");
      for (int i = 0; i < list.Count; ++i) {
        natsMsg* m = list.Msgs[i];
        list.Msgs[i] = nullptr;
        resend(m);
      }
      natsMsgList_Destroy(&list);
    }
    last_progress_ns = steady_ns();
  }

  PublisherOptions options;
  Log& log;
  jsOptions js_options{};
  NatsHandle handle;
  std::atomic<std::uint64_t> published{0}, acked{0}, duplicates{0}, retried{0}, lost{0}, stalls{0};
  std::mutex failed_mutex;
  struct Retry {
    natsMsg* msg;
    std::int64_t due_ns;  // steady clock: not re-sent before
  };
  std::vector<Retry> failed;     // guarded by failed_mutex
  std::uint64_t last_acked = 0;  // publishing thread
  std::int64_t last_progress_ns = 0;
};

}  // namespace adrmon::bus
