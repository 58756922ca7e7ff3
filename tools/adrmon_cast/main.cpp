// Length: the JSON publisher (pacing, TCP listen/drop, UDP unicast and
// multicast) and the CLI of both publishers; the venue publishers live in
// venue_cast.cpp.
// adrmon-cast: replays tick files onto TCP or UDP at a chosen speed, so the
// daemon's network sources can be exercised end to end on real sockets.
//
// How data flows (one thread, linear):
//   FileMerger  yields each parsed tick with its original line, merged by ts
//               (ties to the file named first); unparseable lines are counted
//               and skipped.
//   Pacer       holds each line until it is due (real time x speed, from the
//               ticks' own timestamps), or not at all for --speed max.
//   batch       line + '\n' is appended to an outgoing batch, which goes out
//               when the next tick is not due yet (so pacing never delays a
//               line behind a later one), when it is full, at --drop-after
//               and at the end:
//     TCP       the batch is written to every connected client in turn with a
//               blocking write: a slow client slows the whole stream, nothing
//               is dropped silently. New clients are accepted between batches
//               and get the stream from then on; a client that fails is
//               dropped and counted.
//     UDP       the batch is one datagram of whole lines.
// A second thread only runs an io_context with a signal_set: SIGINT/SIGTERM
// set `stop`, which every wait in the main thread checks at least every 50 ms.
// Network failure is an error_code value (counted, reported in the summary);
// start-up problems (config, files, addresses) print one message and exit 2.
#include <poll.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/feeds/pacer.hpp"
#include "adrmon/feeds/tick_parser.hpp"
#include "net_setup.hpp"
#include "venue_cast.hpp"

namespace adrmon {
namespace {

using namespace cast::names;

constexpr std::size_t kTcpBatchBytes = 64 * 1024;    // a batch goes to the clients at this size
constexpr std::size_t kDefaultDatagramBytes = 1400;  // fits a 1500-byte Ethernet MTU
constexpr std::size_t kMaxDatagramBytes = 65507;     // largest IPv4 UDP payload
constexpr int kPollMs = 50;                          // blocked waits look at `stop` this often

struct CastOptions {
  std::string config;
  std::string listen;                  // tcp://HOST:PORT
  std::string udp;                     // HOST:PORT
  std::string speed = "max";           // N > 0 or "max"
  unsigned wait_clients = 1;           // TCP: start once this many clients are connected
  std::uint64_t drop_after = 0;        // TCP: cut every client after this many lines; 0: never
  bool drop_rst = false;               // TCP: cut with a reset instead of a clean close
  std::size_t lines_per_datagram = 0;  // UDP: 0 = as many as fit in kDefaultDatagramBytes
  bool loop = false;
  std::vector<std::string> files;
};

struct CastCounts {
  FeedCounts feed;                    // over all passes
  std::uint64_t passes = 0;           // times the files were streamed (--loop)
  std::uint64_t lines_sent = 0;       // lines released to the network
  std::uint64_t deliveries = 0;       // TCP: lines written completely, summed over clients
  std::uint64_t clients_served = 0;   // TCP: connections accepted
  std::uint64_t clients_dropped = 0;  // TCP: clients that failed mid-stream (EPIPE, ECONNRESET)
  std::uint64_t clients_cut = 0;      // TCP: clients closed by --drop-after
  std::uint64_t accept_errors = 0;    // TCP
  std::uint64_t datagrams = 0;        // UDP: datagrams sent
  std::uint64_t send_errors = 0;      // UDP: datagrams that failed to send
  std::uint64_t lines_lost = 0;       // UDP: lines in datagrams that failed to send
  std::uint64_t oversize = 0;         // UDP: lines too long for one datagram, skipped
  error_code first_error;             // the first network error, for the summary
};

void note_error(CastCounts& counts, const error_code& ec) {
  if (!counts.first_error) counts.first_error = ec;
}

void add_counts(FeedCounts& total, const FeedCounts& c) {
  total.lines += c.lines;
  total.parsed += c.parsed;
  total.blank += c.blank;
  total.bytes += c.bytes;
  total.rejects += c.rejects;
}

// Waits at most kPollMs for `fd` to be ready for `events`; the caller retries
// its operation, which reports any error itself.
void wait_fd(int fd, short events) {
  pollfd p{fd, events, 0};
  ::poll(&p, 1, kPollMs);
}

using cast::resolve;

// Whether a tick is already due under the Pacer's rule (the first tick fixes
// the origin). Lets pending lines go out before the pacer sleeps.
class DueCheck {
 public:
  explicit DueCheck(double speed) : speed_(speed) {}
  bool due(std::int64_t ts_event) {
    const std::int64_t now = steady_ns();
    if (!started_) {
      started_ = true;
      origin_ts_ = ts_event;
      origin_wall_ = now;
    }
    return now >= origin_wall_ + static_cast<std::int64_t>(
                                     static_cast<double>(ts_event - origin_ts_) / speed_);
  }

