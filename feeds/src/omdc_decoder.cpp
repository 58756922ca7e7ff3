// OmdcDecoder: offsets from the OMD-C layouts in MARKETS.md §4 (the
// openomd SBE schema checked against real captures); little-endian.
#include "adrmon/feeds/omdc_decoder.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace adrmon {

namespace {

inline std::uint16_t le16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t le32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}
inline std::uint64_t le64(const std::uint8_t* p) noexcept {
  return std::uint64_t{le32(p)} | (std::uint64_t{le32(p + 4)} << 32);
}

constexpr std::size_t kMsgHeader = 4;
constexpr std::size_t kEntryBytes = 24;

// Smallest body each decoded type needs.
constexpr std::size_t kBookUpdateBody = 8;
constexpr std::size_t kSecurityStatusBody = 5;

}  // namespace

OmdcDecoder::OmdcDecoder(const Config& config) : direct_(kDirectCodes, 0) {
  books_.resize(config.pairs.size());
  for (std::size_t p = 0; p < config.pairs.size(); ++p) {
    const std::string& hk = config.pairs[p].hk;
    std::uint64_t code = 0;
    const auto [end, ec] = std::from_chars(hk.data(), hk.data() + hk.size(), code);
    if (ec != std::errc() || end != hk.data() + hk.size() || code > 0xffffffffu) continue;
    const auto slot = static_cast<std::uint16_t>(p + 1);
    if (code < kDirectCodes) {
      direct_[code] = slot;
    } else {
      other_codes_.emplace_back(static_cast<std::uint32_t>(code), slot);
    }
  }
  std::sort(other_codes_.begin(), other_codes_.end());
  for (std::size_t i = 0; i < kOmdcTypes.size(); ++i)
    type_index_[kOmdcTypes[i]] = static_cast<std::uint8_t>(i + 1);
}

int OmdcDecoder::pair_of_code(std::uint32_t code) const noexcept {
  if (code < kDirectCodes) return static_cast<int>(direct_[code]) - 1;
  const auto it = std::lower_bound(other_codes_.begin(), other_codes_.end(),
                                   std::pair<std::uint32_t, std::uint16_t>{code, 0});
  if (it == other_codes_.end() || it->first != code) return -1;
  return static_cast<int>(it->second) - 1;
}

void OmdcDecoder::count_type(std::uint16_t type) noexcept {
  const std::uint8_t i = type < 256 ? type_index_[type] : 0;
  if (i == 0) {
    count(OmdcCount::UnknownTypes);
  } else {
    counts_[i - 1u] += 1;
  }
}

void OmdcDecoder::begin_packet(const std::uint8_t* packet, std::size_t size) noexcept {
  packet_ = packet;
  size_ = size;
  pos_ = kOmdcPacketHeader;
  remaining_ = packet[2];  // MsgCount; packet[3] is Filler, never interpreted
  const std::uint32_t seq = le32(packet + 4);
  seq_ = seq;
  send_time_ = static_cast<std::int64_t>(le64(packet + 8));
  count(OmdcCount::Packets);
  if (remaining_ == 0) {
    count(OmdcCount::Heartbeats);
    return;
  }
  if (expected_ != 0 && seq > expected_) {
    count(OmdcCount::SeqGaps);
    count(OmdcCount::SeqMissing, seq - expected_);
  }
  expected_ = std::uint64_t{seq} + remaining_;
}

OmdcEmit OmdcDecoder::next(Tick& out) noexcept {
  while (remaining_ > 0) {
    --remaining_;
    if (size_ - pos_ < kMsgHeader) {
      count(OmdcCount::Malformed);
      remaining_ = 0;
      break;
    }
    const std::uint8_t* msg = packet_ + pos_;
    const std::size_t msg_size = le16(msg);
    if (msg_size < kMsgHeader || msg_size > size_ - pos_) {
      count(OmdcCount::Malformed);  // cannot find the next message: the rest of the packet goes
      remaining_ = 0;
      break;
    }
    pos_ += msg_size;
    const std::uint64_t seq = seq_++;
    const OmdcEmit e = decode(msg, msg_size, seq, send_time_, out);
    if (e != OmdcEmit::Nothing) return e;
  }
  return OmdcEmit::End;
}

