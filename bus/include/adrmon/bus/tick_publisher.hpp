// TickPublisher: the feed handler's side of the bus. Each accepted Tick goes
// to adrmon.ticks.<venue>.<symbol> of the ticks stream as its 80-byte record
// (tick_wire.hpp) with a Nats-Msg-Id, asynchronously: at most `window`
// publishes wait for their JetStream ack at once. Nothing is dropped
// silently: a publish that fails or is not acked in time is re-sent with the
// same Msg-Id (JetStream drops the copy it already stored, within the
// stream's duplicate window), and what is still unacked when the feed ends
// is counted lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adrmon/bus/tick_wire.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/core/log.hpp"

namespace adrmon::bus {

// What the publisher has done; readable from any thread at any time.
// When pending is 0: published = acked + lost.
struct PublishCounts {
  std::uint64_t published = 0;   // distinct messages handed to the bus
  std::uint64_t acked = 0;       // of them, stored by JetStream (acked)
  std::uint64_t duplicates = 0;  // acks that said "already stored" (a re-send's first copy landed)
  std::uint64_t retried = 0;     // re-sends (failed, or unacked past the stall timeout)
  std::uint64_t lost = 0;        // given up: never acked
  std::uint64_t pending = 0;     // published, neither acked nor lost yet
  std::uint64_t stalls = 0;      // publishes that waited because `window` were in flight
  std::uint64_t reconnects = 0;
};

struct PublisherOptions {
  std::size_t window = 16384;                   // publishes in flight at most
  std::chrono::milliseconds ack_timeout{2000};  // no ack progress this long: re-send the unacked
  int max_attempts = 60;                        // sends per message before it is lost (~1 min)
  std::string client_name = "adrmon feed";
};

class AsyncPublisher;  // bus/src/async_publisher.hpp

class TickPublisher {
 public:
  // Connects to bus.urls and creates bus.ticks_stream when missing. Throws
  // BusError-like std::runtime_error ("bus: ...") on failure. Cold path.
  TickPublisher(const BusConfig& bus, Log& log, const PublisherOptions& options);
  ~TickPublisher();
  TickPublisher(const TickPublisher&) = delete;
  TickPublisher& operator=(const TickPublisher&) = delete;

  // Publishes one tick. Allocates (cnats builds a message per publish);
  // waits while `window` publishes are in flight (counted in stalls). One
  // thread only (the feed's publishing thread). Never throws.
  void publish(const Tick& tick, WireVenue venue, std::string_view symbol,
               std::int64_t recv_wall_ns, std::string_view msg_id) noexcept;

  // Between publishes or when idle: re-sends what failed, and everything
  // unacked when acks stopped coming for ack_timeout. The publishing thread.
  void poll() noexcept;

  // Waits until every publish is acked, re-sending as poll() does, for at
  // most `limit`; what is still unacked then is counted lost. The publishing
  // thread, once, after the last publish.
  void finish(std::chrono::milliseconds limit) noexcept;

  PublishCounts counts() const noexcept;

 private:
  std::unique_ptr<AsyncPublisher> impl_;
};

}  // namespace adrmon::bus
