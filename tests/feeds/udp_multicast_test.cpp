// udp:// multicast through the shared receiver (udp_socket.hpp): a group is
// joined on the interface ?iface= names, from ?source= only when given, with
// the receive buffer requested and reported in one log line. Two real
// receivers: on loopback with the interface named (always), and on a veth
// interface inside network namespaces this test creates (root and iproute2
// needed; skipped with the reason otherwise, never installed here). A bad
// iface= is a start-up error naming the spec.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/feeds/source.hpp"
#include "source_test_support.hpp"

namespace adrmon {
namespace {

using namespace feeds_test;

const std::string kTicks =
    join({fx(kT0 + 1, 7.8, 7.8001), quote(kT0 + 2, "US", "BABA", 85.12, 85.14),
          quote(kT0 + 3, "HK", "9988", 84.9, 85.0)});

// Sends `data` to GROUP:PORT out of the interface whose address is `iface`,
// from `from` (bound first) when given. Returns false on any failure.
bool send_multicast(const char* group, std::uint16_t port, const char* iface,
                    const std::string& data, const char* from = nullptr) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  bool ok = true;
  if (from != nullptr) {
    ::inet_pton(AF_INET, from, &a.sin_addr);
    ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  in_addr out{};
  ::inet_pton(AF_INET, iface, &out);
  const unsigned char on = 1;
  ok = ok && ::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &out, sizeof out) == 0 &&
       ::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &on, sizeof on) == 0;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, group, &a.sin_addr);
  ok = ok && ::sendto(fd, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a) ==
                 static_cast<ssize_t>(data.size());
  ::close(fd);
  return ok;
}

// A free UDP port on loopback (bound once, then released).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

class UdpMulticast : public SourceFixture {
 protected:
  // The one line a receiver logs at start-up, checked whole but for the
  // size the kernel granted; `joined` is what follows "; joined ".
  void expect_receiver_line(const std::string& name, std::size_t requested,
                            const std::string& joined) {
    const std::vector<std::string> lines = log_.lines();
    ASSERT_EQ(lines.size(), 1u);
    const std::string head = name + ": receive buffer: requested " + std::to_string(requested) +
                             " bytes, kernel reports ";
    EXPECT_EQ(lines[0].rfind(head, 0), 0u) << lines[0];
    // A kernel capped below the request (net.core.rmem_max) adds its warning;
    // a process allowed past that cap (root: SO_RCVBUFFORCE) says so instead.
    EXPECT_TRUE(
        lines[0].ends_with("; joined " + joined) ||
        lines[0].ends_with("; joined " + joined +
                           " (less than requested: raise net.core.rmem_max)") ||
        lines[0].ends_with("; joined " + joined + " (past net.core.rmem_max: SO_RCVBUFFORCE)"))
        << lines[0];
  }
  std::vector<Tick> stop_and_drain(Source& s) {
    s.request_stop();
    s.join();
    std::vector<Tick> ticks;
    pop_all(s.channel(), ticks);
    return ticks;
  }
};

TEST_F(UdpMulticast, GroupIsReceivedOnTheLoopbackInterfaceItNames) {
  const std::uint16_t port = free_port();
  const std::string name =
      "udp://239.255.78.1:" + std::to_string(port) + "?iface=127.0.0.1&rcvbuf=1048576";
  auto source = make(name);
  expect_receiver_line(name, 1048576, "239.255.78.1 on 127.0.0.1");
  source->start();
  ASSERT_TRUE(send_multicast("239.255.78.1", port, "127.0.0.1", kTicks));
  ASSERT_TRUE(eventually([&] { return source->stats().parsed.get() >= 3; }));
  const std::vector<Tick> ticks = stop_and_drain(*source);
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[1].bid, 85.12);
  EXPECT_EQ(source->stats().datagrams.get(), 1u);
  EXPECT_EQ(source->stats().reject_counts().total(), 0u);
  EXPECT_EQ(log_.lines().size(), 1u);  // nothing after the start-up line
}

TEST_F(UdpMulticast, SourceSpecificJoinTakesOnlyTheNamedSender) {
  const std::uint16_t port = free_port();
  const std::string name =
      "udp://239.255.78.2:" + std::to_string(port) + "?iface=127.0.0.1&source=127.0.0.1";
  auto source = make(name);
  expect_receiver_line(name, std::size_t{4} << 20, "239.255.78.2 from 127.0.0.1 on 127.0.0.1");
  source->start();
  // Another sender first (filtered by the kernel), then the named one.
  ASSERT_TRUE(send_multicast("239.255.78.2", port, "127.0.0.1", join({fx(kT0 + 9, 7.7, 7.7001)}),
                             "127.0.0.2"));
  ASSERT_TRUE(send_multicast("239.255.78.2", port, "127.0.0.1", kTicks, "127.0.0.1"));
  ASSERT_TRUE(eventually([&] { return source->stats().parsed.get() >= 3; }));
  const std::vector<Tick> ticks = stop_and_drain(*source);
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[0].ts_event, kT0 + 1);  // the other sender's kT0 + 9 never came in
  EXPECT_EQ(source->stats().datagrams.get(), 1u);
}

