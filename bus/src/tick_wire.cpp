// The Tick's bus record: every field at a fixed offset, little-endian, so a
// reader in any language decodes it with one struct layout (FORMATS.md).
#include "adrmon/bus/tick_wire.hpp"

#include <bit>
#include <charconv>
#include <cstring>

namespace adrmon::bus {

namespace {

static_assert(std::endian::native == std::endian::little,
              "the wire record is little-endian; a big-endian host needs byte swaps here");

template <class T>
void put(unsigned char* p, std::size_t at, T v) noexcept {
  std::memcpy(p + at, &v, sizeof v);
}
template <class T>
T get(const unsigned char* p, std::size_t at) noexcept {
  T v;
  std::memcpy(&v, p + at, sizeof v);
  return v;
}

// Offsets (docs/FORMATS.md "Bus", binary Tick v1).
constexpr std::size_t kVersion = 0, kKind = 1, kVenue = 2, kSymbolLen = 3, kSymbol = 4,
                      kParseNs = 20, kTsEvent = 24, kRecvWall = 32, kBid = 40, kAsk = 48,
                      kBidSize = 56, kAskSize = 64, kSeq = 72;
static_assert(kSeq + 8 == kTickWireBytes);

constexpr std::string_view kVenueNames[3] = {"US", "HK", "FX"};

}  // namespace

char subject_safe(char c) noexcept {
  return (c == '.' || c == ' ' || c == '*' || c == '>' || static_cast<unsigned char>(c) < 0x21)
             ? '_'
             : c;
}

namespace {}  // namespace

bool encode_tick(const Tick& tick, WireVenue venue, std::string_view symbol,
                 std::int64_t recv_wall_ns,
                 std::array<unsigned char, kTickWireBytes>& out) noexcept {
  if (symbol.empty() || symbol.size() > kWireSymbolBytes) return false;
  unsigned char* p = out.data();
  std::memset(p, 0, kTickWireBytes);
  p[kVersion] = kTickWireVersion;
  p[kKind] = static_cast<unsigned char>(tick.kind);
  p[kVenue] = static_cast<unsigned char>(venue);
  p[kSymbolLen] = static_cast<unsigned char>(symbol.size());
  std::memcpy(p + kSymbol, symbol.data(), symbol.size());
  put(p, kParseNs, tick.parse_ns);
  put(p, kTsEvent, tick.ts_event);
  put(p, kRecvWall, recv_wall_ns);
  put(p, kBid, tick.bid);
  put(p, kAsk, tick.ask);
  put(p, kBidSize, tick.bid_size);
  put(p, kAskSize, tick.ask_size);
  put(p, kSeq, tick.seq);
  return true;
}

WireError decode_tick(const void* data, std::size_t size, WireTick& out) noexcept {
  if (size != kTickWireBytes) return WireError::Size;
  const auto* p = static_cast<const unsigned char*>(data);
  if (p[kVersion] != kTickWireVersion) return WireError::Version;
  if (p[kKind] > static_cast<unsigned char>(TickKind::Halted)) return WireError::Kind;
  if (p[kVenue] > static_cast<unsigned char>(WireVenue::Fx)) return WireError::Venue;
  const std::size_t len = p[kSymbolLen];
  if (len == 0 || len > kWireSymbolBytes) return WireError::Symbol;
  out.venue = static_cast<WireVenue>(p[kVenue]);
  out.symbol = std::string_view(reinterpret_cast<const char*>(p + kSymbol), len);
  out.recv_wall_ns = get<std::int64_t>(p, kRecvWall);
  Tick& t = out.tick;
  t.kind = static_cast<TickKind>(p[kKind]);
  t.parse_ns = get<std::uint32_t>(p, kParseNs);
  t.ts_event = get<std::int64_t>(p, kTsEvent);
  t.ts_recv = 0;
  t.bid = get<double>(p, kBid);
  t.ask = get<double>(p, kAsk);
  t.bid_size = get<double>(p, kBidSize);
  t.ask_size = get<double>(p, kAskSize);
  t.seq = get<std::uint64_t>(p, kSeq);
  t.instrument = 0;
  t.source = 0;
  return WireError::None;
}

std::size_t tick_subject(WireVenue venue, std::string_view symbol, char* out) noexcept {
  constexpr std::string_view prefix = "adrmon.ticks.";
  std::size_t n = 0;
  std::memcpy(out, prefix.data(), prefix.size());
  n += prefix.size();
  const std::string_view v = kVenueNames[static_cast<std::size_t>(venue)];
  std::memcpy(out + n, v.data(), v.size());
  n += v.size();
  out[n++] = '.';
  // A subject token holds no '.', ' ', '*' or '>': such a symbol byte is '_'
  // in the subject (the record keeps the symbol as it is).
  for (const char c : symbol) out[n++] = subject_safe(c);
  return n;
}

std::size_t tick_msg_id(std::string_view source_name, std::uint64_t n, char* out) noexcept {
  std::uint64_t h = 1469598103934665603ull;
  for (const char c : source_name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) out[i] = kHex[(h >> (60 - 4 * i)) & 0xf];
  out[16] = '-';
  const auto r = std::to_chars(out + 17, out + 40, n);
  return static_cast<std::size_t>(r.ptr - out);
}

bool parse_tick_msg_id(std::string_view id, std::uint64_t& origin, std::uint64_t& n) noexcept {
  if (id.size() < 18 || id[16] != '-') return false;
  std::uint64_t h = 0;
  for (int i = 0; i < 16; ++i) {
    const char c = id[static_cast<std::size_t>(i)];
    const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return false;
    h = h << 4 | static_cast<std::uint64_t>(v);
  }
  if (id[17] == '0' && id.size() > 18) return false;  // as tick_msg_id writes it: no leading 0
  const char* first = id.data() + 17;
  const char* last = id.data() + id.size();
  std::uint64_t value = 0;
  const auto r = std::from_chars(first, last, value);
  if (r.ec != std::errc() || r.ptr != last) return false;
  origin = h;
  n = value;
  return true;
}

}  // namespace adrmon::bus
