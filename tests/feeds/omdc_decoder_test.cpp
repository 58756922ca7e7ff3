// OmdcDecoder and the omdc: file reader, on packets built by hand from the
// OMD-C layouts (omdc_encoder.hpp): header fields (the Filler byte never
// read), per-message sequence numbers, Aggregate Order Book Update levels
// (new shifts down, delete shifts up, change, 74 clears), quotes only when
// level 1 moves while both sides rest, prices with 3 decimals, Security
// Status halts, unknown types skipped by MsgSize, malformed messages, and
// a bad PktSize ending a file at a named offset.
#include "adrmon/feeds/omdc_decoder.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "adrmon/core/instrument.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/feeds/venue_file_reader.hpp"
#include "allocation_counter.hpp"
#include "feeds_test_support.hpp"
#include "omdc_encoder.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

using namespace omdc_test;

constexpr std::uint64_t kSend = 1763951400123456789ULL;
constexpr std::uint32_t kBaba = 9988;
constexpr std::uint32_t kJd = 9618;

BookEntry bid(std::uint8_t level, std::int32_t price, std::uint64_t qty, std::uint8_t action = 0) {
  return BookEntry{qty, price, 3, 0, level, action};
}
BookEntry ask(std::uint8_t level, std::int32_t price, std::uint64_t qty, std::uint8_t action = 0) {
  return BookEntry{qty, price, 3, 1, level, action};
}

class OmdcDecoderTest : public ::testing::Test {
 protected:
  // Decodes one packet; returns every record (with what it was).
  std::vector<std::pair<OmdcEmit, Tick>> run(const std::string& packet) {
    bytes_.push_back(packet);  // stays put while decoded
    const std::string& p = bytes_.back();
    d_.begin_packet(reinterpret_cast<const std::uint8_t*>(p.data()), p.size());
    std::vector<std::pair<OmdcEmit, Tick>> out;
    Tick t{};
    for (OmdcEmit e = d_.next(t); e != OmdcEmit::End; e = d_.next(t)) out.emplace_back(e, t);
    return out;
  }
  std::vector<std::pair<OmdcEmit, Tick>> one(const std::string& msg) {
    return run(packet(seq_++, kSend, {msg}));
  }
  std::uint64_t count(OmdcCount c) const { return d_.counts()[omdc_index(c)]; }
  std::uint64_t count_type(std::uint16_t type) const {
    for (std::size_t i = 0; i < kOmdcTypes.size(); ++i)
      if (kOmdcTypes[i] == type) return d_.counts()[i];
    return ~0ull;
  }
  const OmdcDecoder::Level& level(std::size_t side, std::size_t l) const {
    return d_.book(0).sides[side][l - 1];
  }
  // BABA bid 100.000 x 800 / ask 100.100 x 900 in one message: one quote.
  void two_sided() {
    const auto r = one(book_update(kBaba, {bid(1, 100000, 800), ask(1, 100100, 900)}));
    ASSERT_EQ(r.size(), 1u);
    ASSERT_EQ(r[0].first, OmdcEmit::Quote);
  }
  static void expect_quote(const std::pair<OmdcEmit, Tick>& r, double b, double a, double bs,
                           double as) {
    ASSERT_EQ(r.first, OmdcEmit::Quote);
    EXPECT_EQ(r.second.kind, TickKind::Quote);
    EXPECT_EQ(r.second.instrument, hk_instrument(0));
    EXPECT_EQ(r.second.bid, b);
    EXPECT_EQ(r.second.ask, a);
    EXPECT_EQ(r.second.bid_size, bs);
    EXPECT_EQ(r.second.ask_size, as);
  }

  Config config_ = test::two_pair_config();
  OmdcDecoder d_{config_};
  std::vector<std::string> bytes_;
  std::uint32_t seq_ = 500;
};

TEST_F(OmdcDecoderTest, QuoteCarriesSendTimeSequenceAndThreeDecimalPrices) {
  // The BYD Electronic capture's price: 17460 = HK$17.460.
  const auto r = run(
      packet(1000, kSend,
             {session_status(1, 2), book_update(kBaba, {bid(1, 17460, 1000), ask(1, 17480, 2000)})},
             205));  // junk Filler, as real captures carry
  ASSERT_EQ(r.size(), 1u);
  expect_quote(r[0], 17.46, 17.48, 1000, 2000);
  EXPECT_EQ(r[0].second.ts_event, static_cast<std::int64_t>(kSend));
  EXPECT_EQ(r[0].second.seq, 1001u);  // the packet's SeqNum + its index
  EXPECT_EQ(count_type(20), 1u);
  EXPECT_EQ(count_type(53), 1u);
  EXPECT_EQ(count(OmdcCount::Packets), 1u);
}

