// TcpBody: connect, read lines (recvmsg: their receive time is the kernel's
// stamp of the newest segment read), and on any failure report it, count it and
// reconnect with exponential backoff (100 ms doubling to 5 s). The gap across
// a reconnect is reported in time here and in ticks by the seq tracker; it is
// never patched. A TCP source applies backpressure (TCP flow control then
// slows the sender), so it drops nothing.
// UdpBody: opened by open_udp_receiver like the venue UDP sources (bind; a
// multicast group joined on ?iface=, from ?source= only when given; SO_RCVBUF
// ?rcvbuf= with the granted size logged), one or more "\n"-separated ticks per
// datagram, read with recvmsg (kernel_receive.hpp): each tick's ts_recv is
// the kernel's receive stamp (the wire, SO_TIMESTAMPNS) when it gives one,
// the time spent waiting in the socket is counted beside it, and the kernel's
// drops (SO_RXQ_OVFL per datagram, SO_MEMINFO at the end, so a lost tail
// counts too) are the source's kernel_drops. A full queue drops and counts.
// Both are IoBodies (net_body.hpp): an Asio io_context on the source's
// thread; a stop request (from any thread) is posted to it and closes the
// socket there. A UdpBody can also be polled by the engine thread (the
// inline design, Source::start_polled): the same reads and counts, without
// the io_context; the kernel's drop count is then read about once a second
// while the socket is quiet. The reconnect backoff and its lines are ReconnectBackoff's.
#include "net_sources.hpp"

#include <boost/asio.hpp>
#include <cerrno>
#include <string>

#include "adrmon/core/clock.hpp"
#include "kernel_receive.hpp"
#include "line_ingest.hpp"
#include "net_body.hpp"
#include "udp_socket.hpp"

namespace adrmon {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

class TcpBody final : public IoBody {
 public:
  TcpBody(const Source::Parts& parts, const SourceSpec& spec, const Config& config,
          std::uint8_t index)
      : IoBody(parts),
        host_(spec.host),
        port_(spec.port),
        backoff_(name_, log_),
        framer_(64 * 1024),
        ingest_(config, parts, index) {}

 private:
  void begin() override { connect(); }
  void close() override {
    boost::system::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
    work_.reset();
  }

  void connect() {
    boost::system::error_code ec;
    const auto endpoints = tcp::resolver(io_).resolve(host_, std::to_string(port_), ec);
    if (ec) {
      retry("resolve", ec);
      return;
    }
    asio::async_connect(socket_, endpoints,
                        [this](const boost::system::error_code& error, const tcp::endpoint&) {
                          if (stopping()) return;
                          if (error) {
                            retry("connect", error);
                            return;
                          }
                          on_connected();
                        });
  }

  void on_connected() {
    stats_.connects.add();
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    enable_kernel_receive_info(socket_.native_handle());
    const std::string down = backoff_.up();
    log_.write(LogLevel::Info, name_, down.empty() ? "connected" : "reconnected" + down);
    framer_.reset();
    read();
  }

  // Waits for bytes, then reads them with recvmsg: the lines they complete
  // get the kernel's receive stamp of the newest segment (the wire), or the
  // read time when the kernel gave none.
  void read() {
    socket_.async_wait(tcp::socket::wait_read, [this](const boost::system::error_code& error) {
      if (error) {
        on_lost(error);
        return;
      }
      const std::span<char> area = framer_.write_area();
      StampedRead r;
      if (!receive_stamped(socket_.native_handle(), area.data(), area.size(), r)) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          read();
          return;
        }
        on_lost(boost::system::error_code(errno, boost::system::system_category()));
        return;
      }
      if (r.size == 0) {
        on_lost(asio::error::eof);
        return;
      }
      const std::int64_t now = steady_ns();
      stats_.bytes.add(r.size);
      framer_.commit(r.size);
      ingest_.drain(framer_,
                    r.kernel_ns != 0 ? kernel_to_steady(r.kernel_ns, realtime_ns(), now) : now);
      read();
    });
  }

  void on_lost(const boost::system::error_code& error) {
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (stopping()) {
      framer_.reset();  // our own stop cut the line: not the feed's fault, not a reject
      return;
    }
    // A line cut by the peer's drop is parsed as is (and refused as invalid_json).
    ingest_.finish(framer_, steady_ns());
    stats_.disconnects.add();
    retry("connection lost", error);
  }

  void retry(const char* what, const boost::system::error_code& error) {
    if (stopping()) return;
    timer_.expires_after(backoff_.failed(what, error.message()));
    timer_.async_wait([this](const boost::system::error_code& e) {
      if (!e && !stopping()) connect();
    });
  }

  std::string host_;
  std::uint16_t port_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  tcp::socket socket_{io_};
  asio::steady_timer timer_{io_};
  ReconnectBackoff backoff_;
  LineFramer framer_;
  LineIngest ingest_;
};

