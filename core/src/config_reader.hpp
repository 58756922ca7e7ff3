// The config loader's shared pieces (private to core/src/config*.cpp):
// TableReader, the strict reader of one TOML table that every section file
// uses, so each error names file, line and key the same way; and the
// section readers that build() in config.cpp calls in order:
//   config_pairs.cpp     [fx], [defaults], [[pair]], [index], [aliases]
//   config_daemon.cpp    [pipeline], [[source]], [sinks], [liveness], [dashboard]
//   config_webhook.cpp   [webhook] / [[webhook]]
//   config_calendar.cpp  [calendar.US], [calendar.HK]
// Every reader throws ConfigError; nothing here is on the hot path.
#pragma once

#include <toml++/toml.h>

#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "adrmon/core/config.hpp"

namespace adrmon::config_detail {

constexpr std::size_t kMaxSymbolBytes = 16;

inline int line_of(const toml::node& node) {
  return static_cast<int>(node.source().begin.line);
}

// Walks one TOML table, remembering which keys were read so that anything
// left over (a misspelt key) is reported with its own line.
class TableReader {
 public:
  // Checks at once that every key of `table` is one of `allowed`, so a
  // misspelt key is named at its own line before anything reports it missing.
  TableReader(const toml::table& table, std::string file, std::string context,
              std::initializer_list<std::string_view> allowed)
      : table_(table), file_(std::move(file)), context_(std::move(context)) {
    for (auto&& [key, node] : table_) {
      bool known = false;
      for (std::string_view a : allowed) known = known || a == key.str();
      if (!known) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(key.str(), line_of(node), "unknown key in " + context_ + " (known: " + list + ")");
      }
    }
  }

  [[noreturn]] void fail(std::string_view key, int line, const std::string& message) const {
    throw ConfigError(file_, line, qualified(key), message);
  }
  const std::string& context() const noexcept { return context_; }
  [[noreturn]] void fail_missing(std::string_view key) const {
    fail(key, line_of(table_), "missing (required in " + context_ + ")");
  }

  const toml::node* find(std::string_view key) const { return table_.get(key); }

  std::optional<double> number(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_number()) fail(key, line_of(*node), "must be a number");
    const double value = *node->value<double>();
    if (!std::isfinite(value)) fail(key, line_of(*node), "must be finite");
    return value;
  }
  double required_number(std::string_view key) {
    auto value = number(key);
    if (!value) fail_missing(key);
    return *value;
  }
  std::optional<std::string> string(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) fail(key, line_of(*node), "must be a string");
    return *node->value<std::string>();
  }
  std::string required_string(std::string_view key) {
    auto value = string(key);
    if (!value) fail_missing(key);
    return *value;
  }
  std::optional<bool> boolean(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_boolean()) fail(key, line_of(*node), "must be true or false");
    return *node->value<bool>();
  }
  int line(std::string_view key) const {
    const toml::node* node = table_.get(key);
    return node != nullptr ? line_of(*node) : line_of(table_);
  }

 private:
  std::string qualified(std::string_view key) const {
    return context_.empty() ? std::string(key) : context_ + "." + std::string(key);
  }

  const toml::table& table_;
  std::string file_;
  std::string context_;
};

inline const toml::table& required_table(const toml::table& root, std::string_view name,
                                         const std::string& file) {
  const toml::node* node = root.get(name);
  if (node == nullptr)
    throw ConfigError(file, 1, std::string(name), "missing table [" + std::string(name) + "]");
  if (!node->is_table())
    throw ConfigError(file, line_of(*node), std::string(name), "must be a table");
  return *node->as_table();
}

inline const toml::table* optional_table(const toml::table& root, std::string_view name,
                                         const std::string& file) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return nullptr;
  if (!node->is_table())
    throw ConfigError(file, line_of(*node), std::string(name), "must be a table");
  return node->as_table();
}

// The section readers, in the order build() calls them. `file` names the
// config in errors; `dir` is the directory relative paths resolve against
// (empty: as written, i.e. against the working directory).
void read_pairs(const toml::table& root, const std::string& file, Config& config);
void read_aliases(const toml::table& root, const std::string& file, Config& config);
void read_daemon_sections(const toml::table& root, const std::string& file, const std::string& dir,
                          Config& config);
void read_webhooks(const toml::table& root, const std::string& file, const std::string& dir,
                   Config& config);
void read_calendars(const toml::table& root, const std::string& file, Config& config);

// PATH when absolute or when dir is empty, else dir/PATH.
std::string resolve_path(const std::string& dir, const std::string& path);

}  // namespace adrmon::config_detail
