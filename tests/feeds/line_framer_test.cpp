// LineFramer: lines out of a byte stream fed in arbitrary chunks.
#include "adrmon/feeds/line_framer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace adrmon {
namespace {

// Stands for a TooLong report in the event list.
const std::string kTooLong = "<too long>";

// Reads every complete line out of the framer, appending them to `out`.
void drain(LineFramer& f, std::vector<std::string>& out) {
  std::string_view line;
  for (;;) {
    const LineFramer::Status s = f.next(line);
    if (s == LineFramer::Status::NeedMore) return;
    if (s == LineFramer::Status::TooLong) {
      out.push_back(kTooLong);
      continue;
    }
    // Every line handed out has kLinePadding readable bytes after it (ASan
    // would flag a read past the buffer).
    volatile char sink = 0;
    for (std::size_t i = 0; i < kLinePadding; ++i) sink = sink + line.data()[line.size() + i];
    out.emplace_back(line);
  }
}

// Copies `bytes` into the framer's write area and commits them, as one read.
void put(LineFramer& f, std::string_view bytes) {
  std::memcpy(f.write_area().data(), bytes.data(), bytes.size());
  f.commit(bytes.size());
}

// Feeds `input` in chunks of `chunk` bytes, then flushes; returns the lines
// and TooLong reports in order.
std::vector<std::string> frame(LineFramer& f, std::string_view input, std::size_t chunk) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < input.size()) {
    const std::span<char> area = f.write_area();
    EXPECT_FALSE(area.empty());
    const std::size_t n = std::min({chunk, area.size(), input.size() - pos});
    std::memcpy(area.data(), input.data() + pos, n);
    f.commit(n);
    pos += n;
    drain(f, out);
  }
  std::string_view line;
  const LineFramer::Status last = f.flush(line);
  if (last == LineFramer::Status::Line) out.emplace_back(line);
  if (last == LineFramer::Status::TooLong) out.push_back(kTooLong);
  return out;
}

std::vector<std::string> frame(std::string_view input, std::size_t chunk = 1 << 16,
                               std::size_t max_line = kMaxLineBytes) {
  LineFramer f(1 << 16, max_line);
  return frame(f, input, chunk);
}

using Lines = std::vector<std::string>;

TEST(LineFramer, SplitsOnNewline) {
  EXPECT_EQ(frame("a\nbb\nccc\n"), (Lines{"a", "bb", "ccc"}));
}

TEST(LineFramer, StripsCarriageReturnOfCrlf) {
  EXPECT_EQ(frame("a\r\nbb\r\n"), (Lines{"a", "bb"}));
}

TEST(LineFramer, KeepsACarriageReturnInsideALine) {
  EXPECT_EQ(frame("a\rb\n"), (Lines{"a\rb"}));
}

TEST(LineFramer, SkipsByteOrderMarkAtStreamStart) {
  EXPECT_EQ(frame("\xEF\xBB\xBF{\"a\":1}\n{\"b\":2}\n"), (Lines{"{\"a\":1}", "{\"b\":2}"}));
}

TEST(LineFramer, KeepsByteOrderMarkAfterTheFirstLine) {
  EXPECT_EQ(frame("x\n\xEF\xBB\xBFy\n"), (Lines{"x", "\xEF\xBB\xBFy"}));
}

TEST(LineFramer, ByteOrderMarkFedOneByteAtATimeIsStillSkipped) {
  EXPECT_EQ(frame("\xEF\xBB\xBFx\ny\n", 1), (Lines{"x", "y"}));
}

// Blank and whitespace-only lines are skipped and counted; a line with
// text after its leading whitespace is not blank; a whitespace remainder
// at the end (flushed) is blank.
TEST(LineFramer, BlankAndWhitespaceLinesAreSkippedAndCounted) {
  const struct {
    const char* input;
    Lines lines;
    std::uint64_t blank;
  } cases[] = {
      {"a\n\n   \n\t\r\n\r\nb\n", {"a", "b"}, 4},
      {"  x\n", {"  x"}, 0},
      {"a\n  ", {"a"}, 1},
  };
  for (const auto& c : cases) {
    LineFramer f(1 << 16);
    EXPECT_EQ(frame(f, c.input, 1 << 16), c.lines) << c.input;
    EXPECT_EQ(f.blank_lines(), c.blank) << c.input;
  }
}

TEST(LineFramer, LastLineWithoutNewlineComesFromFlush) {
  LineFramer f(1 << 16);
  put(f, "a\nlast");
  std::string_view line;
  ASSERT_EQ(f.next(line), LineFramer::Status::Line);
  EXPECT_EQ(line, "a");
  EXPECT_EQ(f.next(line), LineFramer::Status::NeedMore);
  ASSERT_EQ(f.flush(line), LineFramer::Status::Line);
  EXPECT_EQ(line, "last");
  EXPECT_EQ(line.data()[line.size()], '\n');  // terminated inside the padding
  EXPECT_EQ(f.flush(line), LineFramer::Status::NeedMore);
}

TEST(LineFramer, LastLineWithoutNewlineLosesItsCarriageReturn) {
  EXPECT_EQ(frame("a\r\nb\r"), (Lines{"a", "b"}));
}

