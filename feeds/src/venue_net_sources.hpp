// The venue network framings (docs/FORMATS.md, "Venue feeds over the
// network"): ITCH 5.0 over MoldUDP64 (moldudp64_source.cpp) and SoupBinTCP
// (soupbin_source.cpp), OMD-C over UDP (omdc_udp_source.cpp). Each body runs
// an Asio io_context on its source's thread, frames packets and hands every
// message, in sequence order, to the venue decoder; make_sources wraps each
// in a Source.
#pragma once

#include <memory>

#include "adrmon/feeds/source.hpp"

namespace adrmon {

// Binds and joins now (udp_socket.hpp): throws std::invalid_argument for a
// bad address or option and std::runtime_error when the bind or join fails.
std::unique_ptr<Source::Body> make_moldudp64_body(const Source::Parts& parts,
                                                  const SourceSpec& spec, const Config& config,
                                                  std::uint8_t index);

// Connects only once the source starts (failures and rejected logins are
// logged and retried with backoff, never thrown).
std::unique_ptr<Source::Body> make_soupbin_body(const Source::Parts& parts, const SourceSpec& spec,
                                                const Config& config, std::uint8_t index);

// Binds and joins now, like make_moldudp64_body.
std::unique_ptr<Source::Body> make_omdc_udp_body(const Source::Parts& parts, const SourceSpec& spec,
                                                 const Config& config, std::uint8_t index);

}  // namespace adrmon
