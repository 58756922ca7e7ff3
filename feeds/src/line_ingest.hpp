// LineIngest: the per-line path shared by the follow, TCP and UDP sources:
// parse, count, track seq, push to the channel. No allocation per line;
// the reject hint (reject_hints.hpp) logs at most once per source.
#pragma once

#include "adrmon/core/clock.hpp"
#include "adrmon/feeds/source.hpp"
#include "adrmon/feeds/tick_parser.hpp"

namespace adrmon {

class LineIngest {
 public:
  // Counts into parts.stats and pushes into parts.channel, stamping each
  // tick with `source` (the source's index). Allocates (the parser); cold path.
  LineIngest(const Config& config, const Source::Parts& parts, std::uint8_t source)
      : parser_(config),
        stats_(parts.stats),
        channel_(parts.channel),
        log_(parts.log),
        name_(parts.name),
        hints_(parts.stats.unknown_symbols),
        source_(source) {}

  // One line received at steady-clock `recv` (the read that brought it).
  void on_line(std::string_view line, std::int64_t recv) noexcept {
    stats_.lines.add();
    Tick tick;
    const Reject r = parser_.parse(line, tick);
    if (r != Reject::None) {
      stats_.rejects[static_cast<std::size_t>(r)].add();
      if (hints_.on_reject(r, parser_.rejected_symbol(), parser_.rejected_ts())) [[unlikely]] {
        log_.write(LogLevel::Warning, name_, hints_.message());  // once per source
      }
      return;
    }
    tick.ts_recv = recv;
    tick.parse_ns = static_cast<std::uint32_t>(steady_ns() - recv);
    tick.source = source_;
    seq_.observe(tick, stats_);
    // The venues this source carries, for the daemon's liveness (a compare
    // per tick; the counter is written only when a new venue appears).
    const std::uint64_t bit = 1u << static_cast<unsigned>(leg_of(tick.instrument));
    if ((venues_ & bit) == 0) [[unlikely]] {
      venues_ |= bit;
      stats_.venues.set(venues_);
    }
    if (channel_.push(tick)) {
      stats_.parsed.add();
    } else {
      stats_.dropped.add();
    }
  }

  void on_too_long() noexcept {
    stats_.lines.add();
    stats_.rejects[static_cast<std::size_t>(Reject::LineTooLong)].add();
    if (hints_.on_reject(Reject::LineTooLong, {}, 0)) [[unlikely]] {
      log_.write(LogLevel::Warning, name_, hints_.message());
    }
  }

  // Drains complete lines from `framer` (bytes that arrived at `recv`).
  void drain(LineFramer& framer, std::int64_t recv) noexcept {
    framer.drain([&](std::string_view line) { on_line(line, recv); }, [&] { on_too_long(); });
    stats_.blank.set(framer.blank_lines());
    channel_.ring();
  }

  // End of a stream (EOF of a rotated file, a dropped connection): a last
  // line without newline is parsed as is (a cut line is then invalid_json).
  void finish(LineFramer& framer, std::int64_t recv) noexcept {
    framer.drain_last([&](std::string_view line) { on_line(line, recv); }, [&] { on_too_long(); });
    stats_.blank.set(framer.blank_lines());
    framer.reset();
    channel_.ring();
    if (hints_.finish()) log_.write(LogLevel::Warning, name_, hints_.message());
  }

 private:
  TickParser parser_;
  SeqTracker seq_;
  SourceStats& stats_;
  TickChannel& channel_;
  Log& log_;
  const std::string& name_;
  RejectHints hints_;
  std::uint8_t source_;
  std::uint64_t venues_ = 0;
};

}  // namespace adrmon
