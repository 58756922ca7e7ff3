// LineIngest: the per-line path shared by the follow, TCP and UDP sources:
// parse, count, track seq, push to the channel. No allocation per line.
#pragma once

#include "adrmon/core/clock.hpp"
#include "adrmon/feeds/source.hpp"
#include "adrmon/feeds/tick_parser.hpp"

namespace adrmon {

class LineIngest {
 public:
  LineIngest(const Config& config, SourceStats& stats, TickChannel& channel, std::uint8_t source)
      : parser_(config), stats_(stats), channel_(channel), source_(source) {}

  // One line received at steady-clock `recv` (the read that brought it).
  void on_line(std::string_view line, std::int64_t recv) noexcept {
    stats_.lines.add();
    Tick tick;
    const Reject r = parser_.parse(line, tick);
    if (r != Reject::None) {
      stats_.rejects[static_cast<std::size_t>(r)].add();
      return;
    }
    tick.ts_recv = recv;
    tick.parse_ns = static_cast<std::uint32_t>(steady_ns() - recv);
    tick.source = source_;
    seq_.observe(tick, stats_);
    if (channel_.push(tick)) {
      stats_.parsed.add();
    } else {
      stats_.dropped.add();
    }
  }

  void on_too_long() noexcept {
    stats_.lines.add();
    stats_.rejects[static_cast<std::size_t>(Reject::LineTooLong)].add();
  }

  // Drains complete lines from `framer` (bytes that arrived at `recv`).
  void drain(LineFramer& framer, std::int64_t recv) noexcept {
    std::string_view line;
    for (;;) {
      const LineFramer::Status st = framer.next(line);
      if (st == LineFramer::Status::NeedMore) break;
      if (st == LineFramer::Status::TooLong) {
        on_too_long();
      } else {
        on_line(line, recv);
      }
    }
    stats_.blank.set(framer.blank_lines());
    channel_.ring();
  }

  // End of a stream (EOF of a rotated file, a dropped connection): a last
  // line without newline is parsed as is (a cut line is then invalid_json).
  void finish(LineFramer& framer, std::int64_t recv) noexcept {
    std::string_view line;
    const LineFramer::Status st = framer.flush(line);
    if (st == LineFramer::Status::TooLong) on_too_long();
    if (st == LineFramer::Status::Line) on_line(line, recv);
    stats_.blank.set(framer.blank_lines());
    framer.reset();
    channel_.ring();
  }

 private:
  TickParser parser_;
  SeqTracker seq_;
  SourceStats& stats_;
  TickChannel& channel_;
  std::uint8_t source_;
};

}  // namespace adrmon
