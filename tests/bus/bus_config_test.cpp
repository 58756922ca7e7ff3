// The [bus] reader: defaults, the url list, replicas, one way of logging in,
// the files it names, durations and limits, and strict errors
// FILE:LINE: key 'bus.KEY': why. No server is needed.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "adrmon/core/bus_url.hpp"
#include "adrmon/core/config.hpp"
#include "test_config.hpp"

namespace adrmon::test {
namespace {

// kBaseToml (11 lines) and one pair (4 lines): [bus] starts at line 16.
std::string base() {
  return std::string(kBaseToml) + "[[pair]]\nadr = \"BABA\"\nhk = \"09988\"\nratio = 8\n";
}

Config load(const std::string& bus) {
  return parse_config(base() + bus, "t.toml");
}

std::string error_of(const std::string& bus) {
  try {
    (void)load(bus);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(BusConfig, AbsentMeansNoBus) {
  EXPECT_FALSE(load("").bus.has_value());
}

TEST(BusConfig, DefaultsAndUrlList) {
  const Config c = load("[bus]\nurl = \"nats://127.0.0.1:4222, nats://h2:4223\"\n");
  ASSERT_TRUE(c.bus.has_value());
  ASSERT_EQ(c.bus->urls.size(), 2u);
  EXPECT_EQ(c.bus->urls[0], "nats://127.0.0.1:4222");
  EXPECT_EQ(c.bus->urls[1], "nats://h2:4223");
  EXPECT_EQ(c.bus->ticks_stream, "ADRMON_TICKS");
  EXPECT_EQ(c.bus->alerts_stream, "ADRMON_ALERTS");
  EXPECT_EQ(c.bus->replicas, 1);
  EXPECT_EQ(c.bus->max_age_ns, 0);
  EXPECT_EQ(c.bus->max_bytes, -1);
  EXPECT_EQ(c.bus->duplicate_window_ns, 120'000'000'000);
  EXPECT_TRUE(c.bus->token.empty());
}

TEST(BusConfig, EveryKey) {
  const std::string creds = temp_file("bus.creds", "-----BEGIN NATS USER JWT-----\n");
  const std::string ca = temp_file("bus_ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const Config c = load(
      "[bus]\nurl = \"tls://a:1\"\nticks_stream = \"T\"\nalerts_stream = \"A\"\n"
      "replicas = 3\ncreds = \"" +
      creds + "\"\ntls_ca = \"" + ca +
      "\"\n"
      "max_age = \"24h\"\nmax_bytes = 1073741824\nduplicate_window = \"10m\"\n");
  EXPECT_EQ(c.bus->ticks_stream, "T");
  EXPECT_EQ(c.bus->alerts_stream, "A");
  EXPECT_EQ(c.bus->replicas, 3);
  EXPECT_EQ(c.bus->creds, creds);
  EXPECT_EQ(c.bus->tls_ca, ca);
  EXPECT_EQ(c.bus->max_age_ns, 86400LL * 1'000'000'000);
  EXPECT_EQ(c.bus->max_bytes, 1073741824);
  EXPECT_EQ(c.bus->duplicate_window_ns, 600LL * 1'000'000'000);
  const Config short_age = load("[bus]\nurl = \"nats://a:1\"\nmax_age = 90\n");
  EXPECT_EQ(short_age.bus->max_age_ns, 90LL * 1'000'000'000);
  EXPECT_EQ(short_age.bus->duplicate_window_ns, 90LL * 1'000'000'000);  // at most max_age
  const Config u = load("[bus]\nurl = \"nats://a:1\"\nuser = \"u\"\npassword = \"p\"\n");
  EXPECT_EQ(u.bus->user, "u");
  EXPECT_EQ(u.bus->password, "p");
  EXPECT_EQ(load("[bus]\nurl = \"nats://a:1\"\ntoken = \"s3cret\"\n").bus->token, "s3cret");
}

TEST(BusConfig, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nreplica = 3\n"),
            "t.toml:18: key 'bus.replica': unknown key in bus (known: url, ticks_stream, "
            "alerts_stream, replicas, token, user, password, creds, tls_ca, max_age, max_bytes, "
            "duplicate_window)");
  EXPECT_EQ(error_of("[bus]\nticks_stream = \"T\"\n"),
            "t.toml:16: key 'bus.url': missing (required in bus)");
  EXPECT_EQ(error_of("[bus]\nurl = \"http://a:1\"\n"),
            "t.toml:17: key 'bus.url': 'http://a:1': expected nats://HOST:PORT (comma-separated "
            "for several servers)");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1,nats://b\"\n"),
            "t.toml:17: key 'bus.url': 'nats://b': expected HOST:PORT");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:70000\"\n"),
            "t.toml:17: key 'bus.url': 'nats://a:70000': the port must be 1 to 65535");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1,\"\n"),
            "t.toml:17: key 'bus.url': an empty server in the list");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://u:pw@a:1\"\n"),
            "t.toml:17: key 'bus.url': 'nats://u:pw@a:1': credentials go in token, "
            "user/password or creds, not in the url");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nreplicas = 2\n"),
            "t.toml:18: key 'bus.replicas': must be 1 or 3");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nticks_stream = \"a.b\"\n"),
            "t.toml:18: key 'bus.ticks_stream': 'a.b': only letters, digits, '-' and '_'");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nalerts_stream = \"ADRMON_TICKS\"\n"),
            "t.toml:18: key 'bus.alerts_stream': must differ from ticks_stream");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nuser = \"u\"\n"),
            "t.toml:18: key 'bus.user': user needs password");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\npassword = \"p\"\n"),
            "t.toml:18: key 'bus.password': password needs user");
  EXPECT_EQ(
      error_of("[bus]\nurl = \"nats://a:1\"\ntoken = \"t\"\nuser = \"u\"\npassword = \"p\"\n"),
      "t.toml:19: key 'bus.user': give one of token, user + password, creds");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\ncreds = \"/nonexistent/x.creds\"\n"),
            "t.toml:18: key 'bus.creds': cannot read \"/nonexistent/x.creds\": No such file or "
            "directory");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nmax_age = \"1w\"\n"),
            "t.toml:18: key 'bus.max_age': '1w' is no duration (seconds, or a string like "
            "\"90s\", \"30m\", \"24h\", \"7d\")");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nmax_age = -5\n"),
            "t.toml:18: key 'bus.max_age': must be between 0 and 10 years");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nmax_age = \"1m\"\nduplicate_window = 120\n"),
            "t.toml:19: key 'bus.duplicate_window': must not exceed max_age");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nmax_bytes = 10\n"),
            "t.toml:18: key 'bus.max_bytes': must be at least 1048576 (or -1: unlimited)");
  EXPECT_EQ(error_of("[bus]\nurl = \"nats://a:1\"\nmax_bytes = 1.5e9\n"),
            "t.toml:18: key 'bus.max_bytes': must be a whole number of bytes");
  try {
    (void)parse_config("bus = 3\n" + base(), "t.toml");
    ADD_FAILURE() << "bus = 3 accepted";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "t.toml:1: key 'bus': must be a table");
  }
}

