// The dashboard's statistics, behind Dashboard::counts() and /metrics.
//
// Every counter has exactly one writer thread, so each is a core Counter
// (plain load + store, no locked instruction): the dashboard thread writes
// all of them except alerts_offered and alerts_dropped, which only the one
// producer thread calling Dashboard::offer() writes. No counter here is
// written by two threads, so none needs fetch_add. The connection counts
// live in ConnectionLimits (listener.hpp), written by the dashboard thread.
// Any thread may read.
#pragma once

#include "adrmon/core/counter.hpp"

namespace adrmon::dashboard {

struct DashboardCounters {
  // Dashboard thread.
  Counter http_requests, unauthorized, forbidden_host;
  Counter ws_connects, ws_clients, ws_messages, ws_bytes;
  Counter pair_updates_dropped, ws_disconnected_slow, ws_refused;
  Counter max_client_queued_bytes;  // a high-water mark: set(), not add()
  // The producer thread (offer()).
  Counter alerts_offered, alerts_dropped;
};

}  // namespace adrmon::dashboard
