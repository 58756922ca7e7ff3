// Bus server lists: "nats://HOST:PORT" or "tls://HOST:PORT", several
// separated by commas ("nats://a:4222, nats://b:4222"), as [bus] url and
// the --bus option of `adrmon feed`, `adrmon run` and `adrmon alerts` take
// them. Credentials in the url (user:password@) are refused: they belong in
// [bus] token, user/password or creds, where they are never echoed. A path,
// a query, a missing port or an empty entry are refused too.
//
// There is one check, used by the config loader (which turns its reason
// into FILE:LINE: key 'bus.url': ...) and by the commands' --bus, so that a
// bad --bus is refused at start-up with the same reason as a bad config.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace adrmon {

// Splits `list` at commas, trims spaces and checks each server. On failure
// returns false and sets `why` to "'SERVER': REASON" (or the reason alone
// for an empty entry). Allocates. Any thread. Cold path.
[[nodiscard]] bool parse_bus_urls(std::string_view list, std::vector<std::string>& out,
                                  std::string& why);

// The same, throwing std::invalid_argument "bus url: 'SERVER': REASON".
std::vector<std::string> parse_bus_urls(std::string_view list);

}  // namespace adrmon
