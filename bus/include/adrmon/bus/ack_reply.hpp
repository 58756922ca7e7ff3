// The stream sequence of a JetStream message, read from its reply (ack)
// subject without allocating. JetStream sends every consumer message with
// the reply subject
//   $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ts>.<pending>
// (9 tokens) or, from servers with domains and account hashes,
//   $JS.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.<stream seq>...
// (11 or more tokens; ADR-15 in nats-io/nats-architecture-and-design). The
// nats:// source uses it to hand the engine each stream sequence once and in
// order: a consumer whose leader moved redelivers what it had in flight
// after newer messages. No cnats here, so it is tested without a server.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace adrmon::bus {

// The stream sequence in `reply`; 0 when it is not a JetStream ack subject
// (stream sequences start at 1).
[[nodiscard]] inline std::uint64_t stream_seq_of_reply(std::string_view reply) noexcept {
  constexpr std::string_view kPrefix = "$JS.ACK.";
  if (!reply.starts_with(kPrefix)) return 0;
  // Tokens after the prefix: the 9-token form has 7, the domain form 9 or more.
  constexpr std::size_t kMaxTokens = 16;
  std::string_view tokens[kMaxTokens];
  std::size_t count = 0;
  std::string_view rest = reply.substr(kPrefix.size());
  while (count < kMaxTokens) {
    const std::size_t dot = rest.find('.');
    tokens[count++] = rest.substr(0, dot);
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  std::size_t at = 0;
  if (count == 7) {
    at = 3;  // stream, consumer, delivered, STREAM SEQ
  } else if (count >= 9) {
    at = 5;  // domain, account hash, stream, consumer, delivered, STREAM SEQ
  } else {
    return 0;
  }
  const std::string_view digits = tokens[at];
  if (digits.empty()) return 0;
  std::uint64_t seq = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return 0;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (seq > (UINT64_MAX - d) / 10) return 0;  // past 2^64 - 1
    seq = seq * 10 + d;
  }
  return seq;
}

}  // namespace adrmon::bus
