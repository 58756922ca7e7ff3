// Network source bodies: a TCP client that reconnects with backoff, and a UDP
// receiver (unicast or multicast). Each runs its own Asio io_context on the
// source's thread. make_sources (source.cpp) wraps each in a Source.
#pragma once

#include <memory>

#include "adrmon/feeds/source.hpp"

namespace adrmon {

// Connects only once the source starts (a refused or unresolvable peer is
// logged and retried, never thrown).
std::unique_ptr<Source::Body> make_tcp_body(const Source::Parts& parts, const SourceSpec& spec,
                                            const Config& config, std::uint8_t index);

// Opens the socket now through open_udp_receiver (udp_socket.hpp: bind, a
// multicast join on ?iface= from ?source=, ?rcvbuf= and one log line with the
// granted size): throws std::invalid_argument for a host or option that is
// not an address and std::runtime_error when the bind or join fails, both
// naming the spec.
std::unique_ptr<Source::Body> make_udp_body(const Source::Parts& parts, const SourceSpec& spec,
                                            const Config& config, std::uint8_t index);

}  // namespace adrmon