TEST(LineFramer, FlushWithNothingBufferedIsNeedMore) {
  LineFramer f(1 << 16);
  std::string_view line;
  EXPECT_EQ(f.flush(line), LineFramer::Status::NeedMore);
}

TEST(LineFramer, EmptyStreamHasNoLines) {
  EXPECT_EQ(frame(""), Lines{});
}

TEST(LineFramer, LineOfExactlyMaxBytesIsALine) {
  const std::string sixteen(16, 'x');
  EXPECT_EQ(frame(sixteen + "\nok\n", 1 << 16, 16), (Lines{sixteen, "ok"}));
  EXPECT_EQ(frame(sixteen + "\nok\n", 1, 16), (Lines{sixteen, "ok"}));
}

// BUG (feeds/src/line_framer.cpp:54, :70 and :87): the length limit is
// checked before the '\r' of a CRLF ending is stripped, so a CRLF file's line
// of exactly max_line bytes is reported TooLong while the same line with a LF
// ending is accepted. FORMATS.md allows both endings and rejects only lines
// "longer than 64 KiB".
TEST(LineFramer, CrlfLineOfExactlyMaxBytesIsALine) {
  const std::string sixteen(16, 'x');
  EXPECT_EQ(frame(sixteen + "\r\nok\r\n", 1 << 16, 16), (Lines{sixteen, "ok"}));
  EXPECT_EQ(frame(sixteen + "\r\nok\r\n", 1, 16), (Lines{sixteen, "ok"}));
}

TEST(LineFramer, OverLongLineIsReportedOnceThenNextLineResumes) {
  const std::string input = "short\n" + std::string(40, 'x') + "\nnext\n";
  EXPECT_EQ(frame(input, 1 << 16, 16), (Lines{"short", kTooLong, "next"}));
}

TEST(LineFramer, OverLongLineFedInSmallChunksIsReportedOnce) {
  const std::string input = "short\n" + std::string(100, 'x') + "\nnext\n";
  for (std::size_t chunk : {1, 2, 3, 7, 16, 17, 64}) {
    EXPECT_EQ(frame(input, chunk, 16), (Lines{"short", kTooLong, "next"})) << "chunk " << chunk;
  }
}

TEST(LineFramer, OverLongLineOfSeventeenBytesIsTooLong) {
  EXPECT_EQ(frame(std::string(17, 'x') + "\nok\n", 1 << 16, 16), (Lines{kTooLong, "ok"}));
  EXPECT_EQ(frame(std::string(17, 'x') + "\nok\n", 1, 16), (Lines{kTooLong, "ok"}));
}

TEST(LineFramer, OverLongLastLineWithoutNewlineIsReportedOnce) {
  for (std::size_t chunk : {1, 5, 1 << 16}) {
    EXPECT_EQ(frame("a\n" + std::string(40, 'x'), chunk, 16), (Lines{"a", kTooLong}))
        << "chunk " << chunk;
  }
}

TEST(LineFramer, TwoOverLongLinesInARowAreTwoReports) {
  const std::string input = std::string(30, 'x') + "\n" + std::string(30, 'y') + "\nz\n";
  for (std::size_t chunk : {1, 4, 1 << 16}) {
    EXPECT_EQ(frame(input, chunk, 16), (Lines{kTooLong, kTooLong, "z"})) << "chunk " << chunk;
  }
}

TEST(LineFramer, LinesSplitAcrossChunksComeOutWhole) {
  const std::string input =
      "\xEF\xBB\xBF{\"type\":\"fx\"}\r\n\n{\"b\":22}\n   \n{\"c\":333}\r\nlast-no-newline";
  const Lines want{"{\"type\":\"fx\"}", "{\"b\":22}", "{\"c\":333}", "last-no-newline"};
  for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
    LineFramer f(1 << 16);
    EXPECT_EQ(frame(f, input, chunk), want) << "chunk " << chunk;
    EXPECT_EQ(f.blank_lines(), 2u) << "chunk " << chunk;
  }
}

TEST(LineFramer, SmallReadChunkCompactsAndKeepsLinesWhole) {
  // A tiny read_chunk forces the buffer to move unread bytes to the front.
  std::string input;
  Lines want;
  for (int i = 0; i < 200; ++i) {
    want.push_back("line-" + std::to_string(i));
    input += want.back() + "\n";
  }
  LineFramer f(8, 32);
  EXPECT_EQ(frame(f, input, 8), want);
}

TEST(LineFramer, ResetForgetsBufferedBytes) {
  LineFramer f(1 << 16);
  const std::string partial = "half a li";
  put(f, partial);
  std::string_view line;
  EXPECT_EQ(f.next(line), LineFramer::Status::NeedMore);
  EXPECT_EQ(f.buffered(), partial.size());
  f.reset();
  EXPECT_EQ(f.buffered(), 0u);
  EXPECT_EQ(frame(f, "\xEF\xBB\xBFnew\n", 1 << 16), (Lines{"new"}));  // BOM check re-armed
}

}  // namespace
}  // namespace adrmon
