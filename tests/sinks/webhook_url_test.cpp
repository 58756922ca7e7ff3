// parse_webhook_url: the one check of a webhook url (the config loader uses
// the same one; tests/core/config_test.cpp checks it through a file).
#include "adrmon/core/webhook_url.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace adrmon {
namespace {

struct UrlCase {
  const char* url;
  const char* host;
  bool bracketed;
  int port;
  const char* target;
};

TEST(WebhookUrl, ParsesHostPortAndPath) {
  const UrlCase cases[] = {
      {"http://hooks.example.com:8080/a/b?x=1", "hooks.example.com", false, 8080, "/a/b?x=1"},
      {"http://localhost", "localhost", false, 80, "/"},
      {"http://[::1]:9000", "::1", true, 9000, "/"},
      {"http://[::1]/x", "::1", true, 80, "/x"},
      {"http://h?q=1#frag", "h", false, 80, "/?q=1"},  // the fragment is never sent
  };
  for (const UrlCase& c : cases) {
    const WebhookUrl u = parse_webhook_url(c.url);
    EXPECT_EQ(u.authority.host, c.host) << c.url;
    EXPECT_EQ(u.authority.bracketed, c.bracketed) << c.url;
    EXPECT_EQ(u.authority.port, c.port) << c.url;
    EXPECT_EQ(u.target, c.target) << c.url;
    EXPECT_FALSE(u.tls) << c.url;
  }
}

TEST(WebhookUrl, HttpsDefaultsToPort443) {
  WebhookUrl u = parse_webhook_url("https://hooks.slack.com/services/T/B/X");
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.authority.host, "hooks.slack.com");
  EXPECT_EQ(u.authority.port, 443);
  EXPECT_EQ(u.target, "/services/T/B/X");
  u = parse_webhook_url("https://[::1]:8443");
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.authority.port, 8443);
  EXPECT_FALSE(parse_webhook_url("http://h/").tls);
}

TEST(WebhookUrl, RejectsWhatItCannotPostWithoutQuotingThePath) {
  try {
    (void)parse_webhook_url("https://api.telegram.org:0/bot123:SECRET/sendMessage");
    FAIL() << "port 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "webhook url \"https://api.telegram.org:0/…\": port must be 1..65535");
  }
  for (const char* bad : {"ftp://h/x", "http://", "https://", "http://:80/x", "http://h:0/",
                          "http://h:65536/", "http://h:80x/", "http://h:/", "http://u:p@h/",
                          "https://u:p@h/", "http://h/a b", "http://[::1/", "http://[::1]x/",
                          "http://::1/", "http://[nothex]:80/", "hooks.example.com"}) {
    EXPECT_THROW((void)parse_webhook_url(bad), std::invalid_argument) << bad;
  }
}

TEST(WebhookUrl, ForLogKeepsSchemeAndAuthorityOnly) {
  EXPECT_EQ(webhook_url_for_log("https://api.telegram.org/bot1:SECRET/sendMessage"),
            "https://api.telegram.org:443/…");
  EXPECT_EQ(webhook_url_for_log("http://h:9000?key=SECRET"), "http://h:9000/…");
  EXPECT_EQ(webhook_url_for_log("http://h:9000"), "http://h:9000");
  EXPECT_EQ(webhook_url_for_log("https://user:SECRET@h/x"), "https://h/…");
  EXPECT_EQ(webhook_url_for_log("gopher://h/SECRET"), "gopher:/…");
}

TEST(WebhookUrl, NonThrowingFormGivesTheReasonAlone) {
  WebhookUrl u;
  std::string why;
  EXPECT_FALSE(parse_webhook_url("http://h:70000/", u, why));
  EXPECT_EQ(why, "port must be 1..65535");
  EXPECT_FALSE(parse_webhook_url("gopher://h/", u, why));
  EXPECT_EQ(why, "must start with http:// or https://");
  EXPECT_TRUE(parse_webhook_url("http://127.0.0.1:9000/alerts", u, why));
  EXPECT_EQ(u.authority.text(), "127.0.0.1:9000");
  EXPECT_EQ(u.target, "/alerts");
}

}  // namespace
}  // namespace adrmon
