// MoldUdp64Body: ITCH 5.0 over MoldUDP64 (MARKETS.md §3.3). A downstream
// packet is [Session 10][Sequence u64 BE][Count u16 BE] + Count blocks of
// [u16 BE length][message]; Count 0 is a heartbeat (Sequence = next), 0xFFFF
// the end of session. Messages reach the ItchDecoder strictly in sequence
// order, each with its MoldUDP64 sequence number as the tick's seq:
//   - a packet ahead of the next expected sequence opens a gap; it is held
//     (a fixed arena, bounded) and, with ?rerequest=, the missing range is
//     asked for ([Session][Sequence u64][Count u16] to the server, whose
//     reply is an ordinary downstream packet on the request socket);
//   - every reply or late packet that fills the gap delivers what it can and
//     drains the held packets; the request is repeated (the server may send
//     only part of a range) until the gap closes;
//   - a gap that makes no progress for rerequest_timeout_ms (or that fills
//     the arena) is given up: the missing messages are counted and logged,
//     never patched, and delivery resumes at the first held packet.
// End of session, once every message before it is in (or given up), ends the
// source. Counters: itch_seq_gaps (gaps opened), itch_seq_missing (messages
// given up), itch_rerequests (request packets sent); the source's seq_gaps /
// seq_missing count the gaps given up and their messages.
#include <boost/asio.hpp>
#include <cstdio>
#include <cstring>
#include <vector>

#include "adrmon/core/clock.hpp"
#include "held_packets.hpp"
#include "udp_socket.hpp"
#include "venue_ingest.hpp"
#include "venue_net_sources.hpp"

namespace adrmon {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr std::size_t kHeader = 20;
constexpr std::size_t kMaxDatagram = 65536;
constexpr std::size_t kArenaBytes = std::size_t{16} << 20;  // held packets while a gap is open
constexpr std::size_t kMaxHeld = 16384;
constexpr std::uint16_t kEndOfSession = 0xffff;
constexpr std::int64_t kMsNs = 1'000'000;
constexpr std::int64_t kTickMs = 10;  // the gap timer's period

std::uint64_t be64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}
std::uint16_t be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

class MoldUdp64Body final : public ItchNetBody {
 public:
  MoldUdp64Body(const Source::Parts& parts, const SourceSpec& spec, const Config& config,
                std::uint8_t index)
      : ItchNetBody(parts, spec, config, index),
        gap_clock_{static_cast<std::int64_t>(spec.rerequest_timeout_ms) * kMsNs} {
    if (!spec.session.empty()) {
      std::memset(session_, ' ', sizeof session_);
      std::memcpy(session_, spec.session.data(), spec.session.size());
      session_fixed_ = true;
    }
    open_udp_receiver(data_, spec.host, spec.port, udp_socket_options(spec), spec.text, log_,
                      name_);
    if (!spec.rerequest_host.empty()) {
      boost::system::error_code ec;
      const auto found =
          udp::resolver(io_).resolve(spec.rerequest_host, std::to_string(spec.rerequest_port), ec);
      if (ec || found.empty()) {
        throw std::runtime_error("source '" + spec.text + "': cannot resolve the re-request " +
                                 "server: " + ec.message());
      }
      server_ = found.begin()->endpoint();
      request_.open(server_.protocol(), ec);
      if (!ec) request_.connect(server_, ec);
      if (ec) {
        throw std::runtime_error("source '" + spec.text +
                                 "': cannot open the re-request socket: " + ec.message());
      }
      has_server_ = true;
    }
  }

 private:
  void begin() override {
    receive(data_, data_buf_);
    if (has_server_) receive(request_, reply_buf_);
    tick();
  }

  void close() override {
    boost::system::error_code ignored;
    data_.close(ignored);
    request_.close(ignored);
    timer_.cancel();
  }

  void receive(udp::socket& socket, std::uint8_t* buf) {
    socket.async_receive(
        asio::buffer(buf, kMaxDatagram),
        [this, &socket, buf](const boost::system::error_code& error, std::size_t n) {
          if (error) {
            if (error == asio::error::operation_aborted || stopping()) return;
            receive(socket, buf);  // e.g. ECONNREFUSED from the request socket
            return;
          }
          on_packet(buf, n, steady_ns());
          if (!ended_) receive(socket, buf);
        });
  }

