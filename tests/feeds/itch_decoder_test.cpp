// Length: one case per message type and per book rule, with its bytes spelled
// out from the specification.
// ItchDecoder and the itch: file reader, on byte vectors built by hand from
// the ITCH 5.0 layouts (itch_encoder.hpp): message lengths, every field the
// book reads at its offset, the book rules (A/F add, E/C/X reduce, D delete,
// U replace, unknown references), the emission rules (a quote only when the
// top moves while both sides rest), halts, the length-prefix rule, unknown
// types ending the file at a named offset, timestamps from New York midnight
// and no allocation per message.
#include "adrmon/feeds/itch_decoder.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "adrmon/core/instrument.hpp"
#include "adrmon/core/local_time.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/feeds/venue_file_reader.hpp"
#include "allocation_counter.hpp"
#include "feeds_test_support.hpp"
#include "itch_encoder.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

using namespace itch_test;

// 2025-11-24 is in EST: New York midnight is 05:00 UTC.
constexpr std::int64_t kMidnight = 1763960400LL * 1'000'000'000;
constexpr std::uint16_t kBaba = 7;  // locates as a day's directory might assign them
constexpr std::uint16_t kJd = 9;
constexpr std::uint16_t kAapl = 3;
constexpr std::uint64_t kTs = 34'200'000'000'000;  // 09:30:00 ET, ns after midnight

std::uint64_t count(ItchDecoder& d, ItchCount c) {
  return d.counts()[itch_index(c)];
}
std::uint64_t count_type(ItchDecoder& d, char type) {
  return d.counts()[kItchTypes.find(type)];
}

class ItchDecoderTest : public ::testing::Test {
 protected:
  ItchDecoderTest() : config_(test::two_pair_config()), d_(config_, kMidnight, small()) {
    feed(directory(kBaba, 1, "BABA"));
    feed(directory(kJd, 2, "JD"));
    feed(directory(kAapl, 3, "AAPL"));
  }
  static ItchOptions small() {
    ItchOptions o;
    o.order_capacity = 64;
    o.level_reserve = 4;
    return o;
  }
  // Decodes one message with the next seq; returns what it emitted.
  ItchEmit feed(const std::string& msg) {
    EXPECT_EQ(ItchDecoder::message_length(static_cast<std::uint8_t>(msg[0])), msg.size());
    return d_.decode(reinterpret_cast<const std::uint8_t*>(msg.data()), ++seq_, tick_);
  }
  // Expects a quote of BABA with these fields.
  void expect_quote(ItchEmit e, double bid, double ask, double bid_size, double ask_size,
                    std::uint64_t ts = kTs) {
    ASSERT_EQ(e, ItchEmit::Quote);
    EXPECT_EQ(tick_.kind, TickKind::Quote);
    EXPECT_EQ(tick_.instrument, adr_instrument(0));
    EXPECT_EQ(tick_.bid, bid);
    EXPECT_EQ(tick_.ask, ask);
    EXPECT_EQ(tick_.bid_size, bid_size);
    EXPECT_EQ(tick_.ask_size, ask_size);
    EXPECT_EQ(tick_.ts_event, kMidnight + static_cast<std::int64_t>(ts));
    EXPECT_EQ(tick_.seq, seq_);
  }
  // A two-sided BABA book: bid 100 @ 85.1200 (ref 1), ask 200 @ 85.1400 (ref 2).
  void two_sided() {
    EXPECT_EQ(feed(add(kBaba, kTs, 1, 'B', 100, "BABA", 851200)), ItchEmit::Nothing);
    expect_quote(feed(add(kBaba, kTs, 2, 'S', 200, "BABA", 851400)), 85.12, 85.14, 100, 200);
  }

  Config config_;
  ItchDecoder d_;
  Tick tick_{};
  std::uint64_t seq_ = 0;
};