OmdcEmit OmdcDecoder::decode(const std::uint8_t* msg, std::size_t size, std::uint64_t seq,
                             std::int64_t send_time_ns, Tick& out) noexcept {
  const std::uint16_t type = le16(msg + 2);
  count_type(type);
  const std::uint8_t* body = msg + kMsgHeader;
  const std::size_t body_size = size - kMsgHeader;
  switch (type) {
    case 53:
      return on_book_update(body, body_size, seq, send_time_ns, out);
    case 21: {
      if (body_size < kSecurityStatusBody) {
        count(OmdcCount::Malformed);
        return OmdcEmit::Nothing;
      }
      const int pair = pair_of_code(le32(body));
      if (pair < 0) return OmdcEmit::Nothing;
      count(OmdcCount::Statuses);
      out = Tick{};
      out.ts_event = send_time_ns;
      out.seq = seq;
      out.instrument = static_cast<std::uint16_t>(hk_instrument(static_cast<PairId>(pair)));
      // SuspensionIndicator holds FIX SecurityTradingStatus: 2 = trading halt.
      out.kind = body[4] == 2 ? TickKind::Halted : TickKind::Trading;
      return OmdcEmit::Status;
    }
    default:
      return OmdcEmit::Nothing;  // counted by type (20 Trading Session Status among them)
  }
}

OmdcEmit OmdcDecoder::on_book_update(const std::uint8_t* body, std::size_t body_size,
                                     std::uint64_t seq, std::int64_t ts, Tick& out) noexcept {
  if (body_size < kBookUpdateBody) {
    count(OmdcCount::Malformed);
    return OmdcEmit::Nothing;
  }
  const std::size_t entries = body[7];
  if (body_size < kBookUpdateBody + entries * kEntryBytes) {
    count(OmdcCount::Malformed);
    return OmdcEmit::Nothing;
  }
  const int pair = pair_of_code(le32(body));
  if (pair < 0) return OmdcEmit::Nothing;
  Book& book = books_[static_cast<std::size_t>(pair)];
  const Level bid0 = book.sides[0][0];
  const Level ask0 = book.sides[1][0];
  for (std::size_t e = 0; e < entries; ++e) {
    const std::uint8_t* p = body + kBookUpdateBody + e * kEntryBytes;
    const std::uint8_t action = p[19];
    if (action == 74) {  // order-book clear: both sides
      for (auto& side : book.sides) side.fill(Level{});
      continue;
    }
    const std::uint16_t side = le16(p + 16);
    const std::size_t level = p[18];
    if (side > 1 || level < 1 || level > kOmdcLevels || action > 2) {
      count(OmdcCount::BadEntries);
      continue;
    }
    auto& levels = book.sides[side];
    const std::size_t i = level - 1;
    const Level value{static_cast<std::int32_t>(le32(p + 8)), le64(p), true};
    if (action == 0) {  // new: deeper levels shift down, the last falls out
      std::move_backward(levels.begin() + static_cast<std::ptrdiff_t>(i), levels.end() - 1,
                         levels.end());
      levels[i] = value;
    } else if (action == 1) {  // change
      levels[i] = value;
    } else {  // delete: deeper levels shift up
      std::move(levels.begin() + static_cast<std::ptrdiff_t>(i) + 1, levels.end(),
                levels.begin() + static_cast<std::ptrdiff_t>(i));
      levels[kOmdcLevels - 1] = Level{};
    }
  }
  const Level& bid = book.sides[0][0];
  const Level& ask = book.sides[1][0];
  const auto same = [](const Level& a, const Level& b) {
    return a.valid == b.valid && (!a.valid || (a.price == b.price && a.quantity == b.quantity));
  };
  if ((same(bid, bid0) && same(ask, ask0)) || !bid.valid || !ask.valid) return OmdcEmit::Nothing;
  count(OmdcCount::Quotes);
  out.ts_event = ts;
  out.ts_recv = 0;
  out.bid = static_cast<double>(bid.price) / 1e3;
  out.ask = static_cast<double>(ask.price) / 1e3;
  out.bid_size = static_cast<double>(bid.quantity);
  out.ask_size = static_cast<double>(ask.quantity);
  out.seq = seq;
  out.parse_ns = 0;
  out.instrument = static_cast<std::uint16_t>(hk_instrument(static_cast<PairId>(pair)));
  out.kind = TickKind::Quote;
  out.source = 0;
  if (bid.price <= 0 || ask.price <= 0) return OmdcEmit::BadPrice;
  if (bid.price > ask.price) {
    count(OmdcCount::CrossedBooks);
    return OmdcEmit::Crossed;
  }
  return OmdcEmit::Quote;
}

}  // namespace adrmon
