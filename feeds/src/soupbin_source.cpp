// SoupBinBody: ITCH 5.0 over SoupBinTCP 3.0 (MARKETS.md §3.3). Every packet
// is [u16 BE length = 1 + payload][type][payload]. On connect the client
// sends a login request (L: user 6, password 10, session 10, sequence 20,
// space padded); the server answers A (accepted: session, the sequence of
// its next message) or J (rejected: 'A' not authorised, 'S' no such
// session; logged as an error, retried with backoff). Sequenced data (S)
// carries one ITCH message; its sequence is implicit (+1 per S) and becomes
// the tick's seq. Heartbeats both ways: R when we have sent nothing for
// heartbeat_ms, and a server silent for timeout_ms (15 s) is a dead
// connection. Any loss reconnects (100 ms doubling to 5 s) and logs in at
// the next sequence, so a cut loses nothing; a server that resumes later than
// asked opens a gap that is counted (itch_seq_gaps / itch_seq_missing, and
// the source's seq_gaps / seq_missing), never patched. End of session (Z)
// ends the source.
#include <boost/asio.hpp>
#include <cstdio>
#include <cstring>
#include <string>

#include "adrmon/core/clock.hpp"
#include "venue_ingest.hpp"
#include "venue_net_sources.hpp"

namespace adrmon {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::size_t kBufferBytes = 256 * 1024;  // > the largest packet (65537)
constexpr std::int64_t kMsNs = 1'000'000;
constexpr std::int64_t kTickMs = 100;  // the heartbeat / silence timer

class SoupBinBody final : public ItchNetBody {
 public:
  SoupBinBody(const Source::Parts& parts, const SourceSpec& spec, const Config& config,
              std::uint8_t index)
      : ItchNetBody(parts, spec, config, index),
        host_(spec.host),
        port_(spec.port),
        user_(spec.user),
        password_(spec.password),
        session_(spec.session),
        next_(spec.soup_seq),
        heartbeat_ns_(static_cast<std::int64_t>(spec.heartbeat_ms) * kMsNs),
        timeout_ns_(static_cast<std::int64_t>(spec.timeout_ms) * kMsNs),
        backoff_(name_, log_),
        buf_(kBufferBytes) {}

 private:
  void begin() override {
    connect();
    tick();
  }
  void close() override {
    boost::system::error_code ignored;
    socket_.close(ignored);
    retry_timer_.cancel();
    tick_timer_.cancel();
  }
  bool done() const noexcept { return stopping() || ended_; }

  void connect() {
    boost::system::error_code ec;
    const auto endpoints = tcp::resolver(io_).resolve(host_, std::to_string(port_), ec);
    if (ec) {
      retry("resolve", ec.message());
      return;
    }
    asio::async_connect(socket_, endpoints,
                        [this](const boost::system::error_code& error, const tcp::endpoint&) {
                          if (done()) return;
                          if (error) {
                            retry("connect", error.message());
                            return;
                          }
                          on_connected();
                        });
  }

  void on_connected() {
    stats_.connects.add();
    connected_ = true;
    logged_in_ = false;
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    end_ = 0;
    last_rx_ = steady_ns();
    // L: Username 6, Password 10 (alpha: left-justified), RequestedSession 10
    // (blank: the current one), RequestedSequenceNumber 20 (numeric: right-justified).
    char* p = login_;
    p[0] = 0;
    p[1] = 47;
    p[2] = 'L';
    std::memset(p + 3, ' ', 46);
    std::memcpy(p + 3, user_.data(), user_.size());
    std::memcpy(p + 9, password_.data(), password_.size());
    std::memcpy(p + 19, session_.data(), session_.size());
    const std::string seq = std::to_string(next_);
    std::memcpy(p + 49 - seq.size(), seq.data(), seq.size());
    write(login_, sizeof login_);
    read();
  }

  void write(const char* data, std::size_t n) {
    if (writing_) return;  // a heartbeat behind a pending write is not needed
    writing_ = true;
    last_tx_ = steady_ns();
    asio::async_write(socket_, asio::buffer(data, n),
                      [this](const boost::system::error_code&, std::size_t) {
                        writing_ = false;  // a failed write shows up as a failed read
                      });
  }

  void read() {
    socket_.async_read_some(
        asio::buffer(buf_.data() + end_, buf_.size() - end_),
        [this](const boost::system::error_code& error, std::size_t n) {
          if (error) {
            lost(error == asio::error::eof ? "closed by the server" : error.message());
            return;
          }
          stats_.bytes.add(n);
          last_rx_ = steady_ns();
          end_ += n;
          if (!on_bytes(last_rx_)) return;
          read();
        });
  }

