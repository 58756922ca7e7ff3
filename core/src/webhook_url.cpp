#include "adrmon/core/webhook_url.hpp"

#include <algorithm>
#include <stdexcept>

namespace adrmon {

namespace {

constexpr std::string_view kHttp = "http://";
constexpr std::string_view kHttps = "https://";

// The scheme's length, 0 when neither http:// nor https://.
std::size_t scheme_size(std::string_view url) noexcept {
  if (url.rfind(kHttps, 0) == 0) return kHttps.size();
  if (url.rfind(kHttp, 0) == 0) return kHttp.size();
  return 0;
}

}  // namespace

bool parse_webhook_url(std::string_view url, WebhookUrl& out, std::string& why) {
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      why = "contains a space or control character";
      return false;
    }
  }
  const std::size_t scheme = scheme_size(url);
  if (scheme == 0) {
    why = "must start with http:// or https://";
    return false;
  }
  out.tls = scheme == kHttps.size();
  const std::string_view rest = url.substr(scheme);
  const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  const std::string_view host_port = rest.substr(0, authority_end);
  std::string_view path = rest.substr(authority_end);
  path = path.substr(0, std::min(path.find('#'), path.size()));  // a fragment is never sent
  if (host_port.find('@') != std::string_view::npos) {
    why = "credentials in the url are not supported";
    return false;
  }
  // HOST or [IPV6] alone means the scheme's port; anything else is HOST:PORT as everywhere.
  const bool bracketed = !host_port.empty() && host_port.front() == '[';
  const bool has_port = bracketed ? host_port.find("]:") != std::string_view::npos
                                  : host_port.find(':') != std::string_view::npos;
  std::string with_port(host_port);
  if (!has_port) with_port += out.tls ? ":443" : ":80";
  if (!parse_host_port(with_port, out.authority, why)) {
    return false;
  }
  // assign(1, '/'), not = "/": GCC 12 warns -Wrestrict falsely on a
  // literal assigned to a string here (GCC bug 105329).
  if (path.empty()) {
    out.target.assign(1, '/');
  } else if (path.front() == '?') {
    out.target.assign(1, '/');
    out.target += path;
  } else {
    out.target = std::string(path);
  }
  return true;
}

WebhookUrl parse_webhook_url(std::string_view url) {
  WebhookUrl out;
  std::string why;
  if (!parse_webhook_url(url, out, why)) {
    std::string msg = "webhook url \"";
    msg.append(webhook_url_for_log(url)).append("\": ").append(why);
    throw std::invalid_argument(msg);
  }
  return out;
}

std::string webhook_url_for_log(std::string_view url) {
  const std::size_t scheme = scheme_size(url);
  const std::size_t end = std::min(url.find_first_of("/?#", scheme), url.size());
  std::string_view head = url.substr(0, end);
  std::string_view authority = head.substr(scheme);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);  // user:password never printed either
  }
  std::string out(head.substr(0, scheme));
  WebhookUrl parsed;
  std::string why;
  if (scheme != 0 && parse_webhook_url(url, parsed, why)) {
    out += parsed.authority.text();  // with the port the sink will use
  } else {
    out += authority;
  }
  if (end < url.size()) out += "/…";
  return out;
}

}  // namespace adrmon
