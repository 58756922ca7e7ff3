// omdc-udp:// with ?rts= on real loopback sockets: the multicast packets
// come over UDP from the test, and a tiny retransmission service in the
// test, written from MARKETS.md §4.1 and docs/FORMATS.md ("OMD-C
// retransmission"), answers on TCP: Logon 101 -> LogonResponse 102,
// RetransmissionRequest 201 -> RetransmissionResponse 202 + the messages.
// Each test asserts the exact ticks (seq = the message's SeqNum), the
// requests the service saw and the counters.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "adrmon/core/instrument.hpp"
#include "adrmon/feeds/source.hpp"
#include "feeds_test_support.hpp"
#include "omdc_encoder.hpp"
#include "source_test_support.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

using feeds_test::eventually;
using feeds_test::pop_all;
using omdc_test::BookEntry;

constexpr std::int64_t kT0 = 1763951400000000000;  // 2025-11-24 02:30 UTC

std::uint64_t get_le(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}

// Message seq (1-based) of the day: 9988's best bid rises by 10 each time,
// so every message gives a quote.
std::string day_message(std::uint32_t seq) {
  return omdc_test::book_update(
      9988, {BookEntry{1000, static_cast<std::int32_t>(80000 + 10 * seq), 1, 0, 1,
                       seq == 1 ? std::uint8_t{0} : std::uint8_t{1}},
             BookEntry{2000, 90000, 1, 1, 1, seq == 1 ? std::uint8_t{0} : std::uint8_t{1}}});
}

// Messages [first, last] in one packet.
std::string day_packet(std::uint32_t first, std::uint32_t last) {
  std::vector<std::string> m;
  for (std::uint32_t s = first; s <= last; ++s) m.push_back(day_message(s));
  return omdc_test::packet(first, kT0 + first, m);
}

std::string control(std::uint16_t type, const std::string& body) {
  return omdc_test::packet(0, kT0, {omdc_test::message(type, body)});
}

enum class Answer { Exact, FromOneEarlier, Refuse };

// The retransmission service: one client at a time, on its own thread.
class RtsServer {
 public:
  explicit RtsServer(Answer answer) : answer_(answer) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_, 4);
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RtsServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_);
  }
  std::uint16_t port() const { return port_; }
  // (channel, begin, end) of each request, in order.
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> asked() {
    const std::lock_guard lock(mutex_);
    return asked_;
  }
  std::string user() {
    const std::lock_guard lock(mutex_);
    return user_;
  }
  std::uint64_t heartbeat_replies() const { return heartbeat_replies_; }
  // Sends a heartbeat (a header-only packet) to the client now.
  void send_heartbeat() { heartbeat_wanted_ = true; }

 private:
  void serve() {
    int fd = -1;
    std::string in;
    while (!stop_) {
      if (fd < 0) {
        pollfd p{listen_, POLLIN, 0};
        if (::poll(&p, 1, 10) <= 0) continue;
        fd = ::accept(listen_, nullptr, nullptr);
        in.clear();
        continue;
      }
      if (heartbeat_wanted_.exchange(false)) put(fd, omdc_test::packet(0, kT0, {}));
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fd);
        fd = -1;
        continue;
      }
      in.append(buf, static_cast<std::size_t>(n));
      while (in.size() >= 16 && in.size() >= get_le(in.data(), 2)) {
        const std::size_t size = get_le(in.data(), 2);
        on_packet(fd, in.substr(0, size));
        in.erase(0, size);
      }
    }
    if (fd >= 0) ::close(fd);
  }

  void on_packet(int fd, const std::string& p) {
    if (p[2] == 0) {
      ++heartbeat_replies_;
      return;
    }
    const std::uint64_t type = get_le(p.data() + 18, 2);
    const char* body = p.data() + 20;
    if (type == 101) {
      {
        const std::lock_guard lock(mutex_);
        user_ = std::string(body, 12);
      }
      put(fd, control(102, std::string(4, '\0')));  // SessionStatus 0: active
      return;
    }
    if (type != 201) return;
    const std::uint64_t channel = get_le(body, 2);
    const std::uint64_t begin = get_le(body + 4, 4);
    const std::uint64_t end = get_le(body + 8, 4);
    {
      const std::lock_guard lock(mutex_);
      asked_.emplace_back(channel, begin, end);
    }
    std::string r(12, '\0');
    omdc_test::put_le(r, 0, channel, 2);
    r[2] = static_cast<char>(answer_ == Answer::Refuse ? 2 : 0);  // 2: not available
    omdc_test::put_le(r, 4, begin, 4);
    omdc_test::put_le(r, 8, end, 4);
    std::string out = control(202, r);
    if (answer_ == Answer::Exact)
      out += day_packet(static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end));
    if (answer_ == Answer::FromOneEarlier)  // overlaps what the client has: trimmed there
      out += day_packet(static_cast<std::uint32_t>(begin - 1), static_cast<std::uint32_t>(end));
    put(fd, out);
  }

  static void put(int fd, const std::string& s) {
    std::size_t at = 0;
    while (at < s.size()) {
      const ssize_t n = ::write(fd, s.data() + at, s.size() - at);
      if (n <= 0) return;
      at += static_cast<std::size_t>(n);
    }
  }

  Answer answer_;
  int listen_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> heartbeat_wanted_{false};
  std::atomic<std::uint64_t> heartbeat_replies_{0};
  std::mutex mutex_;
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> asked_;
  std::string user_;
  std::thread thread_;
};

