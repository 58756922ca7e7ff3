// OmdcRtsClient (see omdc_rts_client.hpp): connect, log on, ask, read back.
#include "omdc_rts_client.hpp"

#include <chrono>

#include "adrmon/core/clock.hpp"

namespace adrmon {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::int64_t kReconnectNs = 200'000'000;  // after a failure, the next attempt
constexpr std::uint16_t kLogon = 101;
constexpr std::uint16_t kLogonResponse = 102;
constexpr std::uint16_t kRetransRequest = 201;
constexpr std::uint16_t kRetransResponse = 202;

std::uint16_t le16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
std::uint32_t le32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}
void put_le(std::string& out, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A packet of one message (or none: a heartbeat), SeqNum 0, SendTime now.
std::string control_packet(std::uint16_t type, const std::string& body, bool heartbeat = false) {
  std::string p;
  const std::size_t size = 16 + (heartbeat ? 0 : 4 + body.size());
  put_le(p, size, 2);
  put_le(p, heartbeat ? 0 : 1, 1);
  put_le(p, 0, 1);
  put_le(p, 0, 4);
  put_le(p,
         static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count()),
         8);
  if (!heartbeat) {
    put_le(p, 4 + body.size(), 2);
    put_le(p, type, 2);
    p += body;
  }
  return p;
}

bool is_control(std::uint16_t type) noexcept {
  return type == 100 || type == kLogon || type == kLogonResponse || type == kRetransRequest ||
         type == kRetransResponse || type == 203;
}

}  // namespace

OmdcRtsClient::OmdcRtsClient(asio::io_context& io, std::string host, std::uint16_t port,
                             std::string user, std::uint16_t channel, OmdcRtsHandler& handler,
                             OmdcDecoder& counts, Log& log, const std::string& name)
    : io_(io),
      socket_(io),
      host_(std::move(host)),
      port_(port),
      user_(std::move(user)),
      channel_(channel),
      handler_(handler),
      counts_(counts),
      log_(log),
      name_(name) {}

bool OmdcRtsClient::request(std::uint32_t begin, std::uint32_t end) {
  if (end - begin >= kRtsMaxRange) end = begin + kRtsMaxRange - 1;
  switch (state_) {
    case State::Ready:
      send_request(begin, end);
      return true;
    case State::Connecting:
    case State::LoggingOn:
      pending_ = true;
      pending_begin_ = begin;
      pending_end_ = end;
      return true;
    case State::Idle:
      if (failed_ns_ != 0 && steady_ns() - failed_ns_ < kReconnectNs) return false;
      pending_ = true;
      pending_begin_ = begin;
      pending_end_ = end;
      connect();
      return true;
  }
  return false;
}

void OmdcRtsClient::close() {
  ++generation_;
  boost::system::error_code ignored;
  socket_.close(ignored);
  state_ = State::Idle;
  pending_ = false;
  rx_.clear();
  tx_.clear();
  writing_.clear();
}

void OmdcRtsClient::fail(const std::string& why) {
  if (!outage_logged_) {  // once per outage: the gap timer asks again every few ms
    outage_logged_ = true;
    log_.write(LogLevel::Warning, name_,
               "RTS " + host_ + ":" + std::to_string(port_) + ": " + why +
                   "; retrying while gaps are open");
  }
  close();
  failed_ns_ = steady_ns();
}

void OmdcRtsClient::connect() {
  state_ = State::Connecting;
  const std::uint64_t gen = ++generation_;
  boost::system::error_code ec;
  const auto found = tcp::resolver(io_).resolve(host_, std::to_string(port_), ec);
  if (ec || found.empty()) {
    fail("cannot resolve: " + ec.message());
    return;
  }
  asio::async_connect(socket_, found,
                      [this, gen](const boost::system::error_code& e, const tcp::endpoint&) {
                        if (gen != generation_) return;
                        if (e) {
                          fail("connect failed: " + e.message());
                          return;
                        }
                        boost::system::error_code ignored;
                        socket_.set_option(tcp::no_delay(true), ignored);
                        state_ = State::LoggingOn;
                        std::string body = user_.substr(0, 12);
                        body.resize(12, ' ');
                        write(control_packet(kLogon, body));
                        read();
                      });
}

