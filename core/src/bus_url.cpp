// The bus url check (bus_url.hpp): one list syntax for [bus] url and --bus.
#include "adrmon/core/bus_url.hpp"

#include <stdexcept>

namespace adrmon {

namespace {

// The reason `url` is not "nats://HOST:PORT" or "tls://HOST:PORT", or empty.
std::string url_problem(std::string_view url) {
  std::string_view rest = url;
  if (rest.rfind("nats://", 0) == 0) {
    rest.remove_prefix(7);
  } else if (rest.rfind("tls://", 0) == 0) {
    rest.remove_prefix(6);
  } else {
    return "expected nats://HOST:PORT (comma-separated for several servers)";
  }
  if (rest.find('@') != std::string_view::npos)
    return "credentials go in token, user/password or creds, not in the url";
  if (rest.find('/') != std::string_view::npos || rest.find('?') != std::string_view::npos)
    return "no path or query after HOST:PORT";
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return "expected HOST:PORT";
  const std::string_view port = rest.substr(colon + 1);
  if (port.empty() || port.size() > 5) return "the port must be 1 to 65535";
  long value = 0;
  for (const char c : port) {
    if (c < '0' || c > '9') return "the port must be 1 to 65535";
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return "the port must be 1 to 65535";
  return {};
}

}  // namespace

bool parse_bus_urls(std::string_view list, std::vector<std::string>& out, std::string& why) {
  out.clear();
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view one = list.substr(start, comma - start);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (one.empty()) {
      why = "an empty server in the list";
      return false;
    }
    const std::string problem = url_problem(one);
    if (!problem.empty()) {
      // Appended piece by piece: GCC 12 at -O2 warns (-Wrestrict, a false
      // positive) inside operator+ and assign() of a short literal here.
      why.clear();
      why += '\'';
      why += one;
      why += "': ";
      why += problem;
      return false;
    }
    out.emplace_back(one);
    start = comma + 1;
  }
  return true;
}

std::vector<std::string> parse_bus_urls(std::string_view list) {
  std::vector<std::string> out;
  std::string why;
  if (!parse_bus_urls(list, out, why)) throw std::invalid_argument("bus url: " + why);
  return out;
}

}  // namespace adrmon