TEST(ItchLengths, EveryTypeHasItsSpecLengthAndOthersAreUnknown) {
  const std::string_view types = "SRHYLVWKJhAFECXDUPQBINO";
  const std::size_t lengths[] = {12, 39, 25, 20, 26, 35, 12, 28, 35, 21, 36, 40,
                                 31, 36, 23, 19, 35, 44, 40, 19, 50, 20, 48};
  for (std::size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(ItchDecoder::message_length(static_cast<std::uint8_t>(types[i])), lengths[i])
        << types[i];
  }
  std::size_t known = 0;
  for (int t = 0; t < 256; ++t)
    known += ItchDecoder::message_length(static_cast<std::uint8_t>(t)) != 0;
  EXPECT_EQ(known, 23u);
  EXPECT_EQ(ItchDecoder::message_length('Z'), 0u);
  EXPECT_EQ(ItchDecoder::message_length(0), 0u);
}

TEST(ItchLengths, CounterNamesAreStable) {
  EXPECT_EQ(itch_count_name(0), "itch_msg_S");
  EXPECT_EQ(itch_count_name(kItchTypes.find('A')), "itch_msg_A");
  EXPECT_EQ(itch_count_name(itch_index(ItchCount::LengthMismatches)), "itch_length_mismatches");
  EXPECT_EQ(itch_count_name(itch_index(ItchCount::UnknownRefs)), "itch_unknown_refs");
  EXPECT_EQ(itch_count_name(itch_index(ItchCount::Rerequests)), "itch_rerequests");
  EXPECT_EQ(itch_count_name(kItchCountCount), "");
}

TEST_F(ItchDecoderTest, DirectoryTracksOnlyConfiguredAdrs) {
  EXPECT_EQ(d_.pair_of_locate(kBaba), 0);
  EXPECT_EQ(d_.pair_of_locate(kJd), 1);
  EXPECT_EQ(d_.pair_of_locate(kAapl), -1);
  EXPECT_EQ(d_.pair_of_locate(0), -1);
  EXPECT_EQ(count(d_, ItchCount::TrackedSymbols), 2u);
  EXPECT_EQ(count_type(d_, 'R'), 3u);
  // A symbol padded to 8 bytes only matches in full: "BAB" is not BABA.
  feed(directory(11, 4, "BAB"));
  EXPECT_EQ(d_.pair_of_locate(11), -1);
  // A locate re-bound to an untracked symbol stops being tracked.
  feed(directory(kJd, 5, "MSFT"));
  EXPECT_EQ(d_.pair_of_locate(kJd), -1);
}

TEST_F(ItchDecoderTest, FirstQuoteOnceBothSidesRestWithEveryField) {
  // Distinct timestamp bytes: ts is the 48-bit field at offset 5.
  const std::uint64_t ts = 0x0000123456789aULL;
  EXPECT_EQ(feed(add(kBaba, ts, 0x0102030405060708ULL, 'B', 0x00012345, "BABA", 1234567)),
            ItchEmit::Nothing);  // one side only
  const ItchEmit e = feed(add_mpid(kBaba, ts + 1, 42, 'S', 77, "BABA", 1234600, "GSCO"));
  ASSERT_EQ(e, ItchEmit::Quote);
  EXPECT_EQ(tick_.ts_event, kMidnight + static_cast<std::int64_t>(ts + 1));
  EXPECT_EQ(tick_.bid, 123.4567);
  EXPECT_EQ(tick_.ask, 123.46);
  EXPECT_EQ(tick_.bid_size, 0x12345);
  EXPECT_EQ(tick_.ask_size, 77);
  EXPECT_EQ(tick_.seq, seq_);
  EXPECT_EQ(tick_.instrument, adr_instrument(0));
  EXPECT_EQ(count_type(d_, 'A'), 1u);
  EXPECT_EQ(count_type(d_, 'F'), 1u);
  EXPECT_EQ(d_.orders().size(), 2u);
  EXPECT_NE(const_cast<OrderMap&>(d_.orders()).find(0x0102030405060708ULL), nullptr);
}

