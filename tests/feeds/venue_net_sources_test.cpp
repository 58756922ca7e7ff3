// Length: ten cases on real sockets, each with the packets it sends spelled
// out; a shared fixture would hide what each case puts on the wire.
// The venue network framings on real loopback sockets, with a tiny server in
// the test written from MARKETS.md §3.3 / §4.1: MoldUDP64 (a gap recovered by
// re-request, a gap the silent server cannot fill reported, out-of-order
// packets, heartbeats announcing a gap, end of session, a multicast join on
// loopback), SoupBinTCP (a rejected login logged and retried, heartbeats both
// ways, a cut resumed at the next sequence, end of session) and OMD-C over
// UDP (gaps by SeqNum counted). Every test asserts the exact ticks (seq = the
// message's sequence number) and counters.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/core/instrument.hpp"
#include "adrmon/feeds/source.hpp"
#include "itch_encoder.hpp"
#include "omdc_encoder.hpp"
#include "source_test_support.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

using feeds_test::eventually;
using feeds_test::pop_all;

constexpr std::uint16_t kBaba = 7;
constexpr std::uint64_t kTs = 34'200'000'000'000;                 // 09:30 ET
constexpr std::int64_t kMidnight = 1763960400LL * 1'000'000'000;  // 2025-11-24 New York

// A day of ITCH messages (seq = index + 1): BABA's directory entry, one ask,
// then bids that each raise the best bid: every message from seq 3 on gives
// a quote whose seq is the message's.
std::vector<std::string> itch_day(std::size_t n) {
  std::vector<std::string> m;
  m.push_back(itch_test::directory(kBaba, kTs, "BABA"));
  m.push_back(itch_test::add(kBaba, kTs + 1, 1, 'S', 100, "BABA", 900000));
  for (std::size_t i = 2; i < n; ++i) {
    m.push_back(itch_test::add(kBaba, kTs + i, i, 'B', 100, "BABA",
                               static_cast<std::uint32_t>(800000 + i * 100)));
  }
  return m;
}

void put_be(std::string& out, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get_be(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}

// A MoldUDP64 packet with messages [first, first + count) of `day` (1-based).
std::string mold(const std::vector<std::string>& day, std::uint64_t first, std::uint16_t count,
                 const char* session = "SESSION001") {
  std::string p(session, 10);
  put_be(p, first, 8);
  put_be(p, count, 2);
  if (count == 0 || count == 0xffff) return p;
  for (std::uint64_t s = first; s < first + count; ++s) {
    put_be(p, day[s - 1].size(), 2);
    p += day[s - 1];
  }
  return p;
}

int udp_socket_on(const char* host, std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, host, &a.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

std::uint16_t free_udp_port() {
  std::uint16_t port = 0;
  const int fd = udp_socket_on("127.0.0.1", port);
  ::close(fd);
  return port;
}

void send_to(int fd, const char* host, std::uint16_t port, const std::string& data) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, host, &a.sin_addr);
  ::sendto(fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
}

// A UDP socket on loopback sending to 127.0.0.1:`port`; closed at the end.
class LoopbackSender {
 public:
  explicit LoopbackSender(std::uint16_t port) : port_(port) {
    std::uint16_t any = 0;
    fd_ = udp_socket_on("127.0.0.1", any);
  }
  ~LoopbackSender() { ::close(fd_); }
  void send(const std::string& data) const { send_to(fd_, "127.0.0.1", port_, data); }

 private:
  int fd_;
  std::uint16_t port_;
};

// A test server's thread: serve() runs on it, polling stop_, until the
// derived server's destructor calls stop(); the socket fd_ is closed after.
class ServerThread {
 public:
  std::uint16_t port() const { return port_; }

 protected:
  virtual ~ServerThread() { ::close(fd_); }
  void start() {
    thread_ = std::thread([this] { serve(); });
  }
  void stop() {
    stop_ = true;
    thread_.join();
  }
  virtual void serve() = 0;

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};

 private:
  std::thread thread_;
};

