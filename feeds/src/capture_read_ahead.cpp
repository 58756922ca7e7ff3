// CaptureReadAhead: the decoding thread takes blocks in order and fills
// slot (b - first) % kSlots with block b (CaptureReader::decode_block, its
// own decoder); the consumer hands them out in order, gives each back on its
// next call, and while the block it needs is not ready decodes the next
// untaken one with its own decoder.
#include "adrmon/feeds/capture_read_ahead.hpp"

#include <algorithm>

#include "adrmon/core/doorbell.hpp"  // cpu_relax

namespace adrmon {

CaptureReadAhead::CaptureReadAhead(CaptureReader& reader, bool decoder_thread)
    : reader_(reader),
      first_(reader.next_block_index()),
      end_(std::max(reader.next_block_index(), reader.end_block_index())),
      thread_decoder_(decoder_thread ? reader.make_decoder() : nullptr),
      consumer_decoder_(reader.make_decoder()),
      claimed_(first_),
      released_(first_),
      given_(first_) {
  for (Slot& s : slots_) s.records.resize(std::max<std::size_t>(reader.max_block_records(), 1));
  if (decoder_thread) thread_ = std::thread([this] { decode(); });
}

CaptureReadAhead::~CaptureReadAhead() {
  stop_.store(true, std::memory_order_release);
  signal();
  if (thread_.joinable()) thread_.join();
}

template <class Pred>
void CaptureReadAhead::await(Pred pred) {
  for (int i = 0; i < 16384; ++i) {
    if (pred()) return;
    cpu_relax();
  }
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, pred);
}

void CaptureReadAhead::signal() {
  // Taking the mutex orders this after a sleeper's last check of its
  // predicate, so the notify cannot fall between that check and its sleep.
  { const std::lock_guard<std::mutex> lock(mu_); }
  cv_.notify_all();
}

void CaptureReadAhead::fill(std::size_t b, CaptureBlockDecoder& decoder) {
  Slot& s = slot_of(b);
  s.bad = !reader_.decode_block(b, decoder, s.records.data(), s.size, s.error);
  s.ready.store(b + 1, std::memory_order_release);
}

void CaptureReadAhead::decode() {
  for (;;) {
    const std::size_t b = claimed_.fetch_add(1, std::memory_order_relaxed);
    if (b >= end_) return;
    await([&] {
      return stop_.load(std::memory_order_acquire) ||
             b - released_.load(std::memory_order_acquire) < kSlots;
    });
    if (stop_.load(std::memory_order_acquire)) return;
    fill(b, *thread_decoder_);
    signal();
  }
}

std::span<const Tick> CaptureReadAhead::next_block() {
  if (released_.load(std::memory_order_relaxed) < given_) {
    released_.store(given_, std::memory_order_release);  // done with the block it held
    signal();
  }
  if (finished_) return {};
  if (given_ >= end_) {
    finished_ = true;
    error_.clear();
    return {};
  }
  Slot& s = slot_of(given_);
  const auto ready = [&] { return s.ready.load(std::memory_order_acquire) == given_ + 1; };
  while (!ready()) {
    // Not decoded yet: decode the next untaken block if its slot is free
    // (given_ itself when the thread has not taken it), else wait. Taken
    // blocks only grow, so once nothing is free the wait is for `s` alone.
    std::size_t c = claimed_.load(std::memory_order_relaxed);
    if (c < end_ && c - given_ < kSlots &&
        claimed_.compare_exchange_strong(c, c + 1, std::memory_order_relaxed)) {
      fill(c, *consumer_decoder_);
      ++consumer_decoded_;
      continue;
    }
    await(ready);
  }
  ++given_;
  if (s.bad) {
    error_ = s.error;
    finished_ = true;
    stop_.store(true, std::memory_order_release);
    signal();
    return {};
  }
  return {s.records.data(), s.size};
}

}  // namespace adrmon