TEST_F(ItchDecoderTest, OnlyTopChangesEmit) {
  two_sided();
  EXPECT_EQ(feed(add(kBaba, kTs, 3, 'B', 50, "BABA", 851100)), ItchEmit::Nothing);  // deeper bid
  EXPECT_EQ(feed(add(kBaba, kTs, 4, 'S', 50, "BABA", 851500)), ItchEmit::Nothing);  // deeper ask
  expect_quote(feed(add(kBaba, kTs, 5, 'B', 30, "BABA", 851200)), 85.12, 85.14, 130, 200);
  expect_quote(feed(add(kBaba, kTs, 6, 'B', 10, "BABA", 851300)), 85.13, 85.14, 10, 200);
  expect_quote(feed(add(kBaba, kTs, 7, 'S', 5, "BABA", 851300)), 85.13, 85.13, 10, 5);  // locked
  EXPECT_EQ(feed(cancel(kBaba, kTs, 3, 20)), ItchEmit::Nothing);  // deeper level shrinks
}

TEST_F(ItchDecoderTest, ExecutionsAndCancelsReduceAndRemove) {
  two_sided();
  expect_quote(feed(executed(kBaba, kTs + 1, 1, 40, 900)), 85.12, 85.14, 60, 200, kTs + 1);
  // C reduces the resting order; its execution price (offset 32) is not the book's.
  expect_quote(feed(executed_price(kBaba, kTs + 2, 2, 50, 901, 'N', 851000)), 85.12, 85.14, 60, 150,
               kTs + 2);
  expect_quote(feed(cancel(kBaba, kTs + 3, 2, 149)), 85.12, 85.14, 60, 1, kTs + 3);
  // A second bid below; executing the best bid in full uncovers it.
  EXPECT_EQ(feed(add(kBaba, kTs, 3, 'B', 500, "BABA", 850000)), ItchEmit::Nothing);
  expect_quote(feed(executed(kBaba, kTs + 4, 1, 60, 902)), 85.0, 85.14, 500, 1, kTs + 4);
  EXPECT_EQ(const_cast<OrderMap&>(d_.orders()).find(1), nullptr);
  EXPECT_EQ(count(d_, ItchCount::OverReductions), 0u);
  // More than rests: the order goes, and that is counted.
  EXPECT_EQ(feed(cancel(kBaba, kTs, 2, 5)), ItchEmit::Nothing);  // empties the ask side
  EXPECT_EQ(count(d_, ItchCount::OverReductions), 1u);
  EXPECT_EQ(d_.book(0).asks.depth(), 0u);
}

TEST_F(ItchDecoderTest, DeleteRemovesTheWholeOrder) {
  two_sided();
  EXPECT_EQ(feed(add(kBaba, kTs, 3, 'S', 70, "BABA", 851400)), ItchEmit::Quote);
  expect_quote(feed(del(kBaba, kTs, 2)), 85.12, 85.14, 100, 70);
  EXPECT_EQ(d_.orders().size(), 2u);
}

TEST_F(ItchDecoderTest, ReplaceMovesTheOrderKeepingSideAndSymbol) {
  two_sided();
  // U: orig 1 (bid) -> new ref 10, 300 shares at 85.1300: still a bid, still BABA.
  expect_quote(feed(replace(kBaba, kTs, 1, 10, 300, 851300)), 85.13, 85.14, 300, 200);
  OrderMap& orders = const_cast<OrderMap&>(d_.orders());
  EXPECT_EQ(orders.find(1), nullptr);
  ASSERT_NE(orders.find(10), nullptr);
  EXPECT_EQ(orders.find(10)->side, 0);
  EXPECT_EQ(orders.find(10)->book, 0);
  EXPECT_EQ(d_.book(0).bids.depth(), 1u);  // the old level is gone
  // The new reference works like any other.
  expect_quote(feed(executed(kBaba, kTs, 10, 100, 1)), 85.13, 85.14, 200, 200);
  // Replacing an unknown order adds nothing.
  EXPECT_EQ(feed(replace(kBaba, kTs, 999, 11, 5, 851350)), ItchEmit::Nothing);
  EXPECT_EQ(orders.find(11), nullptr);
  EXPECT_EQ(count(d_, ItchCount::UnknownRefs), 1u);
}

