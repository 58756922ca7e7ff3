// AlertWriter: alerts as JSON Lines into a file descriptor, through one
// reused buffer. Only whole lines are ever handed to write(2), so a reader of
// the file never sees half an alert unless the process dies inside write().
#pragma once

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
  int error() const noexcept { return error_; }

 private:
  int fd_;
  bool owns_fd_ = false;
  std::vector<std::string> pair_names_;
  std::unique_ptr<char[]> buf_;
  std::size_t used_ = 0;
  std::uint64_t written_ = 0;
  int error_ = 0;
};

// "BABA/9988"-style names of the configured pairs, indexed by pair id.
std::vector<std::string> pair_names(const Config& config);

}  // namespace adrmon
