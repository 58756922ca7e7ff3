// adrmon-cast's address handling, shared by the JSON and the venue
// publishers: HOST:PORT through core's parse_host_port, resolution (IPv4
// first), and a UDP sender that reaches loopback receivers of a multicast
// group. Start-up only: throws std::runtime_error naming the argument.
#pragma once

#include <net/if.h>

#include <boost/asio.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "adrmon/core/host_port.hpp"

namespace adrmon::cast {

// The Asio names both publishers use (`using namespace cast::names;`).
namespace names {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;
}  // namespace names

// Resolves HOST:PORT (PortZero::Allow lets a listener take any free port).
template <class Protocol>
typename Protocol::endpoint resolve(boost::asio::io_context& io, std::string_view spec,
                                    PortZero zero = PortZero::Refuse) {
  HostPort hp;
  std::string why;
  if (!parse_host_port(spec, hp, why, zero))
    throw std::runtime_error("'" + std::string(spec) + "': " + why);
  typename Protocol::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(hp.host, std::to_string(hp.port), ec);
  if (ec || results.empty())
    throw std::runtime_error("'" + std::string(spec) + "': cannot resolve: " + ec.message());
  // "localhost" may list ::1 first; loopback tests and the daemon mostly use 127.0.0.1.
  for (const auto& r : results) {
    if (r.endpoint().address().is_v4()) return r.endpoint();
  }
  return results.begin()->endpoint();
}

// Opens `socket` to send to `to`; a multicast group is sent out of loopback
// with loopback delivery on and one hop, so receivers on this host get it.
inline void open_udp_sender(boost::asio::ip::udp::socket& socket,
                            const boost::asio::ip::udp::endpoint& to, std::string_view what) {
  namespace asio = boost::asio;
  boost::system::error_code ec;
  socket.open(to.protocol(), ec);
  if (!ec && to.address().is_multicast()) {
    socket.set_option(asio::ip::multicast::enable_loopback(true), ec);
    if (!ec) socket.set_option(asio::ip::multicast::hops(1), ec);
    if (!ec && to.address().is_v4()) {
      socket.set_option(asio::ip::multicast::outbound_interface(asio::ip::address_v4::loopback()),
                        ec);
    } else if (!ec) {
      socket.set_option(asio::ip::multicast::outbound_interface(::if_nametoindex("lo")), ec);
    }
  }
  if (ec)
    throw std::runtime_error("cannot set up UDP to " + std::string(what) + ": " + ec.message());
}

}  // namespace adrmon::cast