TEST_F(ItchDecoderTest, AMessageThatEmptiesASideEmitsNothingThenTheRefillDoes) {
  two_sided();
  EXPECT_EQ(feed(del(kBaba, kTs, 2)), ItchEmit::Nothing);
  EXPECT_EQ(feed(add(kBaba, kTs, 3, 'B', 5, "BABA", 851250)), ItchEmit::Nothing);  // one side
  // The same ask as before the gap is a change from "no ask".
  expect_quote(feed(add(kBaba, kTs, 4, 'S', 200, "BABA", 851400)), 85.125, 85.14, 5, 200);
}

TEST_F(ItchDecoderTest, UnknownReferencesAreIgnoredAndCounted) {
  two_sided();
  EXPECT_EQ(feed(executed(kBaba, kTs, 77, 1, 1)), ItchEmit::Nothing);
  EXPECT_EQ(feed(executed_price(kBaba, kTs, 77, 1, 1, 'Y', 1)), ItchEmit::Nothing);
  EXPECT_EQ(feed(cancel(kBaba, kTs, 77, 1)), ItchEmit::Nothing);
  EXPECT_EQ(feed(del(kBaba, kTs, 77)), ItchEmit::Nothing);
  EXPECT_EQ(feed(replace(kBaba, kTs, 77, 78, 1, 1)), ItchEmit::Nothing);
  EXPECT_EQ(count(d_, ItchCount::UnknownRefs), 5u);
  // Untracked symbols are skipped before any lookup: not "unknown".
  EXPECT_EQ(feed(del(kAapl, kTs, 77)), ItchEmit::Nothing);
  EXPECT_EQ(count(d_, ItchCount::UnknownRefs), 5u);
  EXPECT_EQ(d_.book(0).bid_sz, 100u);
  EXPECT_EQ(d_.book(0).ask_sz, 200u);
}

TEST_F(ItchDecoderTest, UntrackedSymbolsRestNothing) {
  EXPECT_EQ(feed(add(kAapl, kTs, 1, 'B', 100, "AAPL", 1900000)), ItchEmit::Nothing);
  EXPECT_EQ(feed(add(kAapl, kTs, 2, 'S', 100, "AAPL", 1900100)), ItchEmit::Nothing);
  EXPECT_EQ(feed(add(55, kTs, 3, 'S', 100, "ZZZZ", 1)), ItchEmit::Nothing);  // no directory
  EXPECT_EQ(d_.orders().size(), 0u);
  EXPECT_EQ(count_type(d_, 'A'), 3u);
}

TEST_F(ItchDecoderTest, DuplicateReferencesAreIgnored) {
  two_sided();
  EXPECT_EQ(feed(add(kBaba, kTs, 1, 'B', 999, "BABA", 851300)), ItchEmit::Nothing);
  EXPECT_EQ(count(d_, ItchCount::DuplicateRefs), 1u);
  EXPECT_EQ(d_.book(0).bid_px, 851200u);
}

TEST_F(ItchDecoderTest, TradesCrossesAndBreaksLeaveTheBook) {
  two_sided();
  EXPECT_EQ(feed(trade(kBaba, kTs, 100, "BABA", 851300, 5)), ItchEmit::Nothing);
  EXPECT_EQ(feed(cross(kBaba, kTs, 1000, "BABA", 851300, 6, 'O')), ItchEmit::Nothing);
  EXPECT_EQ(feed(broken(kBaba, kTs, 5)), ItchEmit::Nothing);
  EXPECT_EQ(feed(system_event(kTs, 'Q')), ItchEmit::Nothing);
  EXPECT_EQ(feed(other('I', 50, kBaba, kTs)), ItchEmit::Nothing);
  EXPECT_EQ(count_type(d_, 'P'), 1u);
  EXPECT_EQ(count_type(d_, 'Q'), 1u);
  EXPECT_EQ(count_type(d_, 'B'), 1u);
  EXPECT_EQ(count_type(d_, 'S'), 1u);
  EXPECT_EQ(count_type(d_, 'I'), 1u);
  EXPECT_EQ(d_.book(0).bid_sz, 100u);
  EXPECT_EQ(d_.book(0).ask_sz, 200u);
}

