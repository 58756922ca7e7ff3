// Sources: the feed threads of `adrmon run`. Each turns one input (merged
// tick files, a growing file, a TCP stream, UDP datagrams) into Ticks on its
// own TickChannel, counting everything it refuses or loses, and says what
// happens to its input (connects, rotations) through a Log, never by printing.
//
// A Source is a thread with a lifecycle: start() spawns it, request_stop()
// asks it to finish (it closes its channel when it exits), join() waits.
// The virtual interface (Source::Body) is per source, never per tick.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/counter.hpp"
#include "adrmon/core/local_time.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/core/polled_input.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick_channel.hpp"
#include "adrmon/feeds/reject_hints.hpp"
#include "adrmon/feeds/venue_counts.hpp"

namespace adrmon {

// One source spec from the command line or [[source]]:
//   file:PATH[?speed=N|max]   file:PATH?follow=1[&silence_ms=N]   tcp://HOST:PORT[?silence_ms=N]
//   udp://HOST:PORT[?iface=ADDR][&source=ADDR][&rcvbuf=BYTES][&silence_ms=N]
//   itch:PATH[?date=YYYY-MM-DD][&speed=N|max][&orders=N]   (Nasdaq ITCH 5.0, .gz too)
//   omdc:PATH[?speed=N|max]                                 (HKEX OMD-C capture)
//   moldudp64://GROUP:PORT?session=NAME[&rerequest=HOST:PORT][&date=..]   (ITCH over UDP)
//   soupbin://HOST:PORT?user=U&password=P[&session=S][&seq=N][&date=..]  (ITCH over TCP)
//   omdc-udp://GROUP:PORT[?rts=HOST:PORT[&channel=N][&rts_user=U][&rts_timeout_ms=N]]  (OMD-C)
//   nats://HOST:PORT[?durable=NAME][&silence_ms=N]   (the ticks stream of NATS JetStream; bus/)
// HOST is a name, an IPv4 address or a bracketed IPv6 address
// (tcp://[::1]:9000); see core/host_port.hpp. Venue files (itch:, omdc:)
// are replayed with the tick files: merged by ts into one paced source.
struct SourceSpec {
  enum class Kind : std::uint8_t { File, Tcp, Udp, Itch, Omdc, MoldUdp64, SoupBin, OmdcUdp, Nats };
  Kind kind = Kind::File;
  std::string text;     // as written
  std::string path;     // File, Itch, Omdc
  double speed = 0;     // File, Itch, Omdc: real time x speed; 0 = as fast as possible
  bool follow = false;  // File: keep reading as the file grows
  std::string host;     // Tcp, Udp: without brackets ("::1")
  std::uint16_t port = 0;
  LocalDate date;                         // Itch: trading date (?date=, or the file's name)
  std::size_t order_capacity = 1u << 18;  // Itch: resting orders of tracked symbols (?orders=N)
  // Venue network framings (docs/FORMATS.md, "Venue feeds over the network").
  bool dated = false;          // MoldUdp64, SoupBin: ?date= given (else today in New York)
  std::string session;         // MoldUdp64: accepted session (empty: any); SoupBin: requested
  std::string rerequest_host;  // MoldUdp64: re-request server (empty: none)
  std::uint16_t rerequest_port = 0;
  std::uint32_t rerequest_timeout_ms = 500;  // MoldUdp64: a gap without progress this long is lost
  std::string user, password;                // SoupBin login
  std::uint64_t soup_seq = 1;                // SoupBin: first sequence requested (0: the newest)
  std::uint32_t heartbeat_ms = 1000;  // SoupBin: client heartbeat after this much send silence
  std::uint32_t timeout_ms = 15000;   // SoupBin: server silence that ends a connection
  std::string rts_host;               // OmdcUdp: RTS retransmission service (empty: none)
  std::uint16_t rts_port = 0;
  std::uint16_t rts_channel = 0;        // OmdcUdp: ChannelID in retransmission requests
  std::uint32_t rts_timeout_ms = 1000;  // OmdcUdp: a gap without progress this long is lost
  std::string rts_user = "adrmon";      // OmdcUdp: RTS logon username (<= 12 characters)
  std::string iface;                    // Udp-like: multicast interface (empty: INADDR_ANY)
  std::string mcast_source;             // Udp-like: source-specific multicast sender
  std::size_t rcvbuf = 4u << 20;        // Udp-like: SO_RCVBUF requested
  std::int64_t silence_ms = -1;         // live sources: ?silence_ms=N, 0 = off; -1: not given
  std::string durable;                  // Nats: durable consumer name (empty: ephemeral)

