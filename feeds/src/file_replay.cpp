// TickFileReader and FileMerger.
#include "adrmon/feeds/file_replay.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "adrmon/core/clock.hpp"

namespace adrmon {

TickFileReader::TickFileReader(const std::string& path, std::uint8_t source)
    : path_(path), source_(source), framer_(1 << 20) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
}

TickFileReader::~TickFileReader() {
  if (fd_ >= 0) ::close(fd_);
}

bool TickFileReader::fill() noexcept {
  if (eof_) return false;
  const std::span<char> area = framer_.write_area();
  ssize_t n;
  do {
    n = ::read(fd_, area.data(), area.size());
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    if (n < 0) read_error_ = errno;
    eof_ = true;
    return false;
  }
  ts_recv_ = steady_ns();
  framer_.commit(static_cast<std::size_t>(n));
  counts_.bytes += static_cast<std::uint64_t>(n);
  return true;
}

bool TickFileReader::accept(TickParser& parser, std::string_view line, Tick& out) noexcept {
  ++counts_.lines;
  std::int64_t start = ts_recv_;
  if (chain_ != nullptr) start = *chain_ != 0 ? *chain_ : steady_ns();
  const Reject r = parser.parse(line, out);
  if (chain_ != nullptr) *chain_ = steady_ns();
  if (r != Reject::None) {
    counts_.rejects.add(r);
    return false;
  }
  out.ts_recv = start;
  if (chain_ != nullptr) out.parse_ns = static_cast<std::uint32_t>(*chain_ - start);
  out.source = source_;
  last_line_ = line;
  ++counts_.parsed;
  return true;
}

bool TickFileReader::next(TickParser& parser, Tick& out) noexcept {
  std::string_view line;
  for (;;) {
    switch (framer_.next(line)) {
      case LineFramer::Status::Line:
        if (accept(parser, line, out)) return true;
        continue;
      case LineFramer::Status::TooLong:
        ++counts_.lines;
        counts_.rejects.add(Reject::LineTooLong);
        continue;
      case LineFramer::Status::NeedMore:
        break;
    }
    if (fill()) continue;
    // End of file: the last line may lack its newline.
    const LineFramer::Status last = framer_.flush(line);
    if (last == LineFramer::Status::TooLong) {
      ++counts_.lines;
      counts_.rejects.add(Reject::LineTooLong);
    } else if (last == LineFramer::Status::Line && accept(parser, line, out)) {
      return true;
    }
    return false;
  }
}

FileMerger::FileMerger(const std::vector<std::string>& paths, const Config& config)
    : parser_(config) {
  if (paths.size() > 255) throw std::runtime_error("at most 255 tick files at once");
  for (std::size_t i = 0; i < paths.size(); ++i) {
    readers_.push_back(std::make_unique<TickFileReader>(paths[i], static_cast<std::uint8_t>(i)));
  }
  line_copy_.reserve(kMaxLineBytes);
  heads_.resize(paths.size());
  live_.resize(paths.size());
  for (std::size_t i = 0; i < readers_.size(); ++i)
    live_[i] = readers_[i]->next(parser_, heads_[i]);
}

bool FileMerger::next(Tick& out, std::string_view* raw_line) noexcept {
  // k is small (a handful of files): a linear scan beats a heap here.
  std::size_t best = heads_.size();
  for (std::size_t i = 0; i < heads_.size(); ++i) {
    if (live_[i] && (best == heads_.size() || heads_[i].ts_event < heads_[best].ts_event)) best = i;
  }
  if (best == heads_.size()) return false;
  out = heads_[best];
  if (raw_line != nullptr) {
    const std::string_view line = readers_[best]->last_line();
    line_copy_.assign(line.data(), line.size());
    *raw_line = line_copy_;
  }
  live_[best] = readers_[best]->next(parser_, heads_[best]);
  return true;
}

FeedCounts FileMerger::counts() const noexcept {
  FeedCounts total;
  for (const auto& r : readers_) {
    const FeedCounts c = r->counts();
    total.lines += c.lines;
    total.parsed += c.parsed;
    total.blank += c.blank;
    total.bytes += c.bytes;
    total.rejects += c.rejects;
  }
  // A head tick waiting in the merge is not "read" until it is handed out:
  // then a stop mid-file still gives lines = handed out + rejected.
  for (std::size_t i = 0; i < live_.size(); ++i) {
    if (live_[i]) {
      --total.lines;
      --total.parsed;
    }
  }
  return total;
}

}  // namespace adrmon
