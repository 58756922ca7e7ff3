// CaptureReadAhead: a capture's blocks decoded on two threads, up to kSlots
// blocks ahead of the one being priced, so a replay on two cores runs zstd
// on both: a decoding thread of its own takes the blocks in order, and the
// consumer (the engine thread), when the block it needs is not ready yet,
// decodes the next block nobody has taken instead of waiting (zstd is about
// half of a capture replay's instructions on one thread, more than the
// engine's share, so a decoder alone left the engine waiting). The records,
// their order and the error at the end are exactly CaptureReader's: a bad
// block ends the blocks handed out there, whoever decoded the ones after it.
// Hand-off is per block (kCaptureBlockRecords, 4096 by default) through
// counters; a side that waits longer than a short spin sleeps on a condition
// variable. Nothing is locked per record.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
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
  // Reads `reader`'s blocks from where it is positioned (seek, set_until);
  // from here until the destructor nobody else may use `reader`. With
  // `decoder_thread` false no thread is started and the consumer decodes
  // every block itself (what a test of the consumer's side needs).
  // Allocates the slots and the decoders (one per thread) once. Cold path; throws
  // CaptureError when a zstd context cannot be made.
  explicit CaptureReadAhead(CaptureReader& reader, bool decoder_thread = true);
  // Stops the decoding thread (it finishes the block it is on) and joins it.
  ~CaptureReadAhead();
  CaptureReadAhead(const CaptureReadAhead&) = delete;
  CaptureReadAhead& operator=(const CaptureReadAhead&) = delete;

  // The next block's records, as reader.next_block() would give them; empty
  // at the end. The span lives until the next call. While the block is
  // still being decoded, decodes a later one or waits. No allocation (but
  // the message of a bad block). One consumer thread.
  std::span<const Tick> next_block();
  // Once next_block() returned empty: what reader.error() would say at that
  // point (empty for a clean end).
  const std::string& error() const noexcept { return error_; }
  // Blocks the consumer decoded itself (the rest: the decoding thread).
  std::size_t consumer_decoded() const noexcept { return consumer_decoded_; }

  static constexpr std::size_t kSlots = 4;

 private:
  struct Slot {
    std::vector<Tick> records;
    std::size_t size = 0;
    bool bad = false;
    std::string error;                  // when bad
    std::atomic<std::size_t> ready{0};  // block index + 1 once decoded into it
  };

  void decode();  // the thread
  // Decodes block b into its slot (free: b - released_ < kSlots), then
  // publishes it.
  void fill(std::size_t b, CaptureBlockDecoder& decoder);
  Slot& slot_of(std::size_t b) { return slots_[(b - first_) % kSlots]; }
  // Waits until pred(): spins a while (the other side is usually a block's
  // work away, less than a futex wake costs here), then sleeps on cv_.
  template <class Pred>
  void await(Pred pred);
  void signal();  // after a counter moved: wakes a sleeper, if any

  const CaptureReader& reader_;
  const std::size_t first_;  // block indices [first_, end_)
  const std::size_t end_;
  std::array<Slot, kSlots> slots_;
  std::unique_ptr<CaptureBlockDecoder> thread_decoder_;  // null without the thread
  std::unique_ptr<CaptureBlockDecoder> consumer_decoder_;
  // Block b lives in slot (b - first_) % kSlots. claimed_: the next block
  // nobody has taken (the thread takes with fetch_add, the consumer with a
  // compare-exchange); released_: every block before it has been handed out
  // and given back, so a block b may be decoded once b - released_ < kSlots.
  alignas(64) std::atomic<std::size_t> claimed_;
  alignas(64) std::atomic<std::size_t> released_;
  std::atomic<bool> stop_{false};  // the destructor or a bad block: the thread finishes
  std::size_t given_;              // the consumer's own: the next block to hand out
  bool finished_ = false;          // the consumer's own: the end or a bad block was handed out
  std::size_t consumer_decoded_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string error_;
  std::thread thread_;
};

}  // namespace adrmon
