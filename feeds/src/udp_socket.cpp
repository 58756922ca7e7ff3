// open_udp_receiver: bind, join (IP_ADD_MEMBERSHIP / IP_ADD_SOURCE_MEMBERSHIP
// on the chosen interface, IPV6_JOIN_GROUP), SO_RCVBUF and its granted size.
#include "udp_socket.hpp"

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace adrmon {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

[[noreturn]] void bad(const std::string& spec, const std::string& why) {
  throw std::invalid_argument("source '" + spec + "': " + why);
}

[[noreturn]] void failed(const std::string& spec, const std::string& why) {
  throw std::runtime_error("source '" + spec + "': " + why);
}

asio::ip::address_v4 v4_option(const std::string& spec, const char* key, const std::string& v) {
  boost::system::error_code ec;
  const asio::ip::address a = asio::ip::make_address(v, ec);
  if (ec || !a.is_v4()) bad(spec, std::string(key) + " must be an IPv4 address, got '" + v + "'");
  return a.to_v4();
}

void join_v4(udp::socket& socket, const asio::ip::address_v4& group,
             const UdpSocketOptions& options, const std::string& spec) {
  const asio::ip::address_v4 iface =
      options.iface.empty() ? asio::ip::address_v4::any() : v4_option(spec, "iface", options.iface);
  int rc = 0;
  if (options.source.empty()) {
    ip_mreq m{};
    m.imr_multiaddr.s_addr = htonl(group.to_uint());
    m.imr_interface.s_addr = htonl(iface.to_uint());
    rc = ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m);
  } else {
    const asio::ip::address_v4 source = v4_option(spec, "source", options.source);
    ip_mreq_source m{};
    m.imr_multiaddr.s_addr = htonl(group.to_uint());
    m.imr_interface.s_addr = htonl(iface.to_uint());
    m.imr_sourceaddr.s_addr = htonl(source.to_uint());
    rc = ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, &m, sizeof m);
  }
  if (rc != 0) failed(spec, std::string("cannot join group: ") + std::strerror(errno));
}

void join_v6(udp::socket& socket, const asio::ip::address_v6& group,
             const UdpSocketOptions& options, const std::string& spec) {
  if (!options.source.empty()) bad(spec, "source= (source-specific multicast) needs an IPv4 group");
  unsigned index = 0;
  if (!options.iface.empty()) {
    const char* b = options.iface.data();
    const char* e = b + options.iface.size();
    const auto [end, ec] = std::from_chars(b, e, index);
    if (ec != std::errc() || end != e) index = ::if_nametoindex(options.iface.c_str());
    if (index == 0) bad(spec, "iface for an IPv6 group: an interface name or index");
  }
  boost::system::error_code ec;
  socket.set_option(asio::ip::multicast::join_group(group, index), ec);
  if (ec) failed(spec, "cannot join group: " + ec.message());
}

}  // namespace

std::size_t open_udp_receiver(udp::socket& socket, const std::string& host, std::uint16_t port,
                              const UdpSocketOptions& options, const std::string& spec, Log& log,
                              const std::string& name) {
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) bad(spec, "bad address: " + ec.message());
  const bool multicast = address.is_multicast();
  if (!multicast && (!options.iface.empty() || !options.source.empty())) {
    bad(spec, "iface= and source= apply to a multicast group only");
  }
  const asio::ip::address any = address.is_v6() ? asio::ip::address(asio::ip::address_v6::any())
                                                : asio::ip::address(asio::ip::address_v4::any());
  const udp::endpoint local(multicast ? any : address, port);
  socket.open(local.protocol(), ec);
  if (ec) failed(spec, "cannot open a socket: " + ec.message());
  // Only a group is shared: on a unicast port SO_REUSEADDR would let a second
  // process bind it too and silently take the datagrams; it must fail instead.
  if (multicast) socket.set_option(udp::socket::reuse_address(true), ec);
  const int requested = static_cast<int>(std::min<std::size_t>(options.rcvbuf, 1u << 30));
  socket.set_option(asio::socket_base::receive_buffer_size(requested), ec);  // best effort
  asio::socket_base::receive_buffer_size granted;
  socket.get_option(granted, ec);
  // Past net.core.rmem_max when the process may (CAP_NET_ADMIN, e.g. root):
  // the size asked for is then the size reserved.
  bool forced = false;
  if (granted.value() < requested) {
    forced = ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &requested,
                          sizeof requested) == 0;
    socket.get_option(granted, ec);
  }
  socket.bind(local, ec);
  if (ec) failed(spec, "cannot bind: " + ec.message());
  if (multicast) {
    if (address.is_v4()) {
      join_v4(socket, address.to_v4(), options, spec);
    } else {
      join_v6(socket, address.to_v6(), options, spec);
    }
  }
  // Linux reports twice what it reserves (the doubling covers its bookkeeping),
  // capped by net.core.rmem_max; what it reports is what we log.
  const auto got = static_cast<std::size_t>(granted.value() > 0 ? granted.value() : 0);
  std::string line = "receive buffer: requested " + std::to_string(requested) +
                     " bytes, kernel reports " + std::to_string(got);
  if (multicast) {
    line += "; joined " + host + (options.source.empty() ? "" : " from " + options.source) +
            " on " + (options.iface.empty() ? std::string("INADDR_ANY") : options.iface);
  }
  const bool short_buffer = got < static_cast<std::size_t>(requested);
  if (short_buffer) line += " (less than requested: raise net.core.rmem_max)";
  if (forced && !short_buffer) line += " (past net.core.rmem_max: SO_RCVBUFFORCE)";
  log.write(short_buffer ? LogLevel::Warning : LogLevel::Info, name, line);
  return got;
}

}  // namespace adrmon
