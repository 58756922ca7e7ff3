// OmdcUdpBody: HKEX OMD-C over UDP (MARKETS.md §4.1). Each datagram holds
// one or more packets back to back, each with its 16-byte header (PktSize,
// MsgCount, Filler never read, SeqNum, SendTime). A PktSize below 16 or
// beyond the datagram drops the rest of the datagram (omdc_bad_packets).
//
// Without ?rts= every packet goes to the OmdcDecoder as it comes, which
// counts a SeqNum past the next expected one as a gap (omdc_seq_gaps /
// omdc_seq_missing, mirrored into the source's seq_gaps / seq_missing):
// reported, never patched.
//
// With ?rts=HOST:PORT, messages reach the decoder strictly in SeqNum order:
//   - a packet ahead of the next expected SeqNum opens a gap; it is held (a
//     fixed arena, bounded) and the missing range [next, first held - 1] is
//     asked of the RTS service (omdc_rts_client.hpp), at most 1000 messages
//     per request; a heartbeat whose SeqNum (the next message) is ahead
//     opens a gap too;
//   - the retransmitted packets (trimmed to what is still missing) and the
//     held ones are delivered in order as they continue the sequence;
//     omdc_recovered counts the messages the service filled in;
//   - the request is repeated while the gap moves, and a gap that makes no
//     progress for rts_timeout_ms, that the service refuses or that fills
//     the arena is given up: delivery resumes at the first held packet, and
//     the decoder then counts the jump (omdc_seq_gaps / omdc_seq_missing =
//     gaps and messages lost) and one line is logged per gap.
#include <boost/asio.hpp>
#include <cstdio>
#include <cstring>
#include <optional>

#include "adrmon/core/clock.hpp"
#include "held_packets.hpp"
#include "net_body.hpp"
#include "omdc_rts_client.hpp"
#include "udp_socket.hpp"
#include "venue_ingest.hpp"
#include "venue_net_sources.hpp"

namespace adrmon {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr std::size_t kMaxDatagram = 65536;
constexpr std::size_t kArenaBytes = std::size_t{16} << 20;  // held packets while a gap is open
constexpr std::size_t kMaxHeld = 16384;
constexpr std::int64_t kMsNs = 1'000'000;
constexpr std::int64_t kTickMs = 10;  // the gap timer's period

std::uint32_t le32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}
std::size_t le16(const std::uint8_t* p) noexcept {
  return std::size_t{p[0]} | std::size_t{p[1]} << 8;
}

class OmdcUdpBody final : public IoBody, public OmdcRtsHandler {
 public:
  OmdcUdpBody(const Source::Parts& parts, const SourceSpec& spec, const Config& config,
              std::uint8_t index)
      : IoBody(parts),
        ingest_(parts, index),
        decoder_(config),
        gap_clock_{static_cast<std::int64_t>(spec.rts_timeout_ms) * kMsNs} {
    open_udp_receiver(socket_, spec.host, spec.port, udp_socket_options(spec), spec.text, log_,
                      name_);
    if (!spec.rts_host.empty()) {
      rts_ = std::make_unique<OmdcRtsClient>(io_, spec.rts_host, spec.rts_port, spec.rts_user,
                                             spec.rts_channel, *this, decoder_, log_, name_);
      held_.emplace(kArenaBytes, kMaxHeld);
    }
  }

  void begin() override {
    receive();
    if (rts_) tick();
  }
  void close() override {
    boost::system::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
    if (rts_) rts_->close();
  }
  void end() override { ingest_.publish(decoder_); }

 private:
  void receive() {
    socket_.async_receive(asio::buffer(buf_, kMaxDatagram),
                          [this](const boost::system::error_code& error, std::size_t n) {
                            if (error) {
                              if (error == asio::error::operation_aborted || stopping()) return;
                              receive();
                              return;
                            }
                            on_datagram(n, steady_ns());
                            receive();
                          });
  }

  void on_datagram(std::size_t n, std::int64_t recv) {
    stats_.datagrams.add();
    stats_.bytes.add(n);
    std::size_t at = 0;
    while (n - at >= 2) {
      const std::size_t size = le16(buf_ + at);
      if (size < kOmdcPacketHeader || size > n - at) {
        decoder_.count(OmdcCount::BadPackets);
        break;
      }
      if (rts_) {
        on_packet(buf_ + at, size, recv, false);
      } else {
        decode(buf_ + at, size, recv);
      }
      at += size;
    }
    if (n - at == 1) decoder_.count(OmdcCount::BadPackets);
    ingest_.publish(decoder_);
    ingest_.ring();
  }

