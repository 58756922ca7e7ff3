// CaptureReadAhead (feeds/capture_read_ahead.hpp) on real capture files:
// the same blocks, records and error as CaptureReader itself, through a
// seek and an end bound, on a damaged block and on an empty capture, with
// the decoding thread and with the consumer decoding every block itself; a
// slow consumer leaves the decoding to the thread, a fast one shares it; and
// a consumer that stops early does not hang the decoding thread. Runs under
// TSan (make tsan: CaptureReadAhead).
#include "adrmon/feeds/capture_read_ahead.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "capture_test_support.hpp"
#include "feeds_test_support.hpp"

namespace adrmon {
namespace {

using feeds_test::kT0;
using feeds_test::TempDir;
using namespace capture_test;

struct Blocks {
  std::vector<std::size_t> sizes;
  std::vector<Tick> ticks;
};

template <class Next>
Blocks drain(Next next) {
  Blocks out;
  for (auto b = next(); !b.empty(); b = next()) {
    out.sizes.push_back(b.size());
    out.ticks.insert(out.ticks.end(), b.begin(), b.end());
  }
  return out;
}

TEST(CaptureReadAhead, GivesTheReadersBlocksThroughASeekAndAnEnd) {
  TempDir dir;
  const auto ticks = make_ticks(10'000);  // ts kT0 + 10 i; blocks of 256
  const std::string path = write_capture(dir.path() + "/a.cap", ticks, 256);
  for (const auto& [from, to] :
       {std::pair<std::int64_t, std::int64_t>{0, kT0 + 1'000'000}, {kT0 + 20'000, kT0 + 70'000}}) {
    SCOPED_TRACE(from);
    CaptureReader plain(path);
    plain.seek(from);
    plain.set_until(to);
    const Blocks want = drain([&] { return plain.next_block(); });
    ASSERT_FALSE(want.ticks.empty());

    for (const bool thread : {true, false}) {
      SCOPED_TRACE(thread ? "decoder thread" : "consumer alone");
      CaptureReader reader(path);
      reader.seek(from);
      reader.set_until(to);
      CaptureReadAhead ahead(reader, thread);
      const Blocks got = drain([&] { return ahead.next_block(); });
      EXPECT_EQ(got.sizes, want.sizes);
      EXPECT_TRUE(same(got.ticks, want.ticks.data(), want.ticks.size()));
      EXPECT_TRUE(ahead.error().empty()) << ahead.error();
      EXPECT_TRUE(ahead.next_block().empty());  // the end stays the end
      if (!thread) {
        EXPECT_EQ(ahead.consumer_decoded(), want.sizes.size());
      }
    }
  }
  CaptureReader whole(path);
  CaptureReadAhead ahead(whole);
  const Blocks all = drain([&] { return ahead.next_block(); });
  EXPECT_TRUE(same(all.ticks, ticks.data(), ticks.size()));
  EXPECT_EQ(all.sizes.size(), (10'000u + 255) / 256);
}

// Who decodes: a consumer that takes a while over each block seldom finds
// one missing (never, unless the thread was kept off the CPU for a
// millisecond), so the thread decodes (nearly) all; a consumer that only
// copies out outruns the thread and decodes some itself. Records identical
// either way.
TEST(CaptureReadAhead, ASlowConsumerLeavesTheDecodingToTheThreadAFastOneShares) {
  TempDir dir;
  const auto ticks = make_ticks(65'536);
  const std::string path = write_capture(dir.path() + "/w.cap", ticks, 256);  // 256 blocks
  {
    CaptureReader reader(path);
    CaptureReadAhead ahead(reader);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the slots fill up
    const Blocks got = drain([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // ~50x a block's decode
      return ahead.next_block();
    });
    EXPECT_TRUE(same(got.ticks, ticks.data(), ticks.size()));
    EXPECT_LT(ahead.consumer_decoded(), 32u);
  }
  CaptureReader reader(path);
  CaptureReadAhead ahead(reader);
  const Blocks got = drain([&] { return ahead.next_block(); });
  EXPECT_TRUE(same(got.ticks, ticks.data(), ticks.size()));
  EXPECT_GT(ahead.consumer_decoded(), 0u);
}

// Block 1 of 3 damaged: block 0 comes through, then the end, with the
// reader's own error naming the block and its offset.
TEST(CaptureReadAhead, DamagedBlockEndsWithTheReadersError) {
  TempDir dir;
  const auto ticks = make_ticks(24);
  const std::string path = write_capture(dir.path() + "/d.cap", ticks, 8);
  std::uint64_t block1 = 0;
  {
    CaptureReader r(path);
    block1 = r.blocks()[1].offset;
  }
  std::string bad = bytes_of(path);
  bad[block1 + 45] = static_cast<char>(bad[block1 + 45] ^ 0x5a);
  const std::string p = dir.write("bad.cap", bad);
  CaptureReader plain(p);
  const Blocks want = drain([&] { return plain.next_block(); });
  ASSERT_FALSE(plain.error().empty());

  for (const bool thread : {true, false}) {
    SCOPED_TRACE(thread ? "decoder thread" : "consumer alone");
    CaptureReader reader(p);
    CaptureReadAhead ahead(reader, thread);
    const Blocks got = drain([&] { return ahead.next_block(); });
    EXPECT_EQ(got.sizes, std::vector<std::size_t>{8});
    EXPECT_TRUE(same(got.ticks, ticks.data(), 8));
    EXPECT_EQ(ahead.error(), plain.error());
    EXPECT_NE(ahead.error().find("block 1 at offset " + std::to_string(block1)), std::string::npos)
        << ahead.error();
    EXPECT_TRUE(ahead.next_block().empty());  // and stays ended
  }
}

TEST(CaptureReadAhead, EmptyCaptureEndsAtOnce) {
  TempDir dir;
  CaptureReader reader(write_capture(dir.path() + "/e.cap", {}, 64));
  CaptureReadAhead ahead(reader);
  EXPECT_TRUE(ahead.next_block().empty());
  EXPECT_TRUE(ahead.error().empty());
}

// The consumer takes one block and leaves: the decoder, waiting for a free
// slot with every slot full, is stopped and joined by the destructor.
TEST(CaptureReadAhead, ConsumerThatStopsEarlyDoesNotHangTheDecoder) {
  TempDir dir;
  const auto ticks = make_ticks(4096);
  const std::string path = write_capture(dir.path() + "/s.cap", ticks, 64);  // 64 blocks
  for (int taken = 0; taken < 3; ++taken) {
    CaptureReader reader(path);
    CaptureReadAhead ahead(reader);
    for (int i = 0; i < taken; ++i) {
      const auto b = ahead.next_block();
      ASSERT_EQ(b.size(), 64u);
      EXPECT_EQ(b.front().ts_event, ticks[static_cast<std::size_t>(i) * 64].ts_event);
    }
  }  // each destructor returns: the test would hang otherwise
}

}  // namespace
}  // namespace adrmon
