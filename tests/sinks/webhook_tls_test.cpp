// WebhookSink over https against a real TLS endpoint on 127.0.0.1
// (tests/support/tls_test_server.hpp): a CA and certificates made now with
// the openssl CLI; every alert delivered in each format with the exact body;
// certificates the client must not trust (self-signed, wrong name, no
// ca_file) refused, counted in tls_failed and reported with the reason; an
// endpoint that never answers the handshake costs one timeout per attempt;
// the telegram token never reaches a log line.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "adrmon/core/alert_json.hpp"
#include "adrmon/core/json_text.hpp"
#include "adrmon/sinks/human_format.hpp"
#include "adrmon/sinks/webhook_sink.hpp"
#include "recording_log.hpp"
#include "sink_test_support.hpp"
#include "tls_test_server.hpp"

namespace adrmon::test {
namespace {

using namespace std::chrono_literals;

// One TestPki for the whole binary: the openssl runs cost ~100 ms.
const TestPki& pki() {
  static const TestPki instance;
  return instance;
}

WebhookConfig tls_config(std::string url, WebhookFormat format = WebhookFormat::Json) {
  WebhookConfig c;
  c.url = std::move(url);
  c.max_per_second = 1e6;
  c.retries = 0;
  c.timeout_ms = 2000;
  c.queue_capacity = 64;
  c.ca_file = pki().ca_file();
  c.format = format;
  return c;
}

std::string human_line(const Alert& a) {
  char buf[kMaxHumanAlertBytes];
  const std::size_t n = format_alert_human(a, kNames[a.pair], buf);
  return std::string(buf, n - 1);
}

std::string json_line(const Alert& a) {
  char buf[kMaxAlertJsonBytes];
  const std::size_t n = format_alert_json(a, kNames[a.pair], buf);
  return std::string(buf, n - 1);
}

std::string quoted(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// Every alert of a short run reaches the endpoint in order, over one
// kept-alive TLS connection, with nothing logged.
std::vector<Received> deliver_all(const WebhookConfig& config, TlsTestServer& server, int n,
                                  RecordingLog& log) {
  WebhookSink sink(config, kNames, log);
  for (int i = 0; i < n; ++i) sink.offer(make_alert(i));
  EXPECT_TRUE(eventually([&] { return sink.counts().delivered == static_cast<unsigned>(n); }));
  sink.stop(1000ms);
  const WebhookSink::Counts c = sink.counts();
  EXPECT_EQ(c.failed, 0u);
  EXPECT_EQ(c.tls_failed, 0u);
  EXPECT_EQ(c.retried, 0u);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.handshake_failures(), 0);
  EXPECT_TRUE(log.lines().empty()) << log.text();
  return server.received();
}

TEST(WebhookTls, DeliversEveryAlertAsJsonOverOneVerifiedConnection) {
  TlsTestServer server(pki().cert("server"), pki().key("server"));
  RecordingLog log;
  const auto got = deliver_all(tls_config(server.url("/hooks/adr?k=1")), server, 10, log);
  ASSERT_EQ(got.size(), 10u);
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(got[i].body, json_line(make_alert(i)));
    EXPECT_EQ(got[i].target, "/hooks/adr?k=1");
    EXPECT_EQ(got[i].method, "POST");
    EXPECT_EQ(got[i].content_type, "application/json");
    EXPECT_EQ(got[i].host, host);
  }
}

TEST(WebhookTls, AHostNameIsCheckedToo) {
  TlsTestServer server(pki().cert("server"), pki().key("server"));  // SAN: 127.0.0.1, localhost
  RecordingLog log;
  const auto got = deliver_all(tls_config(server.url("/", "localhost")), server, 3, log);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].host, "localhost:" + std::to_string(server.port()));
}

