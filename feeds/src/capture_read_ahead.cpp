// CaptureReadAhead: the decoding thread fills slot b % kSlots with block b
// (CaptureReader::next_block, copied out: the reader reuses its buffer),
// the consumer takes them in order and gives each back on its next call.
#include "adrmon/feeds/capture_read_ahead.hpp"

#include <algorithm>
#include <cstring>

#include "adrmon/core/doorbell.hpp"  // cpu_relax

namespace adrmon {

CaptureReadAhead::CaptureReadAhead(CaptureReader& reader) : reader_(reader) {
  const std::size_t capacity = std::max<std::size_t>(reader.header().block_records, 1);
  for (std::vector<Tick>& slot : slots_) slot.resize(capacity);
  thread_ = std::thread([this] { decode(); });
}

CaptureReadAhead::~CaptureReadAhead() {
  stop_.store(true, std::memory_order_release);
  signal();
  thread_.join();
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

void CaptureReadAhead::decode() {
  for (;;) {
    await([this] {
      return stop_.load(std::memory_order_acquire) ||
             filled_.load(std::memory_order_relaxed) - released_.load(std::memory_order_acquire) <
                 kSlots;
    });
    if (stop_.load(std::memory_order_acquire)) return;
    const std::size_t b = filled_.load(std::memory_order_relaxed);
    const std::size_t slot = b % kSlots;
    // One whole block per slot (the reader hands out whole blocks here:
    // nobody else reads it). A block longer than the header's block_records
    // passed the reader's checks, so the slot grows for it.
    const std::span<const Tick> block = reader_.next_block();
    if (block.empty()) {
      error_ = reader_.error();
      done_.store(true, std::memory_order_release);
      signal();
      return;
    }
    std::vector<Tick>& out = slots_[slot];
    if (block.size() > out.size()) out.resize(block.size());
    std::memcpy(out.data(), block.data(), block.size() * sizeof(Tick));
    sizes_[slot] = block.size();
    filled_.store(b + 1, std::memory_order_release);
    signal();
  }
}

std::span<const Tick> CaptureReadAhead::next_block() {
  if (released_.load(std::memory_order_relaxed) < given_) {
    released_.store(given_, std::memory_order_release);  // done with the block it held
    signal();
  }
  await([this] {
    return filled_.load(std::memory_order_acquire) > given_ ||
           done_.load(std::memory_order_acquire);
  });
  if (filled_.load(std::memory_order_acquire) == given_) return {};
  const std::size_t slot = given_ % kSlots;
  ++given_;
  return {slots_[slot].data(), sizes_[slot]};
}

}  // namespace adrmon
