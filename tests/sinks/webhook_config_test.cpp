// The [webhook] / [[webhook]] reader of the config loader: https, ca_file,
// format and its keys, token_file (read at load, never quoted back),
// public_url, the filter keys, shutdown_grace_ms, and strict errors
// FILE:LINE: key 'webhook[N].KEY'. (tests/core/config_test.cpp covers the
// url reasons through a fixture file.)
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "adrmon/core/config.hpp"
#include "test_config.hpp"

namespace adrmon::test {
namespace {

// kBaseToml (11 lines) and two pairs (8 lines): a [webhook] starts at line 20.
std::string base() {
  return std::string(kBaseToml) +
         "[[pair]]\nadr = \"BABA\"\nhk = \"09988\"\nratio = 8\n"
         "[[pair]]\nadr = \"JD\"\nhk = \"9618\"\nratio = 2\n";
}

std::string error_of(const std::string& tail) {
  try {
    (void)parse_config(base() + tail, "t.toml");
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

TEST(WebhookConfig, SingleTableKeepsWorkingAndFillsBothFields) {
  const Config c = parse_config(base() + "[webhook]\nurl = \"http://127.0.0.1:9000/a\"\n", "t");
  ASSERT_EQ(c.webhooks.size(), 1u);
  EXPECT_EQ(c.webhook.url, "http://127.0.0.1:9000/a");
  EXPECT_EQ(c.webhooks[0].url, c.webhook.url);
  EXPECT_EQ(c.webhook.label, "webhook");
  EXPECT_EQ(c.webhook.format, WebhookFormat::Json);
  EXPECT_EQ(c.webhook.shutdown_grace_ms, 2000);
  EXPECT_TRUE(c.webhook.pairs.empty());
  EXPECT_TRUE(c.webhook.sides[0] && c.webhook.sides[1] && c.webhook.kinds[0] && c.webhook.kinds[1]);
  EXPECT_FALSE(c.webhook.min_edge_bps);
  EXPECT_TRUE(parse_config(base(), "t").webhooks.empty());
}

TEST(WebhookConfig, ArrayOfTablesReadsEachWithItsOwnKeys) {
  const std::string ca = temp_file("ca.pem", "-----BEGIN CERTIFICATE-----\nx\n");
  const std::string token = temp_file("token", "123:abc-DEF_9\n");
  const Config c = parse_config(base() + R"([[webhook]]
url = "https://hooks.slack.com/services/T/B/X"
format = "slack"
max_per_second = 2
public_url = "https://desk.example/board"
pairs = ["BABA/9988"]
sides = ["sell_adr"]
kinds = ["open"]
min_edge_bps = 60
[[webhook]]
url = "https://127.0.0.1:8443"
ca_file = ")" + ca + R"("
format = "telegram"
chat_id = -1001
token_file = ")" + token + R"("
shutdown_grace_ms = 500
[[webhook]]
url = "http://127.0.0.1:9/x"
format = "discord"
)",
                                "t");
  ASSERT_EQ(c.webhooks.size(), 3u);
  const WebhookConfig& s = c.webhooks[0];
  EXPECT_EQ(s.label, "webhook[1]");
  EXPECT_EQ(s.format, WebhookFormat::Slack);
  EXPECT_DOUBLE_EQ(s.max_per_second, 2);
  EXPECT_EQ(s.public_url, "https://desk.example/board");
  EXPECT_EQ(s.pairs, std::vector<std::string>{"BABA/9988"});
  EXPECT_TRUE(s.sides[0]);
  EXPECT_FALSE(s.sides[1]);
  EXPECT_TRUE(s.kinds[0]);
  EXPECT_FALSE(s.kinds[1]);
  EXPECT_EQ(s.min_edge_bps, 60.0);
  const WebhookConfig& t = c.webhooks[1];
  EXPECT_EQ(t.label, "webhook[2]");
  EXPECT_EQ(t.format, WebhookFormat::Telegram);
  EXPECT_EQ(t.ca_file, ca);
  EXPECT_EQ(t.chat_id, "-1001");
  EXPECT_EQ(t.token, "123:abc-DEF_9");  // read at load, newline trimmed
  EXPECT_EQ(t.shutdown_grace_ms, 500);
  EXPECT_EQ(c.webhooks[2].format, WebhookFormat::Discord);
  EXPECT_EQ(c.webhook.url, s.url);  // config.webhook: the first
}

TEST(WebhookConfig, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("[[webhook]]\nurl = \"http://h/x\"\n[[webhook]]\nurl = \"http://h/y\"\n"
                     "format = \"sms\"\n"),
            "t.toml:24: key 'webhook[2].format': must be \"json\", \"slack\", \"teams\", "
            "\"discord\" or \"telegram\"");
  EXPECT_EQ(error_of("[webhook]\nurl = \"http://h/x\"\nformt = \"slack\"\n"),
            "t.toml:22: key 'webhook.formt': unknown key in webhook (known: url, max_per_second, "
            "retries, timeout_ms, queue_capacity, shutdown_grace_ms, ca_file, format, chat_id, "
            "token_file, public_url, pairs, sides, kinds, min_edge_bps)");
  EXPECT_EQ(error_of("[webhook]\nurl = \"gopher://h/x\"\n"),
            "t.toml:21: key 'webhook.url': must start with http:// or https://");
  EXPECT_EQ(error_of("[webhook]\nurl = \"https://h/x\"\nformat = \"telegram\"\n"),
            "t.toml:22: key 'webhook.format': format = \"telegram\" needs chat_id");
  EXPECT_EQ(error_of("[webhook]\nurl = \"https://h/x\"\nchat_id = 1\n"),
            "t.toml:22: key 'webhook.chat_id': only for format = \"telegram\"");
  EXPECT_EQ(error_of("[webhook]\nurl = \"https://h/bot1:SECRET/x\"\nformat = \"telegram\"\n"
                     "chat_id = 1\n"),
            "t.toml:21: key 'webhook.url': a telegram url ends in /bot<TOKEN>/sendMessage (or "
            "give token_file)");
  EXPECT_EQ(error_of("[webhook]\nurl = \"http://h/x\"\nca_file = \"/etc/x.pem\"\n"),
            "t.toml:22: key 'webhook.ca_file': only for https:// urls");
  EXPECT_EQ(error_of("[webhook]\nurl = \"https://h/x\"\nca_file = \"/nonexistent/ca.pem\"\n"),
            "t.toml:22: key 'webhook.ca_file': cannot read \"/nonexistent/ca.pem\": No such file "
            "or directory");
  EXPECT_EQ(error_of("[webhook]\nurl = \"http://h/x\"\npairs = [\"BABA/09988\"]\n"),
            "t.toml:22: key 'webhook.pairs': 'BABA/09988' is no configured pair (names are "
            "\"ADR/HK\", e.g. \"BABA/9988\")");
  EXPECT_EQ(error_of("[webhook]\nurl = \"http://h/x\"\nsides = [\"long\"]\n"),
            "t.toml:22: key 'webhook.sides': 'long' is not one of \"sell_adr\", \"buy_adr\"");
  EXPECT_EQ(error_of("[webhook]\nurl = \"http://h/x\"\nkinds = []\n"),
            "t.toml:22: key 'webhook.kinds': must not be empty (leave the key out for all)");
  EXPECT_EQ(error_of("[webhook]\nurl = \"http://h/x\"\nkinds = [\"open\", \"open\"]\n"),
            "t.toml:22: key 'webhook.kinds': 'open' appears twice");
  EXPECT_EQ(error_of("[webhook]\nurl = \"http://h/x\"\nmin_edge_bps = \"a\"\n"),
            "t.toml:22: key 'webhook.min_edge_bps': must be a number");
  EXPECT_EQ(error_of("[webhook]\nurl = \"http://h/x\"\nshutdown_grace_ms = -1\n"),
            "t.toml:22: key 'webhook.shutdown_grace_ms': must be a whole number in [0, 600000]");
  EXPECT_EQ(error_of("[webhook]\nurl = \"http://h/x\"\npublic_url = \"desk\"\n"),
            "t.toml:22: key 'webhook.public_url': must start with http:// or https://");
  // A root key must come before the first table header.
  try {
    (void)parse_config("webhook = 3\n" + base(), "t.toml");
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "t.toml:1: key 'webhook': must be a table ([webhook]) or an array of tables "
              "([[webhook]])");
  }
}

TEST(WebhookConfig, TokenFileProblemsNeverQuoteTheToken) {
  const std::string bad = temp_file("badtoken", "123:SECRET with space\n");
  const std::string msg = error_of(
      "[webhook]\nurl = \"https://api.telegram.org\"\n"
      "format = \"telegram\"\nchat_id = \"@desk\"\ntoken_file = \"" +
      bad + "\"\n");
  EXPECT_EQ(msg,
            "t.toml:24: key 'webhook.token_file': the token holds a character other than "
            "letters, digits, ':', '_' or '-'");
  EXPECT_EQ(msg.find("SECRET"), std::string::npos);
  const std::string good = temp_file("goodtoken", "123:SECRET\n");
  const std::string with_path = error_of(
      "[webhook]\nurl = \"https://api.telegram.org/bot123:SECRET/sendMessage\"\n"
      "format = \"telegram\"\nchat_id = \"@desk\"\ntoken_file = \"" +
      good + "\"\n");
  EXPECT_EQ(with_path.find("SECRET"), std::string::npos) << with_path;
  EXPECT_NE(with_path.find("key 'webhook.url': with token_file the url is the API's address"),
            std::string::npos)
      << with_path;
  EXPECT_EQ(error_of("[webhook]\nurl = \"https://api.telegram.org\"\nformat = \"telegram\"\n"
                     "chat_id = \"@desk\"\ntoken_file = \"" +
                     temp_file("emptytoken", "\n") + "\"\n"),
            "t.toml:24: key 'webhook.token_file': the file is empty");
}

}  // namespace
}  // namespace adrmon::test
