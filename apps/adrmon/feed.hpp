// `adrmon feed`: a feed handler on the bus (issue 12). It reads its sources
// exactly as `adrmon run` does (the same specs, parsers and counters) and
// publishes every accepted record, in the order each source accepted it,
// to adrmon.ticks.<US|HK|FX>.<symbol> of the ticks stream (bus/).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace adrmon {

struct FeedOptions {
  std::string config;
  std::string bus;                   // "nats://h:p[,nats://h:p...]": overrides [bus] url
  std::vector<std::string> sources;  // specs as for `adrmon run --source`
  bool exit_when_done = false;       // end once every source has ended (files)
  std::size_t window = 16384;        // publishes awaiting their ack at most
  std::string name;                  // Msg-Id prefix instead of each source's name
  bool quiet = false;
};

// Returns 0 when every accepted record was acked, 1 when some were lost or
// still unacked at exit. Throws on start-up errors (config, specs, the bus).
int run_feed(const FeedOptions& options);

}  // namespace adrmon
