// FileGroupBody: every replayed file merged by ts (FileMerger), paced by
// the ticks' own timestamps, with backpressure: a file tick is never dropped.
// FollowBody: one growing file read like `tail -f` from its start, which
// survives truncation (starts over) and rotation (finishes the old file,
// then opens the new one at the same path). Both say so through the Log.
#include "file_sources.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "adrmon/core/clock.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/feeds/pacer.hpp"
#include "line_ingest.hpp"

namespace adrmon {

namespace {

class FileGroupBody final : public Source::Body {
 public:
  FileGroupBody(const Source::Parts& parts, const std::vector<std::string>& paths, double speed,
                const Config& config, std::uint8_t index)
      : parts_(parts), merger_(paths, config, file_parse_threads()), speed_(speed), index_(index) {
    // Paced, the group stands in for a live feed and every line is stamped;
    // at full speed it is a throughput run and is not timed (timed()).
    if (timed()) merger_.enable_stamping();
    for (const auto& v : merger_.venue_readers()) has_venue_ = has_venue_ || v != nullptr;
  }

  void run(std::stop_token stop) override {
    Pacer pacer(speed_);
    Tick tick;
    while (!stop.stop_requested() && merger_.next(tick)) {
      // A tick already read is always delivered, even when a stop cuts its
      // wait short, so lines read = accepted + rejected holds at shutdown.
      const bool paced = !pacer.unpaced();
      if (paced) {
        pacer.wait_until_due(tick.ts_event, stop);
        tick.ts_recv = steady_ns() - tick.parse_ns;  // "received" when it is due
        merger_.break_stamp_chain();
      }
      deliver(tick);
      // Paced ticks are sparse: wake the engine for each. Unpaced, the engine
      // is busy; a ring (a fence) per 64 ticks bounds any missed wake-up to
      // microseconds, and the engine's park timeout bounds it anyway.
      if (paced || (n_ & 63) == 0) parts_.channel.ring();
    }
    parts_.channel.ring();
    finish();
  }

  // The inline design: an unpaced group is merged on the engine thread, as
  // `adrmon replay` merges it, with no feed thread and no wake-up between
  // the parse and the pricing. A paced group waits for its ticks' times, so
  // it keeps its thread.
  bool pollable() const noexcept override { return Pacer(speed_).unpaced(); }
  // Up to a batch of ticks, never more than the channel has room for (the
  // engine pops them in the same round, so a push never waits).
  std::size_t poll() noexcept override {
    const TickChannel& channel = parts_.channel;
    const std::size_t room = std::min(kPollBatch, channel.capacity() - channel.depth());
    Tick tick;
    std::size_t n = 0;
    while (n < room) {
      if (!merger_.next(tick)) {
        ended_ = true;
        break;
      }
      deliver(tick);
      ++n;
    }
    return n;
  }
  bool ended() const noexcept override { return ended_; }
  bool timed() const noexcept override { return !Pacer(speed_).unpaced(); }
  void end_polled() noexcept override { finish(); }

 private:
  static constexpr std::size_t kPollBatch = 256;

  void deliver(Tick& tick) noexcept {
    SourceStats& stats = parts_.stats;
    TickChannel& channel = parts_.channel;
    tick.source = index_;
    seq_.observe(tick, stats);
    // "read" counts this line before the engine can count it: a reader of
    // the stats (status line, /metrics) then sees read >= accepted +
    // rejected at any instant (one relaxed store per tick).
    ++n_;
    stats.lines.set(lines_base_ + (n_ - ticks_base_));
    const std::uint64_t waits = channel.full_waits();
    channel.push(tick);
    if (channel.full_waits() != waits) merger_.break_stamp_chain();
    stats.parsed.add();
    if ((n_ & 255) == 0) publish(n_, false);  // rejects, bytes, blank lines: every 256 ticks
  }

  void finish() {
    publish(n_, true);
    merger_.report_read_errors(parts_.log);
  }