// A MoldUDP64 re-request server answering from `day` (or, when `silent`,
// reading requests and answering none), on its own thread.
class RerequestServer final : public ServerThread {
 public:
  RerequestServer(const std::vector<std::string>& day, bool silent) : day_(day), silent_(silent) {
    fd_ = udp_socket_on("127.0.0.1", port_);
    start();
  }
  ~RerequestServer() override { stop(); }
  std::uint64_t requests() const { return requests_; }
  // (sequence, count) of each request, in order.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> asked() {
    const std::lock_guard lock(mutex_);
    return asked_;
  }

 private:
  void serve() override {
    char buf[512];
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const ssize_t n =
          ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n != 20) continue;
      const std::uint64_t seq = get_be(buf + 10, 8);
      const std::uint64_t count = get_be(buf + 18, 2);
      {
        const std::lock_guard lock(mutex_);
        asked_.emplace_back(seq, count);
      }
      ++requests_;
      if (silent_) continue;
      // At most 3 messages per reply, so a long gap needs several requests.
      const std::uint64_t k = std::min<std::uint64_t>({count, 3, day_.size() + 1 - seq});
      const std::string reply = mold(day_, seq, static_cast<std::uint16_t>(k));
      ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }

  std::vector<std::string> day_;
  bool silent_;
  std::atomic<std::uint64_t> requests_{0};
  std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> asked_;
};

class VenueNetTest : public feeds_test::VenueSourceFixture {
 protected:
  // The source `text` makes, started.
  std::unique_ptr<Source> make(const std::string& text) {
    std::unique_ptr<Source> source = SourceFixture::make(text);
    source->start();
    return source;
  }
};

std::vector<std::uint64_t> range(std::uint64_t a, std::uint64_t b) {  // [a, b]
  std::vector<std::uint64_t> v;
  for (std::uint64_t s = a; s <= b; ++s) v.push_back(s);
  return v;
}

const char* kDate = "&date=2025-11-24";

TEST_F(VenueNetTest, MoldGapIsRecoveredByRerequestInSequenceOrder) {
  const auto day = itch_day(20);
  RerequestServer server(day, false);
  const std::uint16_t port = free_udp_port();
  auto src =
      make("moldudp64://127.0.0.1:" + std::to_string(port) +
           "?session=SESSION001&rerequest=127.0.0.1:" + std::to_string(server.port()) + kDate);
  const LoopbackSender tx(port);
  tx.send(mold(day, 1, 4));   // 1..4
  tx.send(mold(day, 12, 4));  // 12..15: 5..11 missing
  tx.send(mold(day, 16, 5));  // 16..20
  tx.send(mold(day, 21, 0xffff));
  ASSERT_TRUE(drain_until(*src, [&] { return src->stats().done.get() == 1; }));
  pop_all(src->channel(), ticks_);
  EXPECT_EQ(seqs(), range(3, 20));  // every message, in order, with its own sequence
  for (const Tick& t : ticks_) {
    EXPECT_EQ(t.instrument, adr_instrument(0));
    EXPECT_EQ(t.ts_event, kMidnight + static_cast<std::int64_t>(kTs + t.seq - 1));
  }
  EXPECT_EQ(itch(*src, ItchCount::SeqGaps), 1u);
  EXPECT_EQ(itch(*src, ItchCount::SeqMissing), 0u);
  // 7 missing, 3 per reply: asked for 5+7, then 8+4, then 11+1.
  const auto asked = server.asked();
  ASSERT_GE(asked.size(), 3u);
  EXPECT_EQ(asked[0], (std::pair<std::uint64_t, std::uint64_t>{5, 7}));
  EXPECT_EQ(asked[1], (std::pair<std::uint64_t, std::uint64_t>{8, 4}));
  EXPECT_EQ(asked[2], (std::pair<std::uint64_t, std::uint64_t>{11, 1}));
  EXPECT_EQ(itch(*src, ItchCount::Rerequests), asked.size());
  EXPECT_EQ(src->stats().seq_gaps.get(), 0u);
  EXPECT_EQ(src->stats().parsed.get(), 18u);
  EXPECT_TRUE(logged("end of session after message 20"));
}

