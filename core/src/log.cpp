#include "adrmon/core/log.hpp"

#include <cstdio>

namespace adrmon {

namespace {

class NullLog final : public Log {
 public:
  void write(LogLevel, std::string_view, std::string_view) noexcept override {}
};

class StderrLog final : public Log {
 public:
  void write(LogLevel, std::string_view who, std::string_view what) noexcept override {
    std::fprintf(stderr, "adrmon: %.*s: %.*s\n", static_cast<int>(who.size()), who.data(),
                 static_cast<int>(what.size()), what.data());
  }
};

}  // namespace

Log& null_log() noexcept {
  static NullLog log;
  return log;
}

Log& stderr_log() noexcept {
  static StderrLog log;
  return log;
}

}  // namespace adrmon
