// Strict TOML config loader: every key known, every value checked once.
// This file opens the file and walks the top level; each section is read by
// its own file (config_reader.hpp lists them).
#include "adrmon/core/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "config_reader.hpp"

namespace adrmon::config_detail {
// [bus] (config_bus.cpp): NATS JetStream, absent unless the table is there.
void read_bus(const toml::table& root, const std::string& file, const std::string& dir,
              Config& config);
}  // namespace adrmon::config_detail

namespace adrmon {

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& message)
    : std::runtime_error(file + ":" + std::to_string(line) + ": key '" + key + "': " + message),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

ConfigError::ConfigError(std::string file, const std::string& message)
    : std::runtime_error(file + ": " + message), file_(std::move(file)), line_(0) {}

std::string_view strip_leading_zeros(std::string_view code) noexcept {
  std::size_t i = 0;
  while (i + 1 < code.size() && code[i] == '0') ++i;
  return code.substr(i);
}

namespace {

using namespace config_detail;

Config build(const toml::table& root, const std::string& file, const std::string& dir) {
  Config config;
  config.path = file;

  for (auto&& [key, node] : root) {
    const std::string_view k = key.str();
    if (k != "fx" && k != "defaults" && k != "pair" && k != "pipeline" && k != "source" &&
        k != "sinks" && k != "webhook" && k != "dashboard" && k != "calendar" && k != "index" &&
        k != "liveness" && k != "aliases" && k != "bus") {
      throw ConfigError(file, line_of(node), std::string(k), "unknown table or key");
    }
  }

  read_pairs(root, file, config);
  read_aliases(root, file, config);
  read_daemon_sections(root, file, dir, config);
  read_calendars(root, file, config);
  read_bus(root, file, dir, config);
  return config;
}

Config parse_toml(std::string_view toml_text, const std::string& file, const std::string& dir) {
  toml::table root;
  try {
    root = toml::parse(toml_text, file);
  } catch (const toml::parse_error& e) {
    throw ConfigError(file, static_cast<int>(e.source().begin.line), "(syntax)",
                      std::string(e.description()));
  }
  return build(root, file, dir);
}

// The whole file, or a ConfigError naming it with the errno text.
std::string read_config_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw ConfigError(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw ConfigError(path, "is a directory");
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw ConfigError(path, std::string("cannot read: ") + std::strerror(error));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace

Config parse_config(std::string_view toml_text, const std::string& source_name) {
  return parse_toml(toml_text, source_name, "");
}

Config load_config(const std::string& path) {
  const std::string text = read_config_file(path);
  return parse_toml(text, path, std::filesystem::path(path).parent_path().string());
}

std::vector<std::string> pair_names(const Config& config) {
  std::vector<std::string> names;
  names.reserve(config.pairs.size());
  for (const PairConfig& p : config.pairs) names.push_back(p.name);
  return names;
}

double ratio_at(const PairConfig& pair, std::int64_t t) noexcept {
  for (const RatioChange& c : pair.ratio_history) {
    if (t < c.until_ns) return c.ratio;
  }
  return pair.ratio;
}

}  // namespace adrmon
