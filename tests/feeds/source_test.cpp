// Sources run for real: files in a temp dir, a growing file that is truncated
// and rotated, TCP against a loopback server opened here, UDP datagrams sent
// here. Good paths assert that nothing (TCP: only "connected"; UDP: only the
// receive buffer line) was logged and no reject counted; failure paths assert
// the exact lines stderr_log() would print after "adrmon: ". Waits poll a
// condition; no test asserts a duration.
#include "adrmon/feeds/source.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/core/clock.hpp"
#include "source_test_support.hpp"

namespace adrmon {
namespace {

using namespace feeds_test;

// A socket address on a loopback interface: 127.0.0.1 or ::1, port 0 = any.
struct Loopback {
  sockaddr_storage addr{};
  socklen_t len = 0;
  explicit Loopback(int family, std::uint16_t port = 0) {
    if (family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      a->sin6_port = htons(port);
      len = sizeof(sockaddr_in6);
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&addr);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a->sin_port = htons(port);
      len = sizeof(sockaddr_in);
    }
  }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&addr); }
};

// A socket of `type` bound to loopback (any free port); -1 when the family is
// not available here.
int bound_socket(int family, int type) {
  const int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const Loopback at(family);
  if (::bind(fd, at.get(), at.len) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::uint16_t port_of(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

// "tcp://127.0.0.1:PORT" or "udp://[::1]:PORT".
std::string spec_text(const char* scheme, int family, std::uint16_t port) {
  return std::string(scheme) + (family == AF_INET6 ? "[::1]" : "127.0.0.1") + ":" +
         std::to_string(port);
}

// A free port: bound once, then released (another process may take it before
// the test binds it; make_udp picks again then).
std::uint16_t free_port(int family, int type) {
  const int fd = bound_socket(family, type);
  const std::uint16_t port = fd < 0 ? 0 : port_of(fd);
  if (fd >= 0) ::close(fd);
  return port;
}

// A TCP listener on loopback that hands out accepted connections.
class TcpServer {
 public:
  explicit TcpServer(int family) : fd_(bound_socket(family, SOCK_STREAM)) {
    if (fd_ >= 0) ::listen(fd_, 4);
  }
  ~TcpServer() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  std::uint16_t port() const { return port_of(fd_); }
  // The next connection (waiting up to 10 s), or -1.
  int accept() const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10'000) != 1) return -1;
    return ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  }

 private:
  int fd_;
};

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    sent += static_cast<std::size_t>(n);
  }
}

std::vector<std::string> three_ticks() {
  return {fx(kT0 + 1, 7.8, 7.8001), quote(kT0 + 2, "US", "BABA", 85.12, 85.14),
          quote(kT0 + 3, "HK", "9988", 84.9, 85.0)};
}

class SourceTest : public SourceFixture {
 protected:
  // Pops until the source closes its channel (or 10 s pass).
  std::vector<Tick> drain_until_closed(Source& s) {
    std::vector<Tick> ticks;
    EXPECT_TRUE(eventually([&] { return pop_all(s.channel(), ticks); }));
    return ticks;
  }
  static bool parsed(const Source& s, std::uint64_t n) { return s.stats().parsed.get() >= n; }
  static void expect_no_rejects(const Source& s) {
    EXPECT_EQ(s.stats().reject_counts().total(), 0u);
    EXPECT_EQ(s.stats().lines.get(), s.stats().parsed.get());
  }

  TempDir dir_;
};

// ---- files ----------------------------------------------------------------

TEST_F(SourceTest, FileGroupGoodPathDeliversEveryTickAndLogsNothing) {
  const std::string path = dir_.write("day.jsonl", join(three_ticks()));
  auto source = make("file:" + path);
  source->start();
  const std::vector<Tick> ticks = drain_until_closed(*source);
  source->join();
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[1].bid, 85.12);  // parsed exactly, as the parser promises
  EXPECT_EQ(source->stats().parsed.get(), 3u);
  EXPECT_EQ(source->stats().done.get(), 1u);
  expect_no_rejects(*source);
  EXPECT_TRUE(log_.lines().empty());
}