  // The gap timer: repeats requests and gives up a gap that stopped moving.
  void tick() {
    timer_.expires_after(std::chrono::milliseconds(kTickMs));
    timer_.async_wait([this](const boost::system::error_code& e) {
      if (e || ended_ || stopping()) return;  // expired before close(): no error, no re-arm
      if (gap_open_) {
        const std::int64_t now = steady_ns();
        if (gap_clock_.expired(now)) {
          // Later gaps among the held packets are timed from their arrival,
          // so a burst of losses costs one timeout, not one per gap.
          while (gap_open_ && gap_clock_.expired(now)) give_up(now);
        } else if (has_server_ && gap_clock_.retry_due(now)) {
          send_request(now);
        }
        ingest_.publish(decoder_);
        ingest_.ring();
      }
      tick();
    });
  }

  void on_packet(const std::uint8_t* p, std::size_t n, std::int64_t recv) {
    stats_.datagrams.add();
    stats_.bytes.add(n);
    if (n < kHeader) {
      decoder_.count(ItchCount::Truncated);
      return;
    }
    if (!session_fixed_) {
      std::memcpy(session_, p, sizeof session_);
      session_fixed_ = true;
    } else if (std::memcmp(session_, p, sizeof session_) != 0) {
      if (!warned_session_) {
        warned_session_ = true;
        log_.write(LogLevel::Warning, name_,
                   "packets of another MoldUDP64 session '" +
                       std::string(reinterpret_cast<const char*>(p), 10) + "' ignored");
      }
      return;
    }
    const std::uint64_t seq = be64(p + 10);
    const std::uint16_t count = be16(p + 18);
    if (!started_) {
      started_ = true;
      next_ = seq;
    }
    const std::uint64_t before = next_;
    if (count == 0 || count == kEndOfSession) {
      known_ = std::max(known_, seq);  // every message before `seq` exists
      if (count == kEndOfSession && end_seq_ == 0) end_seq_ = seq;
    } else if (seq + count <= next_) {
      // all of it delivered already (a late duplicate or an overlapping reply)
    } else if (seq <= next_) {
      deliver(p, n, seq, count, recv);
      drain_held(recv);
    } else {
      hold(p, n, seq, count, recv);
    }
    after_packet(before, recv);
  }

  // Delivers the packet's messages from next_ on; the rest were delivered.
  void deliver(const std::uint8_t* p, std::size_t n, std::uint64_t seq, std::uint16_t count,
               std::int64_t recv) noexcept {
    std::size_t at = kHeader;
    for (std::uint32_t i = 0; i < count; ++i) {
      if (n - at < 2) {
        decoder_.count(ItchCount::Truncated);
        break;
      }
      const std::size_t len = be16(p + at);
      at += 2;
      if (len > n - at) {
        decoder_.count(ItchCount::Truncated);
        break;
      }
      const std::uint8_t* msg = p + at;
      at += len;
      const std::uint64_t s = seq + i;
      if (s < next_) continue;
      next_ = s + 1;
      on_message(msg, len, s, recv);
    }
    // A packet cut short still moves on past what it claimed: nothing will resend it here.
    next_ = std::max(next_, seq + count);
  }

  void hold(const std::uint8_t* p, std::size_t n, std::uint64_t seq, std::uint16_t count,
            std::int64_t recv) {
    if (!held_.has_room(n)) {
      give_up(recv);  // the arena is full: the gap cannot wait any longer
      if (seq <= next_) {
        deliver(p, n, seq, count, recv);
        drain_held(recv);
        return;
      }
      if (!held_.has_room(n)) return;  // cannot happen
    }
    held_.hold(p, n, seq, count, recv);
    known_ = std::max(known_, seq);
  }

  // Delivers held packets that now continue the sequence, in order.
  void drain_held(std::int64_t recv) noexcept {
    held_.drain(next_, [&](const std::uint8_t* p, std::size_t size, std::uint64_t seq,
                           std::uint32_t count) {
      deliver(p, size, seq, static_cast<std::uint16_t>(count), recv);
    });
  }