void OmdcRtsClient::read() {
  const std::uint64_t gen = generation_;
  socket_.async_read_some(asio::buffer(buf_),
                          [this, gen](const boost::system::error_code& e, std::size_t n) {
                            if (gen != generation_) return;
                            if (e) {
                              fail(e == asio::error::eof ? "the service closed the connection"
                                                         : "read failed: " + e.message());
                              return;
                            }
                            on_bytes(n);
                            if (gen == generation_) read();
                          });
}

void OmdcRtsClient::on_bytes(std::size_t n) {
  const std::int64_t recv = steady_ns();
  rx_.append(reinterpret_cast<const char*>(buf_), n);
  std::size_t at = 0;
  const std::uint64_t gen = generation_;
  while (rx_.size() - at >= 2) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(rx_.data()) + at;
    const std::size_t size = le16(p);
    if (size < kOmdcPacketHeader) {
      fail("a packet of " + std::to_string(size) + " bytes (PktSize < 16)");
      return;
    }
    if (rx_.size() - at < size) break;
    if (!on_packet(p, size, recv) || gen != generation_) return;
    at += size;
  }
  rx_.erase(0, at);
}

bool OmdcRtsClient::on_packet(const std::uint8_t* p, std::size_t size, std::int64_t recv) {
  const std::uint8_t count = p[2];
  if (count == 0) {  // the service's heartbeat: answered with ours
    write(control_packet(0, {}, true));
    return true;
  }
  if (size < kOmdcPacketHeader + 4) return true;
  const std::uint8_t* msg = p + kOmdcPacketHeader;
  const std::uint16_t msg_size = le16(msg);
  const std::uint16_t type = le16(msg + 2);
  if (!is_control(type)) {
    handler_.on_rts_packet(p, size, recv);
    return true;
  }
  const std::uint8_t* body = msg + 4;
  const std::size_t body_size =
      msg_size >= 4 && msg_size <= size - kOmdcPacketHeader ? msg_size - 4u : 0;
  if (type == kLogonResponse && body_size >= 1) {
    if (body[0] != 0) {
      counts_.count(OmdcCount::RtsRejects);
      handler_.on_rts_refused(pending_begin_, pending_end_, body[0]);
      fail("logon refused (SessionStatus " + std::to_string(body[0]) + ")");
      return false;
    }
    state_ = State::Ready;
    if (outage_logged_) {
      outage_logged_ = false;
      log_.write(LogLevel::Info, name_,
                 "RTS " + host_ + ":" + std::to_string(port_) + ": logged on");
    }
    failed_ns_ = 0;
    if (pending_) {
      pending_ = false;
      send_request(pending_begin_, pending_end_);
    }
  } else if (type == kRetransResponse && body_size >= 12) {
    const std::uint8_t status = body[2];
    if (status != 0) {
      counts_.count(OmdcCount::RtsRejects);
      handler_.on_rts_refused(le32(body + 4), le32(body + 8), status);
    }
  }
  return true;
}

void OmdcRtsClient::send_request(std::uint32_t begin, std::uint32_t end) {
  std::string body;
  put_le(body, channel_, 2);
  put_le(body, 0, 2);
  put_le(body, begin, 4);
  put_le(body, end, 4);
  write(control_packet(kRetransRequest, body));
  counts_.count(OmdcCount::Rerequests);
}

void OmdcRtsClient::write(std::string bytes) {
  tx_ += bytes;
  if (!writing_.empty()) return;
  writing_.swap(tx_);
  const std::uint64_t gen = generation_;
  asio::async_write(socket_, asio::buffer(writing_),
                    [this, gen](const boost::system::error_code& e, std::size_t) {
                      if (gen != generation_) return;
                      writing_.clear();
                      if (e) {
                        fail("write failed: " + e.message());
                        return;
                      }
                      if (!tx_.empty()) write({});
                    });
}

}  // namespace adrmon
