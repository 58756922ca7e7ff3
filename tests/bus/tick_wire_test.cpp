// The bus's binary Tick (docs/FORMATS.md "Bus"): every field at its
// documented offset, a round trip, each refused record, the subject and the
// Msg-Id scheme. No server is needed.
#include "adrmon/bus/tick_wire.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "adrmon/bus/tick_publisher.hpp"

namespace adrmon::bus {
namespace {

Tick sample() {
  Tick t{};
  t.ts_event = 1763951400123456789;
  t.ts_recv = 42;
  t.bid = 80.25;
  t.ask = 80.5;
  t.bid_size = 300;
  t.ask_size = 500;
  t.seq = 77;
  t.parse_ns = 1234;
  t.instrument = 3;
  t.kind = TickKind::Quote;
  return t;
}

template <class T>
T at(const std::array<unsigned char, kTickWireBytes>& r, std::size_t off) {
  T v;
  std::memcpy(&v, r.data() + off, sizeof v);
  return v;
}

TEST(TickWire, LayoutIsTheDocumentedOne) {
  std::array<unsigned char, kTickWireBytes> r{};
  ASSERT_TRUE(encode_tick(sample(), WireVenue::Hk, "9988", 555, r));
  EXPECT_EQ(r[0], 1);  // version
  EXPECT_EQ(r[1], 0);  // kind quote
  EXPECT_EQ(r[2], 1);  // venue HK
  EXPECT_EQ(r[3], 4);  // symbol length
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.data() + 4), 4), "9988");
  for (std::size_t i = 8; i < 20; ++i) EXPECT_EQ(r[i], 0) << i;  // NUL padding
  EXPECT_EQ(at<std::uint32_t>(r, 20), 1234u);
  EXPECT_EQ(at<std::int64_t>(r, 24), 1763951400123456789);
  EXPECT_EQ(at<std::int64_t>(r, 32), 555);
  EXPECT_EQ(at<double>(r, 40), 80.25);
  EXPECT_EQ(at<double>(r, 48), 80.5);
  EXPECT_EQ(at<double>(r, 56), 300);
  EXPECT_EQ(at<double>(r, 64), 500);
  EXPECT_EQ(at<std::uint64_t>(r, 72), 77u);
}

TEST(TickWire, RoundTripKeepsEveryField) {
  for (const TickKind kind : {TickKind::Quote, TickKind::Fx, TickKind::Trading, TickKind::Halted}) {
    Tick t = sample();
    t.kind = kind;
    t.seq = kNoSeq;
    std::array<unsigned char, kTickWireBytes> r{};
    ASSERT_TRUE(encode_tick(t, WireVenue::Fx, "USDHKD", -7, r));
    WireTick w;
    ASSERT_EQ(decode_tick(r.data(), r.size(), w), WireError::None);
    EXPECT_EQ(w.venue, WireVenue::Fx);
    EXPECT_EQ(w.symbol, "USDHKD");
    EXPECT_EQ(w.recv_wall_ns, -7);
    EXPECT_EQ(w.tick.kind, kind);
    EXPECT_EQ(w.tick.ts_event, t.ts_event);
    EXPECT_EQ(w.tick.bid, t.bid);
    EXPECT_EQ(w.tick.ask, t.ask);
    EXPECT_EQ(w.tick.bid_size, t.bid_size);
    EXPECT_EQ(w.tick.ask_size, t.ask_size);
    EXPECT_EQ(w.tick.seq, kNoSeq);
    EXPECT_EQ(w.tick.parse_ns, t.parse_ns);
  }
}

