// [bus]: the NATS JetStream connection of `adrmon feed`, `adrmon run` and
// `adrmon alerts` (docs/OPERATIONS.md, "Bus"). Every key is checked here, at
// start-up, so the bus library never sees a bad url, a replica count NATS
// would refuse or two ways of logging in at once. Files it names (creds,
// tls_ca) are checked for existence now, so a typo stops start-up at its line.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "adrmon/core/bus_url.hpp"
#include "config_reader.hpp"

namespace adrmon::config_detail {

namespace {

// A duration: a number of seconds, or a string "90s", "30m", "24h", "7d".
std::int64_t duration_ns(TableReader& r, std::string_view key, std::int64_t fallback) {
  const toml::node* node = r.find(key);
  if (node == nullptr) return fallback;
  double seconds = 0;
  if (node->is_number()) {
    seconds = *node->value<double>();
  } else if (node->is_string()) {
    const std::string text = *node->value<std::string>();
    char* end = nullptr;
    errno = 0;
    const double n = std::strtod(text.c_str(), &end);
    const std::string unit = end != nullptr ? std::string(end) : std::string();
    const double scale = unit == "s"   ? 1
                         : unit == "m" ? 60
                         : unit == "h" ? 3600
                         : unit == "d" ? 86400
                                       : 0;
    if (end == text.c_str() || errno != 0 || scale == 0) {
      r.fail(key, line_of(*node),
             "'" + text +
                 "' is no duration (seconds, or a string like \"90s\", \"30m\", \"24h\", \"7d\")");
    }
    seconds = n * scale;
  } else {
    r.fail(key, line_of(*node), "must be seconds or a string like \"24h\"");
  }
  if (!(seconds >= 0 && seconds <= 10.0 * 365 * 86400))
    r.fail(key, line_of(*node), "must be between 0 and 10 years");
  return static_cast<std::int64_t>(seconds * 1e9);
}

void check_file(TableReader& r, std::string_view key, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    r.fail(key, r.line(key), "cannot read \"" + path + "\": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) r.fail(key, r.line(key), "\"" + path + "\" is not a file");
}

// A stream name as JetStream accepts it: letters, digits, '-' and '_'.
std::string stream_name(TableReader& r, std::string_view key, std::string fallback) {
  std::string name = r.string(key).value_or(std::move(fallback));
  if (name.empty() || name.size() > 64) r.fail(key, r.line(key), "must be 1 to 64 characters");
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) r.fail(key, r.line(key), "'" + name + "': only letters, digits, '-' and '_'");
  }
  return name;
}

}  // namespace

void read_bus(const toml::table& root, const std::string& file, const std::string& dir,
              Config& config) {
  const toml::table* table = optional_table(root, "bus", file);
  if (table == nullptr) return;
  TableReader r(*table, file, "bus",
                {"url", "ticks_stream", "alerts_stream", "replicas", "token", "user", "password",
                 "creds", "tls_ca", "max_age", "max_bytes", "duplicate_window"});
  BusConfig bus;
  bus.line = line_of(*table);
  std::string why;
  if (!parse_bus_urls(r.required_string("url"), bus.urls, why)) r.fail("url", r.line("url"), why);
  bus.ticks_stream = stream_name(r, "ticks_stream", bus.ticks_stream);
  bus.alerts_stream = stream_name(r, "alerts_stream", bus.alerts_stream);
  if (bus.ticks_stream == bus.alerts_stream)
    r.fail("alerts_stream", r.line("alerts_stream"), "must differ from ticks_stream");

  const double replicas = r.number("replicas").value_or(1);
  if (replicas != 1 && replicas != 3) r.fail("replicas", r.line("replicas"), "must be 1 or 3");
  bus.replicas = static_cast<int>(replicas);

  // The secrets are never quoted back in any message below.
  if (auto token = r.string("token")) {
    if (token->empty()) r.fail("token", r.line("token"), "must not be empty");
    bus.token = *token;
  }
  if (auto user = r.string("user")) {
    if (user->empty()) r.fail("user", r.line("user"), "must not be empty");
    bus.user = *user;
    if (r.find("password") == nullptr) r.fail("user", r.line("user"), "user needs password");
  }
  if (auto password = r.string("password")) {
    if (bus.user.empty()) r.fail("password", r.line("password"), "password needs user");
    bus.password = *password;
  }
  if (auto creds = r.string("creds")) {
    bus.creds = resolve_path(dir, *creds);
    check_file(r, "creds", bus.creds);
  }
  const int logins = !bus.token.empty() + !bus.user.empty() + !bus.creds.empty();
  if (logins > 1) {
    const std::string_view last = !bus.creds.empty() ? "creds" : "user";
    r.fail(last, r.line(last), "give one of token, user + password, creds");
  }
  if (auto ca = r.string("tls_ca")) {
    bus.tls_ca = resolve_path(dir, *ca);
    check_file(r, "tls_ca", bus.tls_ca);
  }

  bus.max_age_ns = duration_ns(r, "max_age", 0);
  // Unset, the window is JetStream's 2 minutes, or max_age when that is shorter.
  std::int64_t window = bus.duplicate_window_ns;
  if (bus.max_age_ns > 0 && window > bus.max_age_ns) window = bus.max_age_ns;
  bus.duplicate_window_ns = duration_ns(r, "duplicate_window", window);
  if (bus.duplicate_window_ns == 0)
    r.fail("duplicate_window", r.line("duplicate_window"), "must be > 0 (Msg-Id de-duplication)");
  if (bus.max_age_ns > 0 && bus.duplicate_window_ns > bus.max_age_ns) {
    r.fail("duplicate_window", r.line("duplicate_window"), "must not exceed max_age");
  }
  if (const toml::node* node = r.find("max_bytes")) {
    if (!node->is_integer()) r.fail("max_bytes", line_of(*node), "must be a whole number of bytes");
    const std::int64_t bytes = *node->value<std::int64_t>();
    if (bytes != -1 && bytes < 1024 * 1024)
      r.fail("max_bytes", line_of(*node), "must be at least 1048576 (or -1: unlimited)");
    bus.max_bytes = bytes;
  }
  config.bus = std::move(bus);
}

}  // namespace adrmon::config_detail
