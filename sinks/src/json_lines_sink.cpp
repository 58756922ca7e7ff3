// JsonLinesSink: format into a 64 KiB buffer, write whole lines, cut back
// on failure, report failures at most once a second.
#include "adrmon/sinks/json_lines_sink.hpp"

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

// Walks back from the end of `fd` to its last '\n' and cuts whatever
// follows (a line cut by a crash or a full disk). Returns the size kept, or
// -1 when `fd` is not a regular file; `repaired` gets the bytes dropped.
off_t repair_tail(int fd, std::size_t& repaired) {
  repaired = 0;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
  const off_t size = st.st_size;
  char chunk[4096];
  off_t keep = size;
  while (keep > 0) {
    const off_t from =
        keep > static_cast<off_t>(sizeof chunk) ? keep - static_cast<off_t>(sizeof chunk) : 0;
    const ssize_t n = ::pread(fd, chunk, static_cast<std::size_t>(keep - from), from);
    if (n <= 0) return size;  // unreadable: leave it as it is
    ssize_t i = n;
    while (i > 0 && chunk[i - 1] != '\n') --i;
    if (i > 0) {
      keep = from + i;
      break;
    }
    keep = from;
  }
  if (keep < size && ::ftruncate(fd, keep) == 0) {
    repaired = static_cast<std::size_t>(size - keep);
    return keep;
  }
  return size;
}

}  // namespace

JsonLinesSink::JsonLinesSink(std::string path, std::vector<std::string> pair_names, Log& log)
    : path_(std::move(path)),
      fd_(-1),
      owns_fd_(true),
      log_(log),
      who_("alert log " + path_),
      pair_names_(std::move(pair_names)),
      buf_(std::make_unique<char[]>(kBufferBytes)) {
  fd_ = open_and_repair(true);
}

JsonLinesSink::JsonLinesSink(int fd, std::string name, std::vector<std::string> pair_names,
                             Log& log)
    : path_(std::move(name)),
      fd_(fd),
      owns_fd_(false),
      log_(log),
      who_("alert log " + path_),
      pair_names_(std::move(pair_names)),
      buf_(std::make_unique<char[]>(kBufferBytes)) {}

JsonLinesSink::~JsonLinesSink() {
  flush();
  if (owns_fd_) ::close(fd_);
}

// Opens path_ and repairs its tail; sets good_size_ and repaired_bytes_.
// Returns the fd, or -1 (errno set) if `throw_on_error` is false.
int JsonLinesSink::open_and_repair(bool throw_on_error) {
  const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (throw_on_error) {
      throw std::runtime_error(path_ + ": cannot open for writing: " + std::strerror(errno));
    }
    return -1;
  }
  std::size_t repaired = 0;
  good_size_ = repair_tail(fd, repaired);
  repaired_bytes_.set(repaired);
  if (repaired > 0) {
    // Kept byte-identical to what `adrmon run` has always said (ROBUSTNESS.md).
    log_.write(LogLevel::Warning, "alert log",
               "dropped a cut last line (" + std::to_string(repaired) +
                   " bytes) left by an earlier crash or full disk");
  }
  return fd;
}

bool JsonLinesSink::reopen() {
  if (!owns_fd_) return false;
  flush();
  const int fd = open_and_repair(false);  // leaves good_size_ alone when it fails
  if (fd < 0) {
    set_error(errno);
    return false;
  }
  ::close(fd_);
  fd_ = fd;
  return true;
}

void JsonLinesSink::reopen_output() noexcept {
  if (!owns_fd_) return;
  try {
    if (reopen()) {
      log_.write(LogLevel::Info, "alert log " + path_, "reopened (SIGHUP)");
    } else {
      log_.write(LogLevel::Error, "alert log " + path_,
                 std::string("cannot reopen (") + std::strerror(error()) +
                     "); still writing to the file opened before");
    }
  } catch (const std::exception&) {  // a failed message allocation: the reopen stands
  }
}

void JsonLinesSink::write(const Alert& alert) noexcept {
  if (kBufferBytes - used_ < kMaxAlertJsonBytes) flush();
  used_ += format_alert_json(alert, pair_names_[alert.pair], buf_.get() + used_);
  ++lines_;
}

void JsonLinesSink::warm(const Alert& sample) noexcept {
  if (kBufferBytes - used_ >= kMaxAlertJsonBytes && sample.pair < pair_names_.size()) {
    (void)format_alert_json(sample, pair_names_[sample.pair], buf_.get() + used_);
  }
  // The kernel's side: the file's last byte read back (its inode and page in
  // cache) and a write of nothing (the syscall, the file system's write
  // entry and the inode lock), neither of which changes the file, its mtime
  // or wakes an inotify reader. The next alert's write(2) cost ~14 us
  // instead of ~20 us p50 50 ms after the last one (docs/ARCHITECTURE.md).
  if (used_ == 0 && good_size_ > 0) {
    char last = 0;
    [[maybe_unused]] const ssize_t r = ::pread(fd_, &last, 1, good_size_ - 1);
    [[maybe_unused]] const ssize_t w = ::write(fd_, buf_.get(), 0);
  }
}

void JsonLinesSink::flush() noexcept {
  std::size_t done = 0;
  bool ok = true;
  while (done < used_) {
    const ssize_t n = ::write(fd_, buf_.get() + done, used_ - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      set_error(n < 0 ? errno : EIO);
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (ok) {
    if (good_size_ >= 0) good_size_ += static_cast<off_t>(used_);
    written_.add(lines_);
  } else {
    write_errors_.add();
    lost_.add(lines_);
    // Never leave half a line behind: cut back to the last complete flush.
    if (good_size_ >= 0 && done > 0 && ::ftruncate(fd_, good_size_) != 0) good_size_ = -1;
  }
  used_ = 0;
  lines_ = 0;
}

void JsonLinesSink::poll(std::int64_t now_ns, bool final) noexcept {
  const std::uint64_t errors = write_errors_.get();
  if (errors != noted_errors_) {
    reporter_.note(now_ns, errors - noted_errors_);
    noted_errors_ = errors;
  }
  if (!reporter_.due(now_ns) && !(final && reporter_.pending() != 0)) return;
  reporter_.take(now_ns);
  char what[256];
  std::snprintf(what, sizeof what, "write failed (%s); %llu alert(s) lost so far",
                std::strerror(error()), static_cast<unsigned long long>(lost()));
  log_.write(LogLevel::Error, who_, what);
}

}  // namespace adrmon
