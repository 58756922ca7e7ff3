// AlertPublisher: Alert -> format_alert_json (the alert log's line) ->
// adrmon.alerts.<ADR>.<HK> with its Msg-Id -> AsyncPublisher.
#include "adrmon/bus/alert_publisher.hpp"

#include "adrmon/core/alert_json.hpp"
#include "async_publisher.hpp"

namespace adrmon::bus {

std::string alert_msg_id(const Alert& alert, const std::string& pair_name) {
  return pair_name + (alert.side == Side::SellAdr ? ":sell_adr:" : ":buy_adr:") +
         (alert.kind == AlertKind::Open ? "open:" : "close:") + std::to_string(alert.ts_event);
}

namespace {
PublisherOptions alert_options() {
  PublisherOptions o;
  o.window = 65536;
  o.client_name = "adrmon run alerts";
  return o;
}
std::string token(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = subject_safe(c);
  return out;
}
}  // namespace

AlertPublisher::AlertPublisher(const Config& config, Log& log)
    : impl_(std::make_unique<AsyncPublisher>(*config.bus, config.bus->alerts_stream,
                                             "adrmon.alerts.>", log, alert_options())) {
  for (const PairConfig& p : config.pairs) {
    names_.push_back(p.name);
    subjects_.push_back("adrmon.alerts." + token(p.adr) + "." + token(p.hk));
  }
}

AlertPublisher::~AlertPublisher() = default;

void AlertPublisher::write(const Alert& alert) noexcept {
  if (alert.pair >= names_.size()) return;
  try {
    char json[kMaxAlertJsonBytes];
    std::size_t n = format_alert_json(alert, names_[alert.pair], json);
    if (n > 0 && json[n - 1] == '\n') --n;
    const std::string id = alert_msg_id(alert, names_[alert.pair]);
    natsMsg* m = nullptr;
    if (natsMsg_Create(&m, subjects_[alert.pair].c_str(), nullptr, json, static_cast<int>(n)) !=
            NATS_OK ||
        natsMsgHeader_Set(m, "Nats-Msg-Id", id.c_str()) != NATS_OK) {
      natsMsg_Destroy(m);
      impl_->count_lost_unsent();
      return;
    }
    impl_->publish(m);
  } catch (...) {  // std::bad_alloc building the id
    impl_->count_lost_unsent();
  }
}

void AlertPublisher::poll(std::int64_t, bool final) noexcept {
  if (final) {
    impl_->finish(std::chrono::milliseconds(5000));
  } else {
    impl_->poll();
  }
}

PublishCounts AlertPublisher::counts() const noexcept {
  return impl_->counts();
}

}  // namespace adrmon::bus