TEST(TickWire, RefusesWhatIsNotARecord) {
  std::array<unsigned char, kTickWireBytes> r{};
  ASSERT_TRUE(encode_tick(sample(), WireVenue::Us, "BABA", 0, r));
  WireTick w;
  EXPECT_EQ(decode_tick(r.data(), 79, w), WireError::Size);
  EXPECT_EQ(decode_tick(r.data(), 0, w), WireError::Size);
  auto bad = r;
  bad[0] = 2;
  EXPECT_EQ(decode_tick(bad.data(), bad.size(), w), WireError::Version);
  bad = r;
  bad[1] = 4;
  EXPECT_EQ(decode_tick(bad.data(), bad.size(), w), WireError::Kind);
  bad = r;
  bad[2] = 3;
  EXPECT_EQ(decode_tick(bad.data(), bad.size(), w), WireError::Venue);
  bad = r;
  bad[3] = 0;
  EXPECT_EQ(decode_tick(bad.data(), bad.size(), w), WireError::Symbol);
  bad[3] = 17;
  EXPECT_EQ(decode_tick(bad.data(), bad.size(), w), WireError::Symbol);
  EXPECT_FALSE(encode_tick(sample(), WireVenue::Us, "", 0, r));
  EXPECT_FALSE(encode_tick(sample(), WireVenue::Us, "ABCDEFGHIJKLMNOPQ", 0, r));
  EXPECT_TRUE(encode_tick(sample(), WireVenue::Us, "ABCDEFGHIJKLMNOP", 0, r));
}

TEST(TickWire, SubjectNamesVenueAndSymbol) {
  char s[64];
  EXPECT_EQ(std::string(s, tick_subject(WireVenue::Fx, "USDHKD", s)), "adrmon.ticks.FX.USDHKD");
  EXPECT_EQ(std::string(s, tick_subject(WireVenue::Us, "BABA", s)), "adrmon.ticks.US.BABA");
  EXPECT_EQ(std::string(s, tick_subject(WireVenue::Hk, "9988", s)), "adrmon.ticks.HK.9988");
  // A subject token holds no '.', ' ', '*' or '>'.
  EXPECT_EQ(std::string(s, tick_subject(WireVenue::Us, "BRK.B *>", s)), "adrmon.ticks.US.BRK_B___");
}

TEST(TickWire, MsgIdIsStablePerSourceAndIndex) {
  char a[48], b[48];
  const std::string first(a, tick_msg_id("file:us.jsonl", 0, a));
  EXPECT_EQ(first.size(), 18u);
  EXPECT_EQ(first.substr(16), "-0");
  EXPECT_EQ(first, std::string(b, tick_msg_id("file:us.jsonl", 0, b)));  // a restart: same id
  EXPECT_NE(first, std::string(b, tick_msg_id("file:hk.jsonl", 0, b)));
  const std::string big(a, tick_msg_id("x", 18446744073709551615ull, a));
  EXPECT_EQ(big.substr(16), "-18446744073709551615");
}

TEST(TickWire, MsgIdParsesBackToOriginAndIndex) {
  char a[48], b[48];
  std::uint64_t origin = 0, n = 0, origin2 = 0, n2 = 0;
  ASSERT_TRUE(
      parse_tick_msg_id(std::string_view(a, tick_msg_id("file:us.jsonl", 4711, a)), origin, n));
  EXPECT_EQ(n, 4711u);
  ASSERT_TRUE(
      parse_tick_msg_id(std::string_view(b, tick_msg_id("file:us.jsonl", 0, b)), origin2, n2));
  EXPECT_EQ(origin, origin2);  // one source, one origin
  EXPECT_EQ(n2, 0u);
  ASSERT_TRUE(
      parse_tick_msg_id(std::string_view(b, tick_msg_id("file:hk.jsonl", 0, b)), origin2, n2));
  EXPECT_NE(origin, origin2);
  ASSERT_TRUE(parse_tick_msg_id("00000000000000ff-18446744073709551615", origin, n));
  EXPECT_EQ(origin, 255u);
  EXPECT_EQ(n, 18446744073709551615u);
  for (const char* bad :
       {"", "abc", "00000000000000ff-", "00000000000000ff-1x", "00000000000000FF-1",
        "00000000000000ff_1", "0000000000000ff-12", "00000000000000ff-18446744073709551616",
        "00000000000000ff--1", "00000000000000ff-01", "BABA/9988:sell_adr:open:1"}) {
    EXPECT_FALSE(parse_tick_msg_id(bad, origin, n)) << bad;
  }
}

}  // namespace
}  // namespace adrmon::bus
