// HostPort: the one parser of "HOST:PORT" in adrmon (sources, the dashboard's
// listen address, the webhook url's authority, adrmon-cast). HOST is a name,
// an IPv4 literal or a bracketed IPv6 literal ("[::1]:8480"); the brackets
// are removed from `host`. Cold path: allocates, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adrmon {

struct HostPort {
  std::string host;  // without brackets: "127.0.0.1", "::1", "localhost"
  std::uint16_t port = 0;
  bool bracketed = false;  // written as "[HOST]" (an IPv6 literal)

  // "HOST:PORT" again, with brackets back around an IPv6 literal.
  std::string text() const;
};

enum class PortZero : std::uint8_t { Refuse, Allow };  // Allow: "any free port" (listeners)

// Parses `text`. On failure returns false and sets `why` to a short reason
// ("expected HOST:PORT", "port must be 1..65535", "empty host", ...) for the
// caller to prefix with what it was parsing.
[[nodiscard]] bool parse_host_port(std::string_view text, HostPort& out, std::string& why,
                                   PortZero zero = PortZero::Refuse);

// A decimal port "1".."65535" (or "0" with PortZero::Allow); false otherwise.
[[nodiscard]] bool parse_port(std::string_view text, std::uint16_t& out,
                              PortZero zero = PortZero::Refuse) noexcept;

// "localhost", 127.0.0.0/8 or ::1 (brackets allowed). No resolution.
bool is_loopback_host(std::string_view host) noexcept;

}  // namespace adrmon
