// Helpers shared by the feeds tests: a temporary directory per test, tick
// lines as a venue writes them, a Log that records what it is told, and a
// consumer that drains a source's channel like the engine does. Cold path;
// everything allocates.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/core/log.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/core/tick_channel.hpp"

namespace adrmon::feeds_test {

namespace fs = std::filesystem;

inline constexpr std::int64_t kT0 = 1763951400000000000;  // 2025-11-24 02:30 UTC
inline constexpr std::int64_t kMs = 1'000'000;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("adrmon_feeds_" + std::to_string(::getpid()) + "_" +
                                         info->test_suite_name() + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& content) const {
    const std::string p = (path_ / name).string();
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p;
  }

  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// Shortest text that reads back to the same double, as a tick writer would use.
inline std::string num(double v) {
  char buf[64];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

inline std::string quote(std::int64_t ts, const char* venue, const char* sym, double bid,
                         double ask, double bid_size = 100, double ask_size = 100) {
  return R"({"type":"quote","ts":)" + std::to_string(ts) + R"(,"venue":")" + venue +
         R"(","sym":")" + sym + R"(","bid":)" + num(bid) + R"(,"ask":)" + num(ask) +
         R"(,"bid_size":)" + num(bid_size) + R"(,"ask_size":)" + num(ask_size) + "}";
}

inline std::string fx(std::int64_t ts, double bid, double ask) {
  return R"({"type":"fx","ts":)" + std::to_string(ts) + R"(,"pair":"USDHKD","bid":)" + num(bid) +
         R"(,"ask":)" + num(ask) + "}";
}

inline std::string join(const std::vector<std::string>& lines, const char* eol = "\n") {
  std::string out;
  for (const std::string& l : lines) out += l + eol;
  return out;
}

// A Log that keeps every line as "WHO: WHAT" (what stderr_log() prints
// after "adrmon: "). Any thread.
class RecordingLog final : public Log {
 public:
  void write(LogLevel, std::string_view who, std::string_view what) noexcept override {
    const std::lock_guard lock(mutex_);
    lines_.push_back(std::string(who) + ": " + std::string(what));
  }
  std::vector<std::string> lines() const {
    const std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// Polls `done` every millisecond until it holds or 10 s pass (a generous
// bound for sanitizer builds; no test asserts how long it took).
inline bool eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Pops everything `channel` holds into `out`; true once it is closed and empty.
inline bool pop_all(TickChannel& channel, std::vector<Tick>& out) {
  const bool closed = channel.closed();  // read first: a close follows the last push
  Tick batch[64];
  for (std::size_t n; (n = channel.pop_bulk(batch, 64)) > 0;)
    out.insert(out.end(), batch, batch + n);
  return closed;
}

}  // namespace adrmon::feeds_test