TEST(WebhookTls, SlackTeamsAndDiscordGetTheHumanLine) {
  const std::string link = "https://desk.example/board?v=\"adr\"";  // quotes: escaped
  for (const auto& [format, key] :
       std::vector<std::pair<WebhookFormat, std::string>>{{WebhookFormat::Slack, "text"},
                                                          {WebhookFormat::Teams, "text"},
                                                          {WebhookFormat::Discord, "content"}}) {
    SCOPED_TRACE(key);
    for (const bool with_link : {false, true}) {
      TlsTestServer server(pki().cert("server"), pki().key("server"));
      WebhookConfig config = tls_config(server.url("/chat"), format);
      if (with_link) config.public_url = link;
      RecordingLog log;
      const auto got = deliver_all(config, server, 6, log);
      ASSERT_EQ(got.size(), 6u);
      for (int i = 0; i < 6; ++i) {
        Alert a = make_alert(i);
        const std::string text = human_line(a) + (with_link ? "\n" + link : "");
        EXPECT_EQ(got[i].body, "{\"" + key + "\":" + quoted(text) + "}");
      }
    }
  }
  // The exact bytes once, escaping written out by hand.
  TlsTestServer server(pki().cert("server"), pki().key("server"));
  WebhookConfig config = tls_config(server.url("/chat"), WebhookFormat::Slack);
  config.public_url = link;
  RecordingLog log;
  const auto got = deliver_all(config, server, 1, log);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "{\"text\":\"" + human_line(make_alert(0)) +
                             "\\nhttps://desk.example/board?v=\\\"adr\\\"\"}");
}

TEST(WebhookTls, TelegramPostsChatIdAndTextToSendMessageWithTheTokenFromAFile) {
  TlsTestServer server(pki().cert("server"), pki().key("server"));
  const std::string token_path = pki().dir() + "/token";
  std::ofstream(token_path) << "123456:SECRET-tok_en\n";
  WebhookConfig config = tls_config(server.url(""), WebhookFormat::Telegram);
  config.chat_id = "-1001234567890";
  config.token_file = token_path;
  config.public_url = "https://desk.example/";
  RecordingLog log;
  const auto got = deliver_all(config, server, 4, log);
  ASSERT_EQ(got.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(got[i].target, "/bot123456:SECRET-tok_en/sendMessage");
    EXPECT_EQ(got[i].body, "{\"chat_id\":\"-1001234567890\",\"text\":" +
                               quoted(human_line(make_alert(i)) + "\nhttps://desk.example/") + "}");
  }
}

TEST(WebhookTls, TelegramTokenInTheUrlIsUsedAsItIsAndNeverLogged) {
  // The endpoint refuses (HTTP 401): the failure lines must not carry the token.
  TlsTestServer server(pki().cert("server"), pki().key("server"),
                       [](std::size_t) { return Reply{401}; });
  WebhookConfig config =
      tls_config(server.url("/bot999:SECRET-in-url/sendMessage"), WebhookFormat::Telegram);
  config.chat_id = "@desk";
  config.retries = 1;
  RecordingLog log;
  {
    WebhookSink sink(config, kNames, log);
    sink.offer(make_alert(0));
    ASSERT_TRUE(eventually([&] { return sink.counts().failed == 1; }));
    sink.stop(0ms);
  }
  ASSERT_EQ(server.received().size(), 2u);
  EXPECT_EQ(server.received()[0].target, "/bot999:SECRET-in-url/sendMessage");
  EXPECT_EQ(server.received()[0].body,
            "{\"chat_id\":\"@desk\",\"text\":" + quoted(human_line(make_alert(0))) + "}");
  ASSERT_FALSE(log.lines().empty());
  EXPECT_EQ(log.lines().front(), "webhook: HTTP 401 Unauthorized");
  EXPECT_EQ(log.text().find("SECRET"), std::string::npos) << log.text();
  EXPECT_EQ(log.text().find("/bot"), std::string::npos) << log.text();
  // A url the sink refuses is reported without its path either.
  try {
    WebhookConfig bad = config;
    bad.url = "https://api.telegram.org:99999/bot999:SECRET/sendMessage";
    WebhookSink refused(bad, kNames, log);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "webhook url \"https://api.telegram.org:99999/…\": port must be 1..65535");
  }
}