TEST_F(OmdcDecoderTest, NewInsertsShiftingDeeperLevelsDown) {
  two_sided();
  // A new level 2 under the best bid: no quote (level 1 unchanged).
  EXPECT_TRUE(one(book_update(kBaba, {bid(2, 99900, 500)})).empty());
  // A new best bid: the old best moves to level 2, the old level 2 to 3.
  expect_quote(one(book_update(kBaba, {bid(1, 100050, 100)}))[0], 100.05, 100.1, 100, 900);
  EXPECT_EQ(level(0, 2).price, 100000);
  EXPECT_EQ(level(0, 3).price, 99900);
  EXPECT_FALSE(level(0, 4).valid);
}

TEST_F(OmdcDecoderTest, DeleteRemovesShiftingUp) {
  two_sided();
  EXPECT_TRUE(one(book_update(kBaba, {ask(2, 100200, 10), ask(3, 100300, 20)})).empty());
  expect_quote(one(book_update(kBaba, {ask(1, 0, 0, 2)}))[0], 100.0, 100.2, 800, 10);
  EXPECT_EQ(level(1, 2).price, 100300);
  EXPECT_FALSE(level(1, 3).valid);
  // Deleting a deeper level shifts only below it, and emits nothing.
  EXPECT_TRUE(one(book_update(kBaba, {ask(2, 0, 0, 2)})).empty());
  EXPECT_FALSE(level(1, 2).valid);
}

TEST_F(OmdcDecoderTest, ChangeReplacesALevel) {
  two_sided();
  expect_quote(one(book_update(kBaba, {bid(1, 100000, 1200, 1)}))[0], 100.0, 100.1, 1200, 900);
  EXPECT_TRUE(one(book_update(kBaba, {bid(1, 100000, 1200, 1)})).empty());  // no change
  EXPECT_FALSE(level(0, 2).valid);
}

TEST_F(OmdcDecoderTest, TheEleventhLevelFallsOut) {
  two_sided();
  for (std::uint8_t l = 2; l <= 10; ++l)
    (void)one(book_update(kBaba, {bid(l, 100000 - 10 * l, l)}));
  EXPECT_EQ(level(0, 10).price, 100000 - 100);
  (void)one(book_update(kBaba, {bid(1, 100010, 1)}));
  EXPECT_EQ(level(0, 10).price, 100000 - 90);  // the old 10th is gone
}

TEST_F(OmdcDecoderTest, ClearEmptiesTheBookAndEmitsNothing) {
  two_sided();
  EXPECT_TRUE(one(book_update(kBaba, {BookEntry{0, 0, 0, 0, 0, 74}})).empty());
  EXPECT_FALSE(level(0, 1).valid);
  EXPECT_FALSE(level(1, 1).valid);
  EXPECT_TRUE(one(book_update(kBaba, {bid(1, 100000, 800)})).empty());  // one side only
  expect_quote(one(book_update(kBaba, {ask(1, 100100, 900)}))[0], 100.0, 100.1, 800, 900);
}

TEST_F(OmdcDecoderTest, AMessageThatEmptiesASideEmitsNothing) {
  two_sided();
  EXPECT_TRUE(one(book_update(kBaba, {bid(1, 0, 0, 2)})).empty());
}

TEST_F(OmdcDecoderTest, SeveralEntriesOneQuote) {
  two_sided();
  const auto r = one(
      book_update(kBaba, {bid(1, 100010, 5), ask(1, 100090, 6), bid(2, 99000, 1), ask(3, 1, 1)}));
  ASSERT_EQ(r.size(), 1u);
  expect_quote(r[0], 100.01, 100.09, 5, 6);
}

TEST_F(OmdcDecoderTest, UntrackedSecuritiesAreSkipped) {
  EXPECT_TRUE(one(book_update(700, {bid(1, 300000, 100), ask(1, 300200, 100)})).empty());
  EXPECT_TRUE(one(security_status(700, 2)).empty());
  EXPECT_EQ(count_type(53), 1u);
}

