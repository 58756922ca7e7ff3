// TickPublisher: one 80-byte record per tick, its subject and Msg-Id, into
// the AsyncPublisher (async_publisher.hpp: window, acks, re-sends).
#include "adrmon/bus/tick_publisher.hpp"

#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "adrmon/core/clock.hpp"
#include "async_publisher.hpp"

namespace adrmon::bus {

TickPublisher::TickPublisher(const BusConfig& bus, Log& log, const PublisherOptions& options)
    : impl_(std::make_unique<AsyncPublisher>(bus, bus.ticks_stream, "adrmon.ticks.>", log,
                                             options)) {}

TickPublisher::~TickPublisher() = default;

void TickPublisher::publish(const Tick& tick, WireVenue venue, std::string_view symbol,
                            std::int64_t recv_wall_ns, std::string_view msg_id) noexcept {
  std::array<unsigned char, kTickWireBytes> record{};
  if (!encode_tick(tick, venue, symbol, recv_wall_ns, record)) return;
  char subject[64];
  subject[tick_subject(venue, symbol, subject)] = '\0';
  char id[64];
  const std::size_t n = std::min(msg_id.size(), sizeof id - 1);
  std::memcpy(id, msg_id.data(), n);
  id[n] = '\0';
  natsMsg* m = nullptr;
  if (natsMsg_Create(&m, subject, nullptr, reinterpret_cast<const char*>(record.data()),
                     static_cast<int>(record.size())) != NATS_OK ||
      natsMsgHeader_Set(m, "Nats-Msg-Id", id) != NATS_OK) {
    natsMsg_Destroy(m);
    impl_->count_lost_unsent();
    return;
  }
  impl_->publish(m);
}

void TickPublisher::poll() noexcept {
  impl_->poll();
}

void TickPublisher::finish(std::chrono::milliseconds limit) noexcept {
  impl_->finish(limit);
}

PublishCounts TickPublisher::counts() const noexcept {
  return impl_->counts();
}

}  // namespace adrmon::bus