TEST_F(VenueNetTest, MoldGapTheServerCannotFillIsReportedNotPatched) {
  const auto day = itch_day(12);
  RerequestServer server(day, true);
  const std::uint16_t port = free_udp_port();
  auto src = make("moldudp64://127.0.0.1:" + std::to_string(port) +
                  "?session=SESSION001&rerequest_timeout_ms=200&rerequest=127.0.0.1:" +
                  std::to_string(server.port()) + kDate);
  const LoopbackSender tx(port);
  tx.send(mold(day, 1, 4));
  tx.send(mold(day, 8, 5));  // 5..7 never come
  tx.send(mold(day, 13, 0xffff));
  ASSERT_TRUE(drain_until(*src, [&] { return src->stats().done.get() == 1; }));
  pop_all(src->channel(), ticks_);
  EXPECT_EQ(seqs(), (std::vector<std::uint64_t>{3, 4, 8, 9, 10, 11, 12}));
  EXPECT_EQ(itch(*src, ItchCount::SeqGaps), 1u);
  EXPECT_EQ(itch(*src, ItchCount::SeqMissing), 3u);
  EXPECT_GE(itch(*src, ItchCount::Rerequests), 2u);  // repeated while waiting
  EXPECT_EQ(src->stats().seq_gaps.get(), 1u);
  EXPECT_EQ(src->stats().seq_missing.get(), 3u);
  EXPECT_TRUE(logged("gap: messages 5..7 (3) not recovered"));
}

TEST_F(VenueNetTest, MoldOutOfOrderPacketsAreDeliveredInOrderWithoutAServer) {
  const auto day = itch_day(15);
  const std::uint16_t port = free_udp_port();
  auto src = make("moldudp64://127.0.0.1:" + std::to_string(port) + "?session=SESSION001" + kDate);
  const LoopbackSender tx(port);
  tx.send(mold(day, 1, 3));
  tx.send(mold(day, 10, 6));  // 10..15 first
  tx.send(mold(day, 7, 3));   // then 7..9
  tx.send(mold(day, 4, 3));   // then 4..6
  tx.send(mold(day, 4, 3));   // a duplicate
  tx.send(mold(day, 16, 0xffff));
  ASSERT_TRUE(drain_until(*src, [&] { return src->stats().done.get() == 1; }));
  pop_all(src->channel(), ticks_);
  EXPECT_EQ(seqs(), range(3, 15));
  EXPECT_EQ(itch(*src, ItchCount::SeqGaps), 1u);
  EXPECT_EQ(itch(*src, ItchCount::SeqMissing), 0u);
  EXPECT_EQ(itch(*src, ItchCount::Rerequests), 0u);
  EXPECT_EQ(src->stats().datagrams.get(), 6u);
}

TEST_F(VenueNetTest, MoldHeartbeatAnnouncesAGapThatIsRecovered) {
  const auto day = itch_day(8);
  RerequestServer server(day, false);
  const std::uint16_t port = free_udp_port();
  auto src = make("moldudp64://127.0.0.1:" + std::to_string(port) +
                  "?rerequest=127.0.0.1:" + std::to_string(server.port()) + kDate);
  const LoopbackSender tx(port);
  tx.send(mold(day, 1, 0));  // heartbeat: next is 1
  tx.send(mold(day, 1, 5));
  tx.send(mold(day, 9, 0));  // heartbeat: 6..8 exist, lost here
  ASSERT_TRUE(drain_until(*src, [&] { return ticks_.size() == 6; }));
  EXPECT_EQ(seqs(), range(3, 8));
  tx.send(mold(day, 9, 0xffff));
  ASSERT_TRUE(drain_until(*src, [&] { return src->stats().done.get() == 1; }));
  EXPECT_EQ(itch(*src, ItchCount::SeqGaps), 1u);
  EXPECT_EQ(itch(*src, ItchCount::SeqMissing), 0u);
  EXPECT_EQ(server.asked().at(0), (std::pair<std::uint64_t, std::uint64_t>{6, 3}));
}