// A certificate the client must not trust: refused in the handshake (no
// request reaches the server), counted per attempt, one Log line with the
// reason, the engine side unaffected (offer returns at once).
void expect_refused(const std::string& cert, const std::string& url_host,
                    const std::string& ca_file, const std::string& reason) {
  TlsTestServer server(pki().cert(cert), pki().key(cert));
  WebhookConfig config = tls_config(server.url("/bot1:SECRET/x", url_host));
  config.ca_file = ca_file;
  config.retries = 2;
  RecordingLog log;
  WebhookSink::Counts c;
  {
    WebhookSink sink(config, kNames, log);
    sink.offer(make_alert(0));
    sink.offer(make_alert(1));
    ASSERT_TRUE(eventually([&] { return sink.counts().failed == 2; }));
    sink.stop(0ms);
    c = sink.counts();
  }
  EXPECT_EQ(c.delivered, 0u);
  EXPECT_EQ(c.tls_failed, 6u);  // 2 alerts x (1 + 2 retries)
  EXPECT_EQ(c.retried, 4u);
  EXPECT_TRUE(server.received().empty());
  EXPECT_TRUE(eventually([&] { return server.handshake_failures() == 6; }));
  const std::vector<std::string> lines = log.lines();
  ASSERT_FALSE(lines.empty());
  ASSERT_LE(lines.size(), 3u) << log.text();  // rate limited, not one per failure
  const std::string authority = url_host + ":" + std::to_string(server.port());
  EXPECT_EQ(lines.front(), "webhook: TLS handshake with " + authority + " failed: " + reason);
  EXPECT_EQ(log.text().find("SECRET"), std::string::npos) << log.text();
  for (const LogLevel level : log.levels()) EXPECT_EQ(level, LogLevel::Error);
}

TEST(WebhookTls, SelfSignedCertificateIsRefusedAndCounted) {
  expect_refused("self", "127.0.0.1", pki().ca_file(),
                 "certificate verify failed: self-signed certificate");
}

TEST(WebhookTls, CertificateForAnotherNameIsRefusedAndCounted) {
  expect_refused("wrong", "127.0.0.1", pki().ca_file(),
                 "certificate verify failed: IP address mismatch");
  expect_refused("wrong", "localhost", pki().ca_file(),
                 "certificate verify failed: hostname mismatch");
}

TEST(WebhookTls, WithoutCaFileTheSystemStoreDoesNotTrustTheTestCa) {
  expect_refused("server", "127.0.0.1", "",
                 "certificate verify failed: unable to get local issuer certificate");
}

TEST(WebhookTls, AnEndpointThatNeverAnswersTheHandshakeTimesOutEachAttempt) {
  SilentEndpoint endpoint;  // accepts TCP, never speaks
  WebhookConfig config = tls_config("https://127.0.0.1:" + std::to_string(endpoint.port()) + "/");
  config.timeout_ms = 200;
  RecordingLog log;
  WebhookSink sink(config, kNames, log);
  const auto t0 = Clock::now();
  sink.offer(make_alert(0));
  ASSERT_TRUE(eventually([&] { return sink.counts().failed == 1; }));
  const double elapsed = ms_since(t0);
  EXPECT_GE(elapsed, 180.0);
  EXPECT_LT(elapsed, 2000.0);
  // Offers stay immediate while the worker waits on the handshake.
  for (int i = 0; i < 3; ++i) sink.offer(make_alert(i));
  const auto t1 = Clock::now();
  sink.stop(0ms);
  EXPECT_LT(ms_since(t1), 500.0);
  const WebhookSink::Counts c = sink.counts();
  EXPECT_GE(c.tls_failed, 1u);
  EXPECT_EQ(c.delivered + c.failed + c.dropped_shutdown, 4u);
  ASSERT_FALSE(log.lines().empty());
  EXPECT_EQ(log.lines().front(),
            "webhook: TLS handshake with 127.0.0.1:" + std::to_string(endpoint.port()) +
                " failed: no answer within 200 ms");
}

TEST(WebhookTls, ConnectionClosedByTheServerWhileIdleIsReplacedWithoutARetry) {
  TlsTestServer server(pki().cert("server"), pki().key("server"), [](std::size_t) {
    return Reply{200, true};
  });
  RecordingLog log;
  WebhookSink sink(tls_config(server.url("/")), kNames, log);
  sink.offer(make_alert(1));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == 1; }));
  std::this_thread::sleep_for(50ms);
  sink.offer(make_alert(2));
  ASSERT_TRUE(eventually([&] { return sink.counts().delivered == 2; }));
  EXPECT_EQ(sink.counts().retried, 0u);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_TRUE(log.lines().empty()) << log.text();
}

TEST(WebhookTls, ACaFileThatDoesNotLoadStopsTheConstructor) {
  WebhookConfig config = tls_config("https://127.0.0.1:1/");
  config.ca_file = pki().dir() + "/missing.pem";
  EXPECT_THROW(WebhookSink(config, kNames, null_log()), std::invalid_argument);
}

}  // namespace
}  // namespace adrmon::test