TEST_F(ItchDecoderTest, TradingActionOfATrackedSymbolIsAStatus) {
  ASSERT_EQ(feed(trading_action(kJd, kTs, "JD", 'H')), ItchEmit::Status);
  EXPECT_EQ(tick_.kind, TickKind::Halted);
  EXPECT_EQ(tick_.instrument, adr_instrument(1));
  EXPECT_EQ(tick_.ts_event, kMidnight + static_cast<std::int64_t>(kTs));
  EXPECT_EQ(tick_.seq, seq_);
  EXPECT_EQ(tick_.bid, 0.0);
  EXPECT_EQ(tick_.ask_size, 0.0);
  ASSERT_EQ(feed(trading_action(kJd, kTs, "JD", 'P')), ItchEmit::Status);
  EXPECT_EQ(tick_.kind, TickKind::Halted);  // paused: not trading
  ASSERT_EQ(feed(trading_action(kJd, kTs, "JD", 'Q')), ItchEmit::Status);
  EXPECT_EQ(tick_.kind, TickKind::Halted);  // quote-only: not trading
  ASSERT_EQ(feed(trading_action(kJd, kTs + 1, "JD", 'T')), ItchEmit::Status);
  EXPECT_EQ(tick_.kind, TickKind::Trading);
  EXPECT_EQ(feed(trading_action(kAapl, kTs, "AAPL", 'H')), ItchEmit::Nothing);
  EXPECT_EQ(count(d_, ItchCount::Statuses), 4u);
}

TEST_F(ItchDecoderTest, ACrossedBookIsRefusedAndCounted) {
  two_sided();
  EXPECT_EQ(feed(add(kBaba, kTs, 3, 'B', 10, "BABA", 851500)), ItchEmit::Crossed);
  EXPECT_EQ(count(d_, ItchCount::CrossedBooks), 1u);
  expect_quote(feed(del(kBaba, kTs, 3)), 85.12, 85.14, 100, 200);
}

TEST_F(ItchDecoderTest, AFullOrderTableDropsAddsAndCountsThem) {
  for (std::uint64_t ref = 1; ref <= 64; ++ref)
    (void)feed(add(kJd, kTs, ref, 'B', 1, "JD", 100000 + static_cast<std::uint32_t>(ref)));
  EXPECT_EQ(d_.orders().size(), 64u);
  EXPECT_EQ(feed(add(kJd, kTs, 65, 'S', 1, "JD", 200000)), ItchEmit::Nothing);
  EXPECT_EQ(count(d_, ItchCount::OrderTableFull), 1u);
  EXPECT_EQ(count(d_, ItchCount::OrderCapacity), 64u);
  EXPECT_EQ(count(d_, ItchCount::OrdersPeak), 64u);
  EXPECT_GT(count(d_, ItchCount::LevelGrowths), 0u);  // 64 levels outgrew a reserve of 4
  // Deleting every order in a shuffled order leaves a consistent, empty table.
  for (std::uint64_t i = 0; i < 64; ++i) (void)feed(del(kJd, kTs, 1 + (i * 37) % 64));
  EXPECT_EQ(d_.orders().size(), 0u);
  EXPECT_EQ(d_.book(1).bids.depth(), 0u);
  EXPECT_EQ(count(d_, ItchCount::UnknownRefs), 0u);
}

TEST(OrderMap, BackwardShiftKeepsEveryOrderFindable) {
  OrderMap m(1000);
  std::vector<std::uint64_t> live;
  std::uint64_t x = 12345;
  for (int round = 0; round < 20000; ++round) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    if (live.size() < 900 && (x >> 60) < 9) {
      const std::uint64_t ref = x >> 20;
      if (m.find(ref) != nullptr) continue;
      ASSERT_TRUE(m.insert(ItchOrder{ref, 1, 1, 0, 0}));
      live.push_back(ref);
    } else if (!live.empty()) {
      const std::size_t i = (x >> 33) % live.size();
      ItchOrder* o = m.find(live[i]);
      ASSERT_NE(o, nullptr);
      m.erase(o);
      live[i] = live.back();
      live.pop_back();
    }
    if (round % 997 == 0) {
      for (std::uint64_t ref : live) ASSERT_NE(m.find(ref), nullptr);
    }
  }
  EXPECT_EQ(m.size(), live.size());
}