TEST_F(VenueNetTest, MoldOtherSessionIsIgnoredAndMulticastJoinsOnLoopback) {
  const auto day = itch_day(6);
  const std::uint16_t port = free_udp_port();
  std::unique_ptr<Source> src;
  try {
    src = make("moldudp64://239.255.77.1:" + std::to_string(port) +
               "?session=SESSION001&iface=127.0.0.1&rcvbuf=1048576" + kDate);
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "no multicast on loopback here: " << e.what();
  }
  EXPECT_TRUE(logged("receive buffer: requested 1048576 bytes"));
  EXPECT_TRUE(logged("joined 239.255.77.1 on 127.0.0.1"));
  const int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
  in_addr lo{};
  lo.s_addr = htonl(INADDR_LOOPBACK);
  ::setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo);
  const unsigned char on = 1;
  ::setsockopt(tx, IPPROTO_IP, IP_MULTICAST_LOOP, &on, sizeof on);
  send_to(tx, "239.255.77.1", port, mold(day, 1, 6, "OTHERSESS1"));
  send_to(tx, "239.255.77.1", port, mold(day, 1, 6));
  send_to(tx, "239.255.77.1", port, mold(day, 7, 0xffff));
  ASSERT_TRUE(drain_until(*src, [&] { return src->stats().done.get() == 1; }));
  pop_all(src->channel(), ticks_);
  EXPECT_EQ(seqs(), range(3, 6));
  EXPECT_TRUE(logged("another MoldUDP64 session 'OTHERSESS1'"));
  ::close(tx);
}

// ------------------------------------------------------------------ SoupBinTCP

void soup(std::string& out, char type, const std::string& payload = "") {
  put_be(out, 1 + payload.size(), 2);
  out.push_back(type);
  out += payload;
}

std::string pad_left(const std::string& s, std::size_t n) {
  return std::string(n - s.size(), ' ') + s;
}

// A SoupBinTCP server on its own thread: every login of `user`/`password`
// is accepted at the sequence asked; it then sends messages from there,
// cutting the connection after `cut_after` messages on it (0: never), and Z
// after the last. Records each login request and counts client heartbeats.
class SoupServer final : public ServerThread {
 public:
  SoupServer(const std::vector<std::string>& day, std::string password, std::size_t cut_after,
             bool quiet_first = false)
      : day_(day), password_(std::move(password)), cut_after_(cut_after), quiet_(quiet_first) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 4);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    start();
  }
  ~SoupServer() override { stop(); }
  std::vector<std::string> logins() {
    const std::lock_guard lock(mutex_);
    return logins_;
  }
  std::uint64_t heartbeats() const { return heartbeats_; }
  void set_password(std::string p) {
    const std::lock_guard lock(mutex_);
    password_ = std::move(p);
  }

 private:
  bool read_packet(int c, char& type, std::string& payload) {
    char h[2];
    for (;;) {
      if (stop_) return false;
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 10) > 0) break;
    }
    if (::recv(c, h, 2, MSG_WAITALL) != 2) return false;
    const std::size_t len = get_be(h, 2);
    std::string body(len, '\0');
    if (len == 0 || ::recv(c, body.data(), len, MSG_WAITALL) != static_cast<ssize_t>(len))
      return false;
    type = body[0];
    payload = body.substr(1);
    return true;
  }

  void serve() override {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      session(c);
      ::close(c);
    }
  }

  void session(int c) {
    char type = 0;
    std::string payload;
    if (!read_packet(c, type, payload) || type != 'L' || payload.size() != 46) return;
    std::string password;
    {
      const std::lock_guard lock(mutex_);
      logins_.push_back(payload);
      password = password_;
    }
    std::string out;
    if (payload.substr(6, 10) != password + std::string(10 - password.size(), ' ')) {
      soup(out, 'J', "A");
      ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      return;
    }
    std::uint64_t seq = std::stoull(payload.substr(26, 20));
    soup(out, 'A', std::string("SESSION001") + pad_left(std::to_string(seq), 20));
    ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
    if (quiet_) {  // silent (no heartbeats) until the client gives up on us
      quiet_ = false;
      while (read_packet(c, type, payload))
        if (type == 'R') ++heartbeats_;
      return;
    }
    std::size_t sent = 0;
    for (; seq <= day_.size(); ++seq) {
      if (cut_after_ != 0 && sent == cut_after_) {
        cut_after_ = 0;  // once
        return;
      }
      out.clear();
      soup(out, 'S', day_[seq - 1]);
      ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      ++sent;
    }
    out.clear();
    soup(out, 'Z');
    ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
    while (read_packet(c, type, payload)) {
    }
  }

  std::vector<std::string> day_;
  std::string password_;
  std::size_t cut_after_;
  bool quiet_;
  std::atomic<std::uint64_t> heartbeats_{0};
  std::mutex mutex_;
  std::vector<std::string> logins_;
};

