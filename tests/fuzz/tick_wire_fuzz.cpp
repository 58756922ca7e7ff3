// Fuzz target: arbitrary bytes -> bus::decode_tick (the bus's 80-byte wire
// Tick, docs/FORMATS.md "Bus") -> check_tick_values (what the nats://
// source applies next).
//
// Checked besides "no crash, hang, leak or UB":
// - anything but exactly 80 bytes is refused as Size;
// - a decoded record has a known kind and venue and a 1..16-byte symbol
//   inside the input;
// - encode_tick of what was decoded decodes to the same fields (the layout
//   is one layout both ways);
// - check_tick_values never accepts a non-finite or non-positive price of a
//   quote or fx tick, or a crossed one.
#include <array>
#include <cmath>
#include <cstring>

#include "adrmon/bus/tick_wire.hpp"
#include "adrmon/feeds/tick_checks.hpp"
#include "fuzz_common.hpp"

namespace {

using namespace adrmon;
using adrmon::fuzz::fuzz_fail;

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bus::WireTick w;
  const bus::WireError e = bus::decode_tick(data, size, w);
  if (size != bus::kTickWireBytes) {
    if (e != bus::WireError::Size) fuzz_fail("a record of the wrong size was not refused as Size");
    return 0;
  }
  if (e != bus::WireError::None) return 0;
  if (static_cast<std::uint8_t>(w.tick.kind) > static_cast<std::uint8_t>(TickKind::Halted) ||
      static_cast<std::uint8_t>(w.venue) > static_cast<std::uint8_t>(bus::WireVenue::Fx))
    fuzz_fail("decoded an unknown kind or venue");
  const auto* begin = reinterpret_cast<const char*>(data);
  if (w.symbol.empty() || w.symbol.size() > bus::kWireSymbolBytes || w.symbol.data() < begin ||
      w.symbol.data() + w.symbol.size() > begin + size)
    fuzz_fail("symbol outside the record");

  std::array<unsigned char, bus::kTickWireBytes> out;
  if (!bus::encode_tick(w.tick, w.venue, w.symbol, w.recv_wall_ns, out))
    fuzz_fail("a decoded record does not encode");
  bus::WireTick back;
  if (bus::decode_tick(out.data(), out.size(), back) != bus::WireError::None)
    fuzz_fail("an encoded record does not decode");
  const Tick& a = w.tick;
  const Tick& b = back.tick;
  if (a.kind != b.kind || a.ts_event != b.ts_event || a.seq != b.seq || a.parse_ns != b.parse_ns ||
      !same_bits(a.bid, b.bid) || !same_bits(a.ask, b.ask) || !same_bits(a.bid_size, b.bid_size) ||
      !same_bits(a.ask_size, b.ask_size) || back.venue != w.venue || back.symbol != w.symbol ||
      back.recv_wall_ns != w.recv_wall_ns)
    fuzz_fail("decode(encode(decode(x))) differs from decode(x)");

  const bool fx = w.venue == bus::WireVenue::Fx;
  if (check_tick_values(a, fx, 7.70, 7.90) == Reject::None && !is_status(a.kind)) {
    if (!std::isfinite(a.bid) || !std::isfinite(a.ask) || !(a.bid > 0) || !(a.ask > 0) ||
        a.bid > a.ask)
      fuzz_fail("check_tick_values accepted an impossible price");
  }
  return 0;
}