TEST_F(SourceTest, FileGroupReadErrorIsLoggedNamingTheFile) {
  const std::string dir = dir_.path();  // opens, but read() fails
  auto source = make("file:" + dir);
  source->start();
  drain_until_closed(*source);
  source->join();
  EXPECT_EQ(log_.lines(), std::vector<std::string>{dir + ": read error: Is a directory"});
}

TEST_F(SourceTest, BackpressureKeepsWaitingWhileStopping) {
  options_.queue_capacity = 16;
  std::vector<std::string> lines;
  for (int i = 0; i < 2000; ++i) lines.push_back(fx(kT0 + i, 7.8, 7.8001));
  auto source = make("file:" + dir_.write("big.jsonl", join(lines)));
  source->start();
  ASSERT_TRUE(eventually([&] { return source->channel().full_waits() > 0; }));
  source->request_stop();  // the source is (or soon is) blocked on a full queue
  const std::vector<Tick> ticks = drain_until_closed(*source);
  source->join();
  // Nothing read was lost: every line read became a tick in the channel.
  EXPECT_GE(ticks.size(), 16u);
  EXPECT_EQ(ticks.size(), source->stats().parsed.get());
  EXPECT_EQ(source->stats().dropped.get(), 0u);
  expect_no_rejects(*source);
}

TEST_F(SourceTest, FollowLogsTruncationAndRotationWithThePath) {
  const std::vector<std::string> ticks = three_ticks();
  const std::string path = dir_.write("live.jsonl", join({ticks[0], ticks[1]}));
  auto source = make("file:" + path + "?follow=1");
  source->start();
  ASSERT_TRUE(eventually([&] { return parsed(*source, 2); }));
  EXPECT_TRUE(log_.lines().empty());

  dir_.write("live.jsonl", join({ticks[2]}));  // shorter than what was read: truncated
  ASSERT_TRUE(eventually([&] { return parsed(*source, 3); }));
  std::filesystem::rename(path, path + ".1");
  dir_.write("live.jsonl", join({ticks[0]}));  // a new file at the same path
  ASSERT_TRUE(eventually([&] { return parsed(*source, 4); }));
  source->request_stop();
  source->join();
  EXPECT_EQ(log_.lines(), (std::vector<std::string>{path + ": truncated; reading from the start",
                                                    path + ": rotated; following the new file"}));
  expect_no_rejects(*source);
}

// ---- TCP ------------------------------------------------------------------

TEST_F(SourceTest, TcpDropIsLoggedThenTheReconnect) {
  TcpServer server(AF_INET);
  ASSERT_TRUE(server.ok());
  const std::string name = spec_text("tcp://", AF_INET, server.port());
  auto source = make(name);
  source->start();
  int peer = server.accept();
  ASSERT_GE(peer, 0);
  send_all(peer, join({three_ticks()[0]}));
  ASSERT_TRUE(eventually([&] { return parsed(*source, 1); }));
  ::close(peer);  // the feed drops; the source retries after 100 ms
  peer = server.accept();
  ASSERT_GE(peer, 0);
  ASSERT_TRUE(eventually([&] { return log_.lines().size() >= 3; }));
  source->request_stop();
  source->join();
  ::close(peer);
  const std::vector<std::string> lines = log_.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], name + ": connected");
  EXPECT_EQ(lines[1], name + ": connection lost: End of file; retrying in 100 ms");
  const std::string prefix = name + ": reconnected after ";
  EXPECT_EQ(lines[2].rfind(prefix, 0), 0u) << lines[2];
  double seconds = -1;
  char tail[16] = {};
  EXPECT_EQ(std::sscanf(lines[2].c_str() + prefix.size(), "%lf%15s", &seconds, tail), 2);
  EXPECT_GE(seconds, 0.0);
  EXPECT_EQ(std::string(tail), "s");
  EXPECT_TRUE(lines[2].ends_with(" s down")) << lines[2];
  EXPECT_EQ(source->stats().disconnects.get(), 1u);
  EXPECT_EQ(source->stats().connects.get(), 2u);
}

