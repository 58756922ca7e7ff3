// RecordingLog: a Log that keeps every line ("WHO: WHAT") for a test to
// inspect, so a good path can assert that nothing was said. Any thread.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/log.hpp"

namespace adrmon::test {

class RecordingLog final : public Log {
 public:
  void write(LogLevel level, std::string_view who, std::string_view what) noexcept override {
    std::lock_guard lock(mu_);
    levels_.push_back(level);
    lines_.push_back(std::string(who) + ": " + std::string(what));
  }

  std::vector<std::string> lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }
  std::vector<LogLevel> levels() const {
    std::lock_guard lock(mu_);
    return levels_;
  }
  // Every line, each ending in '\n' (to search like captured stderr).
  std::string text() const {
    std::string out;
    for (const std::string& line : lines()) out += line + "\n";
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  std::vector<LogLevel> levels_;
};

}  // namespace adrmon::test
