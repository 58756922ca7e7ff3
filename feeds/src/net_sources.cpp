// TcpSource: connect, read lines, and on any failure report it, count it and
// reconnect with exponential backoff (100 ms doubling to 5 s). The gap across
// a reconnect is reported in time here and in ticks by the seq tracker; it is
// never patched. A TCP source applies backpressure (TCP flow control then
// slows the sender), so it drops nothing.
// UdpSource: bind (joining the group for a multicast address), one or more
// "\n"-separated ticks per datagram. A full queue drops and counts; kernel
// losses show up as seq gaps.
#include "net_sources.hpp"

#include <boost/asio.hpp>
#include <cstdio>
#include <cstring>
#include <thread>

#include "adrmon/core/clock.hpp"
#include "line_ingest.hpp"

namespace adrmon {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

class TcpSource final : public Source {
 public:
  TcpSource(const SourceSpec& spec, const Config& config, const SourceOptions& options,
            Doorbell& bell, std::uint8_t index)
      : Source(spec.text, options.queue_capacity, Overflow::Backpressure, bell),
        host_(spec.host),
        port_(spec.port),
        cpu_(options.cpu),
        framer_(64 * 1024),
        ingest_(config, stats_, channel_, index) {}
  ~TcpSource() override {
    request_stop();
    join();
  }

  void start() override {
    connect();
    launch(cpu_, [this] { io_.run(); });
  }
  void request_stop() noexcept override {
    stop_.store(true, std::memory_order_relaxed);
    asio::post(io_, [this] {
      boost::system::error_code ignored;
      socket_.close(ignored);
      timer_.cancel();
      work_.reset();
    });
  }

 private:
  static constexpr std::int64_t kBackoffMinMs = 100;
  static constexpr std::int64_t kBackoffMaxMs = 5000;

  void connect() {
    boost::system::error_code ec;
    const auto endpoints = tcp::resolver(io_).resolve(host_, std::to_string(port_), ec);
    if (ec) {
      retry("resolve", ec);
      return;
    }
    asio::async_connect(socket_, endpoints,
                        [this](const boost::system::error_code& error, const tcp::endpoint&) {
                          if (stop_.load(std::memory_order_relaxed)) return;
                          if (error) {
                            retry("connect", error);
                            return;
                          }
                          on_connected();
                        });
  }

  void on_connected() {
    stats_.connects.add();
    socket_.set_option(tcp::no_delay(true));
    if (down_since_ != 0) {
      std::fprintf(stderr, "adrmon: %s: reconnected after %.3f s down\n", name_.c_str(),
                   static_cast<double>(steady_ns() - down_since_) / 1e9);
    } else {
      std::fprintf(stderr, "adrmon: %s: connected\n", name_.c_str());
    }
    down_since_ = 0;
    backoff_ms_ = kBackoffMinMs;
    framer_.reset();
    read();
  }

  void read() {
    const std::span<char> area = framer_.write_area();
    socket_.async_read_some(asio::buffer(area.data(), area.size()),
                            [this](const boost::system::error_code& error, std::size_t n) {
                              if (error) {
                                on_lost(error);
                                return;
                              }
                              stats_.bytes.add(n);
                              framer_.commit(n);
                              ingest_.drain(framer_, steady_ns());
                              read();
                            });
  }

  void on_lost(const boost::system::error_code& error) {
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (stop_.load(std::memory_order_relaxed)) {
      framer_.reset();  // our own stop cut the line: not the feed's fault, not a reject
      return;
    }
    // A line cut by the peer's drop is parsed as is (and refused as invalid_json).
    ingest_.finish(framer_, steady_ns());
    stats_.disconnects.add();
    retry("connection lost", error);
  }

  void retry(const char* what, const boost::system::error_code& error) {
    if (stop_.load(std::memory_order_relaxed)) return;
    if (down_since_ == 0) down_since_ = steady_ns();
    // One line per failure is fine: failures are at most one per backoff step.
    std::fprintf(stderr, "adrmon: %s: %s: %s; retrying in %lld ms\n", name_.c_str(), what,
                 error.message().c_str(), static_cast<long long>(backoff_ms_));
    timer_.expires_after(std::chrono::milliseconds(backoff_ms_));
    backoff_ms_ = std::min(backoff_ms_ * 2, kBackoffMaxMs);
    timer_.async_wait([this](const boost::system::error_code& e) {
      if (!e && !stop_.load(std::memory_order_relaxed)) connect();
    });
  }

