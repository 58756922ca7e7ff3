// `adrmon alerts`: what a trader or a downstream system runs to read alerts
// from the bus (issue 12): the alerts stream from its start, in stream
// order, as readable lines (default) or the JSON lines themselves.
#pragma once

#include <string>

namespace adrmon {

struct AlertsOptions {
  std::string bus;      // "nats://h:p[,...]"; overrides the config's [bus] url
  std::string config;   // optional: [bus] (login, TLS, stream names)
  std::string since;    // only alerts with ts >= T (integer ns or RFC 3339); empty: all
  bool follow = false;  // after catching up, wait for new alerts until SIGINT/SIGTERM
  bool json = false;    // print the JSON lines as stored
};

// Returns 0, or throws on start-up errors (options, config, the bus).
int run_alerts(const AlertsOptions& options);

}  // namespace adrmon
