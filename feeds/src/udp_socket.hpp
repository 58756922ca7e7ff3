// The receiving UDP socket every UDP source opens (udp://, moldudp64://,
// omdc-udp://): bind, optional multicast join on a chosen interface (any-source
// or source-specific), and a requested receive buffer whose granted size is
// logged. One helper so the JSON and the venue sources set sockets up alike.
// Start-up only (cold path): throws, never runs per datagram.
#pragma once

#include <boost/asio/ip/udp.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "adrmon/core/log.hpp"
#include "adrmon/feeds/source.hpp"

namespace adrmon {

struct UdpSocketOptions {
  // Multicast: the local interface to join on, an IPv4 address ("10.1.2.3",
  // "127.0.0.1") or, for an IPv6 group, an interface name or index. Empty:
  // INADDR_ANY (the kernel's choice by the routing table), not loopback.
  std::string iface;
  // Multicast: the only sender to accept (source-specific multicast, IPv4
  // groups only). Empty: any source.
  std::string source;
  // SO_RCVBUF requested; the kernel may cap it (net.core.rmem_max).
  std::size_t rcvbuf = std::size_t{4} << 20;
};

// The spec's ?iface=, ?source= and ?rcvbuf= (udp://, moldudp64://, omdc-udp://).
inline UdpSocketOptions udp_socket_options(const SourceSpec& spec) {
  return UdpSocketOptions{spec.iface, spec.mcast_source, spec.rcvbuf};
}

// Opens `socket` for datagrams sent to HOST:PORT: a unicast HOST is bound as
// is; a multicast group binds the wildcard address on PORT (so unicast
// replies to that port arrive too) and joins the group. Logs one line through
// `log` (who = `name`) with the receive buffer requested and granted, a
// warning when the kernel granted less. Throws std::invalid_argument for a
// bad address or option, std::runtime_error when bind or join fails; both
// name `spec`. Returns the granted receive buffer in bytes. Cold path.
std::size_t open_udp_receiver(boost::asio::ip::udp::socket& socket, const std::string& host,
                              std::uint16_t port, const UdpSocketOptions& options,
                              const std::string& spec, Log& log, const std::string& name);

}  // namespace adrmon
