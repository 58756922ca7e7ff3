// TickFileReader and FileMerger.
#include "adrmon/feeds/file_replay.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/cpu_affinity.hpp"
#include "adrmon/feeds/source.hpp"
#include "adrmon/feeds/venue_file_reader.hpp"
#include "parallel_parse.hpp"

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

bool TickFileReader::fill(FileEvent& ev) noexcept {
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
  ev.bytes += static_cast<std::uint64_t>(n);
  return true;
}

namespace {

// A rejected line's event: why, its ts (bad_timestamp) and, for
// unknown_symbol, the symbol cut as UnknownSymbols cuts it.
void set_reject(FileEvent& ev, Reject r, std::int64_t ts, std::string_view symbol) noexcept {
  ev.kind = FileEvent::Kind::Reject;
  ev.reject = r;
  ev.rejected_ts = ts;
  ev.symbol_size = 0;
  if (r == Reject::UnknownSymbol) {
    const std::string_view sym = symbol.substr(0, sizeof ev.symbol);
    std::memcpy(ev.symbol, sym.data(), sym.size());
    ev.symbol_size = static_cast<std::uint8_t>(sym.size());
  }
}

void too_long(FileEvent& ev) noexcept {
  set_reject(ev, Reject::LineTooLong, 0, {});
}

}  // namespace

void TickFileReader::parse(TickParser& parser, std::string_view line, FileEvent& ev) noexcept {
  std::int64_t start = ts_recv_;
  if (chain_ != nullptr) start = *chain_ != 0 ? *chain_ : steady_ns();
  const Reject r = parser.parse(line, ev.tick);
  if (chain_ != nullptr) *chain_ = steady_ns();
  if (r != Reject::None) {
    set_reject(ev, r, parser.rejected_ts(), parser.rejected_symbol());
    return;
  }
  ev.kind = FileEvent::Kind::Tick;
  ev.tick.ts_recv = start;
  if (chain_ != nullptr) ev.tick.parse_ns = static_cast<std::uint32_t>(*chain_ - start);
  ev.tick.source = source_;
  last_line_ = line;
}

void TickFileReader::parse_batch(TickParser& parser, std::string_view first) noexcept {
  const auto blank = [this] {
    const auto n = static_cast<std::uint32_t>(framer_.blank_lines() - blank_seen_);
    blank_seen_ = framer_.blank_lines();
    return n;
  };
  std::uint32_t n = 0;
  batch_blank_[n] = blank();
  batch_lines_[n++] = first;
  std::string_view line;
  while (n < kBatchLines) {
    const LineFramer::Status st = framer_.next(line);
    if (st == LineFramer::Status::NeedMore) break;
    batch_blank_[n] = blank();
    if (st == LineFramer::Status::TooLong) {
      batch_too_long_ = true;
      break;
    }
    batch_lines_[n++] = line;
  }
  parser.parse_lines({batch_lines_.data(), n}, batch_parsed_.data());
  batch_size_ = n;
  batch_next_ = 0;
}

bool TickFileReader::hand_out(FileEvent& ev) noexcept {
  if (batch_next_ == batch_size_) {
    if (!batch_too_long_) return false;
    batch_too_long_ = false;
    ev.blank = batch_blank_[batch_size_];
    too_long(ev);
    return true;
  }
  const std::uint32_t k = batch_next_++;
  const ParsedLine& p = batch_parsed_[k];
  ev.blank = batch_blank_[k];
  if (p.reject != Reject::None) {
    set_reject(ev, p.reject, p.rejected_ts, std::string_view(p.symbol, p.symbol_size));
    return true;
  }
  ev.kind = FileEvent::Kind::Tick;
  ev.tick = p.tick;
  ev.tick.ts_recv = ts_recv_;
  ev.tick.source = source_;
  last_line_ = batch_lines_[k];
  return true;
}