// A free loopback port of `type` (bound, read, closed: nobody listens on it).
std::uint16_t free_port(int type) {
  const int probe = ::socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  ::bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(probe);
  return ntohs(a.sin_port);
}

class OmdcRtsTest : public feeds_test::VenueSourceFixture {
 protected:
  OmdcRtsTest() : tx_(::socket(AF_INET, SOCK_DGRAM, 0)), port_(free_port(SOCK_DGRAM)) {}
  ~OmdcRtsTest() override { ::close(tx_); }

  // The omdc-udp source on port_ with `query`, started.
  std::unique_ptr<Source> make(const std::string& query) {
    std::unique_ptr<Source> source =
        SourceFixture::make("omdc-udp://127.0.0.1:" + std::to_string(port_) + query);
    source->start();
    return source;
  }

  void send(const std::string& datagram) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    ::sendto(tx_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }

  int tx_;
  std::uint16_t port_;
};

using Seqs = std::vector<std::uint64_t>;
using Asked = std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>>;

TEST_F(OmdcRtsTest, GapsAreRetransmittedAndDeliveredInSequenceOrder) {
  RtsServer rts(Answer::Exact);
  auto src = make("?rts=127.0.0.1:" + std::to_string(rts.port()) +
                  "&channel=7&rts_user=desk01&rts_timeout_ms=10000");
  send(day_packet(1, 2));
  send(day_packet(4, 4));                   // 3 lost on the multicast
  send(omdc_test::packet(6, kT0 + 9, {}));  // a heartbeat: 5 exists and was lost too
  ASSERT_TRUE(drain_until(*src, [&] {
    return ticks_.size() == 5 && omdc(*src, OmdcCount::Recovered) == 2;
  })) << ::testing::PrintToString(seqs());
  EXPECT_EQ(seqs(), (Seqs{1, 2, 3, 4, 5}));
  for (const Tick& t : ticks_) EXPECT_EQ(t.instrument, hk_instrument(0));
  EXPECT_DOUBLE_EQ(ticks_[2].bid, 80.03);  // the retransmitted message's own price
  EXPECT_EQ(rts.asked(), (Asked{{7, 3, 3}, {7, 5, 5}}));
  EXPECT_EQ(rts.user(), "desk01      ");
  EXPECT_EQ(omdc(*src, OmdcCount::Rerequests), 2u);
  EXPECT_EQ(omdc(*src, OmdcCount::Recovered), 2u);
  EXPECT_EQ(omdc(*src, OmdcCount::SeqGaps), 0u);
  EXPECT_EQ(omdc(*src, OmdcCount::SeqMissing), 0u);
  EXPECT_EQ(omdc(*src, OmdcCount::RtsRejects), 0u);
  EXPECT_EQ(src->stats().seq_missing.get(), 0u);
  EXPECT_FALSE(logged("gap")) << log_.lines().back();
  EXPECT_FALSE(logged("RTS")) << log_.lines().back();
}