TEST_F(VenueNetTest, SoupResumesAtTheNextSequenceAfterACut) {
  const auto day = itch_day(30);
  SoupServer server(day, "pw", 10);
  auto src =
      make("soupbin://127.0.0.1:" + std::to_string(server.port()) + "?user=me&password=pw" + kDate);
  ASSERT_TRUE(drain_until(*src, [&] { return src->stats().done.get() == 1; }));
  pop_all(src->channel(), ticks_);
  EXPECT_EQ(seqs(), range(3, 30));
  const auto logins = server.logins();
  ASSERT_EQ(logins.size(), 2u);
  EXPECT_EQ(logins[0], "me    pw                  " + pad_left("1", 20));
  EXPECT_EQ(logins[1].substr(26), pad_left("11", 20));  // the next after the 10 received
  EXPECT_EQ(src->stats().connects.get(), 2u);
  EXPECT_EQ(src->stats().disconnects.get(), 1u);
  EXPECT_EQ(src->stats().seq_gaps.get(), 0u);
  EXPECT_EQ(itch(*src, ItchCount::SeqGaps), 0u);
  EXPECT_TRUE(logged("logged in to session 'SESSION001' at sequence 11"));
  EXPECT_TRUE(logged("end of session after message 30"));
}

TEST_F(VenueNetTest, SoupRejectedLoginIsAnErrorRetriedWithBackoff) {
  const auto day = itch_day(5);
  SoupServer server(day, "right", 0);
  auto src = make("soupbin://127.0.0.1:" + std::to_string(server.port()) +
                  "?user=me&password=wrong&session=SESSION001" + kDate);
  // The server records the second login before the client has read its
  // rejection and logged the second retry: wait for the log, not the server.
  ASSERT_TRUE(eventually([&] { return logged("retrying in 200 ms"); }));
  ASSERT_GE(server.logins().size(), 2u);
  EXPECT_TRUE(logged("login rejected: not authorised (check user and password)"));
  EXPECT_TRUE(logged("retrying in 100 ms"));
  EXPECT_EQ(server.logins()[0].substr(16, 10), "SESSION001");
  pop_all(src->channel(), ticks_);
  EXPECT_TRUE(ticks_.empty());
  server.set_password("wrong");  // the operator fixes it on the server side
  ASSERT_TRUE(drain_until(*src, [&] { return src->stats().done.get() == 1; }));
  pop_all(src->channel(), ticks_);
  EXPECT_EQ(seqs(), range(3, 5));
}

TEST_F(VenueNetTest, SoupHeartbeatsWhileIdleAndASilentServerIsDead) {
  const auto day = itch_day(6);
  SoupServer server(day, "pw", 0, true);
  auto src = make("soupbin://127.0.0.1:" + std::to_string(server.port()) +
                  "?user=me&password=pw&heartbeat_ms=50&timeout_ms=600" + kDate);
  ASSERT_TRUE(drain_until(*src, [&] { return src->stats().done.get() == 1; }));
  pop_all(src->channel(), ticks_);
  EXPECT_EQ(seqs(), range(3, 6));
  EXPECT_GE(server.heartbeats(), 5u);  // ~600 ms of silence at one per 50 ms
  EXPECT_TRUE(logged("server silent for"));
  EXPECT_EQ(src->stats().connects.get(), 2u);
  EXPECT_EQ(src->stats().disconnects.get(), 1u);
}

// ------------------------------------------------------------------ OMD-C UDP