  // The first sequence past the gap: the lowest held packet, else what a
  // heartbeat or the end of session said exists.
  std::uint64_t gap_end() const noexcept { return held_.gap_end(known_); }

  void after_packet(std::uint64_t before, std::int64_t now) {
    const bool gap = gap_end() > next_;
    if (gap && !gap_open_) {
      gap_open_ = true;
      decoder_.count(ItchCount::SeqGaps);
      gap_clock_.progress_ns = held_.earliest_recv(now);
      if (has_server_) send_request(now);
    } else if (gap && next_ != before) {
      gap_clock_.progress_ns = now;
      if (has_server_) send_request(now);  // the next part of the range
    } else if (!gap) {
      gap_open_ = false;
    }
    ingest_.publish(decoder_);
    ingest_.ring();
    if (end_seq_ != 0 && next_ >= end_seq_ && held_.empty()) end_session();
  }

  void send_request(std::int64_t now) {
    const std::uint64_t want = std::min<std::uint64_t>(gap_end() - next_, 0xfffe);
    std::uint8_t req[20];
    std::memcpy(req, session_, 10);
    for (int i = 0; i < 8; ++i) req[10 + i] = static_cast<std::uint8_t>(next_ >> (56 - 8 * i));
    req[18] = static_cast<std::uint8_t>(want >> 8);
    req[19] = static_cast<std::uint8_t>(want);
    boost::system::error_code ec;
    request_.send(asio::buffer(req), 0, ec);  // a lost request is repeated by the timer
    decoder_.count(ItchCount::Rerequests);
    gap_clock_.request_ns = now;
  }

  // The gap stopped moving: count what is lost and go on after it.
  void give_up(std::int64_t now) {
    const std::uint64_t end = gap_end();
    if (end <= next_) {
      gap_open_ = false;
      return;
    }
    const std::uint64_t lost = end - next_;
    decoder_.count(ItchCount::SeqMissing, lost);
    stats_.seq_gaps.add();
    stats_.seq_missing.add(lost);
    // At most one line per gap, and a gap lasts rerequest_timeout_ms: bounded.
    log_gap_not_recovered(log_, name_, next_, end, now - gap_clock_.progress_ns,
                          has_server_ ? " of re-requests" : " (no re-request server)");
    next_ = end;
    gap_open_ = false;
    const std::uint64_t before = next_;
    drain_held(now);
    after_packet(before, now);  // a second gap among the held packets opens now
  }

  void end_session() {
    if (ended_) return;
    ended_ = true;
    char what[96];
    std::snprintf(what, sizeof what, "end of session after message %llu",
                  static_cast<unsigned long long>(end_seq_ - 1));
    log_.write(LogLevel::Info, name_, what);
    asio::post(io_, [this] { close(); });
  }

  GapClock gap_clock_;
  udp::socket data_{io_};
  udp::socket request_{io_};
  udp::endpoint server_;
  asio::steady_timer timer_{io_};
  bool has_server_ = false;
  char session_[10] = {};
  bool session_fixed_ = false;
  bool warned_session_ = false;
  bool started_ = false;
  bool gap_open_ = false;
  bool ended_ = false;
  std::uint64_t next_ = 0;     // next sequence to deliver
  std::uint64_t known_ = 0;    // a sequence known to exist (heartbeat, end, held packet)
  std::uint64_t end_seq_ = 0;  // end of session's sequence, 0 before it
  HeldPackets held_{kArenaBytes, kMaxHeld};
  alignas(64) std::uint8_t data_buf_[kMaxDatagram] = {};
  alignas(64) std::uint8_t reply_buf_[kMaxDatagram] = {};
};

}  // namespace

std::unique_ptr<Source::Body> make_moldudp64_body(const Source::Parts& parts,
                                                  const SourceSpec& spec, const Config& config,
                                                  std::uint8_t index) {
  return std::make_unique<MoldUdp64Body>(parts, spec, config, index);
}

}  // namespace adrmon
