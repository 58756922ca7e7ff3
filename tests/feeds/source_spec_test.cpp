// parse_source_spec: every accepted form, and every refusal with its exact
// message ("source 'TEXT': why"); make_sources' own refusals.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "adrmon/feeds/source.hpp"
#include "source_test_support.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

using Kind = SourceSpec::Kind;
using feeds_test::error_of;
using feeds_test::spec_refusal;

// ---- accepted -------------------------------------------------------------

TEST(SourceSpec, PlainFileIsReplayedAsFastAsPossible) {
  const SourceSpec s = parse_source_spec("file:data/us.jsonl");
  EXPECT_EQ(s.kind, Kind::File);
  EXPECT_EQ(s.text, "file:data/us.jsonl");
  EXPECT_EQ(s.path, "data/us.jsonl");
  EXPECT_EQ(s.speed, 0.0);
  EXPECT_FALSE(s.follow);
}

TEST(SourceSpec, FileSpeedIsANumberOrMax) {
  EXPECT_EQ(parse_source_spec("file:a?speed=2").speed, 2.0);
  EXPECT_EQ(parse_source_spec("file:a?speed=0.5").speed, 0.5);
  EXPECT_EQ(parse_source_spec("file:a?speed=1e3").speed, 1000.0);
  EXPECT_EQ(parse_source_spec("file:a?speed=max").speed, 0.0);
  EXPECT_EQ(parse_source_spec("file:a?speed=2&speed=max").speed, 0.0);  // the last one counts
}

TEST(SourceSpec, FileFollowTakesOneOrZeroOrTrueOrFalse) {
  EXPECT_TRUE(parse_source_spec("file:a?follow=1").follow);
  EXPECT_TRUE(parse_source_spec("file:a?follow=true").follow);
  EXPECT_FALSE(parse_source_spec("file:a?follow=0").follow);
  EXPECT_FALSE(parse_source_spec("file:a?follow=false").follow);
  const SourceSpec s = parse_source_spec("file:/var/feed.jsonl?follow=1");
  EXPECT_EQ(s.path, "/var/feed.jsonl");
  EXPECT_TRUE(s.follow);
  EXPECT_FALSE(s.is_replayed_file());
}

TEST(SourceSpec, SpeedWithFollowIsRefusedNotIgnored) {
  const std::string why =
      "': speed is for replayed files; a followed file (follow=1) is read as it is written: "
      "drop speed= or follow=1";
  for (const char* text :
       {"file:/var/feed.jsonl?speed=10&follow=1", "file:/var/feed.jsonl?follow=1&speed=max",
        "file:/var/feed.jsonl?follow=true&speed=2&silence_ms=100"}) {
    EXPECT_EQ(spec_refusal(text), "source '" + std::string(text) + why);
  }
  EXPECT_EQ(parse_source_spec("file:a?speed=10&follow=0").speed, 10.0);  // replayed: paced
}

TEST(SourceSpec, EmptyQueryItemsAreSkipped) {
  EXPECT_EQ(parse_source_spec("file:a?").path, "a");
  EXPECT_EQ(parse_source_spec("file:a?speed=3&").speed, 3.0);
}

TEST(SourceSpec, TcpAndUdpTakeHostAndPort) {
  const SourceSpec tcp = parse_source_spec("tcp://127.0.0.1:9000");
  EXPECT_EQ(tcp.kind, Kind::Tcp);
  EXPECT_EQ(tcp.host, "127.0.0.1");
  EXPECT_EQ(tcp.port, 9000);
  const SourceSpec udp = parse_source_spec("udp://239.1.2.3:65535");
  EXPECT_EQ(udp.kind, Kind::Udp);
  EXPECT_EQ(udp.host, "239.1.2.3");
  EXPECT_EQ(udp.port, 65535);
  const SourceSpec name = parse_source_spec("tcp://feed.example:1");
  EXPECT_EQ(name.host, "feed.example");
  EXPECT_EQ(name.port, 1);
}

