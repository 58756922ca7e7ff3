// read_alerts: an ephemeral pull consumer on the alerts stream (deliver all,
// no acks needed) -> each message's payload to the caller. "Caught up" is
// the consumer's own count of what is left (NumPending in each message's
// metadata, and in the consumer info for an empty stream).
#include "adrmon/bus/alert_reader.hpp"

#include <chrono>
#include <thread>

#include "nats_handle.hpp"
#include "pull_fetch.hpp"

namespace adrmon::bus {

std::uint64_t read_alerts(const BusConfig& bus, const AlertReadOptions& options, Log& log,
                          const std::function<void(std::string_view)>& on_alert) {
  NatsHandle handle(bus, "adrmon alerts", nullptr, log);
  jsStreamInfo* info = nullptr;
  natsStatus s = js_GetStreamInfo(&info, handle.js(), bus.alerts_stream.c_str(), nullptr, nullptr);
  if (s == NATS_NOT_FOUND) {
    if (!options.follow) return 0;  // nothing was ever published
    handle.ensure_stream(bus.alerts_stream, "adrmon.alerts.>", bus);
  } else if (s != NATS_OK) {
    throw BusError("bus: stream " + bus.alerts_stream + ": " + status_text(s));
  } else {
    jsStreamInfo_Destroy(info);
  }
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = bus.alerts_stream.c_str();
  so.Config.AckPolicy = js_AckNone;
  so.Config.DeliverPolicy = js_DeliverAll;
  natsSubscription* sub = nullptr;
  // A cluster that is electing a leader answers the consumer request with a
  // timeout or no responders for a few seconds: retried for up to 30 s.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int attempt = 1;; ++attempt) {
    s = js_PullSubscribe(&sub, handle.js(), "adrmon.alerts.>", nullptr, nullptr, &so, nullptr);
    const bool transient = s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS;
    if (s == NATS_OK || !transient || std::chrono::steady_clock::now() > give_up) break;
    if (attempt == 1) {
      log.write(LogLevel::Warning, "adrmon alerts",
                "bus: reading " + bus.alerts_stream + ": " + status_text(s) +
                    " (a leader election?); retrying for up to 30 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (s != NATS_OK) throw BusError("bus: cannot read " + bus.alerts_stream + ": " + status_text(s));
  std::uint64_t pending = 0;
  jsConsumerInfo* ci = nullptr;
  if (natsSubscription_GetConsumerInfo(&ci, sub, nullptr, nullptr) == NATS_OK) {
    pending = ci->NumPending;
    jsConsumerInfo_Destroy(ci);
  }
  std::uint64_t count = 0;
  bool caught_up = pending == 0;
  const auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };
  PullFetch fetch(sub, 256);
  while (!stopped() && (options.follow || !caught_up)) {
    natsMsgList list{};
    s = fetch.next(list, 200);
    if (s == NATS_OK) {
      for (int i = 0; i < list.Count; ++i) {
        natsMsg* m = list.Msgs[i];
        on_alert(std::string_view(natsMsg_GetData(m),
                                  static_cast<std::size_t>(natsMsg_GetDataLength(m))));
        ++count;
        jsMsgMetaData* meta = nullptr;
        if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
          if (meta->NumPending == 0) caught_up = true;
          jsMsgMetaData_Destroy(meta);
        }
      }
    } else if (s != NATS_TIMEOUT) {
      natsMsgList_Destroy(&list);
      natsSubscription_Destroy(sub);
      throw BusError("bus: reading " + bus.alerts_stream + ": " + status_text(s));
    }
    natsMsgList_Destroy(&list);
  }
  natsSubscription_Destroy(sub);
  return count;
}

}  // namespace adrmon::bus
