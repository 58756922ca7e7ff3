// AlertWriter: alerts as JSON Lines into a file descriptor, through one
// reused buffer. Only whole lines are handed to write(2). Recovery rules that
// keep the log readable line by line:
// - opening a log whose last line is cut (an earlier crash or full disk)
//   truncates it back to its last complete line and says so;
// - a failed or short write (disk full, I/O error) truncates the file back to
//   the end of the last complete line; the alerts of that buffer are counted
//   as lost, and later writes try again.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/config.hpp"

namespace adrmon {

class AlertWriter {
 public:
  // Writes to `fd` (not owned). `pair_names[id]` names pair id.
  AlertWriter(int fd, std::vector<std::string> pair_names);
  ~AlertWriter();

  // Opens `path` for appending (creating it). Throws std::runtime_error.
  static AlertWriter open_file(const std::string& path, std::vector<std::string> pair_names);

  AlertWriter(AlertWriter&&) noexcept;
  AlertWriter& operator=(AlertWriter&&) = delete;

  // Buffers one alert; writes the buffer out when it is nearly full.
  void write(const Alert& alert) noexcept;
  // Writes out everything buffered. Returns false after any write error.
  bool flush() noexcept;

  std::uint64_t written() const noexcept { return written_; }
  // Alerts formatted but not on disk because a write failed.
  std::uint64_t lost() const noexcept { return lost_; }
  std::uint64_t write_errors() const noexcept { return write_errors_; }
  int error() const noexcept { return error_; }  // errno of the last failure, 0 if none
  // Bytes of a cut last line dropped when the file was opened.
  std::size_t repaired_bytes() const noexcept { return repaired_bytes_; }

 private:
  void repair_tail();

  int fd_;
  bool owns_fd_ = false;
  std::vector<std::string> pair_names_;
  std::unique_ptr<char[]> buf_;
  std::size_t used_ = 0;
  std::size_t lines_ = 0;  // alerts in buf_
  off_t good_size_ = -1;   // file size after the last complete flush; -1: not a file
  std::uint64_t written_ = 0;
  std::uint64_t lost_ = 0;
  std::uint64_t write_errors_ = 0;
  std::size_t repaired_bytes_ = 0;
  int error_ = 0;
};

// "BABA/9988"-style names of the configured pairs, indexed by pair id.
std::vector<std::string> pair_names(const Config& config);

}  // namespace adrmon
