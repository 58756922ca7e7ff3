// RejectHints: when a source's first rejects are overwhelmingly one reason,
// one log line says what is probably wrong ("ts looks like milliseconds",
// "unknown symbols: 'BABA US', '09988.HK', … — see [aliases]").
//
// The source's thread calls on_reject() for each rejected line (a few
// integer adds; no allocation, no lock); it returns true once, when the
// first kWindow rejects are in and one reason has more than 90 % of them.
// finish() does the same at the end of a stream with fewer rejects (at least
// kMinRejects). The owner then builds message() (allocates; cold) and logs
// it. UnknownSymbols keeps the first few distinct unknown symbols in a fixed
// array, written by the source's thread and readable from any other (the
// daemon's summary) without a lock.
//
// Header-only on purpose: it is small, and feeds/CMakeLists.txt stays as it is.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/reject.hpp"

namespace adrmon {

// The first kCount distinct unknown symbols (each cut to kBytes). One writer
// (the source's thread); readers on any thread see only complete entries.
class UnknownSymbols {
 public:
  static constexpr std::size_t kCount = 4;
  static constexpr std::size_t kBytes = 24;

  // Adds `sym` if it is new and there is room. No allocation; the writer only.
  void add(std::string_view sym) noexcept {
    const std::size_t n = size_.load(std::memory_order_relaxed);
    if (n == kCount) return;
    sym = sym.substr(0, kBytes);
    for (std::size_t i = 0; i < n; ++i) {
      if (view(i) == sym) return;
    }
    std::memcpy(text_[n].data(), sym.data(), sym.size());
    length_[n] = static_cast<std::uint8_t>(sym.size());
    size_.store(n + 1, std::memory_order_release);
  }
  // Entries added so far (any thread).
  std::size_t size() const noexcept { return size_.load(std::memory_order_acquire); }
  bool full() const noexcept { return size() == kCount; }
  // Entry i < size(); the view lives as long as this object (any thread).
  std::string_view view(std::size_t i) const noexcept { return {text_[i].data(), length_[i]}; }
  // A copy of every entry. Allocates; any thread.
  std::vector<std::string> list() const {
    std::vector<std::string> out;
    const std::size_t n = size();
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(view(i));
    return out;
  }

 private:
  std::array<std::array<char, kBytes>, kCount> text_{};
  std::array<std::uint8_t, kCount> length_{};
  std::atomic<std::size_t> size_{0};
};

class RejectHints {
 public:
  static constexpr std::uint64_t kWindow = 1000;    // the "first rejects" judged
  static constexpr std::uint64_t kMinRejects = 10;  // fewer at the end: no hint

  // Unknown symbols go to `symbols` (the source's, so its summary lists them).
  explicit RejectHints(UnknownSymbols& symbols) noexcept : symbols_(symbols) {}

  // One rejected line: `sym` its symbol (or fx pair) for unknown_symbol, `ts`
  // its ts for bad_timestamp. True once, when the window is full and a hint
  // applies. No allocation; the source's thread.
  [[nodiscard]] bool on_reject(Reject r, std::string_view sym, std::int64_t ts) noexcept {
    if (r == Reject::UnknownSymbol) symbols_.add(sym);
    if (seen_ >= kWindow) return false;
    ++seen_;
    ++by_reason_[static_cast<std::size_t>(r)];
    if (r == Reject::BadTimestamp) ++by_unit_[unit_of(ts)];
    return seen_ == kWindow && decide();
  }

  // End of a stream that did not fill the window: true once if a hint applies.
  [[nodiscard]] bool finish() noexcept {
    return seen_ < kWindow && seen_ >= kMinRejects && decide();
  }

  // "980 of the first 1000 rejects are bad_timestamp: ts looks like
  // milliseconds (ts is nanoseconds since 1970, from 2000-01-01 on)".
  // Allocates; cold path.
  std::string message() const {
    std::string out = std::to_string(by_reason_[top_]) + " of the first " + std::to_string(seen_) +
                      " rejects are " + std::string(reject_name(static_cast<Reject>(top_)));
    if (static_cast<Reject>(top_) == Reject::BadTimestamp) {
      const std::size_t unit = static_cast<std::size_t>(
          std::max_element(by_unit_.begin(), by_unit_.end()) - by_unit_.begin());
      static constexpr const char* kUnit[] = {"seconds", "milliseconds", "microseconds"};
      if (unit < 3) {
        out += ": ts looks like ";
        out += kUnit[unit];
        out += " (ts is nanoseconds since 1970, from 2000-01-01 on)";
      } else {
        out += ": ts before 2000-01-01 or beyond int64 (ts is nanoseconds since 1970)";
      }
    } else if (static_cast<Reject>(top_) == Reject::UnknownSymbol && symbols_.size() > 0) {
      out += ": unknown symbols: ";
      for (std::size_t i = 0; i < symbols_.size(); ++i) {
        out += i > 0 ? ", '" : "'";
        out += symbols_.view(i);
        out += '\'';
      }
      if (symbols_.full()) out += ", \xE2\x80\xA6";
      out += " \xE2\x80\x94 see [aliases]";
    }
    return out;
  }

 private:
  // 0 seconds, 1 milliseconds, 2 microseconds (of a date from 1973 on), 3 other.
  static std::size_t unit_of(std::int64_t ts) noexcept {
    if (ts >= 100'000'000 && ts < 100'000'000'000) return 0;
    if (ts >= 100'000'000'000 && ts < 100'000'000'000'000) return 1;
    if (ts >= 100'000'000'000'000 && ts < 100'000'000'000'000'000) return 2;
    return 3;
  }

  bool decide() noexcept {
    if (decided_) return false;
    decided_ = true;
    top_ = static_cast<std::size_t>(std::max_element(by_reason_.begin(), by_reason_.end()) -
                                    by_reason_.begin());
    return by_reason_[top_] * 10 > seen_ * 9;
  }

  UnknownSymbols& symbols_;
  std::array<std::uint64_t, kRejectReasonCount> by_reason_{};
  std::array<std::uint64_t, 4> by_unit_{};
  std::uint64_t seen_ = 0;
  std::size_t top_ = 0;
  bool decided_ = false;
};

}  // namespace adrmon