void TickFileReader::produce(TickParser& parser, FileEvent& ev, Lines lines) noexcept {
  ev.bytes = 0;
  if (hand_out(ev)) return;
  const auto take_blank = [&ev, this] {
    ev.blank = static_cast<std::uint32_t>(framer_.blank_lines() - blank_seen_);
    blank_seen_ = framer_.blank_lines();
  };
  std::string_view line;
  for (;;) {
    switch (framer_.next(line)) {
      case LineFramer::Status::Line:
        if (chain_ == nullptr && lines == Lines::Batched) {
          parse_batch(parser, line);
          hand_out(ev);
          return;
        }
        take_blank();
        parse(parser, line, ev);
        return;
      case LineFramer::Status::TooLong:
        take_blank();
        too_long(ev);
        return;
      case LineFramer::Status::NeedMore:
        break;
    }
    if (fill(ev)) continue;
    take_blank();
    // End of file: the last line may lack its newline.
    if (!flushed_) {
      flushed_ = true;
      const LineFramer::Status last = framer_.flush(line);
      if (last == LineFramer::Status::TooLong) {
        too_long(ev);
        return;
      }
      if (last == LineFramer::Status::Line) {
        parse(parser, line, ev);
        return;
      }
    }
    ev.kind = FileEvent::Kind::End;
    return;
  }
}

void TickFileReader::account(const FileEvent& ev) noexcept {
  counts_.bytes += ev.bytes;
  counts_.blank += ev.blank;
  switch (ev.kind) {
    case FileEvent::Kind::Tick:
      ++counts_.lines;
      ++counts_.parsed;
      return;
    case FileEvent::Kind::Reject:
      ++counts_.lines;
      counts_.rejects.add(ev.reject);
      if (hints_.on_reject(ev.reject, std::string_view(ev.symbol, ev.symbol_size),
                           ev.rejected_ts)) {
        hint_due_ = true;
      }
      return;
    case FileEvent::Kind::End:
      if (!finished_ && hints_.finish()) hint_due_ = true;
      finished_ = true;
      return;
  }
}

bool TickFileReader::next(TickParser& parser, Tick& out) noexcept {
  for (;;) {
    produce(parser, ev_);
    account(ev_);
    if (ev_.kind == FileEvent::Kind::Tick) {
      out = ev_.tick;
      return true;
    }
    if (ev_.kind == FileEvent::Kind::End) return false;
  }
}

bool TickFileReader::take_hint(std::string& message) {
  if (!hint_due_) return false;
  hint_due_ = false;
  message = hints_.message();
  return true;
}

namespace {
std::atomic<unsigned> g_file_parse_threads{1};
}  // namespace

void set_file_parse_threads(unsigned n) noexcept {
  g_file_parse_threads.store(n, std::memory_order_relaxed);
}
unsigned file_parse_threads() noexcept {
  return g_file_parse_threads.load(std::memory_order_relaxed);
}

unsigned FileMerger::auto_parse_threads(std::size_t json_files) noexcept {
  // The CPUs this process may run on (at least 1), not the machine's.
  const auto cores = static_cast<unsigned>(usable_cpus());
  if (cores <= 1 || json_files == 0) return 1;
  return static_cast<unsigned>(std::min<std::size_t>(cores, json_files + 1));
}

FileMerger::FileMerger(const std::vector<std::string>& paths, const Config& config,
                       unsigned parse_threads)
    : parser_(config) {
  if (paths.size() > 255) throw std::runtime_error("at most 255 tick files at once");
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string_view p = paths[i];
    const auto index = static_cast<std::uint8_t>(i);
    if (p.rfind("itch:", 0) == 0 || p.rfind("omdc:", 0) == 0) {
      readers_.emplace_back();
      venues_.push_back(
          std::make_unique<VenueFileReader>(parse_source_spec(paths[i]), config, index));
    } else {
      const std::string path =
          p.rfind("file:", 0) == 0 ? parse_source_spec(paths[i]).path : paths[i];
      readers_.push_back(std::make_unique<TickFileReader>(path, index));
      venues_.emplace_back();
    }
  }
  std::size_t json_files = 0;
  for (const auto& r : readers_) json_files += r ? 1 : 0;
  parse_threads_ = parse_threads == 0 ? auto_parse_threads(json_files) : parse_threads;
  // More threads than JSON files would have nothing to parse.
  parse_threads_ = static_cast<unsigned>(std::min<std::size_t>(parse_threads_, json_files + 1));
  if (parse_threads_ < 1) parse_threads_ = 1;
  if (parse_threads_ > 1) {
    parallel_ = std::make_unique<ParallelParse>(readers_, config, parse_threads_ - 1);
  }
  line_copy_.reserve(kMaxLineBytes);
  heads_.resize(paths.size());
  live_.resize(paths.size());
  for (std::size_t i = 0; i < readers_.size(); ++i) live_[i] = read_head(i);
}