TEST_F(UdpMulticast, BadIfaceIsAStartUpErrorNamingTheSpec) {
  const std::string port = std::to_string(free_port());
  const std::string name = "udp://239.255.78.3:" + port + "?iface=eth-nope";
  EXPECT_EQ(start_up_error(name),
            "source '" + name + "': iface must be an IPv4 address, got 'eth-nope'");
  // An address no interface here has (TEST-NET-1).
  const std::string absent = "udp://239.255.78.3:" + port + "?iface=192.0.2.77";
  EXPECT_EQ(start_up_error(absent), "source '" + absent + "': cannot join group: No such device");
  const std::string unicast = "udp://127.0.0.1:" + port + "?iface=127.0.0.1";
  EXPECT_EQ(start_up_error(unicast),
            "source '" + unicast + "': iface= and source= apply to a multicast group only");
  const std::string ssm = "udp://239.255.78.3:" + port + "?iface=127.0.0.1&source=nope";
  EXPECT_EQ(start_up_error(ssm),
            "source '" + ssm + "': source must be an IPv4 address, got 'nope'");
  EXPECT_TRUE(log_.lines().empty());
}

// ---- a veth pair between two network namespaces ---------------------------

// Two namespaces made for this test: RX holds va (10.213.0.1/24, plus lo),
// TX holds its peer vb (10.213.0.2/24). Removed (with the veth) on
// destruction. ok() is false, with why(), when this machine cannot do it.
class VethPair {
 public:
  VethPair()
      : rx_("adrmon_rx_" + std::to_string(::getpid())),
        tx_("adrmon_tx_" + std::to_string(::getpid())) {
    if (::geteuid() != 0) {
      why_ = "network namespaces need root";
      return;
    }
    if (std::system("command -v ip >/dev/null 2>&1") != 0) {
      why_ = "iproute2 ('ip') is not installed";
      return;
    }
    remove();
    const std::string steps[] = {
        "ip netns add " + rx_,
        "ip netns add " + tx_,
        "ip -n " + rx_ + " link add va type veth peer name vb netns " + tx_,
        "ip -n " + rx_ + " addr add 10.213.0.1/24 dev va",
        "ip -n " + tx_ + " addr add 10.213.0.2/24 dev vb",
        "ip -n " + rx_ + " link set lo up",
        "ip -n " + rx_ + " link set va up",
        "ip -n " + tx_ + " link set vb up",
    };
    for (const std::string& step : steps) {
      if (std::system((step + " >/dev/null 2>&1").c_str()) != 0) {
        why_ = "'" + step + "' failed (no network namespaces or veth here)";
        return;
      }
    }
    ok_ = true;
  }
  ~VethPair() { remove(); }
  bool ok() const { return ok_; }
  const std::string& why() const { return why_; }

  // Runs `f` on a thread that has entered namespace `ns` (rx() or tx()):
  // sockets it opens live there. False when the namespace cannot be entered.
  template <class F>
  static bool in(const std::string& ns, F&& f) {
    bool entered = false;
    std::thread([&] {
      const int fd = ::open(("/var/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
      entered = fd >= 0 && ::setns(fd, CLONE_NEWNET) == 0;
      if (fd >= 0) ::close(fd);
      if (entered) f();
    }).join();
    return entered;
  }
  const std::string& rx() const { return rx_; }
  const std::string& tx() const { return tx_; }

 private:
  void remove() {
    (void)std::system(("ip netns del " + rx_ + " >/dev/null 2>&1").c_str());
    (void)std::system(("ip netns del " + tx_ + " >/dev/null 2>&1").c_str());
  }

  std::string rx_, tx_;
  bool ok_ = false;
  std::string why_;
};

TEST_F(UdpMulticast, GroupIsReceivedOnAVethInterfaceInsideANetworkNamespace) {
  const VethPair net;
  if (!net.ok()) GTEST_SKIP() << net.why() << "; the loopback case above still ran";
  const std::string name = "udp://239.255.79.1:9702?iface=10.213.0.1";
  std::unique_ptr<Source> source;
  std::string error;
  // The receiver's socket is opened inside RX, where only va carries the group.
  ASSERT_TRUE(VethPair::in(net.rx(), [&] {
    try {
      source = make(name);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }));
  ASSERT_TRUE(source) << error;
  expect_receiver_line(name, std::size_t{4} << 20, "239.255.79.1 on 10.213.0.1");
  source->start();
  // Sent from TX out of vb: it reaches RX only through the veth, on va.
  bool sent = false;
  ASSERT_TRUE(VethPair::in(
      net.tx(), [&] { sent = send_multicast("239.255.79.1", 9702, "10.213.0.2", kTicks); }));
  ASSERT_TRUE(sent);
  ASSERT_TRUE(eventually([&] { return source->stats().parsed.get() >= 3; }));
  const std::vector<Tick> ticks = stop_and_drain(*source);
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[2].ts_event, kT0 + 3);
  EXPECT_EQ(source->stats().datagrams.get(), 1u);
  EXPECT_EQ(source->stats().reject_counts().total(), 0u);
}

}  // namespace
}  // namespace adrmon
