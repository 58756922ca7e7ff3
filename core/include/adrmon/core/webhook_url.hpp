// Webhook urls: "http[s]://HOST[:PORT][/PATH][?QUERY]", the forms the webhook
// sink can POST to. HOST is a name, an IPv4 literal or a bracketed IPv6
// literal (parse_host_port's rules); PORT defaults to 80 (http) or 443
// (https); a fragment is dropped; an empty path is "/". Other schemes,
// credentials, spaces and control characters are refused, each with its own
// reason.
//
// The path and query of a webhook url are secrets in practice (Slack,
// Discord and Teams put the channel's key there, Telegram the bot token), so
// nothing that reports a url prints them: webhook_url_for_log() keeps the
// scheme and authority only, and the throwing parse_webhook_url's message
// uses it.
//
// There is one check, used by both the config loader (which turns its
// reason into FILE:LINE: key 'webhook.url': ...) and WebhookSink, so that a
// config file gets the same reasons as code that builds a WebhookConfig.
#pragma once

#include <string>
#include <string_view>

#include "adrmon/core/host_port.hpp"

namespace adrmon {

struct WebhookUrl {
  bool tls = false;    // https://
  HostPort authority;  // port 80 (http) or 443 (https) when the url names none
  std::string target = "/";
};

// Parses `url` into `out`. On failure returns false and sets `why` to the
// reason ("must start with http:// or https://", "port must be 1..65535",
// ...); the reason never repeats the url's path or query. Allocates. Any
// thread. Cold path.
[[nodiscard]] bool parse_webhook_url(std::string_view url, WebhookUrl& out, std::string& why);

// The same, throwing std::invalid_argument `webhook url "SCHEME://HOST:PORT/…":
// REASON` (the path and query left out, see webhook_url_for_log).
WebhookUrl parse_webhook_url(std::string_view url);

// "https://hooks.slack.com:443/…": what a log line or an error may say about
// a webhook url, never its path or query ("/…" stands for them; the bare
// authority when the url has neither). For a url that does not parse, the
// text before its path with any credentials cut. Allocates. Any thread.
std::string webhook_url_for_log(std::string_view url);

}  // namespace adrmon
