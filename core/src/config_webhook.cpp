// [webhook] / [[webhook]]: the url (one check, webhook_url.hpp), delivery
// limits, format, the files it names (read now) and the alert filters.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "adrmon/core/webhook_url.hpp"
#include "config_reader.hpp"

namespace adrmon::config_detail {

namespace {

std::string read_small_file(TableReader& r, std::string_view key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) r.fail(key, r.line(key), "cannot read \"" + path + "\": " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}

// Reads KEY = ["a", "b"]: a non-empty array of strings, each one of
// `allowed` (when given), none twice.
std::vector<std::string> string_list(TableReader& r, std::string_view key,
                                     std::initializer_list<std::string_view> allowed) {
  std::vector<std::string> out;
  const toml::node* node = r.find(key);
  if (node == nullptr) return out;
  if (!node->is_array()) r.fail(key, line_of(*node), "must be an array of strings");
  for (const toml::node& item : *node->as_array()) {
    if (!item.is_string()) r.fail(key, line_of(item), "must be an array of strings");
    std::string value = *item.value<std::string>();
    if (allowed.size() > 0 &&
        std::find(allowed.begin(), allowed.end(), std::string_view(value)) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed)
        list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
      r.fail(key, line_of(item), "'" + value + "' is not one of " + list);
    }
    if (std::find(out.begin(), out.end(), value) != out.end())
      r.fail(key, line_of(item), "'" + value + "' appears twice");
    out.push_back(std::move(value));
  }
  if (out.empty()) r.fail(key, line_of(*node), "must not be empty (leave the key out for all)");
  return out;
}

// [webhook] or [[webhook]]: each table read the same way; errors name
// 'webhook.KEY' or 'webhook[N].KEY'. Files named by ca_file and token_file
// are read here, at start-up, so a missing one stops start-up at its line.
WebhookConfig read_webhook(const toml::table& t, const std::string& file, std::string context,
                           const std::string& dir, const Config& config) {
  TableReader r(t, file, context,
                {"url", "max_per_second", "retries", "timeout_ms", "queue_capacity",
                 "shutdown_grace_ms", "ca_file", "format", "chat_id", "token_file", "public_url",
                 "pairs", "sides", "kinds", "min_edge_bps"});
  WebhookConfig w;
  w.label = context;
  w.url = r.required_string("url");
  WebhookUrl url;
  std::string why;
  if (!parse_webhook_url(w.url, url, why)) r.fail("url", r.line("url"), why);
  w.max_per_second = r.number("max_per_second").value_or(w.max_per_second);
  if (!(w.max_per_second > 0)) r.fail("max_per_second", r.line("max_per_second"), "must be > 0");
  const double retries = r.number("retries").value_or(w.retries);
  if (retries < 0 || retries > 100 || retries != std::floor(retries)) {
    r.fail("retries", r.line("retries"), "must be a whole number in [0, 100]");
  }
  w.retries = static_cast<int>(retries);
  const double timeout = r.number("timeout_ms").value_or(w.timeout_ms);
  if (!(timeout >= 1 && timeout <= 600000))
    r.fail("timeout_ms", r.line("timeout_ms"), "must be in [1, 600000]");
  w.timeout_ms = static_cast<int>(timeout);
  const double cap = r.number("queue_capacity").value_or(static_cast<double>(w.queue_capacity));
  if (cap < 1 || cap > 1e6 || cap != std::floor(cap)) {
    r.fail("queue_capacity", r.line("queue_capacity"), "must be a whole number in [1, 1000000]");
  }
  w.queue_capacity = static_cast<std::size_t>(cap);
  const double grace = r.number("shutdown_grace_ms").value_or(w.shutdown_grace_ms);
  if (grace < 0 || grace > 600000 || grace != std::floor(grace)) {
    r.fail("shutdown_grace_ms", r.line("shutdown_grace_ms"),
           "must be a whole number in [0, 600000]");
  }
  w.shutdown_grace_ms = static_cast<int>(grace);

  w.ca_file = resolve_path(dir, r.string("ca_file").value_or(""));
  if (r.find("ca_file") != nullptr) {
    if (!url.tls) r.fail("ca_file", r.line("ca_file"), "only for https:// urls");
    if (read_small_file(r, "ca_file", w.ca_file).find("-----BEGIN CERTIFICATE-----") ==
        std::string::npos) {
      r.fail("ca_file", r.line("ca_file"),
             "\"" + w.ca_file + "\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
  }

  const std::string format = r.string("format").value_or("json");
  if (format == "json") {
    w.format = WebhookFormat::Json;
  } else if (format == "slack") {
    w.format = WebhookFormat::Slack;
  } else if (format == "teams") {
    w.format = WebhookFormat::Teams;
  } else if (format == "discord") {
    w.format = WebhookFormat::Discord;
  } else if (format == "telegram") {
    w.format = WebhookFormat::Telegram;
  } else {
    r.fail("format", r.line("format"),
           "must be \"json\", \"slack\", \"teams\", \"discord\" or \"telegram\"");
  }
  const bool telegram = w.format == WebhookFormat::Telegram;
  for (std::string_view key : {"chat_id", "token_file"}) {
    if (!telegram && r.find(key) != nullptr)
      r.fail(key, r.line(key), "only for format = \"telegram\"");
  }
  if (telegram) {
    const toml::node* chat = r.find("chat_id");
    if (chat == nullptr) r.fail("format", r.line("format"), "format = \"telegram\" needs chat_id");
    if (chat->is_integer()) {
      w.chat_id = std::to_string(*chat->value<std::int64_t>());
    } else if (chat->is_string()) {
      w.chat_id = *chat->value<std::string>();
    } else {
      r.fail("chat_id", line_of(*chat), "must be an integer or a string (\"@channel\")");
    }
    if (w.chat_id.empty()) r.fail("chat_id", line_of(*chat), "must not be empty");
    for (const char c : w.chat_id) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\' || c == 0x7f)
        r.fail("chat_id", line_of(*chat), "contains a quote, backslash or control character");
    }
    // The token is never quoted back in any message below.
    if (auto token_file = r.string("token_file")) {
      w.token_file = resolve_path(dir, *token_file);
      std::string token = read_small_file(r, "token_file", w.token_file);
      while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
        token.pop_back();
      if (token.empty()) r.fail("token_file", r.line("token_file"), "the file is empty");
      for (const char c : token) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != ':' && c != '_' && c != '-') {
          r.fail("token_file", r.line("token_file"),
                 "the token holds a character other than letters, digits, ':', '_' or '-'");
        }
      }
      if (url.target != "/") {
        r.fail("url", r.line("url"),
               "with token_file the url is the API's address only (e.g. "
               "\"https://api.telegram.org\"); the sink adds /bot<TOKEN>/sendMessage");
      }
      w.token = std::move(token);
    } else if (url.target.size() < 12 ||
               url.target.compare(url.target.size() - 12, 12, "/sendMessage") != 0) {
      r.fail("url", r.line("url"),
             "a telegram url ends in /bot<TOKEN>/sendMessage (or give token_file)");
    }
  }
  if (auto public_url = r.string("public_url")) {
    WebhookUrl ignored;
    if (!parse_webhook_url(*public_url, ignored, why))
      r.fail("public_url", r.line("public_url"), why);
    w.public_url = *public_url;
  }

