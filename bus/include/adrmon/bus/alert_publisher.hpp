// AlertPublisher: one more AlertSink of `adrmon run` when [bus] is set.
// Each alert goes to adrmon.alerts.<ADR>.<HK> of the alerts stream as its
// JSON line (the alert log's bytes, without the newline) with the Nats-Msg-Id
// "<ADR>/<HK>:<side>:<kind>:<ts_event>", so the same alert published twice
// (a restarted engine, two engines on one pair) is stored once within the
// stream's duplicate window. Asynchronous and bounded like the feed's ticks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adrmon/bus/tick_publisher.hpp"
#include "adrmon/core/alert_sink.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/core/log.hpp"

namespace adrmon::bus {

class AlertPublisher final : public AlertSink {
 public:
  // Connects and creates the alerts stream when missing. Throws
  // std::runtime_error ("bus: ...") on failure. Cold path.
  AlertPublisher(const Config& config, Log& log);
  ~AlertPublisher() override;

  // Sink thread. Allocates (cnats builds the message); never throws.
  void write(const Alert& alert) noexcept override;
  // Sink thread: re-sends failed publishes; with `final`, waits up to 5 s
  // for the outstanding acks (what is unacked then is counted lost).
  void poll(std::int64_t now_ns, bool final) noexcept override;

  PublishCounts counts() const noexcept;

 private:
  std::unique_ptr<AsyncPublisher> impl_;
  std::vector<std::string> names_;     // "ADR/HK" by pair id
  std::vector<std::string> subjects_;  // "adrmon.alerts.ADR.HK" by pair id
};

// "<ADR>/<HK>:<sell_adr|buy_adr>:<open|close>:<ts_event>". Allocates.
std::string alert_msg_id(const Alert& alert, const std::string& pair_name);

}  // namespace adrmon::bus