TEST_F(ItchDecoderTest, DecodingAllocatesNothing) {
  std::vector<std::string> msgs;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const auto px = static_cast<std::uint32_t>(850000 + (i % 3) * 100);
    msgs.push_back(
        add(kBaba, kTs + i, 100 + i, i % 2 ? 'S' : 'B', 10, "BABA", i % 2 ? px + 1000 : px));
    msgs.push_back(executed(kBaba, kTs + i, 100 + i, 5, i));
    msgs.push_back(replace(kBaba, kTs + i, 100 + i, 1000 + i, 7, i % 2 ? px + 900 : px + 50));
    msgs.push_back(trade(kAapl, kTs, 1, "AAPL", 1, 1));
    msgs.push_back(del(kBaba, kTs + i, 1000 + i));
  }
  test::start_counting_allocations();
  for (const std::string& m : msgs) {
    (void)d_.decode(reinterpret_cast<const std::uint8_t*>(m.data()), ++seq_, tick_);
  }
  EXPECT_EQ(test::stop_counting_allocations(), 0u);
}

// ---- files: framing, length prefixes, errors, dates ------------------------

class ItchFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::vector<std::string>& records) {
    std::string bytes;
    for (const std::string& r : records) bytes += r;
    return dir_.write(name, bytes);
  }
  std::vector<Tick> read_all(VenueFileReader& r) {
    std::vector<Tick> out;
    Tick t;
    while (r.next(t)) out.push_back(t);
    return out;
  }
  // A small day: BABA and AAPL in the directory, a BABA book, a halt.
  std::vector<std::string> day() {
    return {frame(system_event(10, 'O')),
            frame(directory(kBaba, 11, "BABA")),
            frame(directory(kAapl, 12, "AAPL")),
            frame(add(kAapl, kTs, 1, 'B', 100, "AAPL", 1900000)),
            frame(add(kBaba, kTs, 2, 'B', 100, "BABA", 851200)),
            frame(add(kBaba, kTs + 5, 3, 'S', 200, "BABA", 851400)),  // message 6: a quote
            frame(trading_action(kBaba, kTs + 9, "BABA", 'H'))};      // message 7: a status
  }

  Config config_ = test::two_pair_config();
  feeds_test::TempDir dir_;
};

TEST_F(ItchFileTest, RecordsGiveQuotesAndStatusesWithPositionAsSeq) {
  const std::string path = write("d.itch", day());
  VenueFileReader r(parse_source_spec("itch:" + path + "?date=2025-11-24"), config_, 3);
  const std::vector<Tick> ticks = read_all(r);
  ASSERT_EQ(ticks.size(), 2u);
  EXPECT_EQ(ticks[0].kind, TickKind::Quote);
  EXPECT_EQ(ticks[0].seq, 6u);
  EXPECT_EQ(ticks[0].ts_event, kMidnight + static_cast<std::int64_t>(kTs + 5));
  EXPECT_EQ(ticks[0].source, 3);
  EXPECT_EQ(ticks[1].kind, TickKind::Halted);
  EXPECT_EQ(ticks[1].seq, 7u);
  EXPECT_EQ(r.messages(), 7u);
  EXPECT_TRUE(r.decode_error().empty());
  EXPECT_EQ(r.read_error(), 0);
  const FeedCounts c = r.counts();
  EXPECT_EQ(c.lines, 2u);
  EXPECT_EQ(c.parsed, 2u);
  EXPECT_EQ(c.rejects.total(), 0u);
  EXPECT_EQ((*r.itch_counts())[itch_index(ItchCount::LengthMismatches)], 0u);
}

