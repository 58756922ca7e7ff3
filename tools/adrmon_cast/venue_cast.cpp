// Length: three wire protocols (MoldUDP64 with its re-request server,
// SoupBinTCP sessions, OMD-C over UDP), each a short section; one file so
// their shared pacing and gap options stay one.
// The venue publishers of adrmon-cast (see venue_cast.hpp).
//
// MoldUDP64 (ITCH file + --udp): records are packed, as they fall due, into
//   downstream packets [Session 10][Sequence u64 BE][Count u16 BE] + blocks
//   [u16 BE length][message] (the file's own framing), at most 1400 bytes.
//   Idle: a heartbeat (Count 0, Sequence = next) every --heartbeat-ms. End:
//   end-of-session packets (Count 0xFFFF) for --linger-ms, while a thread
//   keeps answering re-requests [Session][Sequence][Count] on --rerequest
//   from the whole file in memory, by unicast to the requester.
//   --drop-every N skips every Nth packet and --gap F:C the messages F..F+C-1
//   on the multicast; both stay in the re-request buffer (recoverable gaps).
// SoupBinTCP (ITCH file + --listen): one thread, non-blocking sockets, poll.
//   Login (L) is accepted (A: session, next sequence) or rejected (J 'A' bad
//   user or password, J 'S' unknown session); pacing starts once
//   --wait-clients clients are logged in; sequenced data (S) from each
//   client's requested sequence; server heartbeats (H) when idle; a client
//   silent for 15 s is dropped; client heartbeats (R), logout (O); end of
//   session (Z) after the last message. --drop-every N cuts a client's
//   connection after N messages on it (it logs in again with its next
//   sequence and loses nothing).
// OMD-C (capture + --udp): each packet is one datagram, paced by SendTime;
//   --drop-every N skips every Nth packet, --gap F:C the packets holding
//   sequence numbers F..F+C-1 (gaps a receiver sees by SeqNum). With --rts,
//   a thread serves the retransmission service on TCP (docs/FORMATS.md,
//   "OMD-C retransmission"): Logon (101) -> LogonResponse (102, status 0),
//   RetransmissionRequest (201: channel, BeginSeqNum, EndSeqNum) ->
//   RetransmissionResponse (202: 0 accepted, 2 not available yet, 100 a
//   range over 1000 or reversed) then the messages of exactly that range,
//   repacked from the capture's packets; heartbeats every
//   --rts-heartbeat-ms to an idle client, which must answer; and, for
//   --linger-ms after the last packet, UDP heartbeats carrying the next
//   SeqNum so a lost tail is seen and can be asked for.
#include "venue_cast.hpp"

#include <poll.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adrmon/core/clock.hpp"
#include "adrmon/feeds/pacer.hpp"
#include "net_setup.hpp"