TEST_F(SourceTest, TcpRefusalIsLoggedWithTheBackoff) {
  const std::string name = spec_text("tcp://", AF_INET, free_port(AF_INET, SOCK_STREAM));
  auto source = make(name);
  source->start();
  ASSERT_TRUE(eventually([&] { return log_.lines().size() >= 2; }));
  source->request_stop();
  source->join();
  const std::vector<std::string> lines = log_.lines();
  EXPECT_EQ(lines[0], name + ": connect: Connection refused; retrying in 100 ms");
  EXPECT_EQ(lines[1], name + ": connect: Connection refused; retrying in 200 ms");
}

TEST_F(SourceTest, StopBeforeStartEndsTheThreadAtOnce) {
  auto source = make(spec_text("tcp://", AF_INET, free_port(AF_INET, SOCK_STREAM)));
  source->request_stop();
  source->start();
  drain_until_closed(*source);
  source->join();
  EXPECT_EQ(source->stats().done.get(), 1u);
  EXPECT_TRUE(log_.lines().empty());
}

// ---- over IPv4 and IPv6 loopback -------------------------------------------

class NetSourceTest : public SourceTest, public ::testing::WithParamInterface<int> {
 protected:
  // A udp:// source bound on a free loopback port (`port` set), or null when
  // the family has no loopback here. The port is free when picked; should
  // another process take it before the source binds (a unicast port is never
  // shared: the bind fails), a new one is picked.
  std::unique_ptr<Source> make_udp(int family, const std::string& query, std::uint16_t& port) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      port = free_port(family, SOCK_DGRAM);
      if (port == 0) return nullptr;
      try {
        return make(spec_text("udp://", family, port) + query);
      } catch (const std::runtime_error&) {
      }
    }
    ADD_FAILURE() << "no free UDP port in 5 attempts";
    return nullptr;
  }
};

TEST_P(NetSourceTest, TcpGoodPathLogsOnlyConnected) {
  const int family = GetParam();
  TcpServer server(family);
  if (!server.ok()) GTEST_SKIP() << "no loopback for this family here";
  const std::string name = spec_text("tcp://", family, server.port());
  auto source = make(name);
  source->start();
  const int peer = server.accept();
  ASSERT_GE(peer, 0);
  send_all(peer, join(three_ticks()));
  ASSERT_TRUE(eventually([&] { return parsed(*source, 3); }));
  source->request_stop();
  const std::vector<Tick> got = drain_until_closed(*source);
  source->join();
  ::close(peer);
  EXPECT_EQ(got.size(), 3u);
  EXPECT_EQ(source->stats().connects.get(), 1u);
  EXPECT_EQ(source->stats().disconnects.get(), 0u);
  expect_no_rejects(*source);
  EXPECT_EQ(log_.lines(), std::vector<std::string>{name + ": connected"});
}

TEST_P(NetSourceTest, UdpDatagramsAreTicksAndOnlyTheReceiveBufferIsLogged) {
  const int family = GetParam();
  std::uint16_t port = 0;
  auto source = make_udp(family, "", port);
  if (!source) GTEST_SKIP() << "no loopback for this family here";
  const std::string name = spec_text("udp://", family, port);
  source->start();
  const int out = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(out, 0);
  const Loopback to(family, port);
  const std::string datagram = join(three_ticks());  // the source is bound since make()
  ASSERT_EQ(::sendto(out, datagram.data(), datagram.size(), 0, to.get(), to.len),
            static_cast<ssize_t>(datagram.size()));
  ASSERT_TRUE(eventually([&] { return parsed(*source, 3); }));
  ::close(out);
  source->request_stop();
  source->join();
  EXPECT_EQ(source->stats().datagrams.get(), 1u);
  expect_no_rejects(*source);
  // The start-up line every UDP receiver writes (udp_socket.hpp), and nothing else.
  const std::vector<std::string> lines = log_.lines();
  ASSERT_EQ(lines.size(), 1u);
  const std::string head = name + ": receive buffer: requested 4194304 bytes, kernel reports ";
  EXPECT_EQ(lines[0].rfind(head, 0), 0u) << lines[0];
  EXPECT_EQ(lines[0].find("joined"), std::string::npos) << lines[0];
}

