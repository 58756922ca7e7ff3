// Fuzz target: arbitrary bytes -> an itch: file (a memfd) -> VenueFileReader
// (zlib reads, [uint16 BE length][message] framing) -> ItchDecoder.
//
// Every input is preceded by a fixed prologue (Stock Directory records for
// the fuzz config's BABA and A at locates 1 and 2), so mutations reach
// tracked books at once. Checked besides "no crash, hang, leak or UB":
// - an accepted quote has finite prices > 0, bid <= ask (a crossed book is
//   refused and counted, never emitted), sizes > 0, a tracked ADR id and
//   seq <= the messages framed; a status has zero prices;
// - every price ladder is strictly sorted with positive level totals;
//   each level's total equals the sum of its resting orders, and the order
//   table holds exactly the orders the levels add up from (checked at the
//   end);
// - counts add up: lines = accepted + rejected, crossed_quote = crossed books.
#include <map>
#include <string>
#include <tuple>

#include "../feeds/itch_encoder.hpp"
#include "venue_fuzz.hpp"

namespace {

using namespace adrmon;
using adrmon::fuzz::fuzz_fail;

const std::string& prologue() {
  static const std::string p = itch_test::frame(itch_test::directory(1, 1, "BABA")) +
                               itch_test::frame(itch_test::directory(2, 2, "A"));
  return p;
}

void check_books(ItchDecoder& d) {
  for (std::size_t b = 0; b < d.book_count(); ++b) {
    const ItchDecoder::Book& book = d.book(b);
    for (const PriceLadder* l : {&book.bids, &book.asks}) {
      const auto& levels = l->levels();
      for (std::size_t i = 0; i < levels.size(); ++i) {
        if (levels[i].shares == 0) fuzz_fail("a level with no shares");
        if (i > 0 && levels[i - 1].key >= levels[i].key) fuzz_fail("ladder not strictly sorted");
      }
    }
    const std::uint32_t bid = book.bids.empty() ? 0 : book.bids.best_price();
    const std::uint32_t ask = book.asks.empty() ? 0 : book.asks.best_price();
    if (bid != book.bid_px || ask != book.ask_px) fuzz_fail("remembered top differs from the book");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::venue_memfd("itch_fuzz", prologue(), data, size);
  if (path.empty()) return 0;
  const Config& config = fuzz::fuzz_config();
  const SourceSpec spec = parse_source_spec("itch:" + path + "?date=2025-11-24&orders=512");
  VenueFileReader r(spec, config, 0);
  ItchDecoder& d = *r.itch();
  Tick t;
  std::uint64_t accepted = 0;
  while (r.next(t)) {
    ++accepted;
    if (t.seq == 0 || t.seq > r.messages()) fuzz_fail("seq outside the messages framed");
    if (!fuzz::check_venue_tick(t, config, Leg::Adr, "not a tracked ADR",
                                fuzz::QuoteSizes::Positive)) {
      continue;
    }
    if ((accepted & 15) == 0) check_books(d);
  }
  check_books(d);
  const FeedCounts c = r.counts();
  fuzz::check_venue_counts(c, accepted);
  const ItchCounts& k = d.counts();
  if (c.rejects[Reject::CrossedQuote] != k[itch_index(ItchCount::CrossedBooks)])
    fuzz_fail("crossed rejects != crossed books");
  if (k[itch_index(ItchCount::OrdersLive)] > k[itch_index(ItchCount::OrderCapacity)])
    fuzz_fail("more orders than capacity");
  // Every level's total is the sum of its resting orders, and no order
  // rests at a level the ladder lacks.
  std::map<std::tuple<std::size_t, int, std::uint32_t>, std::uint64_t> from_orders;
  std::size_t n = 0;
  d.orders().for_each([&](const ItchOrder& o) {
    from_orders[{o.book, o.side, o.price}] += o.shares;
    ++n;
  });
  if (n != d.orders().size()) fuzz_fail("order table size is wrong");
  std::size_t levels = 0;
  for (std::size_t b = 0; b < d.book_count(); ++b) {
    for (int side = 0; side < 2; ++side) {
      const PriceLadder& l = side == 0 ? d.book(b).bids : d.book(b).asks;
      for (const auto& level : l.levels()) {
        ++levels;
        const auto it = from_orders.find({b, side, l.price_of(level.key)});
        if (it == from_orders.end() || it->second != level.shares)
          fuzz_fail("a level total differs from its orders");
      }
    }
  }
  if (levels != from_orders.size()) fuzz_fail("orders rest at levels the ladder lacks");
  return 0;
}
