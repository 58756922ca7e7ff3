// Sources: the feed threads of `adrmon run`. Each turns one input (merged
// tick files, a growing file, a TCP stream, UDP datagrams) into Ticks on its
// own TickChannel, counting everything it refuses or loses.
//
// A Source is a thread with a lifecycle: start() spawns it, request_stop()
// asks it to finish (it closes its channel when it exits), join() waits.
// The virtual interface is per source, never per tick.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/counter.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick_channel.hpp"

namespace adrmon {

// One source spec from the command line or [[source]]:
//   file:PATH[?speed=N|max][&follow=1]   tcp://HOST:PORT   udp://HOST:PORT
struct SourceSpec {
  enum class Kind : std::uint8_t { File, Tcp, Udp };
  Kind kind = Kind::File;
  std::string text;     // as written
  std::string path;     // File
  double speed = 0;     // File: real time x speed; 0 = as fast as possible
  bool follow = false;  // File: keep reading as the file grows
  std::string host;     // Tcp, Udp
  std::uint16_t port = 0;
};

// Parses a spec. Throws std::invalid_argument naming the spec and the problem.
SourceSpec parse_source_spec(const std::string& text);

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
  Counter dropped;  // ticks dropped because the channel was full (network only)
  Counter done;     // 1 once the source has finished

  RejectCounts reject_counts() const noexcept;
};

// Counts seq gaps and duplicates per (source, venue): US, HK and FX each form
// a stream whose seq should rise by one. Reports, never patches: the tick
// goes on either way.
class SeqTracker {
 public:
  void observe(const Tick& tick, SourceStats& stats) noexcept;

 private:
  std::array<std::uint64_t, 3> last_{};
  std::array<bool, 3> seen_{};
};

// Pins the calling thread to `cpu` (no-op for -1). Returns false on failure.
bool pin_this_thread(int cpu) noexcept;

class Source {
 public:
  virtual ~Source() = default;
  virtual void start() = 0;
  virtual void request_stop() noexcept = 0;
  // Waits for the source's thread to end. Derived destructors call
  // request_stop() and join() themselves: the thread uses their members.
  void join() {
    if (thread_.joinable()) thread_.join();
  }

  const std::string& name() const noexcept { return name_; }
  const SourceStats& stats() const noexcept { return stats_; }
  TickChannel& channel() noexcept { return channel_; }

 protected:
  Source(std::string name, std::size_t capacity, Overflow policy, Doorbell& bell)
      : name_(name), channel_(std::move(name), capacity, policy, bell) {}

  // Runs `body` on the source's own thread, pinned to `cpu`; when it returns
  // the source is marked done and its channel closed (the engine then drains it).
  template <class Body>
  void launch(int cpu, Body body) {
    thread_ = std::thread([this, cpu, body] {
      pin_this_thread(cpu);
      body();
      stats_.done.set(1);
      channel_.close();
    });
  }

  std::string name_;
  SourceStats stats_;
  TickChannel channel_;
  std::thread thread_;
};

// Options shared by every source.
struct SourceOptions {
  std::size_t queue_capacity = 65536;
  int cpu = -1;  // pin the thread; -1: no pinning
};

// Builds the sources for `specs`: all non-follow files become ONE merged,
// paced source (merged by ts like `adrmon replay`, so `run` over files gives
// the same alerts); every other spec becomes its own source. Source indexes
// are assigned in order. Throws std::invalid_argument on bad specs (e.g.
// files with different speeds) and std::runtime_error on unreadable files.
std::vector<std::unique_ptr<Source>> make_sources(const std::vector<SourceSpec>& specs,
                                                  const Config& config,
                                                  const SourceOptions& options, Doorbell& bell);

}  // namespace adrmon