  // The decoder's own framing of one whole packet.
  void decode(const std::uint8_t* p, std::size_t size, std::int64_t recv) noexcept {
    decoder_.begin_packet(p, size);
    Tick tick;
    while (ingest_.on_omdc(decoder_.next(tick), tick, recv)) {
    }
  }

  // ------------------------------------------------------------ with RTS

  void on_rts_packet(const std::uint8_t* p, std::size_t size, std::int64_t recv) override {
    stats_.bytes.add(size);
    on_packet(p, size, recv, true);
    ingest_.publish(decoder_);
    ingest_.ring();
  }

  void on_rts_refused(std::uint32_t begin, std::uint32_t end, std::uint8_t status) override {
    char what[128];
    std::snprintf(what, sizeof what, "RTS refused messages %u..%u (status %u)", begin, end,
                  static_cast<unsigned>(status));
    if (!refusal_logged_) log_.write(LogLevel::Warning, name_, what);
    refusal_logged_ = true;
    // Asking again would get the same answer: the gap is lost now.
    if (gap_open_ && begin <= next_ && next_ <= end) give_up(steady_ns());
    ingest_.publish(decoder_);
    ingest_.ring();
  }

  // The gap timer: repeats requests and gives up a gap that stopped moving.
  void tick() {
    timer_.expires_after(std::chrono::milliseconds(kTickMs));
    timer_.async_wait([this](const boost::system::error_code& e) {
      // stopping(): a wait that expired before close() ran completes without
      // an error; re-arming it then would keep io_ running for ever.
      if (e || stopping()) return;
      if (gap_open_) {
        const std::int64_t now = steady_ns();
        if (gap_clock_.expired(now)) {
          // Later gaps among the held packets are timed from their arrival,
          // so a burst of losses costs one timeout, not one per gap.
          while (gap_open_ && gap_clock_.expired(now)) give_up(now);
        } else if (gap_clock_.retry_due(now)) {
          send_request(now);
        }
        ingest_.publish(decoder_);
        ingest_.ring();
      }
      tick();
    });
  }

  void on_packet(const std::uint8_t* p, std::size_t size, std::int64_t recv, bool from_rts) {
    const std::uint32_t seq = le32(p + 4);
    const std::uint32_t count = p[2];
    const std::uint64_t before = next_;
    if (count == 0) {
      decode(p, size, recv);                                        // counted as a heartbeat
      if (started_) known_ = std::max<std::uint64_t>(known_, seq);  // messages before seq exist
    } else {
      if (!started_) {
        started_ = true;
        next_ = seq;
      }
      if (seq + std::uint64_t{count} <= next_) {
        // all of it delivered already (a late duplicate or an overlapping retransmission)
      } else if (seq <= next_) {
        deliver(p, size, seq, count, recv, from_rts);
        drain_held(recv);
      } else if (!from_rts) {
        hold(p, size, seq, count, recv);
      }
    }
    after_packet(before, recv);
  }

  // Delivers the packet's messages from next_ on (a copy trimmed to them
  // when some were delivered already, so the decoder sees no overlap).
  void deliver(const std::uint8_t* p, std::size_t size, std::uint32_t seq, std::uint32_t count,
               std::int64_t recv, bool from_rts) noexcept {
    const std::uint64_t end = seq + std::uint64_t{count};
    if (seq < next_) {
      const std::uint32_t skip = static_cast<std::uint32_t>(next_ - seq);
      std::size_t at = kOmdcPacketHeader;
      for (std::uint32_t i = 0; i < skip && size - at >= 4; ++i) {
        const std::size_t m = le16(p + at);
        if (m < 4 || m > size - at) break;
        at += m;
      }
      const std::size_t rest = size - at;
      std::memcpy(trim_, p, kOmdcPacketHeader);
      std::memcpy(trim_ + kOmdcPacketHeader, p + at, rest);
      const std::size_t trimmed = kOmdcPacketHeader + rest;
      trim_[0] = static_cast<std::uint8_t>(trimmed);
      trim_[1] = static_cast<std::uint8_t>(trimmed >> 8);
      trim_[2] = static_cast<std::uint8_t>(count - skip);
      for (int i = 0; i < 4; ++i) trim_[4 + i] = static_cast<std::uint8_t>(next_ >> (8 * i));
      if (from_rts) decoder_.count(OmdcCount::Recovered, end - next_);
      decode(trim_, trimmed, recv);
    } else {
      if (from_rts) decoder_.count(OmdcCount::Recovered, count);
      decode(p, size, recv);
    }
    next_ = end;
  }