  w.pairs = string_list(r, "pairs", {});
  for (const std::string& name : w.pairs) {
    bool known = false;
    for (const PairConfig& p : config.pairs) known = known || p.name == name;
    if (!known) {
      r.fail("pairs", r.line("pairs"),
             "'" + name + "' is no configured pair (names are \"ADR/HK\", e.g. \"" +
                 config.pairs.front().name + "\")");
    }
  }
  if (const auto sides = string_list(r, "sides", {"sell_adr", "buy_adr"}); !sides.empty()) {
    w.sides[0] = std::find(sides.begin(), sides.end(), "sell_adr") != sides.end();
    w.sides[1] = std::find(sides.begin(), sides.end(), "buy_adr") != sides.end();
  }
  if (const auto kinds = string_list(r, "kinds", {"open", "close"}); !kinds.empty()) {
    w.kinds[0] = std::find(kinds.begin(), kinds.end(), "open") != kinds.end();
    w.kinds[1] = std::find(kinds.begin(), kinds.end(), "close") != kinds.end();
  }
  w.min_edge_bps = r.number("min_edge_bps");
  return w;
}

}  // namespace

void read_webhooks(const toml::table& root, const std::string& file, const std::string& dir,
                   Config& config) {
  const toml::node* node = root.get("webhook");
  if (node == nullptr) return;
  if (node->is_table()) {
    config.webhooks.push_back(read_webhook(*node->as_table(), file, "webhook", dir, config));
  } else if (node->is_array_of_tables()) {
    std::size_t index = 0;
    for (const toml::node& item : *node->as_array()) {
      config.webhooks.push_back(read_webhook(
          *item.as_table(), file, "webhook[" + std::to_string(++index) + "]", dir, config));
    }
  } else {
    throw ConfigError(file, line_of(*node), "webhook",
                      "must be a table ([webhook]) or an array of tables ([[webhook]])");
  }
  if (!config.webhooks.empty()) config.webhook = config.webhooks.front();
}

}  // namespace adrmon::config_detail
