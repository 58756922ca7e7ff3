// Dashboard: the traders' view of `adrmon run` — one web page, a WebSocket
// push of pair state and alerts, JSON for scripts, Prometheus metrics.
//
// Data flow: the engine thread publishes every pair's PairView to a
// PairBoard ten times a second (never per tick); the sink thread offer()s
// each alert into a bounded SpscQueue. One dashboard thread runs its own
// io_context: an acceptor, the HTTP sessions, the WebSocket sessions and a
// poll timer that reads the board, keeps a premium history per pair, and
// pushes to every WebSocket client only the pairs that changed, at most
// updates_per_second per pair. So nothing the browsers do can reach the
// engine: the engine's only cost is building the views; the sink's is a
// queue push.
//
// Routes (GET only):
//   /             the page (HTML, JS and CSS embedded in the binary)
//   /health       200 "ok", or 503 with JSON naming what is down (HealthFn);
//                 never needs the token
//   /metrics      Prometheus text format 0.0.4 (build, summary, per-pair board
//                 gauges, the dashboard's counters)
//   /api/pairs    JSON array of every pair's current view
//   /api/alerts   JSON array of recent alerts (?since=TS_NS: ts > TS_NS)
//   /ws           WebSocket: snapshot, then "pairs" deltas and "alert"s
// With [dashboard] token set, every route except /health needs it, as
// `Authorization: Bearer TOKEN` or `?token=TOKEN` (compared in constant
// time); a missing or wrong token gets 401. Without a token the server must
// listen on loopback and answers only requests whose Host is a loopback name
// (so a web page elsewhere cannot read it through DNS rebinding).
//
// Connections are bounded at accept (listener.cpp): at most kMaxConnections
// TCP connections in all (HTTP, idle or mid-request, and WebSocket) and at
// most kMaxConnectionsPerAddress from one remote address (IPv6: one /64), so
// one client opening idle sockets cannot lock everyone else out; a refused
// connection is closed at once and counted.
//
// A slow client never grows memory without bound: it holds at most one
// pending pair update (newer ones coalesce into a full refresh: latest state
// wins, counted as dropped), at most kMaxQueuedAlerts alerts (beyond that it
// is disconnected, counted), and a write stuck past a minute disconnects it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/alert_sink.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/pipeline/pair_board.hpp"
#include "adrmon/pipeline/run_summary.hpp"

namespace adrmon {

namespace dashboard {
class Server;
}

// Which build this is, for /metrics' adrmon_build_info{version,commit,simd}:
// what `adrmon --version` prints and the tick parser's SIMD level. Set once
// by main before any Dashboard starts (not thread-safe against a scrape);
// empty labels until then.
struct BuildInfo {
  std::string version, commit, simd;
};
void set_build_info(BuildInfo info);
const BuildInfo& build_info() noexcept;

// Equal contents, in time that depends only on the lengths (never on where
// the first difference is). No allocation; thread-safe.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// An AlertSink too: write() is offer(), so the sink stage can fan alerts out
// to the dashboard like to any other output.
class Dashboard final : public AlertSink {
 public:
  // Supplies the daemon's counters and latency histograms for /metrics.
  // Called on the dashboard thread, once per scrape.
  using MetricsFn = std::function<RunSummary()>;
  // What /health answers: ok -> 200 "ok\n"; else 503 with `body` (JSON
  // naming each part that is down). Called on the dashboard thread, once
  // per probe; empty: always ok.
  struct Health {
    bool ok = true;
    std::string body;
  };
  using HealthFn = std::function<Health()>;

  // WebSocket bounds: alerts queued for one client, clients in all.
  static constexpr std::size_t kMaxQueuedAlerts = 256;  // beyond: disconnected
  static constexpr std::size_t kMaxClients = 64;        // beyond: 503
  // TCP connection bounds, HTTP and WebSocket alike, checked at accept
  // (beyond: closed at once, counted). 32 per address, not fewer: one desk
  // (a few tabs, each a WebSocket plus keep-alive HTTP) and the 20-client
  // load tests fit; a local reverse proxy or SSH tunnel makes every viewer
  // one address, so it caps those at 32.
  static constexpr std::size_t kMaxConnections = 256;
  static constexpr std::size_t kMaxConnectionsPerAddress = 32;
  static constexpr std::size_t kHistoryPoints = 400;  // premium samples kept per pair
  static constexpr std::size_t kRecentAlerts = 1000;  // ring for /api/alerts and snapshots

  // Validates config.dashboard, binds and listens (so a taken port or a
  // refused address fails here, at start-up), allocates the alert queue.
  // Serves nothing until start(). `board` and `metrics` must outlive the
  // dashboard. Throws std::invalid_argument (bad listen address; a
  // non-loopback address without a token) or boost::system::system_error
  // (bind/listen failed). Cold path.
  Dashboard(const Config& config, const PairBoard& board, MetricsFn metrics, HealthFn health = {});

  // stop()s.
  ~Dashboard() override;

  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  // Starts the dashboard thread. Call once, from the owning thread.
  void start();

  // Offers one alert to the page, the WebSocket clients and /api/alerts.
  // Never blocks, never allocates (a full queue drops the alert and counts
  // it in alerts_dropped); wakes the dashboard thread at most once per batch.
  // One producer thread only (the daemon's sink thread). Before start() the
  // alert waits in the queue.
  void offer(const Alert& alert) noexcept;

  // AlertSink: offer(alert). Same thread rule (the one producer thread).
  void write(const Alert& alert) noexcept override { offer(alert); }

  // Closes every connection and joins the thread. Idempotent; owning thread.
  void stop();

  // "http://127.0.0.1:PORT/" (the bound port, so port 0 shows the real one).
  std::string url() const;
  std::uint16_t port() const noexcept;

  struct Counts {
    std::uint64_t http_requests = 0;         // every request answered, upgrades included
    std::uint64_t unauthorized = 0;          // 401: token missing or wrong
    std::uint64_t forbidden_host = 0;        // 403: Host not loopback (no-token mode)
    std::uint64_t ws_connects = 0;           // WebSocket handshakes completed
    std::uint64_t ws_clients = 0;            // connected now
    std::uint64_t ws_messages = 0;           // frames written to clients
    std::uint64_t ws_bytes = 0;              // bytes of those frames
    std::uint64_t pair_updates_dropped = 0;  // deltas a slow client skipped (latest state wins)
    std::uint64_t ws_disconnected_slow = 0;  // too many queued alerts, or a stuck write
    std::uint64_t ws_refused = 0;            // over kMaxClients
    std::uint64_t alerts_offered = 0;
    std::uint64_t alerts_dropped = 0;           // alert queue full at offer()
    std::uint64_t max_client_queued_bytes = 0;  // high-water of one client's pending bytes
    std::uint64_t connections = 0;              // TCP connections open now (HTTP + WebSocket)
    std::uint64_t refused_per_address = 0;      // over kMaxConnectionsPerAddress at accept
    std::uint64_t refused_server_full = 0;      // over kMaxConnections at accept
  };
  // Relaxed loads; each value exact, the set not taken at one instant. Any thread.
  Counts counts() const noexcept;

 private:
  std::unique_ptr<dashboard::Server> server_;  // the io_context and all on it (server.hpp)
  std::thread thread_;
  bool started_ = false;
};

}  // namespace adrmon