TEST_F(VenueNetTest, OmdcUdpGapsBySeqNumAreCounted) {
  using omdc_test::BookEntry;
  const std::uint16_t port = free_udp_port();
  auto src = make("omdc-udp://127.0.0.1:" + std::to_string(port));  // no rts=: reported only
  const LoopbackSender tx(port);
  const std::int64_t t0 = kMidnight + 20 * 3600 * 1'000'000'000LL;
  auto update = [](std::int32_t bid, std::int32_t ask) {
    return omdc_test::book_update(
        9988, {BookEntry{1000, bid, 1, 0, 1, 0}, BookEntry{2000, ask, 1, 1, 1, 0}});
  };
  tx.send(omdc_test::packet(1, t0, {update(80000, 80100)}));
  tx.send(omdc_test::packet(2, t0 + 1, {}));                      // heartbeat
  tx.send(omdc_test::packet(5, t0 + 2, {update(80010, 80100)}));  // 2..4 lost
  tx.send(std::string(10, '\0'));                                 // too short to be a packet
  ASSERT_TRUE(drain_until(*src, [&] { return src->stats().datagrams.get() == 4; }));
  ASSERT_TRUE(drain_until(*src, [&] { return ticks_.size() == 2; }));
  EXPECT_EQ(seqs(), (std::vector<std::uint64_t>{1, 5}));
  EXPECT_EQ(ticks_[1].instrument, hk_instrument(0));
  EXPECT_EQ(omdc(*src, OmdcCount::SeqGaps), 1u);
  EXPECT_EQ(omdc(*src, OmdcCount::SeqMissing), 3u);
  EXPECT_EQ(omdc(*src, OmdcCount::Heartbeats), 1u);
  EXPECT_EQ(omdc(*src, OmdcCount::BadPackets), 1u);
  EXPECT_EQ(src->stats().seq_gaps.get(), 1u);
  EXPECT_EQ(src->stats().seq_missing.get(), 3u);
}

TEST(VenueNetSpecTest, SpecsAndTheirErrors) {
  const SourceSpec m = parse_source_spec(
      "moldudp64://239.1.1.1:5000?session=NASDAQ01&rerequest=10.0.0.1:6000&"
      "rerequest_timeout_ms=250&iface=10.0.0.2&source=10.0.0.9&rcvbuf=8388608&date=2025-11-24");
  EXPECT_EQ(m.kind, SourceSpec::Kind::MoldUdp64);
  EXPECT_EQ(m.host, "239.1.1.1");
  EXPECT_EQ(m.port, 5000);
  EXPECT_EQ(m.session, "NASDAQ01");
  EXPECT_EQ(m.rerequest_host, "10.0.0.1");
  EXPECT_EQ(m.rerequest_port, 6000);
  EXPECT_EQ(m.rerequest_timeout_ms, 250u);
  EXPECT_EQ(m.iface, "10.0.0.2");
  EXPECT_EQ(m.mcast_source, "10.0.0.9");
  EXPECT_EQ(m.rcvbuf, 8388608u);
  EXPECT_TRUE(m.dated);
  EXPECT_FALSE(m.is_replayed_file());
  const SourceSpec s =
      parse_source_spec("soupbin://[::1]:7000?user=u&password=p&session=S1&seq=42");
  EXPECT_EQ(s.kind, SourceSpec::Kind::SoupBin);
  EXPECT_EQ(s.host, "::1");
  EXPECT_EQ(s.soup_seq, 42u);
  EXPECT_EQ(s.heartbeat_ms, 1000u);
  EXPECT_EQ(s.timeout_ms, 15000u);
  const SourceSpec o = parse_source_spec("omdc-udp://239.2.2.2:6000?rts=10.0.0.1:7000");
  EXPECT_EQ(o.kind, SourceSpec::Kind::OmdcUdp);
  EXPECT_EQ(o.rts_port, 7000);
  EXPECT_EQ(o.rcvbuf, std::size_t{4} << 20);
  auto error = [](const std::string& text) {
    try {
      parse_source_spec(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("soupbin://h:1?user=u"),
            "source 'soupbin://h:1?user=u': user= and password= are required");
  EXPECT_EQ(error("moldudp64://h:1?session=ELEVENCHARS"),
            "source 'moldudp64://h:1?session=ELEVENCHARS': session: 1 to 10 characters");
  EXPECT_EQ(error("moldudp64://h:1?x=1"),
            "source 'moldudp64://h:1?x=1': unknown option 'x' (session, rerequest, "
            "rerequest_timeout_ms, date, orders, iface, source, rcvbuf)");
  EXPECT_EQ(error("omdc-udp://h:1?rcvbuf=1"),
            "source 'omdc-udp://h:1?rcvbuf=1': rcvbuf must be a whole number from 4096 to "
            "1073741824");
  EXPECT_NE(error("soupbin://h:1?user=toolonguser&password=p").find("user: at most 6"),
            std::string::npos);
}

}  // namespace
}  // namespace adrmon