TEST_F(ItchFileTest, ZeroOrWrongPrefixesUseTheTypesLengthAndAreCounted) {
  std::vector<std::string> recs = day();
  for (std::string& rec : recs) rec[0] = rec[1] = '\0';  // as in published sample files
  recs[3][1] = 7;                                        // and one plain wrong length
  const std::string path = write("zero.itch", recs);
  VenueFileReader r(parse_source_spec("itch:" + path + "?date=2025-11-24"), config_, 0);
  EXPECT_EQ(read_all(r).size(), 2u);
  EXPECT_EQ((*r.itch_counts())[itch_index(ItchCount::LengthMismatches)], 7u);
  EXPECT_TRUE(r.decode_error().empty());
}

TEST_F(ItchFileTest, AnUnknownTypeEndsTheFileNamingItsOffset) {
  std::vector<std::string> recs = day();
  std::size_t offset = 0;
  for (std::size_t i = 0; i < 5; ++i) offset += recs[i].size();
  recs.insert(recs.begin() + 5, frame(std::string("Z") + std::string(10, '\0')));
  const std::string path = write("z.itch", recs);
  FileMerger m({"itch:" + path + "?date=2025-11-24"}, config_);
  Tick t;
  EXPECT_FALSE(m.next(t));  // the quote and halt after the bad record are never reached
  feeds_test::RecordingLog log;
  EXPECT_TRUE(m.report_read_errors(log));
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_NE(
      log.lines()[0].find("unknown ITCH message type 0x5a at offset " + std::to_string(offset)),
      std::string::npos)
      << log.lines()[0];
  EXPECT_NE(log.lines()[0].find(path), std::string::npos);
  EXPECT_EQ(m.itch_counts()[itch_index(ItchCount::UnknownTypes)], 1u);
}

TEST_F(ItchFileTest, AFileCutInsideAMessageSaysSo) {
  std::vector<std::string> recs = day();
  recs.back().resize(10);
  const std::string path = write("cut.itch", recs);
  VenueFileReader r(parse_source_spec("itch:" + path + "?date=2025-11-24"), config_, 0);
  EXPECT_EQ(read_all(r).size(), 1u);
  EXPECT_NE(std::string(r.decode_error()).find("file ends inside a message (type 0x48)"),
            std::string::npos)
      << r.decode_error();
  EXPECT_EQ((*r.itch_counts())[itch_index(ItchCount::Truncated)], 1u);
}

TEST_F(ItchFileTest, DateComesFromANasdaqFileNameAndDstIsTheTzDatabases) {
  // 07302019: EDT, midnight = 04:00 UTC. 12302019: EST, 05:00 UTC.
  const std::string summer = write("07302019.NASDAQ_ITCH50", day());
  const std::string winter = write("12302019.NASDAQ_ITCH50", day());
  VenueFileReader s(parse_source_spec("itch:" + summer), config_, 0);
  VenueFileReader w(parse_source_spec("itch:" + winter), config_, 0);
  const std::int64_t summer_midnight = 1564459200LL * 1'000'000'000;  // 2019-07-30 04:00 UTC
  const std::int64_t winter_midnight = 1577682000LL * 1'000'000'000;  // 2019-12-30 05:00 UTC
  EXPECT_EQ(s.itch()->midnight_ns(), summer_midnight);
  EXPECT_EQ(w.itch()->midnight_ns(), winter_midnight);
  Tick t;
  ASSERT_TRUE(s.next(t));
  EXPECT_EQ(t.ts_event, summer_midnight + static_cast<std::int64_t>(kTs + 5));
  EXPECT_EQ(local_midnight_ns("America/New_York", {2025, 11, 24}), kMidnight);
}

TEST_F(ItchFileTest, GzipFilesAreReadThroughZlib) {
  const std::string path = write("01302020.NASDAQ_ITCH50", day());
  ASSERT_EQ(std::system(("gzip -f " + path).c_str()), 0);
  VenueFileReader r(parse_source_spec("itch:" + path + ".gz"), config_, 0);
  EXPECT_EQ(read_all(r).size(), 2u);
  EXPECT_EQ(r.messages(), 7u);
  EXPECT_TRUE(r.decode_error().empty());
}