std::int64_t realtime_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// Linux turns software receive stamps on machine-wide a moment after the
// first socket asks (net_enable_timestamp defers it to a work item); until
// then a read is stamped when it is read. True once a datagram left waiting
// in a socket of our own comes back stamped at its arrival (2 s at most).
bool kernel_stamps_arrivals(int family) {
  const int fd = bound_socket(family, SOCK_DGRAM);
  if (fd < 0) return false;
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  const Loopback self(family, port_of(fd));
  bool stamped = false;
  for (int attempt = 0; attempt < 200 && !stamped; ++attempt) {
    char byte = 'x';
    if (::sendto(fd, &byte, 1, 0, self.get(), self.len) != 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    iovec iov{&byte, 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (::recvmsg(fd, &msg, MSG_DONTWAIT) != 1) break;
    const std::int64_t read_at = realtime_ns();
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      const std::int64_t at = std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
      stamped = read_at - at >= 5'000'000;  // taken on arrival, not on the read
    }
  }
  ::close(fd);
  return stamped;
}

// The datagram waits in the socket before the source reads it: the tick's
// receive time is when the kernel took it (before the source even started),
// not when the thread read it, and the wait is counted beside it.
TEST_P(NetSourceTest, UdpTicksCarryTheKernelReceiveStampNotTheReadTime) {
  const int family = GetParam();
  std::uint16_t port = 0;
  auto source = make_udp(family, "", port);
  if (!source) GTEST_SKIP() << "no loopback for this family here";
  // The source's socket asked for stamps; wait for the kernel to give them.
  ASSERT_TRUE(kernel_stamps_arrivals(family)) << "the kernel never stamped on arrival";
  const int out = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(out, 0);
  const Loopback to(family, port);
  const std::string datagram = join(three_ticks());
  const std::int64_t sent_before = steady_ns();
  ASSERT_EQ(::sendto(out, datagram.data(), datagram.size(), 0, to.get(), to.len),
            static_cast<ssize_t>(datagram.size()));
  ::close(out);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the wait being measured
  const std::int64_t started = steady_ns();
  source->start();
  std::vector<Tick> got;
  ASSERT_TRUE(eventually([&] {
    pop_all(source->channel(), got);
    return got.size() == 3;
  }));
  source->request_stop();
  source->join();
  for (const Tick& t : got) {
    EXPECT_GE(t.ts_recv, sent_before - 1'000'000);  // clock mapping: well within 1 ms
    EXPECT_LT(t.ts_recv, started);
  }
  EXPECT_EQ(source->stats().kernel_stamped.get(), 1u);
  EXPECT_GE(source->stats().wire_wait_ns.get(), 50'000'000u);
  EXPECT_EQ(source->stats().kernel_drops.get(), 0u);
}

// A burst into a small socket buffer before the source reads: what the
// kernel could not keep is counted as kernel_drops, and every datagram sent
// is either read or counted, a lost tail included (no later datagram says so).
TEST_P(NetSourceTest, UdpKernelDropsAreCountedEvenWhenTheTailIsLost) {
  const int family = GetParam();
  std::uint16_t port = 0;
  auto source = make_udp(family, "?rcvbuf=4096", port);
  if (!source) GTEST_SKIP() << "no loopback for this family here";
  const int out = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(out, 0);
  const Loopback to(family, port);
  constexpr std::uint64_t kSent = 200;
  const std::string line = fx(kT0 + 1, 7.8, 7.8001) + "\n";
  for (std::uint64_t i = 0; i < kSent; ++i) {
    ASSERT_EQ(::sendto(out, line.data(), line.size(), 0, to.get(), to.len),
              static_cast<ssize_t>(line.size()));
  }
  ::close(out);
  source->start();
  const SourceStats& st = source->stats();
  ASSERT_TRUE(eventually([&] { return st.datagrams.get() + st.kernel_drops.get() == kSent; }))
      << "read " << st.datagrams.get() << ", kernel drops " << st.kernel_drops.get();
  source->request_stop();
  source->join();
  EXPECT_GT(st.kernel_drops.get(), 0u);
  EXPECT_GT(st.datagrams.get(), 0u);
  EXPECT_EQ(st.datagrams.get() + st.kernel_drops.get(), kSent);
}

// The inline design: a udp:// source read by the caller's thread through
// poll(), with no thread of its own. poll() never blocks, reads and stamps
// what waits, and once a stop is requested ends the source (done, channel
// closed) and reads nothing more.
TEST_P(NetSourceTest, UdpSourcePolledWithoutAThreadReadsThenEndsOnStop) {
  const int family = GetParam();
  std::uint16_t port = 0;
  auto source = make_udp(family, "", port);
  if (!source) GTEST_SKIP() << "no loopback for this family here";
  ASSERT_TRUE(source->pollable());
  source->start_polled();
  source->start();  // a polled source has no thread to start
  EXPECT_EQ(source->poll(), 0u) << "nothing sent yet, and it did not block";
  const int out = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(out, 0);
  const Loopback to(family, port);
  const std::string datagram = join(three_ticks());
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(::sendto(out, datagram.data(), datagram.size(), 0, to.get(), to.len),
              static_cast<ssize_t>(datagram.size()));
  }
  ::close(out);
  pollfd ready{source->wait_fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&ready, 1, 5000), 1) << "wait_fd() turns readable with a datagram waiting";
  std::size_t reads = 0;
  ASSERT_TRUE(eventually([&] {
    reads += source->poll();
    return reads == 2;
  }));
  std::vector<Tick> got;
  pop_all(source->channel(), got);
  EXPECT_EQ(got.size(), 6u);
  EXPECT_EQ(source->stats().kernel_stamped.get(), 2u);
  EXPECT_FALSE(source->channel().closed());
  EXPECT_EQ(source->stats().done.get(), 0u);
  source->request_stop();
  EXPECT_EQ(source->poll(), 0u);
  EXPECT_TRUE(source->channel().closed());
  EXPECT_EQ(source->stats().done.get(), 1u);
  EXPECT_EQ(source->poll(), 0u) << "ended once";
  source->join();
  expect_no_rejects(*source);
}