FileMerger::~FileMerger() = default;

bool FileMerger::read_head(std::size_t i) noexcept {
  if (venues_[i]) return venues_[i]->next(heads_[i]);
  if (!parallel_) return readers_[i]->next(parser_, heads_[i]);
  FileEvent ev;
  for (;;) {
    parallel_->next(i, ev);
    readers_[i]->account(ev);
    if (ev.kind == FileEvent::Kind::Tick) {
      heads_[i] = ev.tick;
      return true;
    }
    if (ev.kind == FileEvent::Kind::End) return false;
  }
}

void FileMerger::enable_stamping() noexcept {
  for (std::size_t i = 0; i < readers_.size(); ++i) {
    if (readers_[i] && !parallel_) readers_[i]->set_stamping(&chain_);
    if (venues_[i]) venues_[i]->set_stamping(&chain_);
  }
  if (parallel_) parallel_->enable_stamping();
}

namespace {

// The sum over `venues` of the counts `of` gives (nullptr: a reader of the
// other format, or none).
template <class Counts, class Venues, class Of>
Counts sum_counts(const Venues& venues, Of of) noexcept {
  Counts total{};
  for (const auto& v : venues) {
    const Counts* c = v ? of(*v) : nullptr;
    if (c == nullptr) continue;
    for (std::size_t i = 0; i < total.size(); ++i) total[i] += (*c)[i];
  }
  return total;
}

}  // namespace

ItchCounts FileMerger::itch_counts() const noexcept {
  return sum_counts<ItchCounts>(venues_, [](VenueFileReader& r) { return r.itch_counts(); });
}

OmdcCounts FileMerger::omdc_counts() const noexcept {
  return sum_counts<OmdcCounts>(venues_, [](VenueFileReader& r) { return r.omdc_counts(); });
}

bool FileMerger::next(Tick& out, std::string_view* raw_line) noexcept {
  // k is small (a handful of files): a linear scan beats a heap here.
  std::size_t best = heads_.size();
  for (std::size_t i = 0; i < heads_.size(); ++i) {
    if (live_[i] && (best == heads_.size() || heads_[i].ts_event < heads_[best].ts_event)) best = i;
  }
  if (best == heads_.size()) return false;
  out = heads_[best];
  if (raw_line != nullptr && !parallel_) {
    const std::string_view line = readers_[best] ? readers_[best]->last_line() : std::string_view{};
    line_copy_.assign(line.data(), line.size());
    *raw_line = line_copy_;
  }
  live_[best] = read_head(best);
  return true;
}

void FileMerger::report_hints(Log& log) {
  std::string message;
  for (const auto& reader : readers_) {
    if (reader && reader->take_hint(message)) log.write(LogLevel::Warning, reader->path(), message);
  }
}

bool FileMerger::report_read_errors(Log& log) {
  if (parallel_) parallel_->stop();  // then read_error() is theirs no more
  report_hints(log);
  bool any = false;
  for (std::size_t i = 0; i < readers_.size(); ++i) {
    const int error = readers_[i] ? readers_[i]->read_error() : venues_[i]->read_error();
    const std::string& path = readers_[i] ? readers_[i]->path() : venues_[i]->path();
    if (error != 0) {
      log.write(LogLevel::Error, path, std::string("read error: ") + std::strerror(error));
      any = true;
    }
    if (venues_[i] && !venues_[i]->decode_error().empty()) {
      log.write(LogLevel::Error, path, std::string(venues_[i]->decode_error()));
      any = true;
    }
  }
  return any;
}

FeedCounts FileMerger::counts() const noexcept {
  FeedCounts total;
  for (std::size_t i = 0; i < readers_.size(); ++i) {
    const FeedCounts c = readers_[i] ? readers_[i]->counts() : venues_[i]->counts();
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
