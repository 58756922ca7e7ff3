// JsonLinesSink: alerts as JSON Lines (format_alert_json) into a file,
// through one reused 64 KiB buffer. Only whole lines are handed to write(2).
// Recovery rules that keep the log readable line by line:
// - opening a log whose last line is cut (an earlier crash or full disk)
//   truncates it back to its last complete line and logs so (Warning);
// - a failed or short write (disk full, I/O error) truncates the file back to
//   the end of the last complete line; the alerts of that buffer are counted
//   as lost, and later writes try again;
// - a failing log is reported through the Log at most once a second, from
//   poll(), with the running count of lost alerts.
//
// Threads: write, flush, poll and reopen on the sink thread only; the
// counters are readable from any thread (the daemon's status lines).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/alert_sink.hpp"
#include "adrmon/core/counter.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/core/rate_limited_reporter.hpp"

namespace adrmon {

class JsonLinesSink final : public AlertSink {
 public:
  // Opens `path` for appending (creating it) and repairs a cut last line.
  // `pair_names[id]` names pair id. Allocates the buffer. Throws
  // std::runtime_error "PATH: cannot open for writing: REASON". Cold path.
  JsonLinesSink(std::string path, std::vector<std::string> pair_names, Log& log);

  // Writes to `fd`, which it does not own and never truncates or repairs
  // (stdout for `adrmon replay` without --alerts). `name` stands for the
  // path in reports ("<stdout>"). Allocates the buffer. Cold path.
  JsonLinesSink(int fd, std::string name, std::vector<std::string> pair_names, Log& log);

  // Flushes what is buffered; closes the file if it owns it.
  ~JsonLinesSink() override;

  JsonLinesSink(const JsonLinesSink&) = delete;
  JsonLinesSink& operator=(const JsonLinesSink&) = delete;

  // Buffers one alert; writes the buffer out first when it is nearly full.
  // No allocation. Sink thread.
  void write(const Alert& alert) noexcept override;

  // Writes out everything buffered. A failure counts the buffer's alerts as
  // lost, bumps write_errors() and cuts the file back to its last whole
  // line. No allocation. Sink thread.
  void flush() noexcept override;
  // Formats `sample` into the free part of the buffer, leaving it
  // uncommitted; with nothing buffered, reads the file's last byte back and
  // writes zero bytes (the file, its mtime and inotify readers see nothing).
  void warm(const Alert& sample) noexcept override;

  // Reports write errors not yet reported: at most one line a second
  // ("write failed (REASON); N alert(s) lost so far", as "alert log PATH"),
  // and with `final` whatever is left. No allocation. Sink thread.
  void poll(std::int64_t now_ns, bool final) noexcept override;

  // Flushes, then opens the same path again and repairs its tail (after a
  // logrotate renamed the file, alerts go to a new one). On failure keeps
  // writing to the old file, sets error() and returns false. Returns false
  // without doing anything for a sink made from an fd. Sink thread. Cold path.
  bool reopen();

  // reopen(), then one line through the Log: "reopened (SIGHUP)" or why not.
  void reopen_output() noexcept override;

  // Alerts on disk: handed to write(2) in a flush that succeeded (buffered
  // ones are not counted yet). Any thread.
  std::uint64_t written() const noexcept { return written_.get(); }
  // Alerts formatted but not on disk because a write failed. Any thread.
  std::uint64_t lost() const noexcept { return lost_.get(); }
  // Failed flushes. Any thread.
  std::uint64_t write_errors() const noexcept { return write_errors_.get(); }
  // errno of the last failure, 0 if none. Any thread.
  int error() const noexcept { return error_.load(std::memory_order_relaxed); }
  // Bytes of a cut last line dropped when the file was last opened. Any thread.
  std::uint64_t repaired_bytes() const noexcept { return repaired_bytes_.get(); }
  // The path, or the name given with the fd.
  const std::string& path() const noexcept { return path_; }

 private:
  int open_and_repair(bool throw_on_error);
  void set_error(int err) noexcept { error_.store(err, std::memory_order_relaxed); }

  std::string path_;
  int fd_;
  bool owns_fd_;
  Log& log_;
  std::string who_;  // "alert log PATH", built once so poll() need not allocate
  std::vector<std::string> pair_names_;
  std::unique_ptr<char[]> buf_;
  std::size_t used_ = 0;
  std::size_t lines_ = 0;  // alerts in buf_
  off_t good_size_ = -1;   // file size after the last complete flush; -1: do not truncate
  RateLimitedReporter reporter_;
  std::uint64_t noted_errors_ = 0;  // write errors already handed to reporter_

  Counter written_;
  Counter lost_;
  Counter write_errors_;
  Counter repaired_bytes_;
  std::atomic<int> error_{0};
};

}  // namespace adrmon