  std::string host_;
  std::uint16_t port_;
  int cpu_;
  std::atomic<bool> stop_{false};
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  tcp::socket socket_{io_};
  asio::steady_timer timer_{io_};
  std::int64_t backoff_ms_ = kBackoffMinMs;
  std::int64_t down_since_ = 0;
  LineFramer framer_;
  LineIngest ingest_;
};

class UdpSource final : public Source {
 public:
  UdpSource(const SourceSpec& spec, const Config& config, const SourceOptions& options,
            Doorbell& bell, std::uint8_t index)
      : Source(spec.text, options.queue_capacity, Overflow::DropNewest, bell),
        cpu_(options.cpu),
        ingest_(config, stats_, channel_, index) {
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(spec.host, ec);
    if (ec) throw std::invalid_argument("source '" + spec.text + "': bad address: " + ec.message());
    const bool multicast = address.is_multicast();
    const udp::endpoint local(multicast ? asio::ip::address(asio::ip::address_v4::any()) : address,
                              spec.port);
    socket_.open(local.protocol());
    socket_.set_option(udp::socket::reuse_address(true));
    socket_.set_option(asio::socket_base::receive_buffer_size(8 << 20), ec);  // best effort
    socket_.bind(local, ec);
    if (ec) throw std::runtime_error("source '" + spec.text + "': cannot bind: " + ec.message());
    if (multicast) {
      // Join on the loopback interface when the group is used locally.
      socket_.set_option(
          asio::ip::multicast::join_group(address.to_v4(), asio::ip::address_v4::loopback()), ec);
      if (ec) {
        throw std::runtime_error("source '" + spec.text + "': cannot join group: " + ec.message());
      }
    }
  }
  ~UdpSource() override {
    request_stop();
    join();
  }

  void start() override {
    receive();
    launch(cpu_, [this] { io_.run(); });
  }
  void request_stop() noexcept override {
    stop_.store(true, std::memory_order_relaxed);
    asio::post(io_, [this] {
      boost::system::error_code ignored;
      socket_.close(ignored);
    });
  }

 private:
  static constexpr std::size_t kMaxDatagram = 65536;

  void receive() {
    socket_.async_receive_from(
        asio::buffer(buf_, kMaxDatagram), sender_,
        [this](const boost::system::error_code& error, std::size_t n) {
          if (error) {
            if (error == asio::error::operation_aborted || stop_.load(std::memory_order_relaxed)) {
              return;
            }
            receive();
            return;
          }
          on_datagram(n);
          receive();
        });
  }

  // Each datagram is a stream of its own, framed like a file (split_datagram).
  void on_datagram(std::size_t n) {
    const std::int64_t recv = steady_ns();
    stats_.datagrams.add();
    stats_.bytes.add(n);
    split_datagram(
        buf_, n, [&](std::string_view line) { ingest_.on_line(line, recv); },
        [&] { stats_.blank.add(); });
    channel_.ring();
  }

  int cpu_;
  std::atomic<bool> stop_{false};
  asio::io_context io_;
  udp::socket socket_{io_};
  udp::endpoint sender_;
  alignas(64) char buf_[kMaxDatagram + kLinePadding + 1] = {};
  LineIngest ingest_;
};

}  // namespace

std::unique_ptr<Source> make_tcp_source(const SourceSpec& spec, const Config& config,
                                        const SourceOptions& options, Doorbell& bell,
                                        std::uint8_t index) {
  return std::make_unique<TcpSource>(spec, config, options, bell, index);
}

std::unique_ptr<Source> make_udp_source(const SourceSpec& spec, const Config& config,
                                        const SourceOptions& options, Doorbell& bell,
                                        std::uint8_t index) {
  return std::make_unique<UdpSource>(spec, config, options, bell, index);
}

}  // namespace adrmon
