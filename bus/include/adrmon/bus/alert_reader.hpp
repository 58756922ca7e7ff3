// AlertReader: what `adrmon alerts` reads: the alerts stream from its first
// message, in stream order, through an ephemeral pull consumer. Without
// follow it ends once it has caught up with what the stream held when it
// started; with follow it then waits for new alerts until stopped.
#pragma once

#include <atomic>
#include <functional>
#include <string_view>

#include "adrmon/core/config.hpp"
#include "adrmon/core/log.hpp"

namespace adrmon::bus {

struct AlertReadOptions {
  bool follow = false;
  const std::atomic<bool>* stop = nullptr;  // follow: ends when it turns true (polled, 200 ms)
};

// Calls on_alert(json) for every alert message (its JSON line, no newline),
// on the calling thread; returns how many. Throws std::runtime_error
// ("bus: ...") when the bus or the stream cannot be reached. Allocates.
std::uint64_t read_alerts(const BusConfig& bus, const AlertReadOptions& options, Log& log,
                          const std::function<void(std::string_view)>& on_alert);

}  // namespace adrmon::bus
