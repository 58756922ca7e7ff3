// AlertWriter: format into a 64 KiB buffer, write whole lines.
#include "alert_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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
      lines_(other.lines_),
      good_size_(other.good_size_),
      written_(other.written_),
      lost_(other.lost_),
      write_errors_(other.write_errors_),
      repaired_bytes_(other.repaired_bytes_),
      error_(other.error_) {
  other.owns_fd_ = false;
  other.used_ = 0;
}

AlertWriter AlertWriter::open_file(const std::string& path, std::vector<std::string> pair_names) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(path + ": cannot open for writing: " + std::strerror(errno));
  AlertWriter writer(fd, std::move(pair_names));
  writer.owns_fd_ = true;
  writer.repair_tail();
  return writer;
}

AlertWriter::~AlertWriter() {
  if (buf_) flush();
  if (owns_fd_) ::close(fd_);
}

void AlertWriter::repair_tail() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return;
  off_t size = st.st_size;
  // Walk back from the end to the last '\n'; everything after it is a cut line.
  char chunk[4096];
  off_t keep = size;
  while (keep > 0) {
    const off_t from =
        keep > static_cast<off_t>(sizeof chunk) ? keep - static_cast<off_t>(sizeof chunk) : 0;
    const ssize_t n = ::pread(fd_, chunk, static_cast<std::size_t>(keep - from), from);
    if (n <= 0) return;
    ssize_t i = n;
    while (i > 0 && chunk[i - 1] != '\n') --i;
    if (i > 0) {
      keep = from + i;
      break;
    }
    keep = from;
  }
  if (keep < size && ::ftruncate(fd_, keep) == 0) {
    repaired_bytes_ = static_cast<std::size_t>(size - keep);
    std::fprintf(stderr,
                 "adrmon: alert log: dropped a cut last line (%zu bytes) left by an earlier "
                 "crash or full disk\n",
                 repaired_bytes_);
    size = keep;
  }
  good_size_ = size;
}

void AlertWriter::write(const Alert& alert) noexcept {
  if (kBufferBytes - used_ < kMaxAlertJsonBytes) flush();
  used_ += format_alert_json(alert, pair_names_[alert.pair], buf_.get() + used_);
  ++lines_;
  ++written_;
}

bool AlertWriter::flush() noexcept {
  std::size_t done = 0;
  bool ok = true;
  while (done < used_) {
    const ssize_t n = ::write(fd_, buf_.get() + done, used_ - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : EIO;
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (ok) {
    if (good_size_ >= 0) good_size_ += static_cast<off_t>(used_);
  } else {
    ++write_errors_;
    lost_ += lines_;
    written_ -= lines_;
    // Never leave half a line behind: cut back to the last complete flush.
    if (good_size_ >= 0 && done > 0 && ::ftruncate(fd_, good_size_) != 0) good_size_ = -1;
  }
  used_ = 0;
  lines_ = 0;
  return ok;
}

}  // namespace adrmon
