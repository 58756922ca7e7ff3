// ParallelParse: the JSON files of a FileMerger parsed on more than one
// thread, each file's events (FileEvent: ticks, rejected lines, its end)
// flowing through a bounded SpscQueue to the merging thread, which takes
// them in file order and accounts them (TickFileReader::account).
//
// Each file has its own TickParser and ring. Whoever parses a file holds its
// claim (one atomic flag) for a batch of lines: a worker thread, which picks
// the unclaimed file whose ring is emptiest, or the merging thread itself
// when the ring of the file it needs is empty and nobody holds it. So a file
// is parsed by one thread at a time, in order, and the events are exactly
// the ones one thread would produce; on two cores one worker plus the
// merging thread keep both busy without either spinning on the other.
//
// Waiting: a worker with nothing to do (every ring nearly full, or claimed)
// spins briefly, then blocks on a futex (std::atomic::wait) until the
// merging thread has taken a ring it could fill down to half; the merging
// thread, when a worker holds the file it needs and its ring is empty, spins
// briefly, then blocks until that worker pushes or lets go. Nothing
// allocates after construction.
//
// Internal to feeds: only file_replay.cpp uses it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "adrmon/core/spsc_queue.hpp"
#include "adrmon/feeds/file_replay.hpp"

namespace adrmon {

class ParallelParse {
 public:
  // `readers` by file position (null: a venue file, not parsed here). Starts
  // `workers` threads (>= 1). Allocates (a parser and a ring per file);
  // throws what TickParser or the threads throw. Cold path.
  ParallelParse(const std::vector<std::unique_ptr<TickFileReader>>& readers, const Config& config,
                unsigned workers);
  // Stops and joins the workers.
  ~ParallelParse();
  ParallelParse(const ParallelParse&) = delete;
  ParallelParse& operator=(const ParallelParse&) = delete;

  // Stamps each file's ticks with its own chain (TickFileReader::set_stamping).
  // Before the first next(); safe while the workers run (it takes each file's
  // claim as they do).
  void enable_stamping() noexcept;

  // The next event of JSON file `i`, in file order. Never call again for a
  // file after its Kind::End. The merging thread only; no allocation.
  void next(std::size_t i, FileEvent& out) noexcept;

  // Stops the workers and joins them (idempotent): after it every reader's
  // reading state (read_error) may be read. The merging thread.
  void stop() noexcept;

 private:
  struct Stream {
    Stream(TickFileReader& r, const Config& config, std::size_t capacity)
        : reader(r), parser(config), ring(capacity) {}
    TickFileReader& reader;
    TickParser parser;
    SpscQueue<FileEvent> ring;
    std::atomic<bool> claimed{false};
    std::atomic<bool> ended{false};  // its End event is in the ring
    // Owned by the claim holder:
    std::int64_t chain = 0;
    bool has_pending = false;  // an event produced when the ring was full
    FileEvent pending{};
  };

  // Parses up to `max` events of `s` into its ring; the caller holds the claim.
  static void produce_batch(Stream& s, unsigned max, TickFileReader::Lines lines) noexcept;
  void work() noexcept;
  // A stream a worker could take now: unclaimed, not ended, room for a batch.
  Stream* pick() noexcept;

  std::vector<std::unique_ptr<Stream>> streams_;  // by file position
  std::atomic<bool> stop_{false};
  // Futex words: bumped by a worker (consumer_waiting_) / the merging thread
  // (worker_sleeping_) only when the other side said it sleeps.
  std::atomic<std::uint32_t> produced_{0};
  std::atomic<std::uint32_t> consumed_{0};
  std::atomic<bool> consumer_waiting_{false};
  std::atomic<bool> worker_sleeping_{false};
  std::vector<std::thread> workers_;
};

}  // namespace adrmon
