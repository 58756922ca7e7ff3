// File replay: read tick files and merge them by event time.
//
// TickFileReader reads one JSON Lines file in large chunks through a
// LineFramer and hands out parsed ticks; lines that fail to parse are
// counted by reason and skipped. A venue file (an `itch:` or `omdc:` spec in
// place of a path) is read by a VenueFileReader instead. FileMerger keeps
// the head tick of each file and always yields the smallest ts, ties to the
// file named first (a k-way merge). Neither allocates per tick, and neither
// prints: read and decode errors are kept per file and reported through a
// Log by the owner (report_read_errors).
//
// A JSON file is read in two halves: produce() frames and parses the next
// line into a FileEvent (a tick, a rejected line, or the end), account()
// counts it (lines, rejects, hints, unknown symbols). Unstamped, produce()
// parses the lines of one read up to 64 at a time (TickParser::parse_lines:
// one simdjson stream, the same verdicts) and hands them out one per call.
// With one parse thread both run in turn on the merging thread; with more (parse_threads), other
// threads produce into a bounded ring per file (parallel_parse.hpp) and the
// merging thread accounts each event as it takes it. Same events in the same
// order, so the output and every count are the same either way.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adrmon/core/feed_counts.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/line_framer.hpp"
#include "adrmon/feeds/reject_hints.hpp"
#include "adrmon/feeds/tick_parser.hpp"
#include "adrmon/feeds/venue_counts.hpp"

namespace adrmon {

class VenueFileReader;
class ParallelParse;

// One step of reading a JSON Lines file, with the blank lines and bytes read
// since the step before: what the reading half hands the counting half.
// Trivially copyable (it travels through an SpscQueue).
struct FileEvent {
  enum class Kind : std::uint8_t { Tick, Reject, End };
  Tick tick;                 // Kind::Tick: the parsed tick
  std::int64_t rejected_ts;  // Kind::Reject: TickParser::rejected_ts()
  std::uint64_t bytes;       // read since the previous event
  std::uint32_t blank;       // blank lines since the previous event
  Kind kind;
  Reject reject;                        // Kind::Reject: why
  std::uint8_t symbol_size;             // Kind::Reject, unknown_symbol: its symbol, cut
  char symbol[UnknownSymbols::kBytes];  // as UnknownSymbols cuts it
};
static_assert(ParsedLine::kSymbolBytes == UnknownSymbols::kBytes);

class TickFileReader {
 public:
  // Opens `path`. Throws std::runtime_error naming the file when it cannot.
  TickFileReader(const std::string& path, std::uint8_t source);
  ~TickFileReader();
  TickFileReader(const TickFileReader&) = delete;
  TickFileReader& operator=(const TickFileReader&) = delete;

  // The next parsed tick of this file, or false at end of file: produce()
  // and account() in turn. Read errors after opening end the file early and
  // are reported by read_error(). No allocation.
  bool next(TickParser& parser, Tick& out) noexcept;

  // How produce() parses when unstamped: Batched takes the line and those
  // framed after it (up to kBatchLines, without another read) through
  // TickParser::parse_lines at once and hands them out one per call;
  // OneByOne parses only the line it hands out (a batch already parsed is
  // handed out first). Stamped readers always go one by one.
  enum class Lines : std::uint8_t { Batched, OneByOne };

  // The reading half: frames and parses the next line into `ev` (Kind::End
  // at end of file, and again on every later call). Touches only reading
  // state (file, framer, stamps, last_line, read_error), so it may run on
  // another thread than account(), one thread at a time. No allocation.
  void produce(TickParser& parser, FileEvent& ev, Lines lines = Lines::Batched) noexcept;
  // The counting half: counts `ev` (events in the order produced). Touches
  // only counting state (counts, hints, unknown symbols). No allocation.
  void account(const FileEvent& ev) noexcept;

  // The counting half's totals: events accounted so far.
  FeedCounts counts() const noexcept { return counts_; }
  const std::string& path() const noexcept { return path_; }
  // When `chain` is set, every tick gets ts_recv = the moment its line was
  // taken for parsing and parse_ns = the time to parse it. One clock read per
  // line: a line is taken when the previous one was done (*chain), unless the
  // owner broke the chain (set *chain = 0) after waiting. Batch replay leaves
  // it off.
  void set_stamping(std::int64_t* chain) noexcept { chain_ = chain; }

  // The line of the tick last produced; valid until the next call. The
  // reading half's thread.
  std::string_view last_line() const noexcept { return last_line_; }
  // Set by the reading half at end of file: read it once the End event was
  // accounted (or the reading threads were joined).
  int read_error() const noexcept { return read_error_; }
  // The first distinct unknown symbols of this file (any thread).
  const UnknownSymbols& unknown_symbols() const noexcept { return unknown_symbols_; }
  // True once, when this file's reject hint (reject_hints.hpp) is due; then
  // `message` holds it. Allocates then; the reader's thread.
  bool take_hint(std::string& message);

 private:
  bool fill(FileEvent& ev) noexcept;  // false at EOF or error
  void parse(TickParser& parser, std::string_view line, FileEvent& ev) noexcept;
  // Unstamped: `first` and the lines framed after it without another read,
  // parsed at once (TickParser::parse_lines); hand_out() gives them one per
  // produce(), then a too-long line that ended the batch. False when none is left.
  void parse_batch(TickParser& parser, std::string_view first) noexcept;
  bool hand_out(FileEvent& ev) noexcept;

