// HostPort: the one "HOST:PORT" parser (names, IPv4, bracketed IPv6), the
// port rules (1..65535; 0 only with PortZero::Allow) and is_loopback_host.
#include "adrmon/core/host_port.hpp"

#include <gtest/gtest.h>

#include <string>

namespace adrmon {
namespace {

struct Parsed {
  bool ok = false;
  HostPort hp;
  std::string why;
};

Parsed parse(std::string_view text, PortZero zero = PortZero::Refuse) {
  Parsed p;
  p.ok = parse_host_port(text, p.hp, p.why, zero);
  return p;
}

// What each accepted form parses to, and text() giving the same text back.
struct Good {
  const char* text;
  const char* host;
  std::uint16_t port;
  bool bracketed;
};

TEST(HostPort, ParsesEveryFormOfHost) {
  const Good cases[] = {
      {"127.0.0.1:80", "127.0.0.1", 80, false},
      {"[::1]:8480", "::1", 8480, true},  // brackets off in host, back in text()
      {"[fe80::1:2]:9000", "fe80::1:2", 9000, true},
      {"localhost:1", "localhost", 1, false},
      {"feed.example.com:65535", "feed.example.com", 65535, false},
  };
  for (const Good& want : cases) {
    const Parsed p = parse(want.text);
    ASSERT_TRUE(p.ok) << want.text << ": " << p.why;
    EXPECT_EQ(p.hp.host, want.host) << want.text;
    EXPECT_EQ(p.hp.port, want.port) << want.text;
    EXPECT_EQ(p.hp.bracketed, want.bracketed) << want.text;
    EXPECT_EQ(p.hp.text(), want.text);
  }
}

TEST(HostPort, PortZeroOnlyWithPortZeroAllow) {
  const Parsed allowed = parse("127.0.0.1:0", PortZero::Allow);
  ASSERT_TRUE(allowed.ok) << allowed.why;
  EXPECT_EQ(allowed.hp.port, 0);
  EXPECT_EQ(allowed.hp.text(), "127.0.0.1:0");
}

// Each refused text, under which port rule, and the reason it gives.
struct Bad {
  const char* text;
  PortZero zero;
  const char* why;
};

TEST(HostPort, RefusesWithTheReasonItNames) {
  constexpr PortZero kRefuse = PortZero::Refuse;
  constexpr const char* kPort = "port must be 1..65535";
  const Bad cases[] = {
      {"localhost", kRefuse, "expected HOST:PORT"},  // no port
      {"", kRefuse, "expected HOST:PORT"},
      {"localhost:", kRefuse, kPort},
      {"127.0.0.1:0", kRefuse, kPort},
      {"127.0.0.1:65536", kRefuse, kPort},
      {"127.0.0.1:65536", PortZero::Allow, "port must be 0..65535"},
      {"127.0.0.1:99999999999999999999", kRefuse, kPort},  // does not wrap
      {"127.0.0.1:-1", kRefuse, kPort},
      {"127.0.0.1:80x", kRefuse, kPort},
      {"127.0.0.1: 80", kRefuse, kPort},
      {"127.0.0.1:0x50", kRefuse, kPort},
      {"::1:80", kRefuse, "an IPv6 address needs brackets: [ADDR]:PORT"},
      {"[::1]", kRefuse, "expected [IPV6]:PORT"},  // bracketed, no port
      {"[::1]80", kRefuse, "expected [IPV6]:PORT"},
      {"[::1", kRefuse, "expected [IPV6]:PORT"},
      {"[::1]:", kRefuse, kPort},
      {"[127.0.0.1]:80", kRefuse, "'127.0.0.1' is not an IPv6 address"},
      {"[localhost]:80", kRefuse, "'localhost' is not an IPv6 address"},
      {"[]:80", kRefuse, "'' is not an IPv6 address"},
      {":80", kRefuse, "empty host"},
  };
  for (const Bad& want : cases) {
    const Parsed p = parse(want.text, want.zero);
    EXPECT_FALSE(p.ok) << want.text;
    EXPECT_EQ(p.why, want.why) << want.text;
  }
}

TEST(HostPortParsePort, AcceptsOneTo65535AndZeroOnlyWhenAllowed) {
  std::uint16_t port = 7;
  EXPECT_TRUE(parse_port("1", port));
  EXPECT_EQ(port, 1);
  EXPECT_TRUE(parse_port("65535", port));
  EXPECT_EQ(port, 65535);
  EXPECT_FALSE(parse_port("0", port));
  EXPECT_TRUE(parse_port("0", port, PortZero::Allow));
  EXPECT_EQ(port, 0);
  EXPECT_FALSE(parse_port("65536", port, PortZero::Allow));
  EXPECT_FALSE(parse_port("", port, PortZero::Allow));
  EXPECT_FALSE(parse_port("+1", port));
}

TEST(HostPortLoopback, NamesAndAddressesThatStayOnThisMachine) {
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.255.255.254"));  // all of 127.0.0.0/8
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("[::1]"));
}

TEST(HostPortLoopback, EverythingElseIsNot) {
  EXPECT_FALSE(is_loopback_host("128.0.0.1"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));  // every interface
  EXPECT_FALSE(is_loopback_host("::"));
  EXPECT_FALSE(is_loopback_host("[::]"));
  EXPECT_FALSE(is_loopback_host("localhost.example.com"));
  EXPECT_FALSE(is_loopback_host("127.0.0.1.example.com"));
  EXPECT_FALSE(is_loopback_host("127.0.0.1:80"));
  EXPECT_FALSE(is_loopback_host(""));
}

// What a listener parses is what it checks: "[::1]:8480" is loopback.
TEST(HostPortLoopback, AgreesWithTheParsedHost) {
  const Parsed v6 = parse("[::1]:8480");
  ASSERT_TRUE(v6.ok);
  EXPECT_TRUE(is_loopback_host(v6.hp.host));
  const Parsed any = parse("0.0.0.0:8480");
  ASSERT_TRUE(any.ok);
  EXPECT_FALSE(is_loopback_host(any.hp.host));
}

}  // namespace
}  // namespace adrmon