TEST_F(OmdcRtsTest, AnOverlappingRetransmissionIsTrimmedToWhatIsMissing) {
  RtsServer rts(Answer::FromOneEarlier);
  auto src = make("?rts=127.0.0.1:" + std::to_string(rts.port()) + "&rts_timeout_ms=10000");
  send(day_packet(1, 2));
  send(day_packet(5, 6));  // 3 and 4 lost; the service answers with 2..4
  ASSERT_TRUE(drain_until(*src, [&] {
    return ticks_.size() == 6 && omdc(*src, OmdcCount::Recovered) == 2;
  })) << ::testing::PrintToString(seqs());
  EXPECT_EQ(seqs(), (Seqs{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(rts.asked(), (Asked{{0, 3, 4}}));
  EXPECT_EQ(rts.user(), "adrmon      ");
  EXPECT_EQ(omdc(*src, OmdcCount::Recovered), 2u);
  EXPECT_EQ(omdc(*src, OmdcCount::SeqGaps), 0u);
  EXPECT_EQ(omdc(*src, OmdcCount::Malformed), 0u);
}

TEST_F(OmdcRtsTest, ARefusedGapIsReportedNotPatched) {
  RtsServer rts(Answer::Refuse);
  auto src = make("?rts=127.0.0.1:" + std::to_string(rts.port()) + "&rts_timeout_ms=5000");
  send(day_packet(1, 2));
  send(day_packet(4, 5));  // 3 lost, and the service has it no more
  // Refused: given up at once, long before rts_timeout_ms.
  ASSERT_TRUE(drain_until(*src, [&] {
    return ticks_.size() == 4 && omdc(*src, OmdcCount::SeqMissing) == 1;
  })) << ::testing::PrintToString(seqs());
  EXPECT_EQ(seqs(), (Seqs{1, 2, 4, 5}));
  EXPECT_EQ(rts.asked(), (Asked{{0, 3, 3}}));
  EXPECT_EQ(omdc(*src, OmdcCount::RtsRejects), 1u);
  EXPECT_EQ(omdc(*src, OmdcCount::Recovered), 0u);
  EXPECT_EQ(omdc(*src, OmdcCount::SeqGaps), 1u);
  EXPECT_EQ(omdc(*src, OmdcCount::SeqMissing), 1u);
  EXPECT_EQ(src->stats().seq_gaps.get(), 1u);
  EXPECT_EQ(src->stats().seq_missing.get(), 1u);
  // Logged before the message after the gap was delivered.
  EXPECT_TRUE(logged("RTS refused messages 3..3 (status 2)"));
  EXPECT_TRUE(logged("gap: messages 3..3 (1) not recovered"));
}

TEST_F(OmdcRtsTest, AnUnreachableServiceLosesTheGapAfterTheTimeout) {
  const std::uint16_t dead = free_port(SOCK_STREAM);  // nobody listens there
  auto src = make("?rts=127.0.0.1:" + std::to_string(dead) + "&rts_timeout_ms=100");
  send(day_packet(1, 1));
  send(day_packet(3, 3));
  ASSERT_TRUE(drain_until(
      *src, [&] { return ticks_.size() == 2 && omdc(*src, OmdcCount::SeqMissing) == 1; }));
  EXPECT_EQ(seqs(), (Seqs{1, 3}));
  EXPECT_EQ(omdc(*src, OmdcCount::SeqMissing), 1u);
  EXPECT_EQ(omdc(*src, OmdcCount::Rerequests), 0u);  // never connected: nothing was sent
  EXPECT_TRUE(logged("connect failed"));
  EXPECT_TRUE(logged("gap: messages 2..2 (1) not recovered"));
}

TEST_F(OmdcRtsTest, TheServicesHeartbeatIsAnswered) {
  RtsServer rts(Answer::Exact);
  auto src = make("?rts=127.0.0.1:" + std::to_string(rts.port()));
  send(day_packet(1, 1));
  send(day_packet(3, 3));  // a gap: the client connects and logs on
  ASSERT_TRUE(drain_until(*src, [&] { return ticks_.size() == 3; }));
  rts.send_heartbeat();
  EXPECT_TRUE(eventually([&] { return rts.heartbeat_replies() == 1; }));
}

TEST(OmdcRtsSpecTest, OptionsAndTheirErrors) {
  const SourceSpec o = parse_source_spec(
      "omdc-udp://239.2.2.2:6000?rts=10.0.0.1:7000&channel=3&rts_user=desk&rts_timeout_ms=250");
  EXPECT_EQ(o.rts_host, "10.0.0.1");
  EXPECT_EQ(o.rts_port, 7000);
  EXPECT_EQ(o.rts_channel, 3);
  EXPECT_EQ(o.rts_user, "desk");
  EXPECT_EQ(o.rts_timeout_ms, 250u);
  const SourceSpec d = parse_source_spec("omdc-udp://239.2.2.2:6000");
  EXPECT_TRUE(d.rts_host.empty());
  EXPECT_EQ(d.rts_user, "adrmon");
  EXPECT_EQ(d.rts_timeout_ms, 1000u);

  EXPECT_EQ(feeds_test::spec_refusal("omdc-udp://h:1?rts_user=thirteenchars"),
            "source 'omdc-udp://h:1?rts_user=thirteenchars': rts_user: 1 to 12 characters");
  EXPECT_NE(feeds_test::spec_refusal("omdc-udp://h:1?channel=70000").find("channel"),
            std::string::npos);
  EXPECT_NE(feeds_test::spec_refusal("omdc-udp://h:1?rerequest=h:2")
                .find("rts, channel, rts_user, rts_timeout_ms"),
            std::string::npos);
}

}  // namespace
}  // namespace adrmon
