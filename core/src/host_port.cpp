#include "adrmon/core/host_port.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace adrmon {

std::string HostPort::text() const {
  std::string out = bracketed ? "[" + host + "]" : host;
  out += ':';
  out += std::to_string(port);
  return out;
}

bool parse_port(std::string_view text, std::uint16_t& out, PortZero zero) noexcept {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535) {
    return false;
  }
  if (value == 0 && zero == PortZero::Refuse) return false;
  out = static_cast<std::uint16_t>(value);
  return true;
}

bool parse_host_port(std::string_view text, HostPort& out, std::string& why, PortZero zero) {
  std::string_view host;
  std::string_view port;
  bool bracketed = false;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      why = "expected [IPV6]:PORT";
      return false;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    bracketed = true;
    in6_addr addr{};
    const std::string h(host);
    if (inet_pton(AF_INET6, h.c_str(), &addr) != 1) {
      why = "'" + h + "' is not an IPv6 address";
      return false;
    }
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      why = "expected HOST:PORT";
      return false;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      why = "an IPv6 address needs brackets: [ADDR]:PORT";
      return false;
    }
  }
  if (host.empty()) {
    why = "empty host";
    return false;
  }
  std::uint16_t value = 0;
  if (!parse_port(port, value, zero)) {
    why = zero == PortZero::Allow ? "port must be 0..65535" : "port must be 1..65535";
    return false;
  }
  out.host = std::string(host);
  out.port = value;
  out.bracketed = bracketed;
  return true;
}

bool is_loopback_host(std::string_view host) noexcept {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost" || host == "::1") return true;
  char buf[INET_ADDRSTRLEN] = {};
  if (host.size() >= sizeof buf) return false;
  host.copy(buf, host.size());
  in_addr v4{};
  if (inet_pton(AF_INET, buf, &v4) != 1) return false;
  return (ntohl(v4.s_addr) >> 24) == 127;
}

}  // namespace adrmon
