// OrderMap (linear probing, backward-shift deletion) and PriceLadder.
#include "adrmon/feeds/itch_book.hpp"

#include <algorithm>
#include <bit>

namespace adrmon {

OrderMap::OrderMap(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {
  const std::size_t slots = std::bit_ceil(std::max<std::size_t>(capacity_ * 2, 16));
  slots_.assign(slots, ItchOrder{});
  mask_ = slots - 1;
  shift_ = 64u - static_cast<unsigned>(std::countr_zero(slots));
}

bool OrderMap::insert(const ItchOrder& order) noexcept {
  if (size_ >= capacity_) return false;
  std::size_t i = home(order.ref);
  while (slots_[i].shares != 0) i = (i + 1) & mask_;
  slots_[i] = order;
  ++size_;
  return true;
}

void OrderMap::erase(ItchOrder* slot) noexcept {
  std::size_t hole = static_cast<std::size_t>(slot - slots_.data());
  // Backward shift: move each following entry of the run into the hole
  // when the hole lies between its home and where it sits (cyclically).
  for (std::size_t j = (hole + 1) & mask_; slots_[j].shares != 0; j = (j + 1) & mask_) {
    const std::size_t h = home(slots_[j].ref);
    if (((j - h) & mask_) >= ((j - hole) & mask_)) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole].shares = 0;
  --size_;
}

void OrderMap::clear() noexcept {
  std::fill(slots_.begin(), slots_.end(), ItchOrder{});
  size_ = 0;
}

PriceLadder::PriceLadder(bool ask, std::size_t reserve) : ask_(ask) {
  levels_.reserve(reserve);
}

std::size_t PriceLadder::lower_bound(std::uint32_t key) const noexcept {
  // The top (the back) first: most adds and removes are at or near it.
  const std::size_t n = levels_.size();
  if (n == 0 || levels_[n - 1].key < key) return n;
  if (levels_[n - 1].key == key) return n - 1;
  const auto it = std::lower_bound(levels_.begin(), levels_.end(), key,
                                   [](const Level& l, std::uint32_t k) { return l.key < k; });
  return static_cast<std::size_t>(it - levels_.begin());
}

bool PriceLadder::add(std::uint32_t price, std::uint64_t shares) noexcept {
  const std::uint32_t key = key_of(price);
  const std::size_t i = lower_bound(key);
  if (i < levels_.size() && levels_[i].key == key) {
    levels_[i].shares += shares;
    return false;
  }
  const bool grows = levels_.size() == levels_.capacity();
  // A growth allocates; std::bad_alloc here would end the process, which is
  // what running out of memory means for a feed thread.
  levels_.insert(levels_.begin() + static_cast<std::ptrdiff_t>(i), Level{key, shares});
  return grows;
}

void PriceLadder::remove(std::uint32_t price, std::uint64_t shares) noexcept {
  const std::uint32_t key = key_of(price);
  const std::size_t i = lower_bound(key);
  if (i >= levels_.size() || levels_[i].key != key) return;  // cannot happen: orders track levels
  Level& l = levels_[i];
  if (shares >= l.shares) {
    levels_.erase(levels_.begin() + static_cast<std::ptrdiff_t>(i));
  } else {
    l.shares -= shares;
  }
}

}  // namespace adrmon
