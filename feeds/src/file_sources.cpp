// FileGroupSource: every replayed file merged by ts (FileMerger), paced by
// the ticks' own timestamps, with backpressure: a file tick is never dropped.
// FollowSource: one growing file read like `tail -f` from its start, which
// survives truncation (starts over) and rotation (finishes the old file,
// then opens the new one at the same path).
#include "file_sources.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "adrmon/core/clock.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/feeds/pacer.hpp"
#include "line_ingest.hpp"

namespace adrmon {

namespace {

class FileGroupSource final : public Source {
 public:
  FileGroupSource(const std::string& name, const std::vector<std::string>& paths, double speed,
                  const Config& config, const SourceOptions& options, Doorbell& bell,
                  std::uint8_t index)
      : Source(name, options.queue_capacity, Overflow::Backpressure, bell),
        merger_(paths, config),
        speed_(speed),
        cpu_(options.cpu),
        index_(index) {
    merger_.enable_stamping();
  }
  ~FileGroupSource() override {
    request_stop();
    join();
  }

  void start() override {
    launch(cpu_, [this] { run(); });
  }
  void request_stop() noexcept override { stop_.store(true, std::memory_order_relaxed); }

 private:
  void publish() noexcept {
    const FeedCounts c = merger_.counts();
    stats_.lines.set(c.lines);
    stats_.blank.set(c.blank);
    stats_.bytes.set(c.bytes);
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
      stats_.rejects[i].set(c.rejects.by_reason[i]);
    }
  }

  void run() {
    Pacer pacer(speed_);
    SeqTracker seq;
    Tick tick;
    std::uint64_t n = 0;
    while (!stop_.load(std::memory_order_relaxed) && merger_.next(tick)) {
      // A tick already read is always delivered, even when a stop cuts its
      // wait short, so lines read = accepted + rejected holds at shutdown.
      const bool paced = !pacer.unpaced();
      if (paced) {
        pacer.wait_until_due(tick.ts_event, stop_);
        tick.ts_recv = steady_ns() - tick.parse_ns;  // "received" when it is due
        merger_.break_stamp_chain();
      }
      tick.source = index_;
      seq.observe(tick, stats_);
      const std::uint64_t waits = channel_.full_waits();
      channel_.push(tick);
      if (channel_.full_waits() != waits) merger_.break_stamp_chain();
      stats_.parsed.add();
      ++n;
      // Paced ticks are sparse: wake the engine for each. Unpaced, the engine
      // is busy; a ring (a fence) per 64 ticks bounds any missed wake-up to
      // microseconds, and the engine's park timeout bounds it anyway.
      if (paced || (n & 63) == 0) channel_.ring();
      if ((n & 255) == 0) publish();  // keeps "read" close behind "accepted" in metrics
    }
    channel_.ring();
    publish();
    for (const auto& r : merger_.readers()) {
      if (r->read_error() != 0) {
        std::fprintf(stderr, "adrmon: %s: read error: %s\n", r->path().c_str(),
                     std::strerror(r->read_error()));
      }
    }
  }

  FileMerger merger_;
  double speed_;
  int cpu_;
  std::uint8_t index_;
  std::atomic<bool> stop_{false};
};

class FollowSource final : public Source {
 public:
  FollowSource(const SourceSpec& spec, const Config& config, const SourceOptions& options,
               Doorbell& bell, std::uint8_t index)
      : Source(spec.text, options.queue_capacity, Overflow::Backpressure, bell),
        path_(spec.path),
        cpu_(options.cpu),
        ingest_(config, stats_, channel_, index) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(path_ + ": cannot open: " + std::strerror(errno));
  }
  ~FollowSource() override {
    request_stop();
    join();
    if (fd_ >= 0) ::close(fd_);
  }

  void start() override {
    launch(cpu_, [this] { run(); });
  }
  void request_stop() noexcept override { stop_.store(true, std::memory_order_relaxed); }

 private:
  static constexpr auto kPoll = std::chrono::milliseconds(20);

  // At EOF: has the file been truncated (start over) or replaced (reopen)?
  void check_file() {
    struct stat open_st {};
    struct stat path_st {};
    if (::fstat(fd_, &open_st) == 0 && open_st.st_size < offset_) {
      std::fprintf(stderr, "adrmon: %s: truncated; reading from the start\n", path_.c_str());
      ingest_.finish(framer_, steady_ns());
      ::lseek(fd_, 0, SEEK_SET);
      offset_ = 0;
      return;
    }
    if (::stat(path_.c_str(), &path_st) != 0) return;  // rotated away, new file not there yet
    if (path_st.st_ino == open_st.st_ino && path_st.st_dev == open_st.st_dev) return;
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    std::fprintf(stderr, "adrmon: %s: rotated; following the new file\n", path_.c_str());
    ingest_.finish(framer_, steady_ns());  // the old file is complete
    ::close(fd_);
    fd_ = fd;
    offset_ = 0;
  }

  void run() {
    while (!stop_.load(std::memory_order_relaxed)) {
      const std::span<char> area = framer_.write_area();
      const ssize_t n = ::read(fd_, area.data(), area.size());
      if (n > 0) {
        offset_ += n;
        stats_.bytes.add(static_cast<std::uint64_t>(n));
        framer_.commit(static_cast<std::size_t>(n));
        ingest_.drain(framer_, steady_ns());
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      check_file();
      std::this_thread::sleep_for(kPoll);
    }
  }

  std::string path_;
  int cpu_;
  int fd_ = -1;
  off_t offset_ = 0;
  std::atomic<bool> stop_{false};
  LineFramer framer_;
  LineIngest ingest_;
};

}  // namespace

std::unique_ptr<Source> make_file_group_source(const std::string& name,
                                               const std::vector<std::string>& paths, double speed,
                                               const Config& config, const SourceOptions& options,
                                               Doorbell& bell, std::uint8_t index) {
  return std::make_unique<FileGroupSource>(name, paths, speed, config, options, bell, index);
}

std::unique_ptr<Source> make_follow_source(const SourceSpec& spec, const Config& config,
                                           const SourceOptions& options, Doorbell& bell,
                                           std::uint8_t index) {
  return std::make_unique<FollowSource>(spec, config, options, bell, index);
}

}  // namespace adrmon