// TCP, a paced file group and a followed file keep their feed thread in
// every design; udp:// and files replayed at full speed can be polled.
// Only the full-speed group is untimed (a throughput run).
TEST_F(SourceTest, OnlyUdpAndFullSpeedFilesCanBePolled) {
  const std::string path = dir_.write("a.jsonl", "");
  EXPECT_FALSE(make("tcp://127.0.0.1:1")->pollable());
  EXPECT_FALSE(make("file:" + path + "?speed=1")->pollable());
  EXPECT_TRUE(make("file:" + path + "?speed=1")->timed());
  EXPECT_FALSE(make("file:" + path + "?follow=1")->pollable());
  EXPECT_TRUE(make("file:" + path + "?follow=1")->timed());
  EXPECT_TRUE(make("file:" + path)->pollable()) << "max, the default";
  EXPECT_FALSE(make("file:" + path)->timed());
  EXPECT_TRUE(make("file:" + path + "?speed=max")->pollable());
  EXPECT_TRUE(make("tcp://127.0.0.1:1")->timed());
}

// The inline design over files: the caller's thread merges the group
// through poll(), never more ticks a call than the channel has room for (so
// a push never waits on the thread that pops), and the source ends itself
// at the files' end (done, channel closed, last counts published) with no
// stop asked. The ticks are the threaded source's, in the same order.
TEST_F(SourceTest, FileGroupAtFullSpeedIsPolledToItsEndThenEndsItself) {
  std::vector<std::string> lines;
  for (int i = 0; i < 100; ++i) lines.push_back(quote(kT0 + 2 * i, "US", "BABA", 85.12, 85.14));
  const std::string us = dir_.write("us.jsonl", join(lines));
  const std::string fx = dir_.write("fx.jsonl", join(three_ticks()) + "not json\n");
  const std::string spec_us = "file:" + us, spec_fx = "file:" + fx;
  std::vector<Tick> threaded;
  {
    auto sources = make_sources({parse_source_spec(spec_us), parse_source_spec(spec_fx)}, config_,
                                options_, bell_);
    sources.front()->start();
    threaded = drain_until_closed(*sources.front());
  }
  ASSERT_EQ(threaded.size(), 103u);

  options_.queue_capacity = 16;
  auto sources = make_sources({parse_source_spec(spec_us), parse_source_spec(spec_fx)}, config_,
                              options_, bell_);
  ASSERT_EQ(sources.size(), 1u) << "one merged group";
  Source& source = *sources.front();
  ASSERT_TRUE(source.pollable());
  source.start_polled();
  source.start();  // no thread to start
  const std::size_t room = source.channel().capacity();
  const std::size_t first = source.poll();
  EXPECT_GT(first, 0u);
  EXPECT_LE(first, room);
  EXPECT_EQ(source.poll(), room - first) << "fills the channel's room and no more";
  EXPECT_EQ(source.poll(), 0u) << "a full channel: returns at once, no wait";
  EXPECT_FALSE(source.done());
  std::vector<Tick> polled;
  for (int rounds = 0; !source.done() && rounds < 1000; ++rounds) {
    pop_all(source.channel(), polled);
    source.poll();
  }
  ASSERT_TRUE(source.done()) << "ended at the files' end, no stop asked";
  EXPECT_TRUE(pop_all(source.channel(), polled)) << "closed";
  EXPECT_EQ(source.stats().done.get(), 1u);
  EXPECT_EQ(source.poll(), 0u) << "ended once";
  ASSERT_EQ(polled.size(), threaded.size());
  for (std::size_t i = 0; i < polled.size(); ++i) {
    EXPECT_EQ(polled[i].ts_event, threaded[i].ts_event) << i;
    EXPECT_EQ(polled[i].instrument, threaded[i].instrument) << i;
    EXPECT_EQ(polled[i].parse_ns, 0u) << "untimed: no clock read per line";
  }
  EXPECT_EQ(source.stats().parsed.get(), 103u);
  EXPECT_EQ(source.stats().lines.get(), 104u) << "final counts published at the end";
  EXPECT_EQ(source.stats().reject_counts().total(), 1u);
}

// A unicast port is not shared: a second source on it is refused at start-up,
// naming the spec, instead of silently taking the first one's datagrams.
TEST_P(NetSourceTest, UdpUnicastPortTakenIsRefusedNotShared) {
  const int family = GetParam();
  std::uint16_t port = 0;
  auto first = make_udp(family, "", port);
  if (!first) GTEST_SKIP() << "no loopback for this family here";
  const std::string spec = spec_text("udp://", family, port);
  const std::string why = start_up_error(spec);
  EXPECT_NE(why.find(spec), std::string::npos) << why;
  EXPECT_NE(why.find("cannot bind"), std::string::npos) << why;
}

INSTANTIATE_TEST_SUITE_P(Loopback, NetSourceTest, ::testing::Values(AF_INET, AF_INET6),
                         [](const ::testing::TestParamInfo<int>& family) {
                           return family.param == AF_INET6 ? std::string("Ipv6") : "Ipv4";
                         });

}  // namespace
}  // namespace adrmon
