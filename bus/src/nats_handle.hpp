// The cnats pieces the bus files share (private to bus/src): one connection
// with its JetStream context built from [bus], the stream set-up, and
// status-to-text. Only bus/src includes <nats/nats.h>.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/log.hpp"

namespace adrmon::bus {

// A start-up failure of the bus: "bus: WHAT: why".
class BusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "STATUS_TEXT (last error text)".
std::string status_text(natsStatus s);

// One connection and its JetStream context. Connects at construction
// (throws BusError naming the servers, never the secrets), reconnects
// forever afterwards (cnats buffers what is published meanwhile).
// js_options.PublishAsync is filled by the caller before it connects.
class NatsHandle {
 public:
  NatsHandle(const BusConfig& bus, const std::string& client_name, jsOptions* js_options, Log& log);
  ~NatsHandle();
  NatsHandle(const NatsHandle&) = delete;
  NatsHandle& operator=(const NatsHandle&) = delete;

  natsConnection* nc() const noexcept { return nc_; }
  jsCtx* js() const noexcept { return js_; }

  // Creates stream `name` over `subjects` with the [bus] limits unless it
  // exists (then it is used as it is). Throws BusError.
  void ensure_stream(const std::string& name, const char* subjects, const BusConfig& bus);

  // Closes the connection and waits (at most 5 s) until cnats' callback
  // thread is done with it; then no callback (acks included) runs any more.
  // Idempotent; the destructor calls it. The owner's thread.
  void close() noexcept;

  // Reconnects seen so far (any thread).
  std::uint64_t reconnects() const noexcept;

 private:
  natsOptions* opts_ = nullptr;
  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
  Log& log_;
  std::string servers_;
  void* events_ = nullptr;  // the connection callbacks' record (bus_connection.cpp)
};

}  // namespace adrmon::bus
