// ItchDecoder: field offsets from the ITCH 5.0 specification (MARKETS.md
// §3.2); every integer big-endian.
#include "adrmon/feeds/itch_decoder.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace adrmon {

namespace {

inline std::uint16_t be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
inline std::uint64_t be48(const std::uint8_t* p) noexcept {
  return (std::uint64_t{be16(p)} << 32) | be32(p + 2);
}
inline std::uint64_t be64(const std::uint8_t* p) noexcept {
  return (std::uint64_t{be32(p)} << 32) | be32(p + 4);
}

constexpr std::array<std::uint8_t, 256> make_lengths() {
  std::array<std::uint8_t, 256> t{};
  constexpr std::string_view types = kItchTypes;
  constexpr std::uint8_t lengths[kItchTypeCount] = {12, 39, 25, 20, 26, 35, 12, 28, 35, 21, 36, 40,
                                                    31, 36, 23, 19, 35, 44, 40, 19, 50, 20, 48};
  for (std::size_t i = 0; i < types.size(); ++i)
    t[static_cast<std::uint8_t>(types[i])] = lengths[i];
  return t;
}

constexpr std::array<std::uint8_t, 256> make_type_index() {
  std::array<std::uint8_t, 256> t{};
  constexpr std::string_view types = kItchTypes;
  for (std::size_t i = 0; i < types.size(); ++i)
    t[static_cast<std::uint8_t>(types[i])] = static_cast<std::uint8_t>(i + 1);
  return t;
}

}  // namespace

const std::array<std::uint8_t, 256> ItchDecoder::kLengths = make_lengths();
const std::array<std::uint8_t, 256> ItchDecoder::kTypeIndex = make_type_index();

ItchDecoder::ItchDecoder(const Config& config, std::int64_t midnight_ns, const ItchOptions& options)
    : midnight_ns_(midnight_ns),
      locate_book_(65536, 0),
      adrs_(config.pairs.size()),
      orders_(options.order_capacity) {
  books_.reserve(config.pairs.size());
  for (std::size_t p = 0; p < config.pairs.size(); ++p) {
    books_.push_back(
        Book{PriceLadder(false, options.level_reserve), PriceLadder(true, options.level_reserve)});
    adrs_.insert(config.pairs[p].adr, static_cast<InstrumentId>(p));
  }
  counts_[itch_index(ItchCount::OrderCapacity)] = orders_.capacity();
}

const ItchCounts& ItchDecoder::counts() noexcept {
  counts_[itch_index(ItchCount::OrdersLive)] = orders_.size();
  counts_[itch_index(ItchCount::OrdersPeak)] = peak_;
  return counts_;
}

void ItchDecoder::on_directory(const std::uint8_t* msg) noexcept {
  const std::uint16_t locate = be16(msg + 1);
  std::size_t len = 8;
  while (len > 0 && msg[11 + len - 1] == ' ') --len;
  const InstrumentId pair =
      adrs_.find(std::string_view(reinterpret_cast<const char*>(msg + 11), len));
  if (pair == kNoInstrument) {
    locate_book_[locate] = 0;  // a locate re-bound to another symbol stops being tracked
    return;
  }
  locate_book_[locate] = static_cast<std::uint16_t>(pair + 1);
  count(ItchCount::TrackedSymbols);
}

void ItchDecoder::add_order(std::uint64_t ref, std::uint16_t book, std::uint8_t side,
                            std::uint32_t price, std::uint32_t shares) noexcept {
  if (shares == 0) return;  // rests nothing
  if (orders_.find(ref) != nullptr) {
    count(ItchCount::DuplicateRefs);
    return;
  }
  if (!orders_.insert(ItchOrder{ref, price, shares, book, side})) {
    count(ItchCount::OrderTableFull);
    return;
  }
  peak_ = std::max<std::uint64_t>(peak_, orders_.size());
  Book& b = books_[book];
  if ((side == 0 ? b.bids : b.asks).add(price, shares)) count(ItchCount::LevelGrowths);
}

void ItchDecoder::reduce(ItchOrder* o, std::uint32_t shares) noexcept {
  Book& b = books_[o->book];
  PriceLadder& ladder = o->side == 0 ? b.bids : b.asks;
  if (shares >= o->shares) {
    if (shares > o->shares) count(ItchCount::OverReductions);
    ladder.remove(o->price, o->shares);
    orders_.erase(o);
    return;
  }
  ladder.remove(o->price, shares);
  o->shares -= shares;
}