TEST_F(OmdcDecoderTest, SecurityStatusGivesHaltAndResume) {
  auto r = one(security_status(kJd, 2));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].first, OmdcEmit::Status);
  EXPECT_EQ(r[0].second.kind, TickKind::Halted);
  EXPECT_EQ(r[0].second.instrument, hk_instrument(1));
  EXPECT_EQ(r[0].second.ts_event, static_cast<std::int64_t>(kSend));
  EXPECT_EQ(r[0].second.bid, 0.0);
  r = one(security_status(kJd, 3));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].second.kind, TickKind::Trading);
  EXPECT_EQ(count(OmdcCount::Statuses), 2u);
}

TEST_F(OmdcDecoderTest, UnknownTypesAreSkippedByMsgSize) {
  two_sided();
  const auto r = run(packet(9, kSend,
                            {message(999, std::string(13, 'x')), message(60, std::string(48, 0)),
                             book_update(kBaba, {bid(1, 100020, 1)})}));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].second.seq, 11u);
  EXPECT_EQ(count(OmdcCount::UnknownTypes), 1u);
  EXPECT_EQ(count_type(60), 1u);
}

TEST_F(OmdcDecoderTest, MalformedMessagesAndEntriesAreCounted) {
  two_sided();
  // Too short for its entries: skipped, the next message still read.
  std::string short53 = book_update(kBaba, {bid(1, 1, 1)});
  short53[0] = 12;  // MsgSize 12: the header and body head only
  short53.resize(12);
  const auto r = run(packet(20, kSend, {short53, book_update(kBaba, {bid(1, 100030, 7)})}));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].second.bid, 100.03);
  EXPECT_EQ(count(OmdcCount::Malformed), 1u);
  // Level 0, level 11, side 2, action 9: each entry skipped and counted.
  EXPECT_TRUE(one(book_update(kBaba, {bid(0, 1, 1), bid(11, 1, 1), BookEntry{1, 1, 1, 2, 1, 0},
                                      bid(1, 1, 1, 9)}))
                  .empty());
  EXPECT_EQ(count(OmdcCount::BadEntries), 4u);
  // A MsgSize beyond the packet ends the packet.
  std::string big = security_status(kJd, 2);
  big[0] = 100;
  EXPECT_TRUE(run(packet(30, kSend, {big, security_status(kJd, 2)})).empty());
  EXPECT_EQ(count(OmdcCount::Malformed), 2u);
}

TEST_F(OmdcDecoderTest, CrossedAndZeroPricedBooksAreRefused) {
  two_sided();
  auto r = one(book_update(kBaba, {bid(1, 100200, 1)}));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].first, OmdcEmit::Crossed);
  EXPECT_EQ(count(OmdcCount::CrossedBooks), 1u);
  r = one(book_update(kBaba, {bid(1, 0, 1, 1)}));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].first, OmdcEmit::BadPrice);
}

TEST_F(OmdcDecoderTest, SequenceGapsAndHeartbeats) {
  (void)run(packet(100, kSend, {security_status(kJd, 3), security_status(kJd, 3)}));
  (void)run(packet(102, kSend, {}));  // heartbeat
  (void)run(packet(105, kSend, {security_status(kJd, 3)}));
  EXPECT_EQ(count(OmdcCount::Heartbeats), 1u);
  EXPECT_EQ(count(OmdcCount::SeqGaps), 1u);
  EXPECT_EQ(count(OmdcCount::SeqMissing), 3u);
}

TEST_F(OmdcDecoderTest, HkCodesMatchWithLeadingZerosStripped) {
  Config c = test::two_pair_config();
  c.pairs.push_back(test::make_pair("TCEHY", "700", 1));
  c.pairs.push_back(test::make_pair("BIG", "123456789", 1));
  OmdcDecoder d(c);
  EXPECT_EQ(d.pair_of_code(700), 2);
  EXPECT_EQ(d.pair_of_code(123456789), 3);
  EXPECT_EQ(d.pair_of_code(9988), 0);
  EXPECT_EQ(d.pair_of_code(5), -1);
  EXPECT_EQ(d.pair_of_code(4000000000u), -1);
}