TEST_F(ItchFileTest, MergesWithJsonFilesByTs) {
  const std::string itch = write("d.itch", day());
  const std::int64_t quote_ts = kMidnight + static_cast<std::int64_t>(kTs + 5);
  const std::string json = dir_.write(
      "hk.jsonl", feeds_test::quote(quote_ts - 1, "HK", "9988", 100, 100.1, 800, 900) + "\n" +
                      feeds_test::quote(quote_ts + 1, "HK", "9988", 100, 100.1, 800, 900) + "\n");
  FileMerger m({"itch:" + itch + "?date=2025-11-24", json}, config_);
  std::vector<Tick> out;
  Tick t;
  while (m.next(t)) out.push_back(t);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].instrument, hk_instrument(0));
  EXPECT_EQ(out[1].instrument, adr_instrument(0));
  EXPECT_EQ(out[1].source, 0);
  EXPECT_EQ(out[2].instrument, hk_instrument(0));
  EXPECT_EQ(out[3].kind, TickKind::Halted);
  EXPECT_EQ(m.counts().lines, 4u);
  EXPECT_EQ(m.counts().parsed, 4u);
  EXPECT_EQ(m.itch_counts()[kItchTypes.find('A')], 3u);
  EXPECT_EQ(m.readers()[0], nullptr);
  EXPECT_NE(m.venue_readers()[0], nullptr);
  feeds_test::RecordingLog log;
  EXPECT_FALSE(m.report_read_errors(log));
}

TEST_F(ItchFileTest, AMissingFileIsAStartUpError) {
  EXPECT_THROW(FileMerger({"itch:/nonexistent/x.itch?date=2025-11-24"}, config_),
               std::runtime_error);
}

// ---- specs ------------------------------------------------------------------

std::string refusal(const std::string& text) {
  try {
    parse_source_spec(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ItchSpec, PathDateSpeedAndOrders) {
  const SourceSpec s = parse_source_spec("itch:/d/x.itch?date=2024-03-08&speed=2&orders=1000");
  EXPECT_EQ(s.kind, SourceSpec::Kind::Itch);
  EXPECT_EQ(s.path, "/d/x.itch");
  EXPECT_EQ(s.date, (LocalDate{2024, 3, 8}));
  EXPECT_EQ(s.speed, 2.0);
  EXPECT_EQ(s.order_capacity, 1000u);
  EXPECT_TRUE(s.is_replayed_file());
  const SourceSpec n = parse_source_spec("itch:/data/01302020.NASDAQ_ITCH50.gz");
  EXPECT_EQ(n.date, (LocalDate{2020, 1, 30}));
  // ?date= wins over the name.
  EXPECT_EQ(parse_source_spec("itch:12302019.NASDAQ_ITCH50?date=2019-12-31").date,
            (LocalDate{2019, 12, 31}));
}

TEST(ItchSpec, RefusalsNameTheSpec) {
  EXPECT_EQ(refusal("itch:day.bin"),
            "source 'itch:day.bin': no trading date: add ?date=YYYY-MM-DD (the file name is not "
            "MMDDYYYY.NASDAQ_ITCH50[.gz])");
  EXPECT_EQ(refusal("itch:13302019.NASDAQ_ITCH50").substr(0, 36),
            "source 'itch:13302019.NASDAQ_ITCH50'");
  EXPECT_EQ(refusal("itch:x?date=2024-3-8"),
            "source 'itch:x?date=2024-3-8': date must be YYYY-MM-DD");
  EXPECT_EQ(refusal("itch:x?date=2024-03-08&orders=0"),
            "source 'itch:x?date=2024-03-08&orders=0': orders must be a whole number from 1 to "
            "1073741824");
  EXPECT_EQ(refusal("itch:x?date=2024-03-08&follow=1"),
            "source 'itch:x?date=2024-03-08&follow=1': unknown option 'follow' (date, speed, "
            "orders)");
  EXPECT_EQ(refusal("itch:?date=2024-03-08"), "source 'itch:?date=2024-03-08': empty path");
}

}  // namespace
}  // namespace adrmon