// --bus (feed, run, alerts) goes through the same check as [bus] url.
TEST(BusConfig, CommandLineListIsCheckedLikeTheConfig) {
  EXPECT_EQ(parse_bus_urls(" nats://a:1 ,tls://b:4443"),
            (std::vector<std::string>{"nats://a:1", "tls://b:4443"}));
  const auto refusal = [](std::string_view list) {
    try {
      (void)parse_bus_urls(list);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(refusal("nats://u:pw@a:1"),
            "bus url: 'nats://u:pw@a:1': credentials go in token, user/password or creds, not in "
            "the url");
  EXPECT_EQ(refusal("a:4222"),
            "bus url: 'a:4222': expected nats://HOST:PORT (comma-separated for several servers)");
  EXPECT_EQ(refusal("nats://a:1,,nats://b:2"), "bus url: an empty server in the list");
  EXPECT_EQ(refusal("nats://a:1/x"), "bus url: 'nats://a:1/x': no path or query after HOST:PORT");
  EXPECT_EQ(refusal(""), "bus url: an empty server in the list");
}

TEST(BusConfig, SecretsNeverInErrors) {
  const std::string e = error_of(
      "[bus]\nurl = \"nats://a:1\"\ntoken = \"s3cret\"\nuser = \"u\"\npassword = \"pw\"\n");
  EXPECT_EQ(e.find("s3cret"), std::string::npos) << e;
  EXPECT_EQ(e.find("pw"), std::string::npos) << e;
}

}  // namespace
}  // namespace adrmon::test