  // A replayed file of any format (merged with the others by ts).
  bool is_replayed_file() const noexcept {
    return (kind == Kind::File && !follow) || kind == Kind::Itch || kind == Kind::Omdc;
  }
};

// Parses a spec. Throws std::invalid_argument "source 'TEXT': why". Cold path.
// An itch: spec without ?date= takes the date from a Nasdaq file name
// (MMDDYYYY.NASDAQ_ITCH50[.gz]) and is refused when the name has none.
SourceSpec parse_source_spec(const std::string& text);

// The date in a Nasdaq ITCH file name ("01302020.NASDAQ_ITCH50.gz" ->
// 2020-01-30; any directory is ignored), or false.
bool itch_date_from_name(std::string_view path, LocalDate& date);

// What a source has done so far. Written by its thread, read by any thread.
struct SourceStats {
  Counter lines;   // non-blank lines seen ("ticks read")
  Counter parsed;  // lines that became ticks and entered the channel
  Counter blank;
  Counter bytes;
  std::array<Counter, kRejectReasonCount> rejects;  // by Reject
  Counter seq_gaps;                                 // times a stream's seq jumped forward
  Counter seq_missing;                              // seq numbers skipped in those jumps
  Counter seq_duplicates;                           // seq numbers at or below the last one seen
  Counter connects;                                 // TCP: connections made
  Counter disconnects;                              // TCP: connections lost
  Counter datagrams;                                // UDP: datagrams received
  Counter kernel_drops;    // udp://: datagrams the kernel dropped (socket buffer full)
  Counter kernel_stamped;  // udp://: datagrams with the kernel's receive stamp
  Counter wire_wait_ns;    // udp://: their time in the socket, kernel stamp -> read, summed
  Counter dropped;         // ticks dropped because the channel was full (network only)
  Counter done;            // 1 once the source has finished
  Counter venues;  // JSON sources: venues carried so far, bits 1 US, 2 HK, 4 FX (0: none yet)
  // Venue decoders (itch:, omdc: and their network framings): messages by
  // type, protocol problems, table sizes; named by itch_count_name(i) and
  // omdc_count_name(i) (venue_counts.hpp). All zero for JSON sources.
  std::array<Counter, kItchCountCount> itch;
  std::array<Counter, kOmdcCountCount> omdc;
  // JSON sources: the first distinct unknown_symbol values seen (for the
  // summary and the reject hint); the source's thread writes, any reads.
  UnknownSymbols unknown_symbols;

  RejectCounts reject_counts() const noexcept;
};

// Counts seq gaps and duplicates per (source, venue): US, HK and FX each form
// a stream whose seq should rise by one. Reports, never patches: the tick
// goes on either way. A tick without seq is ignored; the first seq of a venue
// only sets its start. No allocation; the source's thread.
class SeqTracker {
 public:
  void observe(const Tick& tick, SourceStats& stats) noexcept;

 private:
  std::array<std::uint64_t, 3> last_{};
  std::array<bool, 3> seen_{};
};

// Options shared by every source.
struct SourceOptions {
  std::size_t queue_capacity = 65536;
  int cpu = -1;  // pin the thread (pin_current_thread, core/cpu_affinity.hpp); -1: no pinning
  // Where sources say what happened to their input (connected, reconnected
  // after N s down, retrying, truncated, rotated, read error), who = the
  // source's name or the file's path. Cold path only, never per tick. A
  // pointer so the options stay a plain value; never null; must outlive the
  // sources. adrmon passes &stderr_log().
  Log* log = &null_log();
};

// One feed thread. Its lifecycle lives here once: start() spawns a
// std::jthread that pins itself, runs the body, then marks the source done
// and closes its channel (the engine drains what is left, then sees it
// closed). request_stop() asks the body to finish through a std::stop_token;
// join() waits; the destructor does both. A stop never cuts a backpressure
// wait short (docs/ARCHITECTURE.md): a tick already read is delivered.
// A source whose body can be polled (udp://, unpaced files) may instead be read by the
// engine thread (start_polled(), the inline design): no thread of its own;
// the engine's poll() reads it, and ends it once a stop is requested.
class Source final : public PolledInput {
 public:
  // What one kind of source does on its thread (feeds/src: the file group,
  // follow, TCP and UDP bodies). Destroyed only after the thread is joined.
  class Body {
   public:
    virtual ~Body() = default;
    // Reads the input into the source's channel until it ends or `stop` is
    // requested. Runs on the source's thread, once.
    virtual void run(std::stop_token stop) = 0;
    // The inline design (PolledInput): a body that can be read without a
    // thread of its own says so; poll() then reads what waits now, without
    // blocking, wait_fd() is what to sleep on (-1: nothing, the input never
    // waits), ended() says an input with an end (replayed files) has
    // reached it, and end_polled() finishes the input (last counts, socket
    // closed). Never together with run().
    virtual bool pollable() const noexcept { return false; }
    virtual std::size_t poll() noexcept { return 0; }
    virtual int wait_fd() const noexcept { return -1; }
    virtual bool ended() const noexcept { return false; }
    // Whether its ticks are worth timing per tick (latency stages): false
    // for files replayed at full speed, a throughput run where the stamps
    // would only measure queueing (EngineStage::set_untimed_source).
    virtual bool timed() const noexcept { return true; }
    virtual void end_polled() noexcept {}
  };
  // The parts of its Source a Body works on; alive as long as the Body.
  struct Parts {
    const std::string& name;
    SourceStats& stats;
    TickChannel& channel;
    Log& log;
  };

