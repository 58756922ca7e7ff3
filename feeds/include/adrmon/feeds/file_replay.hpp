// File replay: read JSON Lines tick files and merge them by event time.
//
// TickFileReader reads one file in large chunks through a LineFramer and
// hands out parsed ticks; lines that fail to parse are counted by reason and
// skipped. FileMerger keeps the head tick of each file and always yields the
// smallest ts, ties to the file named first (a k-way merge). Neither
// allocates per tick.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/line_framer.hpp"
#include "adrmon/feeds/tick_parser.hpp"

namespace adrmon {

// Line and reject counts of one input.
struct FeedCounts {
  std::uint64_t lines = 0;   // non-blank lines read ("ticks read")
  std::uint64_t parsed = 0;  // lines that became ticks
  std::uint64_t blank = 0;   // blank lines skipped
  std::uint64_t bytes = 0;
  RejectCounts rejects;  // parse-time rejects by reason
};

class TickFileReader {
 public:
  // Opens `path`. Throws std::runtime_error naming the file when it cannot.
  TickFileReader(const std::string& path, std::uint8_t source);
  ~TickFileReader();
  TickFileReader(const TickFileReader&) = delete;
  TickFileReader& operator=(const TickFileReader&) = delete;

  // The next parsed tick of this file, or false at end of file. Read errors
  // after opening end the file early and are reported by read_error().
  bool next(TickParser& parser, Tick& out) noexcept;

  FeedCounts counts() const noexcept {
    FeedCounts c = counts_;
    c.blank = framer_.blank_lines();
    return c;
  }
  const std::string& path() const noexcept { return path_; }
  // When `chain` is set, every tick gets ts_recv = the moment its line was
  // taken for parsing and parse_ns = the time to parse it. One clock read per
  // line: a line is taken when the previous one was done (*chain), unless the
  // owner broke the chain (set *chain = 0) after waiting. Batch replay leaves
  // it off.
  void set_stamping(std::int64_t* chain) noexcept { chain_ = chain; }

  // The line of the tick last returned by next(); valid until the next call.
  std::string_view last_line() const noexcept { return last_line_; }
  int read_error() const noexcept { return read_error_; }

 private:
  bool fill() noexcept;  // false at EOF or error
  bool accept(TickParser& parser, std::string_view line, Tick& out) noexcept;

  std::string path_;
  int fd_ = -1;
  std::uint8_t source_;
  bool eof_ = false;
  int read_error_ = 0;
  std::int64_t ts_recv_ = 0;  // steady-clock stamp of the last read()
  std::string_view last_line_;
  std::int64_t* chain_ = nullptr;
  LineFramer framer_;
  FeedCounts counts_;
};

class FileMerger {
 public:
  // Opens every file (throws std::runtime_error naming a file that cannot be
  // opened); at most 255 files.
  FileMerger(const std::vector<std::string>& paths, const Config& config);

  // The next tick in (ts, file order), or false when every file is done.
  // With `raw_line`, also the tick's line as read (a view of an internal
  // copy, valid until the next call). No allocation.
  bool next(Tick& out, std::string_view* raw_line = nullptr) noexcept;

  // Stamps every tick (see TickFileReader::set_stamping), one clock read per line.
  void enable_stamping() noexcept {
    for (auto& r : readers_) r->set_stamping(&chain_);
  }
  // After the owner waited (pacing, a full queue): the next line's "taken"
  // time is read from the clock, not chained.
  void break_stamp_chain() noexcept { chain_ = 0; }

  // Totals over all files, counting a tick line once it is handed out by
  // next() (the look-ahead head of each file is not counted yet).
  FeedCounts counts() const noexcept;
  const std::vector<std::unique_ptr<TickFileReader>>& readers() const noexcept { return readers_; }

 private:
  TickParser parser_;
  std::vector<std::unique_ptr<TickFileReader>> readers_;
  std::vector<Tick> heads_;
  std::vector<bool> live_;
  std::string line_copy_;  // reserved to kMaxLineBytes once
  std::int64_t chain_ = 0;
};

}  // namespace adrmon
