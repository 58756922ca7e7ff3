// LineFramer: splits a byte stream (a file, a growing file, a TCP stream)
// into lines, with simdjson's padding readable after every line.
//
// The owner reads bytes straight into write_area(), commits them, then pulls
// lines with next() until it says NeedMore. One buffer is allocated at
// construction and reused: the framer never allocates afterwards. Handles a
// UTF-8 BOM at the start of the stream, CRLF line ends, blank lines (skipped
// and counted), lines longer than the limit (reported once, then skipped to
// the next newline) and a last line without a newline (flush()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace adrmon {

inline constexpr std::size_t kMaxLineBytes = 64 * 1024;
// Bytes readable after the end of every line handed out (simdjson needs 64).
inline constexpr std::size_t kLinePadding = 64;

// Splits one self-contained buffer (a UDP datagram) into lines by the same
// rules as LineFramer, the buffer being a stream of its own: a leading UTF-8
// BOM is skipped, "\r\n" ends a line like "\n", a last line needs no newline,
// whitespace-only lines call on_blank() instead of on_line(). `buf` must have
// one writable byte at buf[n] (plus kLinePadding readable after it for the
// parser): a '\n' is written there. No allocation.
template <class OnLine, class OnBlank>
void split_datagram(char* buf, std::size_t n, OnLine&& on_line, OnBlank&& on_blank) {
  std::size_t begin = 0;
  if (n >= 3 && static_cast<unsigned char>(buf[0]) == 0xEF &&
      static_cast<unsigned char>(buf[1]) == 0xBB && static_cast<unsigned char>(buf[2]) == 0xBF) {
    begin = 3;
  }
  buf[n] = '\n';
  for (std::size_t i = begin; i <= n; ++i) {
    if (buf[i] != '\n') continue;
    // Nothing after the buffer's own final newline (or an empty buffer): done.
    if (i == n && begin == n && (n == 0 || buf[n - 1] == '\n')) break;
    std::size_t end = i;
    if (end > begin && buf[end - 1] == '\r') --end;
    bool blank = true;
    for (std::size_t k = begin; k < end && blank; ++k) {
      blank = buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r';
    }
    if (blank) {
      on_blank();
    } else {
      on_line(std::string_view(buf + begin, end - begin));
    }
    begin = i + 1;
  }
}

class LineFramer {
 public:
  enum class Status : std::uint8_t { Line, TooLong, NeedMore };

  explicit LineFramer(std::size_t read_chunk = 1 << 20, std::size_t max_line = kMaxLineBytes);

  // Free space to read into; never empty. No allocation (may move unread
  // bytes to the front of the buffer).
  std::span<char> write_area() noexcept;
  // Marks `n` bytes of write_area() as filled.
  void commit(std::size_t n) noexcept { tail_ += n; }

  // The next complete line (without '\n' or a trailing '\r'), TooLong once per
  // over-long line, or NeedMore. The view lives until the next write_area().
  Status next(std::string_view& line) noexcept;

  // At end of stream: the last line if it had no final newline. Returns
  // NeedMore when nothing is left.
  Status flush(std::string_view& line) noexcept;

  // Hands every complete line to on_line(std::string_view) and every
  // over-long one to on_too_long(), until NeedMore: the loop each reader of
  // a stream runs after commit(). Views as for next(). No allocation.
  template <class OnLine, class OnTooLong>
  void drain(OnLine&& on_line, OnTooLong&& on_too_long) {
    std::string_view line;
    for (;;) {
      const Status st = next(line);
      if (st == Status::NeedMore) return;
      if (st == Status::TooLong) {
        on_too_long();
      } else {
        on_line(line);
      }
    }
  }

  // At end of stream, after drain(): the last line if it had no final
  // newline, to on_line or on_too_long (see flush()). No allocation.
  template <class OnLine, class OnTooLong>
  void drain_last(OnLine&& on_line, OnTooLong&& on_too_long) {
    std::string_view line;
    const Status st = flush(line);
    if (st == Status::TooLong) on_too_long();
    if (st == Status::Line) on_line(line);
  }

  // Forgets everything buffered (a truncated or rotated file, a reconnect).
  void reset() noexcept;

  std::uint64_t blank_lines() const noexcept { return blank_lines_; }
  std::size_t buffered() const noexcept { return tail_ - head_; }

 private:
  bool take(std::size_t begin, std::size_t end, std::string_view& line) noexcept;
  // Length of [begin, end) without a trailing '\r'.
  std::size_t content_length(std::size_t begin, std::size_t end) const noexcept;

  std::unique_ptr<char[]> buf_;
  std::size_t capacity_;  // data bytes, excluding padding
  std::size_t read_chunk_;
  std::size_t max_line_;
  std::size_t head_ = 0;   // first unread byte
  std::size_t scan_ = 0;   // bytes before this are known to hold no '\n'
  std::size_t tail_ = 0;   // one past the last filled byte
  bool at_start_ = true;   // BOM check pending
  bool skipping_ = false;  // inside an over-long line, dropping to its newline
  std::uint64_t blank_lines_ = 0;
};

}  // namespace adrmon
