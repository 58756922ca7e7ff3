// Binary capture (feeds/capture.hpp): the writer and the reader on real
// files. Round trip of every field, a torn tail cut at every byte of the
// last block and of the index (each repaired and reported), damaged blocks
// refused with their offset, and seeking through the block index.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "adrmon/feeds/capture.hpp"
#include "capture_test_support.hpp"
#include "feeds_test_support.hpp"

namespace adrmon {
namespace {

using feeds_test::kT0;
using feeds_test::TempDir;
using namespace capture_test;
namespace fs = std::filesystem;

TEST(CaptureFormat, RoundTripKeepsEveryFieldAndTheHeader) {
  TempDir dir;
  const auto ticks = make_ticks(10'000);
  const std::string path = write_capture(dir.path() + "/a.cap", ticks, 256);
  ASSERT_TRUE(is_capture_file(path));
  CaptureReader r(path);
  EXPECT_TRUE(r.recovery().had_index);
  EXPECT_EQ(r.recovery().torn_bytes, 0u);
  EXPECT_EQ(r.header().version, kCaptureVersion);
  EXPECT_EQ(r.header().block_records, 256u);
  EXPECT_EQ(r.header().config_hash, 0x1234'5678'9abc'def0ull);
  EXPECT_EQ(r.header().created_unix_ns, kT0);
  EXPECT_EQ(r.header().creator, "adrmon test");
  EXPECT_EQ(r.header().instruments, test_header(256).instruments);
  ASSERT_EQ(r.blocks().size(), (10'000u + 255) / 256);
  EXPECT_EQ(r.records(), 10'000u);
  EXPECT_EQ(r.blocks()[0].min_ts, kT0);
  EXPECT_EQ(r.blocks()[0].max_ts, kT0 + 255 * 10);
  const auto back = read_all(r);
  EXPECT_TRUE(r.error().empty()) << r.error();
  EXPECT_TRUE(same(back, ticks.data(), ticks.size()));
}

TEST(CaptureFormat, EmptyCaptureAndNextBlockSpans) {
  TempDir dir;
  const std::string empty = write_capture(dir.path() + "/e.cap", {}, 64);
  CaptureReader e(empty);
  EXPECT_TRUE(e.recovery().had_index);
  EXPECT_TRUE(e.blocks().empty());
  Tick t;
  EXPECT_FALSE(e.next(t));

  const auto ticks = make_ticks(300);
  const std::string path = write_capture(dir.path() + "/b.cap", ticks, 128);
  CaptureReader r(path);
  std::vector<std::size_t> sizes;
  std::vector<Tick> back;
  for (auto s = r.next_block(); !s.empty(); s = r.next_block()) {
    sizes.push_back(s.size());
    back.insert(back.end(), s.begin(), s.end());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{128, 128, 44}));
  EXPECT_TRUE(same(back, ticks.data(), ticks.size()));
}

TEST(CaptureFormat, NotACaptureIsRefusedByName) {
  TempDir dir;
  const std::string path = dir.write("ticks.jsonl", R"({"type":"fx","ts":1})"
                                                    "\n");
  EXPECT_FALSE(is_capture_file(path));
  try {
    CaptureReader r(path);
    FAIL() << "opened a JSON Lines file as a capture";
  } catch (const CaptureError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not an adrmon capture"), std::string::npos) << e.what();
  }
}

// A writer killed before close(): the file ends somewhere in its last block
// or in the index. Every cut keeps the whole blocks before it, reports the
// bytes after them, and Repair leaves a file that opens with an index.
TEST(CaptureFormat, TornTailAtEveryByteIsRepairedAndReported) {
  TempDir dir;
  const auto ticks = make_ticks(24);
  const std::string whole = write_capture(dir.path() + "/whole.cap", ticks, 8);
  const std::string bytes = bytes_of(whole);
  std::vector<CaptureBlock> blocks;
  {
    CaptureReader r(whole);
    blocks = r.blocks();
  }
  ASSERT_EQ(blocks.size(), 3u);
  const std::uint64_t last_start = blocks[2].offset;
  // The index starts right after the last block; the footer says where.
  std::uint64_t index_at = 0;
  std::memcpy(&index_at, bytes.data() + bytes.size() - 32, 8);
  ASSERT_GT(index_at, last_start);

  const std::string cut = dir.path() + "/cut.cap";
  for (std::uint64_t k = last_start; k < bytes.size(); ++k) {
    SCOPED_TRACE("cut at byte " + std::to_string(k));
    {
      std::ofstream out(cut, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(k));
    }
    const std::size_t kept = k < index_at ? 2 : 3;
    const std::uint64_t good_end = k < index_at ? last_start : index_at;
    {
      CaptureReader r(cut, CaptureOpen::Repair);
      EXPECT_FALSE(r.recovery().had_index);
      EXPECT_TRUE(r.recovery().repaired);
      EXPECT_EQ(r.recovery().torn_bytes, k - good_end);
      ASSERT_EQ(r.blocks().size(), kept);
      EXPECT_TRUE(same(read_all(r), ticks.data(), kept * 8));
      EXPECT_TRUE(r.error().empty()) << r.error();
    }
    CaptureReader again(cut);
    EXPECT_TRUE(again.recovery().had_index);
    EXPECT_EQ(again.blocks().size(), kept);
    EXPECT_TRUE(same(read_all(again), ticks.data(), kept * 8));
  }
}

TEST(CaptureFormat, ReadOnlyScanReportsButLeavesTheFile) {
  TempDir dir;
  const auto ticks = make_ticks(20);
  const std::string bytes = bytes_of(write_capture(dir.path() + "/w.cap", ticks, 8));
  std::uint64_t index_at = 0;
  std::memcpy(&index_at, bytes.data() + bytes.size() - 32, 8);
  const std::string cut = dir.path() + "/cut.cap";
  {
    std::ofstream out(cut, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(index_at - 5));
  }
  CaptureReader r(cut);
  EXPECT_FALSE(r.recovery().had_index);
  EXPECT_FALSE(r.recovery().repaired);
  EXPECT_EQ(r.blocks().size(), 2u);
  EXPECT_EQ(fs::file_size(cut), index_at - 5);
  EXPECT_TRUE(same(read_all(r), ticks.data(), 16));
}

// Flips one byte of block 1 (of 3): block 0 is read, then next() stops with
// the block's offset and what failed; nothing of block 1 is handed out.
TEST(CaptureFormat, DamagedBlockIsRefusedWithItsOffset) {
  TempDir dir;
  const auto ticks = make_ticks(24);
  const std::string path = write_capture(dir.path() + "/d.cap", ticks, 8);
  std::vector<CaptureBlock> blocks;
  {
    CaptureReader r(path);
    blocks = r.blocks();
  }
  const std::string bytes = bytes_of(path);
  struct Case {
    std::uint64_t at;
    const char* error;
  };
  for (const Case c : {Case{blocks[1].offset + 45, "payload CRC-32 mismatch"},
                       Case{blocks[1].offset + 5, "damaged block header"}}) {
    SCOPED_TRACE(c.error);
    std::string bad = bytes;
    bad[c.at] = static_cast<char>(bad[c.at] ^ 0x5a);
    const std::string p = dir.write("bad.cap", bad);
    CaptureReader r(p);
    const auto back = read_all(r);
    EXPECT_TRUE(same(back, ticks.data(), 8));
    EXPECT_NE(r.error().find("block 1 at offset " + std::to_string(blocks[1].offset)),
              std::string::npos)
        << r.error();
    EXPECT_NE(r.error().find(c.error), std::string::npos) << r.error();
  }
}

TEST(CaptureFormat, RecordOutsideTheInstrumentTableIsRefused) {
  TempDir dir;
  auto ticks = make_ticks(10);
  ticks[4].instrument = 5;  // the table has ids 0..4
  const std::string path = write_capture(dir.path() + "/i.cap", ticks, 8);
  CaptureReader r(path);
  const auto back = read_all(r);
  EXPECT_EQ(back.size(), 0u);
  EXPECT_NE(r.error().find("outside the header's table"), std::string::npos) << r.error();
}

TEST(CaptureFormat, SeekAndUntilUseTheIndex) {
  TempDir dir;
  const auto ticks = make_ticks(1000);  // ts kT0 + 10 i; blocks of 100
  const std::string path = write_capture(dir.path() + "/s.cap", ticks, 100);
  CaptureReader r(path);
  Tick t;
  r.seek(kT0 + 5000);  // record 500: the first of block 5
  ASSERT_TRUE(r.next(t));
  EXPECT_EQ(t.ts_event, kT0 + 5000);
  r.seek(kT0 + 5005);  // inside block 5: the block's first record comes first
  ASSERT_TRUE(r.next(t));
  EXPECT_EQ(t.ts_event, kT0 + 5000);
  r.seek(kT0 + 5990);  // the last record of block 5
  ASSERT_TRUE(r.next(t));
  EXPECT_EQ(t.ts_event, kT0 + 5000);
  r.seek(kT0 + 5991);  // after it: block 6
  ASSERT_TRUE(r.next(t));
  EXPECT_EQ(t.ts_event, kT0 + 6000);

  r.seek(kT0 + 2000);
  r.set_until(kT0 + 4000);  // blocks 2..4: record 400 is block 4's first
  const auto some = read_all(r);
  ASSERT_EQ(some.size(), 300u);
  EXPECT_EQ(some.front().ts_event, kT0 + 2000);
  EXPECT_EQ(some.back().ts_event, kT0 + 4990);

  r.set_until(kT0 + 20000);
  r.seek(kT0 + 10000);  // after every record
  EXPECT_FALSE(r.next(t));
  r.seek(0);
  EXPECT_EQ(read_all(r).size(), 1000u);
}

}  // namespace
}  // namespace adrmon