TEST(SourceSpec, UdpTakesTheMulticastOptionsTcpDoesNot) {
  const SourceSpec udp =
      parse_source_spec("udp://239.1.2.3:9702?iface=10.1.2.3&source=10.9.9.9&rcvbuf=65536");
  EXPECT_EQ(udp.iface, "10.1.2.3");
  EXPECT_EQ(udp.mcast_source, "10.9.9.9");
  EXPECT_EQ(udp.rcvbuf, 65536u);
  EXPECT_EQ(parse_source_spec("udp://239.1.2.3:9702").rcvbuf, std::size_t{4} << 20);
  EXPECT_EQ(spec_refusal("udp://239.1.2.3:9702?rcvbuf=10"),
            "source 'udp://239.1.2.3:9702?rcvbuf=10': rcvbuf must be a whole number from 4096 to "
            "1073741824");
  EXPECT_EQ(spec_refusal("udp://239.1.2.3:9702?ifac=x"),
            "source 'udp://239.1.2.3:9702?ifac=x': unknown option 'ifac' (silence_ms, iface, "
            "source, rcvbuf)");
  EXPECT_EQ(spec_refusal("tcp://127.0.0.1:9?iface=x"),
            "source 'tcp://127.0.0.1:9?iface=x': unknown option 'iface' (silence_ms)");
}

TEST(SourceSpec, BracketedIpv6HostLosesItsBrackets) {
  const SourceSpec tcp = parse_source_spec("tcp://[::1]:9000");
  EXPECT_EQ(tcp.kind, Kind::Tcp);
  EXPECT_EQ(tcp.host, "::1");
  EXPECT_EQ(tcp.port, 9000);
  EXPECT_EQ(tcp.text, "tcp://[::1]:9000");
  const SourceSpec udp = parse_source_spec("udp://[ff02::1]:5000");
  EXPECT_EQ(udp.kind, Kind::Udp);
  EXPECT_EQ(udp.host, "ff02::1");
  EXPECT_EQ(udp.port, 5000);
}

// ---- refused --------------------------------------------------------------

TEST(SourceSpec, UnknownSchemeIsRefused) {
  const std::string why =
      "expected file:PATH, itch:PATH, omdc:PATH, tcp://HOST:PORT or udp://HOST:PORT";
  EXPECT_EQ(spec_refusal(""), "source '': " + why);
  EXPECT_EQ(spec_refusal("http://x:1"), "source 'http://x:1': " + why);
  EXPECT_EQ(spec_refusal("FILE:a"), "source 'FILE:a': " + why);
  EXPECT_EQ(spec_refusal("data/us.jsonl"), "source 'data/us.jsonl': " + why);
}

TEST(SourceSpec, FileNeedsAPath) {
  EXPECT_EQ(spec_refusal("file:"), "source 'file:': empty path");
  EXPECT_EQ(spec_refusal("file:?speed=2"), "source 'file:?speed=2': empty path");
}

TEST(SourceSpec, SpeedMustBePositiveAndFinite) {
  for (const char* bad : {"0", "-1", "abc", "2x", "", "inf", "nan", "1e999"}) {
    const std::string text = std::string("file:a?speed=") + bad;
    EXPECT_EQ(spec_refusal(text), "source '" + text + "': speed must be a positive number or max");
  }
  EXPECT_EQ(spec_refusal("file:a?speed"),
            "source 'file:a?speed': speed must be a positive number or max");
}

TEST(SourceSpec, FollowMustBeABoolean) {
  EXPECT_EQ(spec_refusal("file:a?follow=yes"), "source 'file:a?follow=yes': follow must be 1 or 0");
  EXPECT_EQ(spec_refusal("file:a?follow"), "source 'file:a?follow': follow must be 1 or 0");
}

TEST(SourceSpec, UnknownOptionIsNamed) {
  EXPECT_EQ(spec_refusal("file:a?sped=2"),
            "source 'file:a?sped=2': unknown option 'sped' (speed, follow, silence_ms)");
}

TEST(SourceSpec, SilenceMsIsForLiveSources) {
  EXPECT_EQ(parse_source_spec("tcp://127.0.0.1:9000?silence_ms=1500").silence_ms, 1500);
  EXPECT_EQ(parse_source_spec("tcp://127.0.0.1:9000?silence_ms=1500").port, 9000);
  EXPECT_EQ(parse_source_spec("udp://127.0.0.1:9000?silence_ms=0").silence_ms, 0);
  EXPECT_EQ(parse_source_spec("file:a?follow=1&silence_ms=200").silence_ms, 200);
  EXPECT_EQ(parse_source_spec("tcp://127.0.0.1:9000").silence_ms, -1);
  EXPECT_EQ(spec_refusal("file:a?silence_ms=200"),
            "source 'file:a?silence_ms=200': silence_ms is for live sources (follow=1, tcp://, "
            "udp://), not replayed files");
  EXPECT_EQ(spec_refusal("tcp://127.0.0.1:9000?silence=5"),
            "source 'tcp://127.0.0.1:9000?silence=5': unknown option 'silence' (silence_ms)");
}

