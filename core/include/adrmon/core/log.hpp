// Log: how libraries say things without printing. A library (feeds, sinks,
// the dashboard) holds a Log& and calls it on the cold path only — a
// connect, a rotation, a rate-limited failure report, never per tick. The
// application decides where lines go (adrmon prints "adrmon: SOURCE: text"
// on stderr); tests pass a RecordingLog and can assert that a good path said
// nothing. Implementations must be safe to call from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace adrmon {

enum class LogLevel : std::uint8_t { Info, Warning, Error };

class Log {
 public:
  virtual ~Log() = default;
  // `who` names the part speaking ("tcp://127.0.0.1:9000", "webhook",
  // "alert log out.jsonl"); `what` is the message, without a newline.
  virtual void write(LogLevel level, std::string_view who, std::string_view what) noexcept = 0;
};

// Drops every line: the default for a library used without an application.
Log& null_log() noexcept;

// "adrmon: WHO: WHAT\n" on stderr, one fprintf per line (whole lines under
// concurrent writers). Any thread.
Log& stderr_log() noexcept;

}  // namespace adrmon