ItchEmit ItchDecoder::emit_top(std::uint16_t book, std::int64_t ts, std::uint64_t seq,
                               Tick& out) noexcept {
  Book& b = books_[book];
  std::uint32_t bid_px = 0, ask_px = 0;
  std::uint64_t bid_sz = 0, ask_sz = 0;
  if (!b.bids.empty()) {
    bid_px = b.bids.best_price();
    bid_sz = b.bids.best_shares();
  }
  if (!b.asks.empty()) {
    ask_px = b.asks.best_price();
    ask_sz = b.asks.best_shares();
  }
  const bool changed =
      bid_px != b.bid_px || ask_px != b.ask_px || bid_sz != b.bid_sz || ask_sz != b.ask_sz;
  b.bid_px = bid_px;
  b.ask_px = ask_px;
  b.bid_sz = bid_sz;
  b.ask_sz = ask_sz;
  if (!changed || b.bids.empty() || b.asks.empty()) return ItchEmit::Nothing;
  count(ItchCount::Quotes);
  out.ts_event = ts;
  out.ts_recv = 0;
  out.bid = static_cast<double>(bid_px) / 1e4;
  out.ask = static_cast<double>(ask_px) / 1e4;
  out.bid_size = static_cast<double>(bid_sz);
  out.ask_size = static_cast<double>(ask_sz);
  out.seq = seq;
  out.parse_ns = 0;
  out.instrument = static_cast<std::uint16_t>(adr_instrument(book));
  out.kind = TickKind::Quote;
  out.source = 0;
  if (bid_px == 0 || ask_px == 0) return ItchEmit::BadPrice;
  if (bid_px > ask_px) {
    count(ItchCount::CrossedBooks);
    return ItchEmit::Crossed;
  }
  return ItchEmit::Quote;
}

ItchEmit ItchDecoder::decode(const std::uint8_t* msg, std::uint64_t seq, Tick& out) noexcept {
  const std::uint8_t type = msg[0];
  count_type(type);
  const std::uint16_t slot = locate_book_[be16(msg + 1)];
  if (type == 'R') {
    on_directory(msg);
    return ItchEmit::Nothing;
  }
  if (slot == 0) return ItchEmit::Nothing;  // untracked (or system-wide) locate: one lookup
  const std::uint16_t book = static_cast<std::uint16_t>(slot - 1);
  std::uint16_t moved = book;  // the book whose top may have changed
  switch (type) {
    case 'A':
    case 'F': {
      const std::uint8_t side = msg[19] == 'B' ? 0 : 1;
      add_order(be64(msg + 11), book, side, be32(msg + 32), be32(msg + 20));
      break;
    }
    case 'E':
    case 'C':
    case 'X':
    case 'D':
    case 'U': {
      ItchOrder* o = orders_.find(be64(msg + 11));
      if (o == nullptr) {
        count(ItchCount::UnknownRefs);
        return ItchEmit::Nothing;
      }
      // The book that moves is the order's: a locate may name an order it does not own.
      moved = o->book;
      if (type == 'D' || type == 'U') {
        const std::uint8_t side = o->side;
        reduce(o, o->shares);
        // U: side and symbol are the original's; price, shares and ref are new.
        if (type == 'U') add_order(be64(msg + 19), moved, side, be32(msg + 31), be32(msg + 27));
      } else {
        reduce(o, be32(msg + 19));
      }
      break;
    }
    case 'H': {
      count(ItchCount::Statuses);
      out = Tick{};
      out.ts_event = midnight_ns_ + static_cast<std::int64_t>(be48(msg + 5));
      out.seq = seq;
      out.instrument = static_cast<std::uint16_t>(adr_instrument(book));
      out.kind = msg[19] == 'T' ? TickKind::Trading : TickKind::Halted;
      return ItchEmit::Status;
    }
    default:
      return ItchEmit::Nothing;  // trades, crosses, breaks, NOII...: no book effect
  }
  return emit_top(moved, midnight_ns_ + static_cast<std::int64_t>(be48(msg + 5)), seq, out);
}

}  // namespace adrmon