namespace adrmon {
namespace {

using namespace cast::names;

constexpr std::size_t kMaxPacketBytes = 1400;
constexpr std::int64_t kMsNs = 1'000'000;
constexpr std::int64_t kClientTimeoutNs = 15'000 * kMsNs;  // SoupBinTCP: silent client dropped
constexpr std::size_t kSoupOutBytes = 256 * 1024;          // per client, queued before a write
constexpr std::uint16_t kEndOfSession = 0xffff;

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::uint64_t be(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}
std::uint64_t le(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}
void put_be(std::string& out, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_le(std::string& out, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
// Right-padded (alpha) or left-padded (numeric) to n characters.
std::string pad_right(std::string_view s, std::size_t n) {
  std::string out(s.substr(0, n));
  out.resize(n, ' ');
  return out;
}
std::string pad_left(std::string_view s, std::size_t n) {
  std::string out(s.substr(0, n));
  out.insert(0, n - out.size(), ' ');
  return out;
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

void sleep_ns(std::int64_t ns) {
  if (ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
}

// ---------------------------------------------------------------- ITCH file

struct ItchFile {
  std::string data;
  std::vector<std::size_t> off;  // of each record's length prefix
  std::vector<std::int64_t> ts;  // its timestamp (ns since midnight), for pacing
  std::size_t size() const { return off.size(); }
  std::string_view record(std::size_t i) const {  // [u16 length][message]
    return std::string_view(data).substr(off[i], 2 + be(data.data() + off[i], 2));
  }
};

ItchFile load_itch(const std::string& path) {
  ItchFile f;
  f.data = read_file(path);
  std::int64_t last = 0;
  for (std::size_t p = 0; p < f.data.size();) {
    if (p + 2 > f.data.size())
      throw std::runtime_error(path + ": truncated record at " + std::to_string(p));
    const std::size_t n = be(f.data.data() + p, 2);
    if (p + 2 + n > f.data.size())
      throw std::runtime_error(path + ": truncated record at " + std::to_string(p));
    if (n >= 11) last = static_cast<std::int64_t>(be(f.data.data() + p + 2 + 5, 6));
    f.off.push_back(p);
    f.ts.push_back(last);
    p += 2 + n;
  }
  return f;
}

// Sets `done` and joins the server thread `t` (when it runs) on every way out.
struct JoinOnExit {
  std::atomic<bool>& done;
  std::thread& t;
  ~JoinOnExit() {
    done.store(true);
    if (t.joinable()) t.join();
  }
};

// After the stream: beat() every `period_ns` (at least once) until --linger-ms
// has passed or `stop` is set, so the server thread still answers meanwhile;
// then `done` is set and that thread joined. Returns the wall seconds since t0.
template <class Beat>
double linger_then_join(const VenueCastOptions& opt, std::int64_t period_ns,
                        const std::atomic<bool>& stop, std::atomic<bool>& done, std::thread& server,
                        std::chrono::steady_clock::time_point t0, Beat beat) {
  const std::int64_t end = steady_ns() + static_cast<std::int64_t>(opt.linger_ms) * kMsNs;
  do {
    beat();
    sleep_ns(std::min<std::int64_t>(period_ns, std::max<std::int64_t>(0, end - steady_ns())));
  } while (steady_ns() < end && !stop.load(std::memory_order_relaxed));
  done.store(true);
  if (server.joinable()) server.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool in_gap(const VenueCastOptions& o, std::uint64_t seq) {
  return o.gap_count != 0 && seq >= o.gap_first && seq < o.gap_first + o.gap_count;
}

// ---------------------------------------------------------------- MoldUDP64

std::string mold_header(const std::string& session, std::uint64_t seq, std::uint16_t count) {
  std::string h = pad_right(session, 10);
  put_be(h, seq, 8);
  put_be(h, count, 2);
  return h;
}

struct MoldCounts {
  std::uint64_t packets = 0, messages = 0, heartbeats = 0, end_packets = 0;
  std::uint64_t dropped_packets = 0, dropped_messages = 0, send_errors = 0;
  std::atomic<std::uint64_t> requests{0}, bad_requests{0}, replies{0}, replayed{0};
};

// Answers re-requests from the file until `done`; its own thread.
void serve_rerequests(udp::socket& sock, const ItchFile& file, const VenueCastOptions& opt,
                      const std::atomic<std::uint64_t>& published, const std::atomic<bool>& done,
                      MoldCounts& counts) {
  char buf[512];
  const std::string session = pad_right(opt.session, 10);
  while (!done.load(std::memory_order_relaxed)) {
    pollfd p{sock.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    udp::endpoint from;
    error_code ec;
    const std::size_t n = sock.receive_from(asio::buffer(buf), from, 0, ec);
    if (ec) continue;
    counts.requests.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t avail = published.load(std::memory_order_acquire);
    if (n != 20 || std::string_view(buf, 10) != session) {
      counts.bad_requests.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    const std::uint64_t seq = be(buf + 10, 8);
    const std::uint64_t want = be(buf + 18, 2);
    if (seq == 0 || seq > avail || want == 0) {
      counts.bad_requests.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    std::string body;
    std::uint16_t k = 0;
    for (std::uint64_t s = seq; s <= avail && k < want; ++s) {
      const std::string_view r = file.record(s - 1);
      if (k > 0 && 20 + body.size() + r.size() > kMaxPacketBytes) break;
      body += r;
      ++k;
    }
    const std::string pkt = mold_header(opt.session, seq, k) + body;
    sock.send_to(asio::buffer(pkt), from, 0, ec);
    if (!ec) {
      counts.replies.fetch_add(1, std::memory_order_relaxed);
      counts.replayed.fetch_add(k, std::memory_order_relaxed);
    }
  }
}

int run_mold(const VenueCastOptions& opt, const std::atomic<bool>& stop) {
  const ItchFile file = load_itch(opt.itch);
  asio::io_context io;
  udp::socket out(io);
  const udp::endpoint to = cast::resolve<udp>(io, opt.udp);
  cast::open_udp_sender(out, to, opt.udp);
  MoldCounts counts;
  std::atomic<std::uint64_t> published{0};
  std::atomic<bool> done{false};
  std::unique_ptr<udp::socket> rr;
  std::thread server;
  if (!opt.rerequest.empty()) {
    rr = std::make_unique<udp::socket>(io);
    const udp::endpoint at = cast::resolve<udp>(io, opt.rerequest, PortZero::Allow);
    error_code ec;
    rr->open(at.protocol(), ec);
    if (!ec) rr->bind(at, ec);
    if (ec)
      throw std::runtime_error("cannot bind the re-request server on " + opt.rerequest + ": " +
                               ec.message());
    std::fprintf(stderr, "adrmon-cast: MoldUDP64 re-requests on %s\n", opt.rerequest.c_str());
    server = std::thread(serve_rerequests, std::ref(*rr), std::cref(file), std::cref(opt),
                         std::cref(published), std::cref(done), std::ref(counts));
  }
  const JoinOnExit join{done, server};

  const auto t0 = std::chrono::steady_clock::now();
  std::int64_t last_send = steady_ns();
  std::uint64_t packet_no = 0;
  auto send = [&](const std::string& pkt) {
    error_code ec;
    out.send_to(asio::buffer(pkt), to, 0, ec);
    if (ec) ++counts.send_errors;
    last_send = steady_ns();
  };
  std::string body;
  std::uint16_t count = 0;
  std::uint64_t first = 1;
  bool body_gap = false;
  auto flush = [&] {
    if (count == 0) return;
    ++packet_no;
    if (body_gap || (opt.drop_every != 0 && packet_no % opt.drop_every == 0)) {
      ++counts.dropped_packets;
      counts.dropped_messages += count;
    } else {
      send(mold_header(opt.session, first, count) + body);
      ++counts.packets;
      counts.messages += count;
    }
    body.clear();
    count = 0;
  };
  const std::int64_t hb = static_cast<std::int64_t>(opt.heartbeat_ms) * kMsNs;
  Pacer pacer(opt.speed);
  for (std::size_t i = 0; i < file.size() && !stop.load(std::memory_order_relaxed); ++i) {
    const std::int64_t due = pacer.due_ns(file.ts[i]);
    for (std::int64_t now = steady_ns(); now < due && !stop.load(std::memory_order_relaxed);
         now = steady_ns()) {
      flush();  // what is pending is due: never hold it behind a later message
      if (hb > 0 && now - last_send >= hb) {
        send(mold_header(opt.session, i + 1, 0));
        ++counts.heartbeats;
      }
      sleep_ns(std::min<std::int64_t>({due - now, 20 * kMsNs, hb > 0 ? hb : 20 * kMsNs}));
    }
    const std::uint64_t seq = i + 1;
    const std::string_view r = file.record(i);
    const bool gap = in_gap(opt, seq);
    if (count > 0 && (gap != body_gap || 20 + body.size() + r.size() > kMaxPacketBytes ||
                      (opt.messages_per_packet != 0 && count >= opt.messages_per_packet)))
      flush();
    if (count == 0) {
      first = seq;
      body_gap = gap;
    }
    body += r;
    ++count;
    published.store(seq, std::memory_order_release);
  }
  flush();
  // End of session, repeated while re-requests are still served.
  const double wall = linger_then_join(opt, 100 * kMsNs, stop, done, server, t0, [&] {
    send(mold_header(opt.session, file.size() + 1, kEndOfSession));
    ++counts.end_packets;
  });
  std::fprintf(
      stderr,
      "adrmon-cast: moldudp64: %zu messages in %llu packets sent, %llu packets (%llu "
      "messages) dropped on purpose, %llu heartbeats, %llu end-of-session, %llu send "
      "errors; re-requests %llu (%llu bad), %llu replies with %llu messages; wall %.3f s\n",
      file.size(), static_cast<unsigned long long>(counts.packets),
      static_cast<unsigned long long>(counts.dropped_packets),
      static_cast<unsigned long long>(counts.dropped_messages),
      static_cast<unsigned long long>(counts.heartbeats),
      static_cast<unsigned long long>(counts.end_packets),
      static_cast<unsigned long long>(counts.send_errors),
      static_cast<unsigned long long>(counts.requests.load()),
      static_cast<unsigned long long>(counts.bad_requests.load()),
      static_cast<unsigned long long>(counts.replies.load()),
      static_cast<unsigned long long>(counts.replayed.load()), wall);
  return counts.send_errors == 0 ? 0 : 1;
}

// ---------------------------------------------------------------- TCP peers

// A client of a non-blocking TCP server (SoupBinTCP, the OMD-C RTS): bytes
// read and not yet framed, bytes queued to write, and when each last moved.
struct TcpPeer {
  explicit TcpPeer(tcp::socket s) : sock(std::move(s)) {}
  tcp::socket sock;
  std::string in, out;
  bool dead = false;
  std::int64_t last_rx = 0, last_tx = 0;
};

// Accepts every pending connection (non-blocking, no delay); how many.
template <class Peer>
std::uint64_t accept_peers(tcp::acceptor& acceptor, std::vector<std::unique_ptr<Peer>>& peers,
                           std::int64_t now) {
  std::uint64_t n = 0;
  for (error_code ec;;) {
    tcp::socket s = acceptor.accept(ec);
    if (ec) return n;
    s.non_blocking(true, ec);
    if (!ec) s.set_option(tcp::no_delay(true), ec);
    peers.push_back(std::make_unique<Peer>(std::move(s)));
    peers.back()->last_rx = peers.back()->last_tx = now;
    ++n;
  }
}

// Appends what the peer sent to `in`; dead on end of stream or an error.
void read_peer(TcpPeer& c, std::int64_t now) {
  char buf[4096];
  for (error_code ec;;) {
    const std::size_t got = c.sock.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return;
    if (ec) {
      c.dead = true;
      return;
    }
    c.in.append(buf, got);
    c.last_rx = now;
  }
}

// Writes `out` as far as the socket takes it; false on an error (then dead).
bool write_peer(TcpPeer& c, std::int64_t now) {
  for (error_code ec; !c.dead && !c.out.empty();) {
    const std::size_t put = c.sock.write_some(asio::buffer(c.out), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return true;
    if (ec) {
      c.dead = true;
      return false;
    }
    c.out.erase(0, put);
    c.last_tx = now;
  }
  return true;
}

// Closes and forgets the dead peers.
template <class Peer>
void erase_dead(std::vector<std::unique_ptr<Peer>>& peers) {
  std::erase_if(peers, [](const auto& c) {
    if (!c->dead) return false;
    error_code ignored;
    c->sock.close(ignored);
    return true;
  });
}

// Waits up to `timeout_ms` for a connection, bytes from a peer or room to write.
template <class Peer>
void poll_peers(tcp::acceptor& acceptor, const std::vector<std::unique_ptr<Peer>>& peers,
                int timeout_ms) {
  std::vector<pollfd> fds;
  fds.push_back({acceptor.native_handle(), POLLIN, 0});
  for (const auto& c : peers)
    fds.push_back(
        {c->sock.native_handle(), static_cast<short>(POLLIN | (c->out.empty() ? 0 : POLLOUT)), 0});
  ::poll(fds.data(), static_cast<nfds_t>(fds.size()), timeout_ms);
}

// ---------------------------------------------------------------- SoupBinTCP

struct SoupClient : TcpPeer {
  using TcpPeer::TcpPeer;
  bool logged_in = false;
  bool closing = false;  // close once `out` is written
  bool ended = false;    // Z queued
  std::uint64_t next = 1;
  std::uint64_t sent_here = 0;  // sequenced messages on this connection
};

struct SoupCounts {
  std::uint64_t connections = 0, logins = 0, rejects = 0, cuts = 0, timeouts = 0;
  std::uint64_t messages = 0, heartbeats_sent = 0, heartbeats_received = 0, logouts = 0, ends = 0;
  std::uint64_t errors = 0;
};

void soup_packet(std::string& out, char type, std::string_view payload) {
  put_be(out, 1 + payload.size(), 2);
  out.push_back(type);
  out.append(payload);
}

int run_soupbin(const VenueCastOptions& opt, const std::atomic<bool>& stop) {
  const ItchFile file = load_itch(opt.itch);
  asio::io_context io;
  std::string_view spec = opt.listen;
  if (spec.starts_with("tcp://")) spec.remove_prefix(6);
  const tcp::endpoint at = cast::resolve<tcp>(io, spec, PortZero::Allow);
  tcp::acceptor acceptor(io);
  error_code ec;
  acceptor.open(at.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(at, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) acceptor.non_blocking(true, ec);
  if (ec) throw std::runtime_error("cannot listen on " + opt.listen + ": " + ec.message());
  std::fprintf(stderr, "adrmon-cast: SoupBinTCP session %s on %s, waiting for %u login%s\n",
               opt.session.c_str(), opt.listen.c_str(), opt.wait_clients,
               opt.wait_clients == 1 ? "" : "s");

  SoupCounts counts;
  std::vector<std::unique_ptr<SoupClient>> clients;
  Pacer pacer(opt.speed);
  bool started = false;
  std::uint64_t published = 0;  // messages released by pacing
  std::int64_t idle_since = 0;  // all published and no client connected, since
  const std::int64_t hb = static_cast<std::int64_t>(opt.heartbeat_ms) * kMsNs;
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = file.size();

  auto login = [&](SoupClient& c, std::string_view p) {
    const std::string_view user = trim(p.substr(0, 6));
    const std::string_view pass = trim(p.substr(6, 10));
    const std::string_view session = trim(p.substr(16, 10));
    const std::string_view seq_text = trim(p.substr(26, 20));
    std::uint64_t seq = 0;
    for (char ch : seq_text)
      seq = ch >= '0' && ch <= '9' ? seq * 10 + static_cast<std::uint64_t>(ch - '0') : seq;
    if (user != opt.user || pass != opt.password) {
      soup_packet(c.out, 'J', "A");
      c.closing = true;
      ++counts.rejects;
      return;
    }
    if (!session.empty() && session != opt.session) {
      soup_packet(c.out, 'J', "S");
      c.closing = true;
      ++counts.rejects;
      return;
    }
    c.next = seq == 0 ? published + 1 : std::min(seq, published + 1);
    soup_packet(c.out, 'A', pad_left(opt.session, 10) + pad_left(std::to_string(c.next), 20));
    c.logged_in = true;
    ++counts.logins;
  };
  auto handle = [&](SoupClient& c, char type, std::string_view payload) {
    if (!c.logged_in) {
      if (type == 'L' && (payload.size() == 46 || payload.size() == 51))
        login(c, payload);
      else
        c.dead = true;  // anything before a login ends the connection
      return;
    }
    if (type == 'R') ++counts.heartbeats_received;
    if (type == 'O') {
      ++counts.logouts;
      c.closing = true;
    }
    // 'U' unsequenced and anything else: ignored.
  };

  while (!stop.load(std::memory_order_relaxed)) {
    const std::int64_t now = steady_ns();
    counts.connections += accept_peers(acceptor, clients, now);
    if (!started) {
      const auto in = static_cast<unsigned>(std::count_if(
          clients.begin(), clients.end(), [](const auto& c) { return c->logged_in; }));
      if (in >= opt.wait_clients) started = true;
    }
    if (started && pacer.unpaced()) published = n;
    if (started)
      while (published < n && pacer.due_ns(file.ts[published]) <= steady_ns()) ++published;

    for (auto& cp : clients) {
      SoupClient& c = *cp;
      read_peer(c, now);
      while (!c.dead && c.in.size() >= 2) {
        const std::size_t len = be(c.in.data(), 2);
        if (len == 0) {
          c.dead = true;
          break;
        }
        if (c.in.size() < 2 + len) break;
        handle(c, c.in[2], std::string_view(c.in).substr(3, len - 1));
        c.in.erase(0, 2 + len);
      }
      if (c.logged_in && !c.closing) {
        while (c.out.size() < kSoupOutBytes && c.next <= published &&
               !(opt.drop_every != 0 && c.sent_here >= opt.drop_every)) {
          const std::string_view r = file.record(c.next - 1);
          soup_packet(c.out, 'S', r.substr(2));
          ++c.next;
          ++c.sent_here;
          ++counts.messages;
        }
        if (opt.drop_every != 0 && c.sent_here >= opt.drop_every && c.next <= n) {
          c.closing = true;  // the deliberate cut, after the Nth message is written
          ++counts.cuts;
        } else if (published == n && c.next > n && !c.ended) {
          soup_packet(c.out, 'Z', "");
          c.ended = true;
          c.closing = true;
          ++counts.ends;
        } else if (hb > 0 && c.out.empty() && now - c.last_tx >= hb) {
          soup_packet(c.out, 'H', "");
          ++counts.heartbeats_sent;
        }
      }
      if (c.logged_in && now - c.last_rx > kClientTimeoutNs) {
        ++counts.timeouts;
        c.dead = true;
      }
      if (!write_peer(c, now)) ++counts.errors;
      if (c.closing && c.out.empty()) {
        c.sock.shutdown(tcp::socket::shutdown_send, ec);
        c.dead = true;
      }
    }
    // A client seen this round keeps the session open even if it is cut in
    // the same round: once everything is published, a reconnecting client
    // takes its next 400 messages and is cut (--drop-every) within one
    // round, so the list is empty at every check and the linger would run
    // out under a client that is still catching up.
    const bool had_client = !clients.empty();
    erase_dead(clients);
    if (started && published == n && !had_client) {
      if (idle_since == 0) idle_since = now;
      if (now - idle_since >= static_cast<std::int64_t>(opt.linger_ms) * kMsNs) break;
    } else {
      idle_since = 0;
    }
    // Wait for sockets, the next due message or a heartbeat, at most 20 ms.
    int timeout_ms = 20;
    bool busy = false;  // a client with data it can take now
    for (const auto& c : clients)
      if (c->logged_in && !c->closing && c->next <= published && c->out.size() < kSoupOutBytes)
        busy = true;
    if (busy)
      timeout_ms = 0;
    else if (started && published < n)
      timeout_ms = static_cast<int>(std::clamp<std::int64_t>(
          (pacer.due_ns(file.ts[published]) - steady_ns()) / kMsNs, 0, 20));
    poll_peers(acceptor, clients, timeout_ms);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(
      stderr,
      "adrmon-cast: soupbintcp: %zu messages in the session, %llu sequenced messages "
      "sent; %llu connections, %llu logins, %llu rejected, %llu cut (--drop-every), %llu "
      "timed out, %llu logouts, %llu end-of-session; heartbeats %llu sent, %llu received; "
      "%llu write errors; wall %.3f s\n",
      n, static_cast<unsigned long long>(counts.messages),
      static_cast<unsigned long long>(counts.connections),
      static_cast<unsigned long long>(counts.logins),
      static_cast<unsigned long long>(counts.rejects), static_cast<unsigned long long>(counts.cuts),
      static_cast<unsigned long long>(counts.timeouts),
      static_cast<unsigned long long>(counts.logouts), static_cast<unsigned long long>(counts.ends),
      static_cast<unsigned long long>(counts.heartbeats_sent),
      static_cast<unsigned long long>(counts.heartbeats_received),
      static_cast<unsigned long long>(counts.errors), wall);
  return 0;
}

// ---------------------------------------------------------------- OMD-C

struct OmdcPacket {
  std::size_t off, size;
  std::uint64_t seq, count;
  std::int64_t send_time;
};

struct RtsCounts {
  std::atomic<std::uint64_t> connections{0}, logons{0}, requests{0}, refused{0}, replayed{0};
  std::atomic<std::uint64_t> heartbeats_sent{0}, heartbeats_received{0}, timeouts{0};
};

std::string omdc_header(std::size_t size, std::size_t count, std::uint64_t seq,
                        std::int64_t send_time) {
  std::string h;
  put_le(h, size, 2);
  put_le(h, count, 1);
  put_le(h, 0, 1);
  put_le(h, seq, 4);
  put_le(h, static_cast<std::uint64_t>(send_time), 8);
  return h;
}

std::string omdc_control(std::uint16_t type, const std::string& body) {
  std::string m;
  put_le(m, 4 + body.size(), 2);
  put_le(m, type, 2);
  return omdc_header(16 + m.size() + body.size(), 1, 0, 0) + m + body;
}

// Messages [begin, end] of the capture, in packets cut from the originals.
std::string omdc_range(const std::string& data, const std::vector<OmdcPacket>& packets,
                       std::uint64_t begin, std::uint64_t end) {
  std::string out;
  auto it = std::upper_bound(packets.begin(), packets.end(), begin,
                             [](std::uint64_t s, const OmdcPacket& p) { return s < p.seq; });
  if (it != packets.begin()) --it;
  for (; it != packets.end() && it->seq <= end; ++it) {
    std::string body;
    std::uint64_t first = 0, n = 0;
    std::size_t at = it->off + 16;
    for (std::uint64_t i = 0; i < it->count && at + 4 <= it->off + it->size; ++i) {
      const std::size_t m = le(data.data() + at, 2);
      const std::uint64_t s = it->seq + i;
      if (s >= begin && s <= end) {
        if (n++ == 0) first = s;
        body.append(data, at, m);
      }
      at += m;
    }
    if (n > 0) out += omdc_header(16 + body.size(), n, first, it->send_time) + body;
  }
  return out;
}

// The retransmission service, until `done`; its own thread.
void serve_rts(tcp::acceptor& acceptor, const std::string& data,
               const std::vector<OmdcPacket>& packets, const VenueCastOptions& opt,
               const std::atomic<std::uint64_t>& published, const std::atomic<bool>& done,
               RtsCounts& counts) {
  struct Client : TcpPeer {
    using TcpPeer::TcpPeer;
    bool logged_on = false;
  };
  std::vector<std::unique_ptr<Client>> clients;
  const std::int64_t hb = static_cast<std::int64_t>(opt.rts_heartbeat_ms) * kMsNs;
  error_code ec;
  while (!done.load(std::memory_order_relaxed)) {
    const std::int64_t now = steady_ns();
    counts.connections.fetch_add(accept_peers(acceptor, clients, now), std::memory_order_relaxed);
    for (auto& cp : clients) {
      Client& c = *cp;
      read_peer(c, now);
      while (!c.dead && c.in.size() >= 2) {
        const std::size_t size = le(c.in.data(), 2);
        if (size < 16) {
          c.dead = true;
          break;
        }
        if (c.in.size() < size) break;
        const std::string_view pkt = std::string_view(c.in).substr(0, size);
        if (pkt[2] == 0) {
          counts.heartbeats_received.fetch_add(1, std::memory_order_relaxed);
        } else if (size >= 20) {
          const std::uint64_t type = le(pkt.data() + 18, 2);
          const char* body = pkt.data() + 20;
          if (type == 101 && size >= 32) {
            c.logged_on = true;
            counts.logons.fetch_add(1, std::memory_order_relaxed);
            c.out += omdc_control(102, std::string(4, '\0'));
          } else if (type == 201 && size >= 32 && c.logged_on) {
            counts.requests.fetch_add(1, std::memory_order_relaxed);
            const std::uint64_t channel = le(body, 2);
            const std::uint64_t begin = le(body + 4, 4);
            const std::uint64_t end = le(body + 8, 4);
            const std::uint64_t avail = published.load(std::memory_order_acquire);  // next SeqNum
            std::uint8_t status = 0;
            if (end < begin || end - begin >= 1000)
              status = 100;
            else if (begin == 0 || end >= avail)
              status = 2;
            std::string r;
            put_le(r, channel, 2);
            put_le(r, status, 1);
            put_le(r, 0, 1);
            put_le(r, begin, 4);
            put_le(r, end, 4);
            c.out += omdc_control(202, r);
            if (status == 0) {
              c.out += omdc_range(data, packets, begin, end);
              counts.replayed.fetch_add(end - begin + 1, std::memory_order_relaxed);
            } else {
              counts.refused.fetch_add(1, std::memory_order_relaxed);
            }
          } else if (!c.logged_on) {
            c.dead = true;  // anything but a logon first ends the connection
          }
        }
        c.in.erase(0, size);
      }
      if (c.logged_on && hb > 0 && c.out.empty() && now - c.last_tx >= hb) {
        c.out += omdc_header(16, 0, 0, 0);
        counts.heartbeats_sent.fetch_add(1, std::memory_order_relaxed);
      }
      if (c.logged_on && hb > 0 && now - c.last_rx > 5 * hb) {
        counts.timeouts.fetch_add(1, std::memory_order_relaxed);
        c.dead = true;
      }
      write_peer(c, now);
    }
    erase_dead(clients);
    poll_peers(acceptor, clients, 20);
  }
}

int run_omdc(const VenueCastOptions& opt, const std::atomic<bool>& stop) {
  const std::string data = read_file(opt.omdc);
  using Packet = OmdcPacket;
  std::vector<Packet> packets;
  for (std::size_t p = 0; p < data.size();) {
    if (p + 16 > data.size())
      throw std::runtime_error(opt.omdc + ": truncated packet at " + std::to_string(p));
    const std::size_t size = le(data.data() + p, 2);
    if (size < 16 || p + size > data.size())
      throw std::runtime_error(opt.omdc + ": bad PktSize at " + std::to_string(p));
    packets.push_back({p, size, le(data.data() + p + 4, 4), le(data.data() + p + 2, 1),
                       static_cast<std::int64_t>(le(data.data() + p + 8, 8))});
    p += size;
  }
  asio::io_context io;
  udp::socket out(io);
  const udp::endpoint to = cast::resolve<udp>(io, opt.udp);
  cast::open_udp_sender(out, to, opt.udp);
  std::uint64_t sent = 0, dropped = 0, dropped_msgs = 0, heartbeats = 0, errors = 0;
  const std::int64_t hb = static_cast<std::int64_t>(opt.heartbeat_ms) * kMsNs;
  std::int64_t last_send = steady_ns();
  auto heartbeat = [&](std::uint64_t seq, std::int64_t send_time) {
    const std::string h = omdc_header(16, 0, seq, send_time);  // MsgCount 0, SeqNum = next
    error_code ignored;  // a lost heartbeat is just a later one
    out.send_to(asio::buffer(h), to, 0, ignored);
    ++heartbeats;
    last_send = steady_ns();
  };
  RtsCounts rts;
  std::atomic<std::uint64_t> published{1};  // the next SeqNum not yet due
  std::atomic<bool> done{false};
  std::unique_ptr<tcp::acceptor> acceptor;
  std::thread server;
  if (!opt.rts.empty()) {
    const tcp::endpoint at = cast::resolve<tcp>(io, opt.rts, PortZero::Allow);
    acceptor = std::make_unique<tcp::acceptor>(io);
    error_code ec;
    acceptor->open(at.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(at, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) acceptor->non_blocking(true, ec);
    if (ec) throw std::runtime_error("cannot listen for RTS on " + opt.rts + ": " + ec.message());
    std::fprintf(stderr, "adrmon-cast: OMD-C retransmission service on %s\n", opt.rts.c_str());
    server = std::thread(serve_rts, std::ref(*acceptor), std::cref(data), std::cref(packets),
                         std::cref(opt), std::cref(published), std::cref(done), std::ref(rts));
  }
  const JoinOnExit join{done, server};
  const auto t0 = std::chrono::steady_clock::now();
  Pacer pacer(opt.speed);
  for (std::size_t k = 0; k < packets.size() && !stop.load(std::memory_order_relaxed); ++k) {
    const Packet& p = packets[k];
    const std::int64_t due = pacer.due_ns(p.send_time);
    for (std::int64_t now = steady_ns(); now < due && !stop.load(std::memory_order_relaxed);
         now = steady_ns()) {
      if (hb > 0 && now - last_send >= hb) heartbeat(p.seq, p.send_time);
      sleep_ns(std::min<std::int64_t>(due - now, 20 * kMsNs));
    }
    published.store(p.seq + p.count, std::memory_order_release);
    bool drop = opt.drop_every != 0 && (k + 1) % opt.drop_every == 0;
    for (std::uint64_t s = p.seq; s < p.seq + p.count; ++s) drop = drop || in_gap(opt, s);
    if (drop) {
      ++dropped;
      dropped_msgs += p.count;
      continue;
    }
    error_code ec;
    out.send_to(asio::buffer(data.data() + p.off, p.size), to, 0, ec);
    if (ec)
      ++errors;
    else
      ++sent;
    last_send = steady_ns();
  }
  double wall = 0;
  if (server.joinable()) {
    // Heartbeats with the next SeqNum reveal a lost tail; requests are served meanwhile.
    const std::uint64_t next = packets.empty() ? 1 : packets.back().seq + packets.back().count;
    const std::int64_t last_time = packets.empty() ? 0 : packets.back().send_time;
    wall = linger_then_join(opt, hb > 0 ? hb : 100 * kMsNs, stop, done, server, t0,
                            [&] { heartbeat(next, last_time); });
  } else {
    done.store(true);
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::fprintf(
      stderr,
      "adrmon-cast: omdc: %zu packets in the capture, %llu sent, %llu (%llu messages) "
      "dropped on purpose, %llu heartbeats, %llu send errors; wall %.3f s\n",
      packets.size(), static_cast<unsigned long long>(sent),
      static_cast<unsigned long long>(dropped), static_cast<unsigned long long>(dropped_msgs),
      static_cast<unsigned long long>(heartbeats), static_cast<unsigned long long>(errors), wall);
  if (!opt.rts.empty()) {
    std::fprintf(stderr,
                 "adrmon-cast: omdc rts: %llu connections, %llu logons, %llu requests (%llu "
                 "refused), %llu messages retransmitted; heartbeats %llu sent, %llu received, "
                 "%llu clients timed out\n",
                 static_cast<unsigned long long>(rts.connections.load()),
                 static_cast<unsigned long long>(rts.logons.load()),
                 static_cast<unsigned long long>(rts.requests.load()),
                 static_cast<unsigned long long>(rts.refused.load()),
                 static_cast<unsigned long long>(rts.replayed.load()),
                 static_cast<unsigned long long>(rts.heartbeats_sent.load()),
                 static_cast<unsigned long long>(rts.heartbeats_received.load()),
                 static_cast<unsigned long long>(rts.timeouts.load()));
  }
  return errors == 0 ? 0 : 1;
}

}  // namespace

int run_venue_cast(const VenueCastOptions& opt, const std::atomic<bool>& stop) {
  if (opt.session.empty() || opt.session.size() > 10)
    throw std::runtime_error("--session: 1-10 characters, got '" + opt.session + "'");
  if (opt.user.size() > 6 || opt.password.size() > 10)
    throw std::runtime_error("--user is at most 6 characters and --password at most 10");
  if (!opt.omdc.empty()) {
    if (opt.udp.empty()) throw std::runtime_error("--omdc needs --udp HOST:PORT");
    return run_omdc(opt, stop);
  }
  if (!opt.udp.empty()) return run_mold(opt, stop);
  if (!opt.listen.empty()) return run_soupbin(opt, stop);
  throw std::runtime_error(
      "--itch needs --udp HOST:PORT (MoldUDP64) or --listen HOST:PORT (SoupBinTCP)");
}

}  // namespace adrmon