TEST(SourceSpec, HostAndPortRefusals) {
  EXPECT_EQ(spec_refusal("tcp://localhost"), "source 'tcp://localhost': expected HOST:PORT");
  EXPECT_EQ(spec_refusal("tcp://"), "source 'tcp://': expected HOST:PORT");
  EXPECT_EQ(spec_refusal("tcp://:9000"), "source 'tcp://:9000': empty host");
  for (const char* port : {"0", "65536", "abc", "", "+5", "-1", "9000 "}) {
    const std::string text = std::string("udp://127.0.0.1:") + port;
    EXPECT_EQ(spec_refusal(text), "source '" + text + "': port must be 1..65535");
  }
  EXPECT_EQ(spec_refusal("tcp://::1:9000"),
            "source 'tcp://::1:9000': an IPv6 address needs brackets: [ADDR]:PORT");
  EXPECT_EQ(spec_refusal("tcp://[::1]9000"), "source 'tcp://[::1]9000': expected [IPV6]:PORT");
  EXPECT_EQ(spec_refusal("udp://[::1]"), "source 'udp://[::1]': expected [IPV6]:PORT");
  EXPECT_EQ(spec_refusal("tcp://[nope]:1"),
            "source 'tcp://[nope]:1': 'nope' is not an IPv6 address");
}

// ---- make_sources ---------------------------------------------------------

class MakeSources : public ::testing::Test {
 protected:
  std::string make_error(const std::vector<std::string>& texts) {
    std::vector<SourceSpec> specs;
    for (const std::string& t : texts) specs.push_back(parse_source_spec(t));
    return error_of([&] { make_sources(specs, config_, options_, bell_); });
  }

  Config config_ = test::feeds_config();
  SourceOptions options_ = [] {
    SourceOptions o;
    o.queue_capacity = 16;
    return o;
  }();
  Doorbell bell_;
  feeds_test::TempDir dir_;
};

TEST_F(MakeSources, ReplayedFilesBecomeOneSourceInTheFirstFilesPlace) {
  const std::string a = dir_.write("a.jsonl", "");
  const std::string b = dir_.write("b.jsonl", "");
  const std::string c = dir_.write("c.jsonl", "");
  std::vector<SourceSpec> specs;
  for (const std::string& t : {std::string("tcp://127.0.0.1:9"), "file:" + a + "?speed=2",
                               "file:" + b + "?follow=1", "file:" + c + "?speed=2"}) {
    specs.push_back(parse_source_spec(t));
  }
  const auto sources = make_sources(specs, config_, options_, bell_);
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0]->name(), "tcp://127.0.0.1:9");
  EXPECT_EQ(sources[1]->name(), "file:" + a + "?speed=2+file:" + c + "?speed=2");
  EXPECT_EQ(sources[2]->name(), "file:" + b + "?follow=1");
}

TEST_F(MakeSources, ReplayedFilesMustShareOneSpeed) {
  const std::string a = dir_.write("a.jsonl", "");
  const std::string b = dir_.write("b.jsonl", "");
  EXPECT_EQ(make_error({"file:" + a + "?speed=2", "file:" + b}),
            "source 'file:" + b +
                "': all replayed files are merged into one timeline and must share one speed");
}

TEST_F(MakeSources, MissingFilesAreNamed) {
  const std::string missing = dir_.path() + "/missing.jsonl";
  EXPECT_EQ(make_error({"file:" + missing}), missing + ": cannot open: No such file or directory");
  EXPECT_EQ(make_error({"file:" + missing + "?follow=1"}),
            missing + ": cannot open: No such file or directory");
}

TEST_F(MakeSources, UdpNeedsAnAddressNotAName) {
  const std::string why = make_error({"udp://localhost:9"});
  EXPECT_EQ(why.rfind("source 'udp://localhost:9': bad address: ", 0), 0u) << why;
}

TEST_F(MakeSources, AtMost255Sources) {
  std::vector<std::string> texts(256, "tcp://127.0.0.1:9");
  EXPECT_EQ(make_error(texts), "at most 255 sources");
}

}  // namespace
}  // namespace adrmon