  // Builds the source's channel and stats, then its body with
  // make_body(parts); an exception from make_body (a file that cannot be
  // opened, a port that cannot be bound) leaves no source behind. Cold path.
  template <class MakeBody>
  Source(std::string name, Overflow policy, const SourceOptions& options, Doorbell& bell,
         MakeBody&& make_body)
      : name_(name),
        cpu_(options.cpu),
        log_(*options.log),
        channel_(std::move(name), options.queue_capacity, policy, bell),
        body_(make_body(Parts{name_, stats_, channel_, log_})) {}
  ~Source() override;
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  // Spawns the thread; later calls do nothing. Owner's thread.
  void start();
  // Whether the body can be read by the engine thread instead (udp://, a
  // file group replayed at full speed).
  bool pollable() const noexcept { return body_->pollable(); }
  // Whether its ticks are timed per tick (Body::timed).
  bool timed() const noexcept { return body_->timed(); }
  // The inline design: no thread; the engine thread reads the source through
  // poll() from now on. Call instead of start(), before the engine runs, and
  // only when pollable(). Owner's thread.
  void start_polled() noexcept { polled_ = true; }
  bool polled() const noexcept { return polled_; }
  // PolledInput, engine thread: reads what waits; after a stop request, or
  // once the body has reached its input's end, ends the source (done,
  // channel closed) and reads nothing more.
  std::size_t poll() noexcept override;
  bool done() const noexcept override { return polled_done_; }
  int wait_fd() const noexcept override { return body_->wait_fd(); }
  // Asks the body to finish. Any thread, any time (also before start(): the
  // thread then ends at once); no allocation.
  void request_stop() noexcept { stop_.request_stop(); }
  // Waits for the thread to end (at once if it was never started). Owner's thread.
  void join();

  const std::string& name() const noexcept { return name_; }
  // Written by the source's thread, read by any thread.
  const SourceStats& stats() const noexcept { return stats_; }
  TickChannel& channel() noexcept { return channel_; }

  // What the daemon's wall-clock watchdog needs: live (network or followed
  // file; never replayed files), network, and the spec's ?silence_ms= (-1:
  // not given). Set by make_sources; owner's thread.
  struct Liveness {
    bool live = false;
    bool network = false;
    std::int64_t silence_ms = -1;
  };
  const Liveness& liveness() const noexcept { return liveness_; }
  void set_liveness(const Liveness& l) noexcept { liveness_ = l; }

 private:
  Liveness liveness_;
  std::string name_;
  int cpu_;
  Log& log_;
  SourceStats stats_;
  TickChannel channel_;
  std::stop_source stop_;  // from construction, so a stop before start() holds
  bool polled_ = false;
  bool polled_done_ = false;  // engine thread
  std::unique_ptr<Body> body_;
  std::jthread thread_;  // declared last: ended before the body and the channel go
};

// Builds the sources for `specs`: all non-follow files become ONE merged,
// paced source (merged by ts like `adrmon replay`, so `run` over files gives
// the same alerts); every other spec becomes its own source. Source indexes
// are assigned in order. Throws std::invalid_argument on bad specs (e.g.
// files with different speeds) and std::runtime_error on unreadable files.
// `nats_body` builds the body of a nats:// source (bus/nats_source.hpp:
// make_nats_body; feeds never links the NATS client); without it a nats://
// spec is refused.
using NatsBodyFactory = std::unique_ptr<Source::Body> (*)(const Source::Parts&, const SourceSpec&,
                                                          const Config&, std::uint8_t);
std::vector<std::unique_ptr<Source>> make_sources(const std::vector<SourceSpec>& specs,
                                                  const Config& config,
                                                  const SourceOptions& options, Doorbell& bell,
                                                  NatsBodyFactory nats_body = nullptr);

}  // namespace adrmon