 private:
  double speed_;
  bool started_ = false;
  std::int64_t origin_ts_ = 0;
  std::int64_t origin_wall_ = 0;
};

// TCP: a listener and its clients; every batch goes to every client.
class TcpFanout {
 public:
  TcpFanout(asio::io_context& io, const tcp::endpoint& at, const CastOptions& opt,
            CastCounts& counts, const std::atomic<bool>& stop)
      : acceptor_(io), opt_(opt), counts_(counts), stop_(stop) {
    error_code ec;
    acceptor_.open(at.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(at, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) acceptor_.non_blocking(true, ec);
    if (ec) throw std::runtime_error("cannot listen on " + opt.listen + ": " + ec.message());
    batch_.reserve(kTcpBatchBytes + kMaxLineBytes + 1);
  }

  // Blocks until `n` clients are connected; false when stopped first.
  bool wait_for_clients(std::size_t n) {
    accept_pending();
    while (clients_.size() < n) {
      if (stop_.load(std::memory_order_relaxed)) return false;
      wait_fd(acceptor_.native_handle(), POLLIN);
      accept_pending();
    }
    return true;
  }

  void add(std::string_view line) {
    batch_.append(line);
    batch_.push_back('\n');
    ++batch_lines_;
    if (opt_.drop_after != 0 && !cut_done_ &&
        counts_.lines_sent + batch_lines_ >= opt_.drop_after) {
      flush();
      cut_all();
      cut_done_ = true;
    } else if (batch_.size() >= kTcpBatchBytes) {
      flush();
    }
  }

  // Accepts waiting clients, then writes the batch to each one in turn.
  void flush() {
    if (batch_lines_ == 0) return;
    accept_pending();
    std::size_t delivered = 0;
    for (auto it = clients_.begin(); it != clients_.end();) {
      const error_code ec = write_all(*it, batch_);
      if (ec == asio::error::operation_aborted) return;  // stopping; the batch is abandoned
      if (ec) {
        // The client went away (EPIPE, ECONNRESET, ...): drop it and carry on.
        note_error(counts_, ec);
        ++counts_.clients_dropped;
        error_code ignored;
        it->close(ignored);
        it = clients_.erase(it);
        continue;
      }
      ++delivered;
      ++it;
    }
    counts_.lines_sent += batch_lines_;
    counts_.deliveries += batch_lines_ * delivered;
    batch_.clear();
    batch_lines_ = 0;
  }

  // End of stream: every client gets a clean close after its last line.
  void close_all() {
    for (tcp::socket& s : clients_) {
      error_code ignored;
      s.shutdown(tcp::socket::shutdown_send, ignored);
      // Unread bytes from the client would turn close() into a reset that can
      // destroy lines still in flight; read them away first.
      char sink[4096];
      for (int i = 0; i < 64 && s.read_some(asio::buffer(sink), ignored) > 0; ++i) {
      }
      s.close(ignored);
    }
    clients_.clear();
    error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void accept_pending() {
    for (;;) {
      error_code ec;
      tcp::socket s = acceptor_.accept(ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) return;
      if (ec == asio::error::connection_aborted || ec == asio::error::interrupted) continue;
      if (ec) {  // e.g. out of file descriptors: leave the client in the backlog
        note_error(counts_, ec);
        ++counts_.accept_errors;
        return;
      }
      s.non_blocking(true, ec);
      if (!ec) s.set_option(tcp::no_delay(true), ec);  // paced lines leave at once
      ++counts_.clients_served;
      clients_.push_back(std::move(s));
    }
  }

  // --drop-after: close every client mid-stream, after exactly the lines
  // sent so far; keep listening.
  void cut_all() {
    for (tcp::socket& s : clients_) {
      error_code ignored;
      if (opt_.drop_rst)
        s.set_option(asio::socket_base::linger(true, 0), ignored);
      else
        s.shutdown(tcp::socket::shutdown_both, ignored);
      s.close(ignored);
      ++counts_.clients_cut;
    }
    clients_.clear();
  }

  // Writes all of `data` to a non-blocking socket, waiting while the client's
  // window is full (backpressure). Returns the error, or operation_aborted
  // when stopped.
  error_code write_all(tcp::socket& s, std::string_view data) {
    while (!data.empty()) {
      error_code ec;
      const std::size_t n = s.write_some(asio::buffer(data.data(), data.size()), ec);
      data.remove_prefix(n);
      if (ec == asio::error::would_block || ec == asio::error::try_again ||
          ec == asio::error::interrupted) {
        if (stop_.load(std::memory_order_relaxed)) return asio::error::operation_aborted;
        wait_fd(s.native_handle(), POLLOUT);
        continue;
      }
      if (ec) return ec;
    }
    return {};
  }

  tcp::acceptor acceptor_;
  std::vector<tcp::socket> clients_;
  const CastOptions& opt_;
  CastCounts& counts_;
  const std::atomic<bool>& stop_;
  std::string batch_;
  std::uint64_t batch_lines_ = 0;
  bool cut_done_ = false;
};

// UDP: whole lines packed into datagrams sent to one address.
class UdpCaster {
 public:
  UdpCaster(asio::io_context& io, const udp::endpoint& to, const CastOptions& opt,
            CastCounts& counts)
      : socket_(io), to_(to), counts_(counts) {
    if (opt.lines_per_datagram == 0) {
      max_bytes_ = kDefaultDatagramBytes;
    } else {
      max_lines_ = opt.lines_per_datagram;
    }
    cast::open_udp_sender(socket_, to, opt.udp);
    datagram_.reserve(kMaxDatagramBytes);
  }

  void add(std::string_view line) {
    const std::size_t need = line.size() + 1;
    if (need > kMaxDatagramBytes) {
      ++counts_.oversize;
      return;
    }
    if (lines_ > 0 && (lines_ >= max_lines_ || datagram_.size() + need > max_bytes_)) flush();
    datagram_.append(line);
    datagram_.push_back('\n');
    ++lines_;
  }

  void flush() {
    if (lines_ == 0) return;
    error_code ec;
    socket_.send_to(asio::buffer(datagram_), to_, 0, ec);
    if (ec) {
      note_error(counts_, ec);
      ++counts_.send_errors;
      counts_.lines_lost += lines_;
    } else {
      ++counts_.datagrams;
      counts_.lines_sent += lines_;
    }
    datagram_.clear();
    lines_ = 0;
  }

  void close_all() {
    error_code ignored;
    socket_.close(ignored);
  }

 private:
  udp::socket socket_;
  udp::endpoint to_;
  CastCounts& counts_;
  std::size_t max_lines_ = SIZE_MAX;
  std::size_t max_bytes_ = kMaxDatagramBytes;
  std::string datagram_;
  std::size_t lines_ = 0;
};

// Streams the files through `out` (once, or until stopped with --loop).
// `first` is the already opened first pass. Returns 0, or 1 on a read error.
template <class Out>
int stream(std::unique_ptr<FileMerger> first, const Config& config, const CastOptions& opt,
           double speed, Out& out, CastCounts& counts, const std::atomic<bool>& stop) {
  std::unique_ptr<FileMerger> merger = std::move(first);
  for (;;) {
    Pacer pacer(speed);
    DueCheck due(speed);
    Tick tick;
    std::string_view line;
    std::uint64_t lines = 0;
    while (!stop.load(std::memory_order_relaxed) && merger->next(tick, &line)) {
      if (!pacer.unpaced() && !due.due(tick.ts_event)) out.flush();
      if (!pacer.wait_until_due(tick.ts_event, stop)) break;
      out.add(line);
      ++lines;
    }
    if (!stop.load(std::memory_order_relaxed)) out.flush();
    ++counts.passes;
    add_counts(counts.feed, merger->counts());
    for (const auto& r : merger->readers()) {
      if (r->read_error() != 0) {
        std::fprintf(stderr, "adrmon-cast: %s: read error: %s\n", r->path().c_str(),
                     std::strerror(r->read_error()));
        return 1;
      }
    }
    // A pass with no tick at all would make --loop spin.
    if (!opt.loop || lines == 0 || stop.load(std::memory_order_relaxed)) return 0;
    merger = std::make_unique<FileMerger>(opt.files, config);
  }
}

void print_summary(const CastOptions& opt, const CastCounts& c, double wall_s) {
  const FeedCounts& f = c.feed;
  std::string reasons;  // non-zero reject reasons, e.g. " [invalid_json 3, unknown_symbol 2]"
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) {
    if (f.rejects.by_reason[i] == 0) continue;
    reasons += reasons.empty() ? " [" : ", ";
    reasons += reject_name(static_cast<Reject>(i));
    reasons += ' ' + std::to_string(f.rejects.by_reason[i]);
  }
  if (!reasons.empty()) reasons += ']';
  std::fprintf(stderr,
               "adrmon-cast: %llu lines sent (%llu pass%s), %llu skipped (unparseable)%s, "
               "%llu blank\n",
               static_cast<unsigned long long>(c.lines_sent),
               static_cast<unsigned long long>(c.passes), c.passes == 1 ? "" : "es",
               static_cast<unsigned long long>(f.lines - f.parsed), reasons.c_str(),
               static_cast<unsigned long long>(f.blank));
  if (!opt.listen.empty()) {
    std::fprintf(stderr,
                 "adrmon-cast: tcp: %llu clients served, %llu dropped (disconnected), %llu cut "
                 "(--drop-after), %llu accept errors; %llu line deliveries\n",
                 static_cast<unsigned long long>(c.clients_served),
                 static_cast<unsigned long long>(c.clients_dropped),
                 static_cast<unsigned long long>(c.clients_cut),
                 static_cast<unsigned long long>(c.accept_errors),
                 static_cast<unsigned long long>(c.deliveries));
  } else {
    std::fprintf(stderr,
                 "adrmon-cast: udp: %llu datagrams sent, %llu send errors (%llu lines lost), "
                 "%llu lines too long for a datagram\n",
                 static_cast<unsigned long long>(c.datagrams),
                 static_cast<unsigned long long>(c.send_errors),
                 static_cast<unsigned long long>(c.lines_lost),
                 static_cast<unsigned long long>(c.oversize));
  }
  if (c.first_error)
    std::fprintf(stderr, "adrmon-cast: first network error: %s\n", c.first_error.message().c_str());
  std::fprintf(stderr, "adrmon-cast: wall %.3f s, %.0f lines/s\n", wall_s,
               wall_s > 0 ? static_cast<double>(c.lines_sent) / wall_s : 0.0);
}

// Shutdown: a signal_set on its own io_context and thread, which only sets `stop`.
struct SignalStop {
  std::atomic<bool> stop{false};
  asio::io_context io;
  asio::signal_set signals{io, SIGINT, SIGTERM};
  std::thread thread;
  SignalStop() {
    std::signal(SIGPIPE, SIG_IGN);
    signals.async_wait([this](const error_code& ec, int) {
      if (!ec) stop.store(true, std::memory_order_relaxed);
    });
    thread = std::thread([this] { io.run(); });
  }
  ~SignalStop() {
    io.stop();
    thread.join();
  }
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;
};

// Parses --speed: a number > 0, or "max" (0: unpaced).
double parse_speed(const std::string& text) {
  if (text == "max") return 0;
  std::size_t used = 0;
  double speed = 0;
  try {
    speed = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !std::isfinite(speed) || speed <= 0)
    throw std::runtime_error("--speed: expected a number > 0 or 'max', got '" + text + "'");
  return speed;
}

int run_venue(VenueCastOptions vopt, const std::string& speed) {
  vopt.speed = parse_speed(speed);
  SignalStop signal_stop;
  const int rc = run_venue_cast(vopt, signal_stop.stop);
  if (signal_stop.stop.load()) std::fprintf(stderr, "adrmon-cast: stopped by signal\n");
  return rc;
}

int run_cast(const CastOptions& opt) {
  const double speed = parse_speed(opt.speed);  // Pacer: <= 0 is unpaced
  const Config config = load_config(opt.config);
  // Open the files before touching the network, so a bad path fails at once.
  auto first = std::make_unique<FileMerger>(opt.files, config);
  SignalStop signal_stop;
  const std::atomic<bool>& stop = signal_stop.stop;

  asio::io_context io;  // sockets only; every call is synchronous, it is never run
  CastCounts counts;
  int rc = 0;
  std::chrono::steady_clock::time_point start;
  if (!opt.listen.empty()) {
    constexpr std::string_view kScheme = "tcp://";
    if (!std::string_view(opt.listen).starts_with(kScheme))
      throw std::runtime_error("--listen: expected tcp://HOST:PORT, got '" + opt.listen + "'");
    TcpFanout out(io, resolve<tcp>(io, std::string_view(opt.listen).substr(kScheme.size())), opt,
                  counts, stop);
    std::fprintf(stderr, "adrmon-cast: listening on %s, waiting for %u client%s\n",
                 opt.listen.c_str(), opt.wait_clients, opt.wait_clients == 1 ? "" : "s");
    const bool go = out.wait_for_clients(opt.wait_clients);
    start = std::chrono::steady_clock::now();
    if (go) rc = stream(std::move(first), config, opt, speed, out, counts, stop);
    out.close_all();
  } else {
    UdpCaster out(io, resolve<udp>(io, opt.udp), opt, counts);
    start = std::chrono::steady_clock::now();
    rc = stream(std::move(first), config, opt, speed, out, counts, stop);
    out.close_all();
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (stop.load()) std::fprintf(stderr, "adrmon-cast: stopped by signal\n");
  print_summary(opt, counts, wall_s);
  return rc;
}

}  // namespace
}  // namespace adrmon

int main(int argc, char** argv) {
  CLI::App app{
      "adrmon-cast: replay tick files (merged by ts) onto TCP or UDP at real time x speed"};
  app.footer(
      "TCP: listens; once --wait-clients clients are connected the stream starts. Every client\n"
      "gets every line from the moment it connected (clients may join mid-stream): one tick per\n"
      "'\\n'-terminated line, the line's original bytes (a CRLF line end and a file's BOM are\n"
      "not part of the line). Writes block per client: a slow client slows the whole stream\n"
      "and loses nothing; at --speed max the stream runs as fast as the slowest client reads.\n"
      "A client that disconnects is dropped and counted. At the end every client is closed\n"
      "and adrmon-cast exits 0. With --drop-after, pick a finite --speed so that a stream is\n"
      "still running when the client reconnects.\n"
      "UDP: starts at once; nothing waits for receivers, so a receiver that cannot keep up\n"
      "loses datagrams (pace the stream). A multicast group (224.0.0.0/4) is sent out of\n"
      "127.0.0.1 with loopback on and TTL 1: receivers must join it on 127.0.0.1.\n"
      "Venue formats instead of tick files (no --config):\n"
      "  --itch FILE --udp HOST:PORT [--rerequest HOST:PORT]  ITCH 5.0 over MoldUDP64, with a\n"
      "      re-request server answering from the whole file; end-of-session packets for\n"
      "      --linger-ms at the end.\n"
      "  --itch FILE --listen [tcp://]HOST:PORT --user U --password P  ITCH 5.0 over\n"
      "      SoupBinTCP: login accept/reject, heartbeats both ways, sequenced data from the\n"
      "      requested sequence, end of session.\n"
      "  --omdc FILE --udp HOST:PORT [--rts HOST:PORT]  OMD-C packets, one datagram each,\n"
      "      with a retransmission service (RTS, TCP) answering from the whole capture and\n"
      "      heartbeats with the next SeqNum for --linger-ms at the end.\n"
      "  Gaps on purpose: --drop-every N (UDP: every Nth packet; SoupBinTCP: cut the\n"
      "  connection after N messages on it), --gap FIRST:COUNT (UDP: those sequence numbers).\n"
      "SIGINT/SIGTERM stop cleanly; a summary goes to stderr in every case.");
  adrmon::CastOptions opt;
  adrmon::VenueCastOptions vopt;
  std::string gap;
  app.add_option("--config", opt.config,
                 "Config file (TOML); its symbols decide what parses (tick files only)");
  CLI::Option* itch =
      app.add_option("--itch", vopt.itch, "Publish this ITCH 5.0 file instead of tick files")
          ->check(CLI::ExistingFile);
  CLI::Option* omdc =
      app.add_option("--omdc", vopt.omdc, "Publish this OMD-C capture instead of tick files")
          ->check(CLI::ExistingFile);
  itch->excludes(omdc);
  app.add_option("--session", vopt.session, "MoldUDP64/SoupBinTCP session name (<= 10 characters)")
      ->capture_default_str();
  app.add_option("--rerequest", vopt.rerequest,
                 "MoldUDP64: serve re-requests on this UDP HOST:PORT")
      ->needs(itch);
  app.add_option("--rts", vopt.rts,
                 "OMD-C: serve retransmission requests (RTS) on this TCP HOST:PORT")
      ->needs(omdc);
  app.add_option("--rts-heartbeat-ms", vopt.rts_heartbeat_ms,
                 "OMD-C RTS: heartbeat each idle client this often; one silent for 5 of them "
                 "is dropped (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  app.add_option("--user", vopt.user, "SoupBinTCP: the username a login must give")
      ->capture_default_str();
  app.add_option("--password", vopt.password, "SoupBinTCP: the password a login must give")
      ->capture_default_str();
  app.add_option("--drop-every", vopt.drop_every,
                 "Venue formats: UDP: skip every Nth packet; SoupBinTCP: cut each connection "
                 "after N messages")
      ->check(CLI::PositiveNumber);
  app.add_option("--gap", gap,
                 "Venue formats, UDP: never send sequence numbers FIRST..FIRST+COUNT-1");
  app.add_option("--messages-per-packet", vopt.messages_per_packet,
                 "MoldUDP64: at most N messages per packet (default: as many as fit 1400 bytes)")
      ->check(CLI::PositiveNumber);
  app.add_option("--heartbeat-ms", vopt.heartbeat_ms,
                 "Venue formats: heartbeat when idle this long (MoldUDP64, SoupBinTCP: default "
                 "1000; OMD-C: off unless given; 0: none)");
  app.add_option("--linger-ms", vopt.linger_ms,
                 "Venue formats: after the last message, keep serving re-requests (MoldUDP64) or "
                 "reconnecting clients (SoupBinTCP) this long")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600000));
  CLI::Option* listen =
      app.add_option("--listen", opt.listen, "Serve the stream to TCP clients: tcp://HOST:PORT");
  CLI::Option* udp = app.add_option("--udp", opt.udp,
                                    "Send datagrams to HOST:PORT (unicast or a multicast group)");
  listen->excludes(udp);
  app.add_option("--speed", opt.speed,
                 "Real time x N using the ticks' own timestamps (e.g. 1, 10, 100), or 'max'")
      ->capture_default_str();
  app.add_option("--wait-clients", opt.wait_clients,
                 "TCP: start the stream once this many clients are connected (0: at once)")
      ->capture_default_str()
      ->needs(listen);
  CLI::Option* drop =
      app.add_option("--drop-after", opt.drop_after,
                     "TCP: after N lines, close every client once (mid-stream, on a line "
                     "boundary), keep listening and streaming")
          ->check(CLI::PositiveNumber)
          ->needs(listen);
  app.add_flag("--drop-rst", opt.drop_rst,
               "TCP: with --drop-after, reset the connections (RST) instead of closing them "
               "cleanly; the client may then lose lines still in its buffers and see a partial "
               "last line")
      ->needs(drop);
  app.add_option("--lines-per-datagram", opt.lines_per_datagram,
                 "UDP: lines per datagram (default: as many whole lines as fit in 1400 bytes, "
                 "at least 1)")
      ->check(CLI::PositiveNumber)
      ->needs(udp);
  app.add_flag("--loop", opt.loop,
               "Replay the files again at the end, until stopped (ts and seq repeat, so a daemon "
               "rejects repeated ticks as out_of_order)");
  app.add_option("files", opt.files, "Tick files (JSON Lines), merged by ts");
  CLI11_PARSE(app, argc, argv);
  if (!vopt.itch.empty() || !vopt.omdc.empty()) {
    if (!opt.files.empty() || !opt.config.empty()) {
      std::fprintf(stderr,
                   "adrmon-cast: --itch/--omdc publish a venue file: no --config or tick files\n");
      return 2;
    }
    if (!gap.empty()) {
      const std::size_t colon = gap.find(':');
      try {
        if (colon == std::string::npos) throw std::invalid_argument(gap);
        vopt.gap_first = std::stoull(gap.substr(0, colon));
        vopt.gap_count = std::stoull(gap.substr(colon + 1));
      } catch (const std::exception&) {
        std::fprintf(stderr, "adrmon-cast: --gap: expected FIRST:COUNT, got '%s'\n", gap.c_str());
        return 2;
      }
    }
    if (app.count("--heartbeat-ms") == 0 && !vopt.omdc.empty()) vopt.heartbeat_ms = 0;
    vopt.udp = opt.udp;
    vopt.listen = opt.listen;
    vopt.wait_clients = opt.wait_clients;
    try {
      return adrmon::run_venue(vopt, opt.speed);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "adrmon-cast: %s\n", e.what());
      return 2;
    }
  }
  if (opt.config.empty() || opt.files.empty()) {
    std::fprintf(stderr,
                 "adrmon-cast: give --config and tick files (or --itch/--omdc; see --help)\n");
    return 2;
  }
  if (opt.listen.empty() == opt.udp.empty()) {
    std::fprintf(stderr, "adrmon-cast: give exactly one of --listen or --udp (see --help)\n");
    return 2;
  }
  if (!adrmon::cpu_supports_parser()) {
    std::fprintf(stderr,
                 "adrmon-cast: this CPU lacks the instructions the tick parser was built for "
                 "(%s); rebuild with -DADRMON_SIMD=westmere or generic\n",
                 std::string(adrmon::parser_simd_level()).c_str());
    return 2;
  }
  try {
    return adrmon::run_cast(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adrmon-cast: %s\n", e.what());
    return 2;
  }
}