  // The merger's counts into the stats after `ticks` ticks were pushed.
  // "read" first, then the rejects it covers, so read >= accepted + rejected
  // holds for a reader that loads rejects before read (daemon_status.cpp);
  // mid-run read never steps back below the per-tick count (a venue message
  // may yield more than one tick), at the end it is exact: equal at rest.
  void publish(std::uint64_t ticks, bool final) {
    const FeedCounts c = merger_.counts();
    SourceStats& stats = parts_.stats;
    const std::uint64_t per_tick = lines_base_ + (ticks - ticks_base_);
    lines_base_ = final || c.lines > per_tick ? c.lines : per_tick;
    ticks_base_ = ticks;
    stats.lines.set(lines_base_);
    stats.blank.set(c.blank);
    stats.bytes.set(c.bytes);
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
      stats.rejects[i].set(c.rejects.by_reason[i]);
    }
    for (const auto& reader : merger_.readers()) {
      if (!reader || stats.unknown_symbols.full()) continue;
      const UnknownSymbols& seen = reader->unknown_symbols();
      for (std::size_t i = 0; i < seen.size(); ++i) stats.unknown_symbols.add(seen.view(i));
    }
    merger_.report_hints(parts_.log);
    if (!has_venue_) return;
    const ItchCounts itch = merger_.itch_counts();
    for (std::size_t i = 0; i < itch.size(); ++i) stats.itch[i].set(itch[i]);
    const OmdcCounts omdc = merger_.omdc_counts();
    for (std::size_t i = 0; i < omdc.size(); ++i) stats.omdc[i].set(omdc[i]);
  }

  Source::Parts parts_;
  FileMerger merger_;
  double speed_;
  std::uint8_t index_;
  bool has_venue_ = false;
  bool ended_ = false;  // polled: the merger has handed out every tick
  SeqTracker seq_;
  std::uint64_t n_ = 0;           // ticks handed to the channel
  std::uint64_t lines_base_ = 0;  // "read" published at the last publish()
  std::uint64_t ticks_base_ = 0;  // ticks pushed by then
};

class FollowBody final : public Source::Body {
 public:
  FollowBody(const Source::Parts& parts, const std::string& path, const Config& config,
             std::uint8_t index)
      : path_(path), log_(parts.log), stats_(parts.stats), ingest_(config, parts, index) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(path_ + ": cannot open: " + std::strerror(errno));
  }
  ~FollowBody() override { ::close(fd_); }
  FollowBody(const FollowBody&) = delete;
  FollowBody& operator=(const FollowBody&) = delete;

  void run(std::stop_token stop) override {
    while (!stop.stop_requested()) {
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

 private:
  static constexpr auto kPoll = std::chrono::milliseconds(20);

  // At EOF: has the file been truncated (start over) or replaced (reopen)?
  void check_file() {
    struct stat open_st {};
    struct stat path_st {};
    if (::fstat(fd_, &open_st) == 0 && open_st.st_size < offset_) {
      log_.write(LogLevel::Warning, path_, "truncated; reading from the start");
      ingest_.finish(framer_, steady_ns());
      ::lseek(fd_, 0, SEEK_SET);
      offset_ = 0;
      return;
    }
    if (::stat(path_.c_str(), &path_st) != 0) return;  // rotated away, new file not there yet
    if (path_st.st_ino == open_st.st_ino && path_st.st_dev == open_st.st_dev) return;
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    log_.write(LogLevel::Info, path_, "rotated; following the new file");
    ingest_.finish(framer_, steady_ns());  // the old file is complete
    ::close(fd_);
    fd_ = fd;
    offset_ = 0;
  }

  std::string path_;
  Log& log_;
  SourceStats& stats_;
  int fd_ = -1;
  off_t offset_ = 0;
  LineFramer framer_;
  LineIngest ingest_;
};

}  // namespace

std::unique_ptr<Source::Body> make_file_group_body(const Source::Parts& parts,
                                                   const std::vector<std::string>& paths,
                                                   double speed, const Config& config,
                                                   std::uint8_t index) {
  return std::make_unique<FileGroupBody>(parts, paths, speed, config, index);
}

std::unique_ptr<Source::Body> make_follow_body(const Source::Parts& parts, const SourceSpec& spec,
                                               const Config& config, std::uint8_t index) {
  return std::make_unique<FollowBody>(parts, spec.path, config, index);
}

}  // namespace adrmon
