// NatsHandle: [bus] -> natsOptions (servers, login, TLS, reconnect forever)
// -> one connection -> its JetStream context; and the streams, created with
// the [bus] limits when missing. Cold path only.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "adrmon/core/clock.hpp"
#include "nats_handle.hpp"

namespace adrmon::bus {

namespace {

void check(natsStatus s, const std::string& what) {
  if (s != NATS_OK) throw BusError("bus: " + what + ": " + status_text(s));
}

struct ConnectionEvents {
  std::atomic<std::uint64_t> reconnects{0};
  // cnats runs the connection callbacks on its own thread, after
  // natsConnection_Close returns: the record lives until the closed callback
  // (the last one) has run.
  std::mutex mutex;
  std::condition_variable cv;
  bool closed = false;               // guarded by mutex
  std::atomic<bool> closing{false};  // our own close: not worth a warning
  Log* log = nullptr;
  std::string who;
};

void on_disconnected(natsConnection*, void* closure) {
  auto* e = static_cast<ConnectionEvents*>(closure);
  if (e->closing.load()) return;
  e->log->write(LogLevel::Warning, e->who, "disconnected; reconnecting");
}
void on_reconnected(natsConnection* nc, void* closure) {
  auto* e = static_cast<ConnectionEvents*>(closure);
  e->reconnects.fetch_add(1, std::memory_order_relaxed);
  char url[256] = "";
  natsConnection_GetConnectedUrl(nc, url, sizeof url);
  e->log->write(LogLevel::Info, e->who, std::string("reconnected to ") + url);
}

void on_closed(natsConnection*, void* closure) {
  auto* e = static_cast<ConnectionEvents*>(closure);
  std::lock_guard lock(e->mutex);
  e->closed = true;
  e->cv.notify_all();
}

}  // namespace

std::string status_text(natsStatus s) {
  std::string text = natsStatus_GetText(s);
  const char* last = nats_GetLastError(nullptr);
  if (last != nullptr && *last != '\0' && text != last) text += std::string(" (") + last + ")";
  return text;
}

NatsHandle::NatsHandle(const BusConfig& bus, const std::string& client_name, jsOptions* js_options,
                       Log& log)
    : log_(log) {
  for (const std::string& u : bus.urls) servers_ += (servers_.empty() ? "" : ",") + u;
  auto* events = new ConnectionEvents;
  events->log = &log;
  events->who = "bus " + servers_;
  try {
    check(natsOptions_Create(&opts_), "options");
    std::vector<const char*> urls;
    for (const std::string& u : bus.urls) urls.push_back(u.c_str());
    check(natsOptions_SetServers(opts_, urls.data(), static_cast<int>(urls.size())),
          "servers " + servers_);
    check(natsOptions_SetName(opts_, client_name.c_str()), "name");
    check(natsOptions_SetTimeout(opts_, 2000), "timeout");
    check(natsOptions_SetMaxReconnect(opts_, -1), "reconnect");
    check(natsOptions_SetReconnectWait(opts_, 100), "reconnect wait");
    // What is published while reconnecting waits here (then the feed's window stalls).
    check(natsOptions_SetReconnectBufSize(opts_, 64 * 1024 * 1024), "reconnect buffer");
    check(natsOptions_SetDisconnectedCB(opts_, on_disconnected, events), "callbacks");
    check(natsOptions_SetReconnectedCB(opts_, on_reconnected, events), "callbacks");
    check(natsOptions_SetClosedCB(opts_, on_closed, events), "callbacks");
    if (!bus.token.empty()) check(natsOptions_SetToken(opts_, bus.token.c_str()), "token");
    if (!bus.user.empty()) {
      check(natsOptions_SetUserInfo(opts_, bus.user.c_str(), bus.password.c_str()), "user");
    }
    if (!bus.creds.empty()) {
      check(natsOptions_SetUserCredentialsFromFiles(opts_, bus.creds.c_str(), nullptr),
            "creds " + bus.creds);
    }
    if (!bus.tls_ca.empty()) {
      check(natsOptions_SetSecure(opts_, true), "tls");
      check(natsOptions_LoadCATrustedCertificates(opts_, bus.tls_ca.c_str()),
            "tls_ca " + bus.tls_ca);
    }
    check(natsConnection_Connect(&nc_, opts_), "cannot connect to " + servers_);
    check(natsConnection_JetStream(&js_, nc_, js_options), "JetStream on " + servers_);
  } catch (...) {
    events_ = events;
    close();
    throw;
  }
  events_ = events;
}

NatsHandle::~NatsHandle() {
  close();
}

void NatsHandle::close() noexcept {
  auto* events = static_cast<ConnectionEvents*>(events_);
  if (events == nullptr) return;
  events->closing.store(true);
  if (nc_ != nullptr) {
    natsConnection_Close(nc_);
    std::unique_lock lock(events->mutex);
    events->cv.wait_for(lock, std::chrono::seconds(5), [&] { return events->closed; });
  }
  if (js_ != nullptr) jsCtx_Destroy(js_);
  if (nc_ != nullptr) natsConnection_Destroy(nc_);
  if (opts_ != nullptr) natsOptions_Destroy(opts_);
  js_ = nullptr;
  nc_ = nullptr;
  opts_ = nullptr;
  delete events;
  events_ = nullptr;
}

std::uint64_t NatsHandle::reconnects() const noexcept {
  const auto* events = static_cast<const ConnectionEvents*>(events_);
  return events != nullptr ? events->reconnects.load(std::memory_order_relaxed) : 0;
}

void NatsHandle::ensure_stream(const std::string& name, const char* subjects,
                               const BusConfig& bus) {
  // A cluster electing its JetStream leaders (starting, or a server lost)
  // answers API requests with a timeout or no responders for a few
  // seconds, and a cluster still forming has too few known peers for the
  // replicas asked (no suitable peers, not available, not the leader):
  // those are retried for up to 30 s, anything else fails at once.
  const std::int64_t give_up_ns = steady_ns() + 30'000'000'000;
  const auto retried_later = [&](natsStatus s, jsErrCode err) {  // true after a pause: retry
    const bool forming =
        err == JSClusterNoPeersErr || err == JSClusterNotAvailErr || err == JSClusterNotLeaderErr;
    if (s != NATS_TIMEOUT && s != NATS_NO_RESPONDERS && !forming) return false;
    if (steady_ns() >= give_up_ns) return false;
    log_.write(
        LogLevel::Warning, "bus",
        "stream " + name + ": " + status_text(s) +
            (forming ? " (the cluster is forming?); retrying" : " (a leader election?); retrying"));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    return true;
  };
  for (;;) {
    jsStreamInfo* info = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&info, js_, name.c_str(), nullptr, &err);
    if (s == NATS_OK) {
      if (info->Config != nullptr && info->Config->Replicas != bus.replicas) {
        log_.write(LogLevel::Warning, "bus",
                   "stream " + name + " exists with " + std::to_string(info->Config->Replicas) +
                       " replica(s), [bus] replicas = " + std::to_string(bus.replicas) +
                       "; using it as it is");
      }
      jsStreamInfo_Destroy(info);
      return;
    }
    if (s != NATS_NOT_FOUND) {
      if (retried_later(s, err)) continue;
      check(s, "stream " + name + " on " + servers_);
    }
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = name.c_str();
    const char* subject_list[1] = {subjects};
    cfg.Subjects = subject_list;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Replicas = static_cast<int64_t>(bus.replicas);
    cfg.MaxAge = bus.max_age_ns;
    cfg.MaxBytes = bus.max_bytes;
    cfg.Duplicates = bus.duplicate_window_ns;
    s = js_AddStream(&info, js_, &cfg, nullptr, &err);
    if (s == NATS_OK) {
      log_.write(LogLevel::Info, "bus",
                 "created stream " + name + " (" + subjects + ", replicas " +
                     std::to_string(bus.replicas) + ")");
      jsStreamInfo_Destroy(info);
      return;
    }
    // Created meanwhile by another process, or by this request after its
    // answer timed out: the next look finds it.
    if (retried_later(s, err) || err == JSStreamNameExistErr) continue;
    check(s, "cannot create stream " + name + " (replicas " + std::to_string(bus.replicas) +
                 ") on " + servers_);
  }
}

}  // namespace adrmon::bus
