// OmdcRtsClient: the client side of HKEX OMD-C's retransmission service
// (RTS, MARKETS.md §4.1; docs/FORMATS.md, "OMD-C retransmission"). One TCP
// connection, opened when the first gap asks for it and kept while it lasts:
//   connect -> Logon (101, Username char12) -> LogonResponse (102,
//   SessionStatus u8: 0 = active) -> RetransmissionRequest (201, ChannelID
//   u16, filler u16, BeginSeqNum u32, EndSeqNum u32, inclusive) ->
//   RetransmissionResponse (202, ChannelID u16, RetransStatus u8: 0 =
//   accepted, filler, BeginSeqNum u32, EndSeqNum u32) followed by the
//   requested messages in ordinary OMD-C packets.
// Every message on the connection travels in a packet with the 16-byte
// header of the multicast channels; a header-only packet (MsgCount 0) is a
// heartbeat, and the client answers each server heartbeat with one of its
// own. A packet whose first message is not a control message (101, 102,
// 201, 202, 203, 100) is retransmitted data and goes to the handler.
//
// Runs on its owner's io_context thread (the omdc-udp source's); allocates
// per connection and per request (the recovery path), never per message of
// the multicast. Network failures are values: logged once per outage, the
// connection is dropped and the next request reconnects (not sooner than
// kReconnectMs after a failure).
#pragma once

#include <boost/asio.hpp>
#include <cstdint>
#include <string>

#include "adrmon/core/log.hpp"
#include "adrmon/feeds/omdc_decoder.hpp"

namespace adrmon {

inline constexpr std::uint32_t kRtsMaxRange = 1000;  // messages per request (MARKETS.md §4.1)

// What the owner does with what the service sends. Called on the io thread,
// once per packet or response (the recovery path, not per multicast message).
class OmdcRtsHandler {
 public:
  virtual ~OmdcRtsHandler() = default;
  // A retransmitted packet (`size` = its PktSize, >= 16), read at steady `recv`.
  virtual void on_rts_packet(const std::uint8_t* packet, std::size_t size, std::int64_t recv) = 0;
  // The service refused [begin, end] (RetransStatus `status` != 0) or the logon.
  virtual void on_rts_refused(std::uint32_t begin, std::uint32_t end, std::uint8_t status) = 0;
};

class OmdcRtsClient {
 public:
  // Counts requests sent and refusals into `counts` (omdc_rerequests,
  // omdc_rts_rejects). Resolves nothing yet; cold path.
  OmdcRtsClient(boost::asio::io_context& io, std::string host, std::uint16_t port, std::string user,
                std::uint16_t channel, OmdcRtsHandler& handler, OmdcDecoder& counts, Log& log,
                const std::string& name);

  // Asks for messages [begin, end] (at most kRtsMaxRange), connecting and
  // logging on first when needed; a request made while logging on replaces
  // the one waiting. Returns false when no request could be sent or queued
  // now (reconnect back-off after a failure).
  bool request(std::uint32_t begin, std::uint32_t end);

  // Closes the connection (and cancels what is pending). io thread.
  void close();

  bool connected() const noexcept { return state_ == State::Ready; }

 private:
  enum class State : std::uint8_t { Idle, Connecting, LoggingOn, Ready };

  void connect();
  void read();
  void on_bytes(std::size_t n);
  bool on_packet(const std::uint8_t* p, std::size_t size, std::int64_t recv);
  void send_request(std::uint32_t begin, std::uint32_t end);
  void write(std::string bytes);
  void fail(const std::string& why);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::socket socket_;
  std::string host_;
  std::uint16_t port_;
  std::string user_;
  std::uint16_t channel_;
  OmdcRtsHandler& handler_;
  OmdcDecoder& counts_;
  Log& log_;
  const std::string& name_;
  State state_ = State::Idle;
  bool pending_ = false;  // a request waits for the logon
  std::uint32_t pending_begin_ = 0, pending_end_ = 0;
  std::int64_t failed_ns_ = 0;  // steady time of the last failure, 0: none
  bool outage_logged_ = false;
  std::string rx_;                // bytes read, not yet a whole packet
  std::string tx_;                // queued while a write is in flight
  std::string writing_;           // the write in flight
  std::uint64_t generation_ = 0;  // bumped per connection: stale handlers do nothing
  alignas(64) std::uint8_t buf_[65536] = {};
};

}  // namespace adrmon