class UdpBody final : public IoBody {
 public:
  UdpBody(const Source::Parts& parts, const SourceSpec& spec, const Config& config,
          std::uint8_t index)
      : IoBody(parts), channel_(parts.channel), ingest_(config, parts, index) {
    open_udp_receiver(socket_, spec.host, spec.port, udp_socket_options(spec), spec.text, parts.log,
                      parts.name);
    enable_kernel_receive_info(socket_.native_handle());
    fd_ = socket_.native_handle();
  }

 private:
  static constexpr std::size_t kMaxDatagram = 65536;
  static constexpr int kBatch = 64;  // datagrams read per wake-up before yielding to the loop

  bool pollable() const noexcept override { return true; }
  int wait_fd() const noexcept override { return fd_; }
  std::size_t poll() noexcept override {
    StampedRead d;
    std::size_t n = 0;
    while (n < kBatch && receive_stamped(fd_, buf_, kMaxDatagram, d)) {
      on_datagram(d);
      ++n;
    }
    if (n == 0 && ++quiet_polls_ >= 256) {  // the clock at most once per 256 empty polls
      quiet_polls_ = 0;
      const std::int64_t now = steady_ns();
      if (now >= next_drops_ns_) {
        note_kernel_drops();
        next_drops_ns_ = now + 1'000'000'000;
      }
    }
    return n;
  }
  void end_polled() noexcept override { close(); }

  void begin() override {
    receive();
    read_kernel_drops();
  }
  void close() override {
    note_kernel_drops();
    boost::system::error_code ignored;
    socket_.close(ignored);
    drops_timer_.cancel();
  }

  // The kernel's drop count once a second (a lost tail has no later datagram
  // to carry it) and once more at the end. Cold: one getsockopt a second.
  void read_kernel_drops() {
    drops_timer_.expires_after(std::chrono::seconds(1));
    drops_timer_.async_wait([this](const boost::system::error_code& error) {
      if (error || stopping()) return;
      note_kernel_drops();
      read_kernel_drops();
    });
  }
  void note_kernel_drops() noexcept {
    stats_.kernel_drops.set(
        socket_kernel_drops(socket_.native_handle(), stats_.kernel_drops.get()));
  }

  void receive() {
    socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& error) {
      if (error == asio::error::operation_aborted || stopping()) return;
      if (!error) drain();
      receive();
    });
  }

  // Every datagram waiting, up to kBatch; then back to the loop (a stop is seen).
  void drain() {
    StampedRead d;
    for (int i = 0; i < kBatch && receive_stamped(socket_.native_handle(), buf_, kMaxDatagram, d);
         ++i) {
      on_datagram(d);
    }
  }

  // Each datagram is a stream of its own, framed like a file (split_datagram).
  void on_datagram(const StampedRead& d) {
    const std::int64_t read = steady_ns();
    std::int64_t recv = read;
    if (d.kernel_ns != 0) {
      recv = kernel_to_steady(d.kernel_ns, realtime_ns(), read);
      stats_.kernel_stamped.add();
      stats_.wire_wait_ns.add(static_cast<std::uint64_t>(read - recv));
    }
    if (d.has_drops) stats_.kernel_drops.set(d.kernel_drops);
    stats_.datagrams.add();
    stats_.bytes.add(d.size);
    split_datagram(
        buf_, d.size, [&](std::string_view line) { ingest_.on_line(line, recv); },
        [&] { stats_.blank.add(); });
    channel_.ring();
  }

  TickChannel& channel_;
  udp::socket socket_{io_};
  int fd_ = -1;  // socket_'s, for poll()
  asio::steady_timer drops_timer_{io_};
  std::uint32_t quiet_polls_ = 0;   // poll(): empty polls since the clock was read
  std::int64_t next_drops_ns_ = 0;  // poll(): when to read the kernel's drop count
  alignas(64) char buf_[kMaxDatagram + kLinePadding + 1] = {};
  LineIngest ingest_;
};

}  // namespace

std::unique_ptr<Source::Body> make_tcp_body(const Source::Parts& parts, const SourceSpec& spec,
                                            const Config& config, std::uint8_t index) {
  return std::make_unique<TcpBody>(parts, spec, config, index);
}

std::unique_ptr<Source::Body> make_udp_body(const Source::Parts& parts, const SourceSpec& spec,
                                            const Config& config, std::uint8_t index) {
  return std::make_unique<UdpBody>(parts, spec, config, index);
}

}  // namespace adrmon
