// Venue encodings of a generated day: the quotes adrmon-gen drew for one
// venue become a venue's own message stream (Nasdaq TotalView-ITCH 5.0 for
// the US side, HKEX OMD-C for the HK side), and the JSON records a correct
// decoder emits from that stream are derived back from it.
//
// Data flow (make_itch_day / make_omdc_day):
//   quotes (sorted by ts) -> per-instrument order flow planned so that each
//   quote's top of book appears at the quote's ts (adds, executions, cancels,
//   replaces, deletes; deep-book noise between quotes; untracked instruments
//   interleaved; a halt or suspension) -> messages merged by ts -> bytes ->
//   the bytes' messages replayed through a small book model under the
//   contract of issue 11 -> derived quote and status records (what the JSON
//   file of that venue then holds). The derivation checks that every drawn
//   quote appears, in order, among the derived ones; a planner bug throws.
//
// Cold path: allocates freely; single-threaded; throws std::runtime_error on
// bad input (a symbol ITCH cannot carry, a day that does not fit 48 bits)
// and std::logic_error when the derived quotes miss a drawn one (a bug).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace adrmon::gen {

// One drawn quote of instrument `inst` (prices in grid units: cents for US,
// thousandths of HKD for HK; sizes in shares).
struct VenueQuote {
  std::int64_t ts;
  std::uint32_t inst;
  std::int64_t bid;
  std::int64_t ask;
  std::int64_t bid_size;
  std::int64_t ask_size;
};

// A halt (US) or suspension (HK) of one instrument over [start, end).
struct HaltWindow {
  bool on = false;
  std::uint32_t inst = 0;
  std::int64_t start = 0;
  std::int64_t end = 0;
};

// A record a correct decoder emits: a quote, or a status (trading or not).
struct DerivedRecord {
  std::int64_t ts = 0;
  std::uint32_t inst = 0;
  bool is_status = false;
  bool trading = false;  // status only
  std::int64_t bid = 0;  // quote only: grid units, shares
  std::int64_t ask = 0;
  std::int64_t bid_size = 0;
  std::int64_t ask_size = 0;
  std::uint64_t seq = 0;  // quote only: ITCH position in the file / OMD-C message sequence
};

struct VenueDay {
  std::string bytes;                            // the file: ITCH records or OMD-C packets
  std::vector<DerivedRecord> records;           // in stream order
  std::map<std::string, std::uint64_t> counts;  // messages by type ("A", "53", ...), packets
  std::uint64_t drawn_quotes = 0;               // quotes handed in
  std::uint64_t folded_quotes = 0;        // drawn quotes equal to the previous one (no change)
  std::uint64_t suspended_quotes = 0;     // drawn quotes inside an HK suspension (book cleared)
  std::uint64_t intermediate_quotes = 0;  // derived quotes that were not drawn (same ts)
  std::uint64_t untracked_instruments = 0;
};

struct ItchDayInput {
  std::vector<std::string> symbols;  // tracked ADR symbol per inst (<= 8 bytes)
  std::vector<VenueQuote> quotes;    // sorted by ts
  std::int64_t start_ns = 0;         // the generated day
  std::int64_t end_ns = 0;
  std::int64_t midnight_ns = 0;  // local midnight America/New_York of the ITCH date
  std::uint64_t seed = 1;
  int untracked = 400;          // other symbols in the directory, with order flow of their own
  double untracked_rate = 0.3;  // quote changes per second per untracked symbol
  HaltWindow halt;
};

struct OmdcDayInput {
  std::vector<std::uint32_t> codes;  // tracked HK SecurityCode per inst
  std::vector<int> lots;             // board lot per inst
  std::vector<VenueQuote> quotes;    // sorted by ts
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::uint64_t seed = 1;
  int untracked = 200;
  double untracked_rate = 0.3;
  HaltWindow suspension;
};

// Checks that every drawn quote of shown[inst] appears, in order, among
// inst's derived quotes in `records`, and returns how many quotes were
// derived. With reject_crossed, a derived quote that is not a drawn one must
// not be crossed either. Throws std::logic_error naming `venue` and
// name_of(inst) (a planner bug).
template <class NameOf>
std::uint64_t match_drawn_quotes(const std::vector<DerivedRecord>& records,
                                 const std::vector<std::vector<VenueQuote>>& shown,
                                 const std::string& venue, bool reject_crossed, NameOf name_of) {
  std::vector<std::size_t> next(shown.size(), 0);
  std::uint64_t derived = 0;
  for (const DerivedRecord& r : records) {
    if (r.is_status) continue;
    ++derived;
    const std::vector<VenueQuote>& want = shown[r.inst];
    std::size_t& k = next[r.inst];
    if (k < want.size() && want[k].ts == r.ts && want[k].bid == r.bid && want[k].ask == r.ask &&
        want[k].bid_size == r.bid_size && want[k].ask_size == r.ask_size) {
      ++k;
    } else if (reject_crossed && r.bid >= r.ask) {
      throw std::logic_error(venue + ": a derived quote is crossed");
    }
  }
  for (std::size_t i = 0; i < next.size(); ++i)
    if (next[i] != shown[i].size())
      throw std::logic_error(venue + ": a drawn quote of " + name_of(i) +
                             " is missing from the derived quotes");
  return derived;
}

VenueDay make_itch_day(const ItchDayInput& in);
VenueDay make_omdc_day(const OmdcDayInput& in);

}  // namespace adrmon::gen
