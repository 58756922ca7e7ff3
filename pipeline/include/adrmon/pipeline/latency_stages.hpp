// LatencyStages: steady-clock latency of each hop a tick or an alert takes
// through `adrmon run`, as histograms (no allocation per record). The engine
// stage records the first three per tick, the sink stage the last two per
// alert; each copy has one writer thread and is copied out under a mutex for
// reports.
#pragma once

#include "adrmon/core/latency_histogram.hpp"

namespace adrmon {

struct LatencyStages {
  LatencyHistogram recv_to_parsed;    // bytes in hand -> Tick (feed thread)
  LatencyHistogram parsed_to_priced;  // queue hop + engine
  LatencyHistogram recv_to_priced;    // per tick, end to end through the engine
  LatencyHistogram priced_to_alert;   // alert queue hop + formatting and write
  LatencyHistogram recv_to_alert;     // per alert, end to end
};

}  // namespace adrmon