  void hold(const std::uint8_t* p, std::size_t size, std::uint32_t seq, std::uint32_t count,
            std::int64_t recv) {
    if (!held_->has_room(size)) {
      give_up(recv);  // the arena is full: the gap cannot wait any longer
      if (seq <= next_) {
        deliver(p, size, seq, count, recv, false);
        drain_held(recv);
        return;
      }
      if (!held_->has_room(size)) return;  // cannot happen: give_up drained everything held
    }
    held_->hold(p, size, seq, count, recv);
    known_ = std::max<std::uint64_t>(known_, seq);
  }

  // Delivers held packets that now continue the sequence, in order.
  void drain_held(std::int64_t recv) noexcept {
    held_->drain(next_, [&](const std::uint8_t* p, std::size_t size, std::uint64_t seq,
                            std::uint32_t count) {
      deliver(p, size, static_cast<std::uint32_t>(seq), count, recv, false);
    });
  }

  // The first SeqNum past the gap: the lowest held packet, else what a
  // heartbeat said exists.
  std::uint64_t gap_end() const noexcept { return held_->gap_end(known_); }

  void after_packet(std::uint64_t before, std::int64_t now) {
    const bool gap = started_ && gap_end() > next_;
    if (gap && !gap_open_) {
      gap_open_ = true;
      refusal_logged_ = false;
      gap_clock_.progress_ns = held_->earliest_recv(now);
      send_request(now);
    } else if (gap && next_ != before) {
      gap_clock_.progress_ns = now;
      send_request(now);  // the next part of the range
    } else if (!gap) {
      gap_open_ = false;
    }
  }

  void send_request(std::int64_t now) {
    // A datagram received before close() ran may still open a gap: never
    // (re)connect to the service once the source is stopping.
    if (stopping()) return;
    const std::uint64_t last = std::min<std::uint64_t>(gap_end() - 1, next_ + kRtsMaxRange - 1);
    rts_->request(static_cast<std::uint32_t>(next_), static_cast<std::uint32_t>(last));
    gap_clock_.request_ns = now;
  }

  // The gap stopped moving: go on after it; the decoder counts the jump.
  void give_up(std::int64_t now) {
    const std::uint64_t end = gap_end();
    if (end <= next_) {
      gap_open_ = false;
      return;
    }
    // At most one line per gap, and a gap lasts rts_timeout_ms: bounded.
    log_gap_not_recovered(log_, name_, next_, end, now - gap_clock_.progress_ns,
                          " of RTS requests");
    // Announced by a heartbeat only (nothing held), the decoder counts the
    // jump when the next packet comes.
    next_ = end;
    gap_open_ = false;
    const std::uint64_t before = next_;
    drain_held(now);
    after_packet(before, now);  // a second gap among the held packets opens now
  }

  VenueIngest ingest_;
  OmdcDecoder decoder_;
  GapClock gap_clock_;
  udp::socket socket_{io_};
  asio::steady_timer timer_{io_};
  std::unique_ptr<OmdcRtsClient> rts_;
  bool started_ = false;
  bool gap_open_ = false;
  bool refusal_logged_ = false;
  std::uint64_t next_ = 0;           // next SeqNum to deliver
  std::uint64_t known_ = 0;          // a SeqNum known to exist (heartbeat, held packet)
  std::optional<HeldPackets> held_;  // with rts= only
  alignas(64) std::uint8_t buf_[kMaxDatagram] = {};
  alignas(64) std::uint8_t trim_[kMaxDatagram] = {};
};

}  // namespace

std::unique_ptr<Source::Body> make_omdc_udp_body(const Source::Parts& parts, const SourceSpec& spec,
                                                 const Config& config, std::uint8_t index) {
  return std::make_unique<OmdcUdpBody>(parts, spec, config, index);
}

}  // namespace adrmon
