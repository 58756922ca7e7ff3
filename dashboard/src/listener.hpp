// Listener: the dashboard's acceptor and the bounds on TCP connections.
//
// Every accepted connection must first take a ConnectionSlot from
// ConnectionLimits: at most `max_total` connections open in all, and at most
// `max_per_address` from one remote address (an IPv4 address, or an IPv6
// /64, since one IPv6 host usually holds a whole /64). A connection that
// gets no slot is closed at once and counted; one that gets one holds it for
// its whole life — while the HTTP session waits for a request (the header
// timeout), and after it becomes a WebSocket — and gives it back when its
// socket closes. So idle half-open connections from one client can fill
// their own address's share, never the server.
//
// Dashboard thread only (the io_context's one thread), except the Counters,
// which any thread may read.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <map>

#include "adrmon/core/config.hpp"
#include "adrmon/core/counter.hpp"

namespace adrmon::dashboard {

using tcp = boost::asio::ip::tcp;

class ConnectionLimits;

// Connections from one client share a key: its IPv4 address (also when it
// reaches a dual-stack socket as ::ffff:a.b.c.d), or its IPv6 /64. Byte 0 is
// the family (4 or 6), then 4 or 8 address bytes.
using AddressKey = std::array<unsigned char, 9>;
AddressKey address_key(const boost::asio::ip::address& a) noexcept;

// A taken connection slot; move-only; gives the slot back when destroyed or
// release()d. Must not outlive the ConnectionLimits it came from.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ConnectionSlot(ConnectionSlot&& other) noexcept;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { release(); }

  void release() noexcept;

 private:
  friend class ConnectionLimits;
  ConnectionLimits* limits_ = nullptr;
  AddressKey key_{};
};

class ConnectionLimits {
 public:
  enum class Admit : std::uint8_t { Ok, PerAddress, ServerFull };

  ConnectionLimits(std::size_t max_total, std::size_t max_per_address) noexcept
      : max_total_(max_total), max_per_address_(max_per_address) {}

  // Takes a slot for a connection from `peer` into `slot`, or says which
  // bound refused it (and counts that). Allocates a map node for a new address.
  Admit try_acquire(const boost::asio::ip::address& peer, ConnectionSlot& slot);

  const Counter& open() const noexcept { return open_; }
  const Counter& refused_per_address() const noexcept { return refused_per_address_; }
  const Counter& refused_server_full() const noexcept { return refused_server_full_; }

 private:
  friend class ConnectionSlot;
  void release(const AddressKey& key) noexcept;

  std::size_t max_total_, max_per_address_;
  std::size_t total_ = 0;
  std::map<AddressKey, std::size_t> per_address_;             // only addresses with a slot
  Counter open_, refused_per_address_, refused_server_full_;  // written here, read anywhere
};

// [dashboard] listen as an endpoint. Throws std::invalid_argument: not
// HOST:PORT, a host that is not an IP address or "localhost", or a
// non-loopback address without a token (without one the server must not be
// reachable from another machine). Cold path.
tcp::endpoint listen_endpoint(const DashboardConfig& config);

class Listener {
 public:
  // Called for each connection that got a slot. Dashboard thread.
  using OnConnection = std::function<void(tcp::socket&&, ConnectionSlot&&)>;

  // Binds and listens on `where` (a taken port fails here: throws
  // boost::system::system_error). Accepts nothing until start().
  // `limits` must outlive every slot handed out (and so the io_context).
  Listener(boost::asio::io_context& io, const tcp::endpoint& where, ConnectionLimits& limits,
           OnConnection on_connection);

  // Accepts until close(). Dashboard thread.
  void start();
  // Stops accepting; open connections are not touched. Dashboard thread.
  void close();

  // The bound address (the real port when listening on port 0). Any thread
  // after construction.
  const tcp::endpoint& local_endpoint() const noexcept { return bound_; }

 private:
  void do_accept();
  void on_accept(tcp::socket socket);

  boost::asio::io_context& io_;
  tcp::acceptor acceptor_;
  tcp::endpoint bound_;
  ConnectionLimits& limits_;
  OnConnection on_connection_;
  bool closed_ = false;
};

}  // namespace adrmon::dashboard
