// Fuzz target: the nats:// source's ordering metadata and FeedOrder.
// The input's first line is read as a JetStream reply subject and as a tick
// Msg-Id; the rest drives a FeedOrder (4 origins, at most 64 held) with
// 3-byte operations: [origin (2 bits) | expire (1 bit) | n high bits][n low
// byte][clock step].
//
// Checked besides "no crash, hang, leak or UB":
// - stream_seq_of_reply is nonzero only for a "$JS.ACK." subject, and its
//   value's digits are in the subject;
// - a parsed Msg-Id prints back to the same text;
// - each origin's records come out with rising numbers, each record's bytes
//   as they went in;
// - every record offered is handed on, counted a duplicate or still held,
//   and no more than the bound is ever held.
#include <array>
#include <charconv>
#include <cstring>
#include <string_view>

#include "adrmon/bus/ack_reply.hpp"
#include "adrmon/bus/feed_order.hpp"
#include "adrmon/bus/tick_wire.hpp"
#include "fuzz_common.hpp"

namespace {

using namespace adrmon;
using adrmon::fuzz::fuzz_fail;

constexpr std::size_t kMaxHeld = 64;
constexpr std::int64_t kWait = 1000;

void check_ids(std::string_view line) {
  const std::uint64_t seq = bus::stream_seq_of_reply(line);
  if (seq != 0) {
    if (!line.starts_with("$JS.ACK.")) fuzz_fail("a stream seq from a non-ack subject");
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, seq);
    if (line.find(std::string_view(digits, static_cast<std::size_t>(r.ptr - digits))) ==
        std::string_view::npos)
      fuzz_fail("a stream seq whose digits are not in the subject");
  }
  std::uint64_t origin = 0;
  std::uint64_t n = 0;
  if (bus::parse_tick_msg_id(line, origin, n)) {
    char text[48];
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 16; ++i) text[i] = kHex[(origin >> (60 - 4 * i)) & 0xf];
    text[16] = '-';
    const auto r = std::to_chars(text + 17, text + sizeof text, n);
    if (std::string_view(text, static_cast<std::size_t>(r.ptr - text)) != line)
      fuzz_fail("a parsed Msg-Id does not print back to itself");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const std::size_t eol = all.find('\n');
  check_ids(all.substr(0, eol));
  if (eol == std::string_view::npos) return 0;

  bus::FeedOrder order(kMaxHeld, kWait);
  std::array<std::uint64_t, 4> last{};
  std::array<bool, 4> seen{};
  std::uint64_t offered = 0;
  std::uint64_t handed = 0;
  const auto hand = [&](const unsigned char* r) {
    std::uint64_t origin = 0;
    std::uint64_t n = 0;
    std::memcpy(&origin, r, 8);
    std::memcpy(&n, r + 8, 8);
    for (std::size_t i = 16; i < bus::kTickWireBytes; ++i)
      if (r[i] != static_cast<unsigned char>(n + i)) fuzz_fail("a held record's bytes changed");
    if (origin >= 4) fuzz_fail("a record of no origin came out");
    if (seen[origin] && n <= last[origin]) fuzz_fail("an origin's numbers went back");
    seen[origin] = true;
    last[origin] = n;
    ++handed;
  };
  std::int64_t now = 0;
  const std::uint8_t* p = data + eol + 1;
  const std::uint8_t* end = data + size;
  for (; end - p >= 3; p += 3) {
    const std::uint64_t origin = p[0] & 3u;
    const std::uint64_t n = (static_cast<std::uint64_t>(p[0] >> 3) << 8) | p[1];
    now += p[2];
    std::array<unsigned char, bus::kTickWireBytes> record;
    std::memcpy(record.data(), &origin, 8);
    std::memcpy(record.data() + 8, &n, 8);
    for (std::size_t i = 16; i < record.size(); ++i) record[i] = static_cast<unsigned char>(n + i);
    order.offer(origin, n, record.data(), now, hand);
    ++offered;
    if ((p[0] & 4u) != 0) order.expire(now, hand);
    if (order.held_now() > kMaxHeld) fuzz_fail("more held than the bound");
    if (handed + order.counts().duplicates + order.held_now() != offered)
      fuzz_fail("a record neither handed on, nor a duplicate, nor held");
  }
  return 0;
}