  // Frames and handles every whole packet; false when the connection ends.
  bool on_bytes(std::int64_t recv) {
    std::size_t at = 0;
    bool go_on = true;
    while (go_on && end_ - at >= 2) {
      const std::size_t len = std::size_t{static_cast<std::uint8_t>(buf_[at])} << 8 |
                              static_cast<std::uint8_t>(buf_[at + 1]);
      if (len == 0) {
        go_on = false;
        lost("a packet of length 0");
        break;
      }
      if (end_ - at < 2 + len) break;
      go_on = on_packet(buf_[at + 2], reinterpret_cast<const std::uint8_t*>(buf_.data() + at + 3),
                        len - 1, recv);
      at += 2 + len;
    }
    ingest_.publish(decoder_);
    ingest_.ring();
    if (!go_on) return false;
    std::memmove(buf_.data(), buf_.data() + at, end_ - at);
    end_ -= at;
    return true;
  }

  static std::uint64_t numeric(const std::uint8_t* p, std::size_t n) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (p[i] >= '0' && p[i] <= '9') v = v * 10 + (p[i] - '0');
    return v;
  }

  bool on_packet(char type, const std::uint8_t* payload, std::size_t n, std::int64_t recv) {
    switch (type) {
      case 'S':
        if (logged_in_) on_message(payload, n, next_++, recv);  // refused ones count too
        return true;
      case 'A': {
        if (n < 30) {
          lost("a short login accepted packet");
          return false;
        }
        const std::uint64_t seq = numeric(payload + 10, 20);
        const std::string session(reinterpret_cast<const char*>(payload), 10);
        if (seq > next_ && next_ != 0) {
          decoder_.count(ItchCount::SeqGaps);
          decoder_.count(ItchCount::SeqMissing, seq - next_);
          stats_.seq_gaps.add();
          stats_.seq_missing.add(seq - next_);
          log_.write(LogLevel::Warning, name_,
                     "asked for sequence " + std::to_string(next_) + ", the server resumes at " +
                         std::to_string(seq) + ": " + std::to_string(seq - next_) +
                         " messages lost");
        }
        log_.write(LogLevel::Info, name_,
                   "logged in to session '" + session + "' at sequence " + std::to_string(seq) +
                       backoff_.up());
        next_ = seq;
        logged_in_ = true;
        return true;
      }
      case 'J': {
        const char reason = n > 0 ? static_cast<char>(payload[0]) : '?';
        const std::string why = reason == 'A'   ? "not authorised (check user and password)"
                                : reason == 'S' ? "session not available"
                                                : std::string("reason '") + reason + "'";
        log_.write(LogLevel::Error, name_, "login rejected: " + why);
        lost("login rejected");
        return false;
      }
      case 'Z':
        log_.write(LogLevel::Info, name_,
                   "end of session after message " + std::to_string(next_ - 1));
        ended_ = true;
        close_all();
        return false;
      case 'H':
      case '+':
      default:
        return true;  // heartbeats, debug and unknown packets: the timer only needs bytes
    }
  }

  void tick() {
    tick_timer_.expires_after(std::chrono::milliseconds(kTickMs));
    tick_timer_.async_wait([this](const boost::system::error_code& e) {
      if (e || done()) return;
      if (connected_) {
        const std::int64_t now = steady_ns();
        if (now - last_rx_ > timeout_ns_) {
          char what[64];
          std::snprintf(what, sizeof what, "server silent for %.1f s",
                        static_cast<double>(now - last_rx_) / 1e9);
          lost(what);
        } else if (now - last_tx_ >= heartbeat_ns_) {
          write(kHeartbeat, sizeof kHeartbeat);
        }
      }
      tick();
    });
  }

  void close_all() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    retry_timer_.cancel();
    tick_timer_.cancel();
  }

  void lost(const std::string& why) {
    if (!connected_) return;
    connected_ = false;
    logged_in_ = false;
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (done()) return;
    stats_.disconnects.add();
    retry("connection lost", why);
  }

  void retry(const char* what, const std::string& why) {
    if (done()) return;
    retry_timer_.expires_after(backoff_.failed(what, why, " at sequence " + std::to_string(next_)));
    retry_timer_.async_wait([this](const boost::system::error_code& e) {
      if (!e && !done()) connect();
    });
  }

  static constexpr char kHeartbeat[3] = {0, 1, 'R'};

  std::string host_;
  std::uint16_t port_;
  std::string user_, password_, session_;
  std::uint64_t next_;  // the sequence of the next S packet
  std::int64_t heartbeat_ns_;
  std::int64_t timeout_ns_;
  ReconnectBackoff backoff_;
  tcp::socket socket_{io_};
  asio::steady_timer retry_timer_{io_};
  asio::steady_timer tick_timer_{io_};
  std::int64_t last_rx_ = 0;
  std::int64_t last_tx_ = 0;
  bool connected_ = false;
  bool logged_in_ = false;
  bool writing_ = false;
  bool ended_ = false;
  char login_[49] = {};
  std::vector<char> buf_;
  std::size_t end_ = 0;
};

}  // namespace

std::unique_ptr<Source::Body> make_soupbin_body(const Source::Parts& parts, const SourceSpec& spec,
                                                const Config& config, std::uint8_t index) {
  return std::make_unique<SoupBinBody>(parts, spec, config, index);
}

}  // namespace adrmon
