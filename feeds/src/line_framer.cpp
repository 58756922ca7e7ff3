// LineFramer: one padded buffer, memchr for newlines, compaction on demand.
#include "adrmon/feeds/line_framer.hpp"

#include <cstring>

namespace adrmon {

LineFramer::LineFramer(std::size_t read_chunk, std::size_t max_line)
    : capacity_(read_chunk + max_line + 1), read_chunk_(read_chunk), max_line_(max_line) {
  buf_ = std::make_unique<char[]>(capacity_ + kLinePadding);
  std::memset(buf_.get(), 0, capacity_ + kLinePadding);
}

void LineFramer::reset() noexcept {
  head_ = scan_ = tail_ = 0;
  at_start_ = true;
  skipping_ = false;
}

std::span<char> LineFramer::write_area() noexcept {
  if (capacity_ - tail_ < read_chunk_ && head_ > 0) {
    const std::size_t live = tail_ - head_;
    std::memmove(buf_.get(), buf_.get() + head_, live);
    scan_ -= head_;
    head_ = 0;
    tail_ = live;
  }
  return {buf_.get() + tail_, capacity_ - tail_};
}

bool LineFramer::take(std::size_t begin, std::size_t end, std::string_view& line) noexcept {
  const char* p = buf_.get();
  if (at_start_) {
    at_start_ = false;
    if (end - begin >= 3 && std::memcmp(p + begin, "\xEF\xBB\xBF", 3) == 0) begin += 3;
  }
  if (end > begin && p[end - 1] == '\r') --end;
  std::size_t i = begin;
  while (i < end && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')) ++i;
  if (i == end) {
    ++blank_lines_;
    return false;
  }
  line = std::string_view(p + begin, end - begin);
  return true;
}

std::size_t LineFramer::content_length(std::size_t begin, std::size_t end) const noexcept {
  return end > begin && buf_[end - 1] == '\r' ? end - begin - 1 : end - begin;
}

LineFramer::Status LineFramer::next(std::string_view& line) noexcept {
  for (;;) {
    const char* base = buf_.get();
    const void* nl = std::memchr(base + scan_, '\n', tail_ - scan_);
    if (nl == nullptr) {
      scan_ = tail_;
      // +1: the line may still end in "\r\n", and the '\r' does not count.
      if (!skipping_ && tail_ - head_ > max_line_ + 1) {
        skipping_ = true;
        at_start_ = false;
        head_ = scan_ = tail_ = 0;
        return Status::TooLong;
      }
      if (skipping_) head_ = scan_ = tail_ = 0;
      return Status::NeedMore;
    }
    const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - base);
    const std::size_t begin = head_;
    head_ = scan_ = end + 1;
    if (skipping_) {
      skipping_ = false;
      continue;
    }
    if (content_length(begin, end) > max_line_) {
      at_start_ = false;
      return Status::TooLong;
    }
    if (take(begin, end, line)) return Status::Line;
  }
}

LineFramer::Status LineFramer::flush(std::string_view& line) noexcept {
  const std::size_t begin = head_;
  const std::size_t end = tail_;
  head_ = scan_ = tail_;
  if (skipping_) {
    skipping_ = false;
    return Status::NeedMore;
  }
  if (end == begin) return Status::NeedMore;
  if (content_length(begin, end) > max_line_) return Status::TooLong;
  buf_[end] = '\n';  // a terminator inside the padding keeps number parsing in bounds
  return take(begin, end, line) ? Status::Line : Status::NeedMore;
}

}  // namespace adrmon