  std::string path_;
  // The reading half.
  int fd_ = -1;
  std::uint8_t source_;
  bool eof_ = false;
  bool flushed_ = false;
  int read_error_ = 0;
  std::int64_t ts_recv_ = 0;  // steady-clock stamp of the last read()
  std::string_view last_line_;
  std::int64_t* chain_ = nullptr;
  std::uint64_t blank_seen_ = 0;  // framer_.blank_lines() already put in an event
  LineFramer framer_;
  static constexpr std::uint32_t kBatchLines = 64;
  std::array<std::string_view, kBatchLines> batch_lines_;
  std::array<ParsedLine, kBatchLines> batch_parsed_;
  std::array<std::uint32_t, kBatchLines> batch_blank_;  // blank lines before each
  std::uint32_t batch_size_ = 0;
  std::uint32_t batch_next_ = 0;
  bool batch_too_long_ = false;  // a too-long line ended the batch
  FileEvent ev_{};               // next()'s event
  // The counting half.
  bool finished_ = false;
  FeedCounts counts_;
  UnknownSymbols unknown_symbols_;
  RejectHints hints_{unknown_symbols_};
  bool hint_due_ = false;
};

// `--parse-threads` of `adrmon replay` and `adrmon run` (FileMerger's
// parse_threads; 0 = auto, the commands' default; 1 here until main sets it):
// set once by main before the command starts, read when a replay or a run's
// file group opens its files.
void set_file_parse_threads(unsigned n) noexcept;
unsigned file_parse_threads() noexcept;

class FileMerger {
 public:
  // Opens every file (throws std::runtime_error naming a file that cannot be
  // opened); at most 255 files. An entry starting with `itch:` or `omdc:`
  // is a venue file spec (parse_source_spec; a bad one throws
  // std::invalid_argument), `file:PATH` a JSON Lines file, anything else a
  // JSON Lines path. `parse_threads`: how many threads parse JSON files, the
  // merging thread included; 1 parses them on the merging thread (needed
  // for raw_line), 0 picks auto_parse_threads(). Starts parse_threads - 1
  // threads (at most one per JSON file).
  FileMerger(const std::vector<std::string>& paths, const Config& config,
             unsigned parse_threads = 1);
  ~FileMerger();

  // 0 ("auto") resolved: min(cores, JSON files + 1), 1 on a single core.
  static unsigned auto_parse_threads(std::size_t json_files) noexcept;
  // The threads parsing JSON files, the merging thread included.
  unsigned parse_threads() const noexcept { return parse_threads_; }

  // The next tick in (ts, file order), or false when every file is done.
  // With `raw_line` (only with parse_threads() == 1), also the tick's line
  // as read (a view of an internal copy, valid until the next call; empty
  // for a venue file's tick). No allocation. The merging thread: it may
  // parse a file itself when its ring is empty, and waits (spins briefly,
  // then blocks) only while another thread is parsing the file it needs.
  bool next(Tick& out, std::string_view* raw_line = nullptr) noexcept;

  // Stamps every tick (see TickFileReader::set_stamping), one clock read per
  // line. With parse threads, each file's chain is its own and starts anew
  // with each batch a thread takes (waits of the owner do not break it).
  void enable_stamping() noexcept;
  // After the owner waited (pacing, a full queue): the next line's "taken"
  // time is read from the clock, not chained.
  void break_stamp_chain() noexcept { chain_ = 0; }

  // Totals over all files, counting a tick line once it is handed out by
  // next() (the look-ahead head of each file is not counted yet).
  FeedCounts counts() const noexcept;
  // By file position: the JSON reader, or null for a venue file.
  const std::vector<std::unique_ptr<TickFileReader>>& readers() const noexcept { return readers_; }
  // By file position: the venue reader, or null for a JSON file.
  const std::vector<std::unique_ptr<VenueFileReader>>& venue_readers() const noexcept {
    return venues_;
  }
  // Sums of the venue decoders' counters over all venue files (zero
  // without any); orders_live/peak/capacity are sums too. No allocation.
  ItchCounts itch_counts() const noexcept;
  OmdcCounts omdc_counts() const noexcept;

  // Logs "read error: REASON" (who = the file's path) for each file a read
  // error ended early, and "DECODE ERROR" (an unknown ITCH type at offset N,
  // a file cut inside a message) for each venue file a framing error ended;
  // returns whether any did. Also logs the reject hints still due
  // (report_hints). Call once the merge is done. Cold path: allocates; the
  // merger's thread.
  bool report_read_errors(Log& log);
  // Logs each JSON file's reject hint once it is due (who = the file's
  // path): at most one line per file per run. Cheap when none is due (a flag
  // per file); allocates when one is. The merger's thread.
  void report_hints(Log& log);

 private:
  bool read_head(std::size_t i) noexcept;

  TickParser parser_;
  unsigned parse_threads_ = 1;
  std::vector<std::unique_ptr<TickFileReader>> readers_;
  std::vector<std::unique_ptr<VenueFileReader>> venues_;
  std::vector<Tick> heads_;
  std::vector<bool> live_;
  std::string line_copy_;  // reserved to kMaxLineBytes once
  std::int64_t chain_ = 0;
  std::unique_ptr<ParallelParse> parallel_;  // null with one parse thread
};

}  // namespace adrmon
