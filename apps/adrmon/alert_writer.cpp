// AlertWriter: format into a 64 KiB buffer, write whole lines.
#include "alert_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "adrmon/core/alert_json.hpp"

namespace adrmon {

namespace {
constexpr std::size_t kBufferBytes = 64 * 1024;
}

std::vector<std::string> pair_names(const Config& config) {
  std::vector<std::string> names;
  for (const PairConfig& p : config.pairs) names.push_back(p.name);
  return names;
}

AlertWriter::AlertWriter(int fd, std::vector<std::string> pair_names)
    : fd_(fd), pair_names_(std::move(pair_names)), buf_(std::make_unique<char[]>(kBufferBytes)) {}

AlertWriter::AlertWriter(AlertWriter&& other) noexcept
    : fd_(other.fd_),
      owns_fd_(other.owns_fd_),
      pair_names_(std::move(other.pair_names_)),
      buf_(std::move(other.buf_)),
      used_(other.used_),
      written_(other.written_),
      error_(other.error_) {
  other.owns_fd_ = false;
  other.used_ = 0;
}

AlertWriter AlertWriter::open_file(const std::string& path, std::vector<std::string> pair_names) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(path + ": cannot open for writing: " + std::strerror(errno));
  AlertWriter writer(fd, std::move(pair_names));
  writer.owns_fd_ = true;
  return writer;
}

AlertWriter::~AlertWriter() {
  if (buf_) flush();
  if (owns_fd_) ::close(fd_);
}

void AlertWriter::write(const Alert& alert) noexcept {
  if (kBufferBytes - used_ < kMaxAlertJsonBytes) flush();
  used_ += format_alert_json(alert, pair_names_[alert.pair], buf_.get() + used_);
  ++written_;
}

bool AlertWriter::flush() noexcept {
  std::size_t done = 0;
  while (done < used_) {
    const ssize_t n = ::write(fd_, buf_.get() + done, used_ - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  used_ = 0;
  return error_ == 0;
}

}  // namespace adrmon
