// Network sources: a TCP client that reconnects with backoff, and a UDP
// receiver (unicast or multicast). Each runs its own Asio io_context thread.
#pragma once

#include <memory>

#include "adrmon/feeds/source.hpp"

namespace adrmon {

std::unique_ptr<Source> make_tcp_source(const SourceSpec& spec, const Config& config,
                                        const SourceOptions& options, Doorbell& bell,
                                        std::uint8_t index);
std::unique_ptr<Source> make_udp_source(const SourceSpec& spec, const Config& config,
                                        const SourceOptions& options, Doorbell& bell,
                                        std::uint8_t index);

}  // namespace adrmon
