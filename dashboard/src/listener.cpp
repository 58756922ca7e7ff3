// Listener and connection limits (see listener.hpp).
#include "listener.hpp"

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "adrmon/core/host_port.hpp"

namespace adrmon::dashboard {

namespace asio = boost::asio;

// ---- slots ---------------------------------------------------------------------

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : limits_(std::exchange(other.limits_, nullptr)), key_(other.key_) {}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    limits_ = std::exchange(other.limits_, nullptr);
    key_ = other.key_;
  }
  return *this;
}

void ConnectionSlot::release() noexcept {
  if (limits_ != nullptr) std::exchange(limits_, nullptr)->release(key_);
}

AddressKey address_key(const asio::ip::address& a) noexcept {
  AddressKey key{};
  if (a.is_v6() && !a.to_v6().is_v4_mapped()) {
    const auto bytes = a.to_v6().to_bytes();
    key[0] = 6;
    for (std::size_t i = 0; i < 8; ++i) key[1 + i] = bytes[i];
    return key;
  }
  const auto bytes = a.is_v4()
                         ? a.to_v4().to_bytes()
                         : asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_bytes();
  key[0] = 4;
  for (std::size_t i = 0; i < 4; ++i) key[1 + i] = bytes[i];
  return key;
}

ConnectionLimits::Admit ConnectionLimits::try_acquire(const asio::ip::address& peer,
                                                      ConnectionSlot& slot) {
  if (total_ >= max_total_) {
    refused_server_full_.add();
    return Admit::ServerFull;
  }
  const AddressKey key = address_key(peer);
  std::size_t& n = per_address_[key];
  if (n >= max_per_address_) {
    refused_per_address_.add();
    return Admit::PerAddress;
  }
  ++n;
  ++total_;
  open_.set(total_);
  slot = ConnectionSlot();
  slot.limits_ = this;
  slot.key_ = key;
  return Admit::Ok;
}

void ConnectionLimits::release(const AddressKey& key) noexcept {
  const auto it = per_address_.find(key);
  if (it == per_address_.end()) return;  // cannot happen: a slot holds its address's count
  if (--it->second == 0) per_address_.erase(it);
  --total_;
  open_.set(total_);
}

// ---- the listen address -------------------------------------------------------

tcp::endpoint listen_endpoint(const DashboardConfig& config) {
  const std::string& listen = config.listen;
  const auto bad = [&](const std::string& why) {
    throw std::invalid_argument("[dashboard] listen \"" + listen + "\": " + why);
  };
  HostPort hp;
  std::string why;
  if (!parse_host_port(listen, hp, why, PortZero::Allow)) bad(why);
  asio::ip::address address;
  if (hp.host == "localhost") {
    address = asio::ip::address_v4::loopback();
  } else {
    boost::system::error_code ec;
    address = asio::ip::make_address(hp.host, ec);
    if (ec) bad("host must be an IP address or localhost");
  }
  if (!is_loopback_host(hp.host) && config.token.empty()) {
    throw std::invalid_argument(
        "[dashboard] listen \"" + listen +
        "\" is not a loopback address: set [dashboard] token to serve beyond this machine, "
        "or listen on 127.0.0.1");
  }
  return {address, hp.port};
}

// ---- accepting ----------------------------------------------------------------

Listener::Listener(asio::io_context& io, const tcp::endpoint& where, ConnectionLimits& limits,
                   OnConnection on_connection)
    : io_(io), acceptor_(io), limits_(limits), on_connection_(std::move(on_connection)) {
  acceptor_.open(where.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(where);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  bound_ = acceptor_.local_endpoint();
}

void Listener::start() {
  do_accept();
}

void Listener::close() {
  closed_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void Listener::do_accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || closed_) return;
      // EMFILE and friends: try again shortly rather than spin.
      auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
      t->async_wait([this, t](boost::system::error_code) {
        if (!closed_) do_accept();
      });
      return;
    }
    on_accept(std::move(socket));
    do_accept();
  });
}

void Listener::on_accept(tcp::socket socket) {
  boost::system::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  ConnectionSlot slot;
  if (ec || limits_.try_acquire(peer.address(), slot) != ConnectionLimits::Admit::Ok) {
    socket.close(ec);  // refused (counted), or the peer is already gone
    return;
  }
  on_connection_(std::move(socket), std::move(slot));
}

}  // namespace adrmon::dashboard
