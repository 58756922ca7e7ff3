// PullFetch: one pull at a time from a JetStream pull consumer, shaped so
// that Debian 12's cnats 3.4.1 cannot overrun its own message array.
//
// The cnats bug (fixed upstream in nats-io/nats.c#749, "heap buffer overflow
// in _fetch", after 3.4.1): a Fetch that finds messages already queued on
// the subscription takes them first, asks the server for `batch - taken`
// more, and then waits until its count equals that smaller number. When it
// took more than half its batch from the queue the count never equals it,
// and every further message is written past the end of the batch-sized
// array. Messages are queued like that when an earlier waiting pull ended
// on the client's clock while the server was still sending (a loaded box).
// The engine aborted in natsMsgList_Destroy ("double free") in 2 of 12
// three-shard runs.
//
// So no pull here may leave more than one message behind:
// - a busy pull asks for up to `batch` with no_wait: the server answers at
//   once with what it has and ends the request with a status;
// - only when the consumer had nothing does a waiting pull follow, for ONE
//   message, expiring after wait_ms: a late answer leaves at most that one.
// And a busy pull's batch is at least twice what is already queued plus
// one, so even a queue that grew anyway is taken whole or safely.
#pragma once

#include <nats/nats.h>

#include <algorithm>
#include <cstdint>

namespace adrmon::bus {

class PullFetch {
 public:
  PullFetch(natsSubscription* sub, int batch) : sub_(sub), batch_(batch) {}

  // NATS_OK with list.Count > 0: messages to handle, then natsMsgList_Destroy.
  // NATS_TIMEOUT: nothing came within wait_ms. Any other status is an error
  // of the connection or the consumer, for the caller to judge. Blocks at
  // most about wait_ms (a busy pull's answer comes at once).
  natsStatus next(natsMsgList& list, int wait_ms) {
    if (!idle_ || queued() > 0) {
      const natsStatus s = pull(list, /*wait=*/false, wait_ms);
      if (s == NATS_OK && list.Count > 0) return NATS_OK;
      natsMsgList_Destroy(&list);
      if (!nothing(s)) return s;
      idle_ = true;  // caught up: wait for the next message
    }
    const natsStatus s = pull(list, /*wait=*/true, wait_ms);
    if (s == NATS_OK && list.Count > 0) {
      idle_ = false;  // traffic again: the next pull takes whatever is there
      return NATS_OK;
    }
    natsMsgList_Destroy(&list);
    return nothing(s) ? NATS_TIMEOUT : s;
  }

 private:
  // What a pull that found no message returns: 404 (no_wait, empty), 408 or
  // the client's own timeout (a waiting pull expired).
  static bool nothing(natsStatus s) {
    return s == NATS_OK || s == NATS_NOT_FOUND || s == NATS_TIMEOUT;
  }

  // Messages (and statuses) already on the subscription's queue.
  int queued() const {
    int msgs = 0;
    int bytes = 0;
    return natsSubscription_GetPending(sub_, &msgs, &bytes) == NATS_OK ? msgs : 0;
  }

  natsStatus pull(natsMsgList& list, bool wait, int wait_ms) {
    jsFetchRequest req;
    jsFetchRequest_Init(&req);
    req.Batch = wait ? 1 : std::max(batch_, 2 * queued() + 1);
    req.NoWait = !wait;
    // A no_wait answer is immediate; its expiry only bounds an answer lost
    // with a server that went away (cnats needs one either way).
    req.Expires = static_cast<std::int64_t>(wait ? wait_ms : 5 * wait_ms) * 1'000'000;
    return natsSubscription_FetchRequest(&list, sub_, &req);
  }

  natsSubscription* sub_;
  int batch_;
  bool idle_ = false;
};

}  // namespace adrmon::bus
