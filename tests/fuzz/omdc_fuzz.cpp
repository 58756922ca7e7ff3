// Fuzz target: arbitrary bytes -> an omdc: file (a memfd) -> VenueFileReader
// (zlib reads, packet framing) -> OmdcDecoder.
//
// Checked besides "no crash, hang, leak or UB":
// - an accepted quote has finite prices > 0, bid <= ask (a crossed book is
//   refused and counted), a tracked HK id; a status has zero prices;
// - every book side is at most 10 levels; level 1 valid on both sides
//   whenever a quote was just accepted;
// - counts add up: lines = accepted + rejected, crossed_quote = crossed books.
#include <string>

#include "venue_fuzz.hpp"

namespace {

using namespace adrmon;
using adrmon::fuzz::fuzz_fail;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::venue_memfd("omdc_fuzz", {}, data, size);
  if (path.empty()) return 0;
  const Config& config = fuzz::fuzz_config();
  VenueFileReader r(parse_source_spec("omdc:" + path), config, 0);
  OmdcDecoder& d = *r.omdc();
  Tick t;
  std::uint64_t accepted = 0;
  while (r.next(t)) {
    ++accepted;
    if (!fuzz::check_venue_tick(t, config, Leg::Hk, "not a tracked HK line",
                                fuzz::QuoteSizes::NonNegative)) {
      continue;
    }
    const OmdcDecoder::Book& b = d.book(pair_of(t.instrument));
    if (!b.sides[0][0].valid || !b.sides[1][0].valid) fuzz_fail("quote from a one-sided book");
    if (b.sides[0][0].price / 1e3 != t.bid || b.sides[1][0].price / 1e3 != t.ask)
      fuzz_fail("quote differs from level 1");
  }
  const FeedCounts c = r.counts();
  fuzz::check_venue_counts(c, accepted);
  if (c.rejects[Reject::CrossedQuote] != d.counts()[omdc_index(OmdcCount::CrossedBooks)])
    fuzz_fail("crossed rejects != crossed books");
  return 0;
}
