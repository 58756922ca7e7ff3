// CaptureReadAhead: a capture's blocks decoded on a thread of their own, up
// to kSlots blocks ahead of the one being priced, so a replay on two cores
// runs zstd on one and the engine on the other (zstd is about half of a
// capture replay's instructions on one thread). The records, their order and
// the error at the end are exactly CaptureReader's. Hand-off is per block
// (kCaptureBlockRecords, 4096 by default) through two counters; a side that waits
// longer than a short spin sleeps on a condition variable. Nothing is locked
// per record.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/capture.hpp"

namespace adrmon {

class CaptureReadAhead {
 public:
  // Starts the decoding thread on `reader`, positioned already (seek,
  // set_until). From here until the destructor only that thread touches
  // `reader`. Allocates the slots once (block_records each). Cold path.
  explicit CaptureReadAhead(CaptureReader& reader);
  // Stops the decoding thread (it finishes the block it is on) and joins it.
  ~CaptureReadAhead();
  CaptureReadAhead(const CaptureReadAhead&) = delete;
  CaptureReadAhead& operator=(const CaptureReadAhead&) = delete;

  // The next block's records, as reader.next_block() would give them; empty
  // at the end. The span lives until the next call. Waits while the block is
  // still being decoded. No allocation. One consumer thread.
  std::span<const Tick> next_block();
  // Once next_block() returned empty: reader.error() at that point (empty
  // for a clean end).
  const std::string& error() const noexcept { return error_; }

  static constexpr std::size_t kSlots = 3;

 private:
  void decode();  // the thread
  // Waits until pred(): spins a while (the other side is usually a block's
  // work away, less than a futex wake costs here), then sleeps on cv_.
  template <class Pred>
  void await(Pred pred);
  void signal();  // after a counter moved: wakes a sleeper, if any

  CaptureReader& reader_;
  std::array<std::vector<Tick>, kSlots> slots_;
  std::array<std::size_t, kSlots> sizes_{};
  // Blocks counted from 0: block b lives in slot b % kSlots. The decoder
  // writes block `filled_` once `filled_ - released_ < kSlots`; the consumer
  // holds block `given_ - 1` until its next call releases it.
  alignas(64) std::atomic<std::size_t> filled_{0};
  alignas(64) std::atomic<std::size_t> released_{0};
  std::atomic<bool> done_{false};  // the decoder reached the end (or a bad block)
  std::atomic<bool> stop_{false};  // the destructor asks the decoder to finish
  std::size_t given_ = 0;          // the consumer's own
  std::mutex mu_;
  std::condition_variable cv_;
  std::string error_;  // written before done_
  std::thread thread_;
};

}  // namespace adrmon