TEST_F(OmdcDecoderTest, DecodingAllocatesNothing) {
  std::vector<std::string> packets;
  for (std::uint32_t i = 0; i < 300; ++i) {
    packets.push_back(packet(
        i * 3, kSend + i,
        {book_update(kBaba, {bid(1, 100000 + static_cast<std::int32_t>(i % 5), i, i % 2 ? 0 : 1),
                             ask(1, 100100, 9)}),
         session_status(1, 2), security_status(kJd, 3)}));
  }
  test::start_counting_allocations();
  Tick t;
  for (const std::string& p : packets) {
    d_.begin_packet(reinterpret_cast<const std::uint8_t*>(p.data()), p.size());
    while (d_.next(t) != OmdcEmit::End) {
    }
  }
  EXPECT_EQ(test::stop_counting_allocations(), 0u);
}

TEST(OmdcCounts, NamesAreStable) {
  EXPECT_EQ(omdc_count_name(0), "omdc_msg_10");
  EXPECT_EQ(omdc_count_name(omdc_index(OmdcCount::Packets)), "omdc_packets");
  EXPECT_EQ(omdc_count_name(omdc_index(OmdcCount::Truncated)), "omdc_truncated");
}

// ---- files ------------------------------------------------------------------

class OmdcFileTest : public ::testing::Test {
 protected:
  Config config_ = test::two_pair_config();
  feeds_test::TempDir dir_;
};

TEST_F(OmdcFileTest, PacketsBackToBack) {
  const std::string day =
      packet(1, kSend, {book_update(kBaba, {bid(1, 100000, 800), ask(1, 100100, 900)})}) +
      packet(2, kSend + 5, {session_status(1, 3), security_status(kBaba, 2)}, 93) +
      packet(4, kSend + 9, {});
  const std::string path = dir_.write("day.omdc", day);
  FileMerger m({"omdc:" + path}, config_);
  std::vector<Tick> out;
  Tick t;
  while (m.next(t)) out.push_back(t);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].seq, 1u);
  EXPECT_EQ(out[1].kind, TickKind::Halted);
  EXPECT_EQ(out[1].seq, 3u);
  EXPECT_EQ(out[1].ts_event, static_cast<std::int64_t>(kSend + 5));
  const OmdcCounts c = m.omdc_counts();
  EXPECT_EQ(c[omdc_index(OmdcCount::Packets)], 3u);
  EXPECT_EQ(c[omdc_index(OmdcCount::Heartbeats)], 1u);
  feeds_test::RecordingLog log;
  EXPECT_FALSE(m.report_read_errors(log));
}

TEST_F(OmdcFileTest, ABadPktSizeEndsTheFileNamingItsOffset) {
  const std::string first = packet(1, kSend, {security_status(kBaba, 2)});
  std::string bad = packet(2, kSend, {security_status(kBaba, 3)});
  bad[0] = 3;
  bad[1] = 0;
  const std::string path = dir_.write("bad.omdc", first + bad);
  VenueFileReader r(parse_source_spec("omdc:" + path), config_, 0);
  Tick t;
  EXPECT_TRUE(r.next(t));
  EXPECT_FALSE(r.next(t));
  EXPECT_EQ(
      std::string(r.decode_error()),
      "bad OMD-C PktSize 3 at offset " + std::to_string(first.size()) + "; the file ends here");
}

TEST_F(OmdcFileTest, AFileCutInsideAPacketSaysSo) {
  std::string p = packet(1, kSend, {security_status(kBaba, 2)});
  p.resize(p.size() - 3);
  const std::string path = dir_.write("cut.omdc", p);
  VenueFileReader r(parse_source_spec("omdc:" + path), config_, 0);
  Tick t;
  EXPECT_FALSE(r.next(t));
  EXPECT_NE(std::string(r.decode_error()).find("file ends inside a packet"), std::string::npos);
}

TEST(OmdcSpec, PathAndSpeed) {
  const SourceSpec s = parse_source_spec("omdc:/cap/hk.bin?speed=max");
  EXPECT_EQ(s.kind, SourceSpec::Kind::Omdc);
  EXPECT_EQ(s.path, "/cap/hk.bin");
  EXPECT_TRUE(s.is_replayed_file());
  EXPECT_THROW(parse_source_spec("omdc:x?date=2024-01-01"), std::invalid_argument);
}

}  // namespace
}  // namespace adrmon
