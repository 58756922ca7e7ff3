// The order-by-order state behind the ITCH decoder: a flat open-addressing
// map of resting orders keyed by their 64-bit reference (OrderMap), and the
// aggregated price levels of one side of one symbol (PriceLadder).
//
// Both are sized once at start-up and never allocate afterwards, except a
// ladder that outgrows its reserve (counted by the decoder as a level growth).
// One thread; no locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace adrmon {

// A resting order of a tracked symbol.
struct ItchOrder {
  std::uint64_t ref = 0;
  std::uint32_t price = 0;   // Price(4): 4 implied decimals
  std::uint32_t shares = 0;  // 0 marks an empty slot: a resting order always has shares
  std::uint16_t book = 0;    // the symbol's book (the pair id)
  std::uint8_t side = 0;     // 0 bid, 1 ask
};

// Linear probing over a power-of-two table at most half full; deletion by
// backward shift, so there are no tombstones and probes stay short.
class OrderMap {
 public:
  // Holds up to `capacity` orders (table of bit_ceil(2 x capacity) slots).
  // Allocates; cold path.
  explicit OrderMap(std::size_t capacity);

  // The resting order `ref`, or nullptr. Valid until the next insert/erase.
  ItchOrder* find(std::uint64_t ref) noexcept {
    for (std::size_t i = home(ref);; i = (i + 1) & mask_) {
      ItchOrder& o = slots_[i];
      if (o.shares == 0) return nullptr;
      if (o.ref == ref) return &o;
    }
  }
  // Inserts an order whose ref is not resting (the caller checked) and
  // whose shares > 0. False when the map holds `capacity` orders.
  bool insert(const ItchOrder& order) noexcept;
  // Removes the order `slot` points to (from find()).
  void erase(ItchOrder* slot) noexcept;

  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  // Calls f(order) for every resting order, in table order. For checks and
  // tests: it walks the whole table.
  template <class F>
  void for_each(F&& f) const {
    for (const ItchOrder& o : slots_)
      if (o.shares != 0) f(o);
  }
  void clear() noexcept;

 private:
  std::size_t home(std::uint64_t ref) const noexcept {
    return static_cast<std::size_t>((ref * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  std::vector<ItchOrder> slots_;
  std::size_t mask_ = 0;
  unsigned shift_ = 0;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// The price levels of one side: total shares per price, sorted so the best
// price is at the back (bids ascending, asks descending), where nearly all
// activity happens: adds and removes at the top move nothing.
class PriceLadder {
 public:
  struct Level {
    std::uint32_t key;  // the price for bids, ~price for asks: ascending, best last
    std::uint64_t shares;
  };

  // `ask` orders the ladder; `reserve` levels are allocated now.
  PriceLadder(bool ask, std::size_t reserve);

  // Adds `shares` at `price`. Returns true when the level array had to grow
  // (an allocation).
  bool add(std::uint32_t price, std::uint64_t shares) noexcept;
  // Removes `shares` at `price` (at most what the level holds; a level
  // reaching 0 is erased). The level must exist.
  void remove(std::uint32_t price, std::uint64_t shares) noexcept;

  bool empty() const noexcept { return levels_.empty(); }
  std::uint32_t best_price() const noexcept { return price_of(levels_.back().key); }
  std::uint64_t best_shares() const noexcept { return levels_.back().shares; }
  std::size_t depth() const noexcept { return levels_.size(); }
  const std::vector<Level>& levels() const noexcept { return levels_; }
  std::uint32_t price_of(std::uint32_t key) const noexcept { return ask_ ? ~key : key; }
  void clear() noexcept { levels_.clear(); }

 private:
  std::uint32_t key_of(std::uint32_t price) const noexcept { return ask_ ? ~price : price; }
  // Index of the first level with key >= `key`.
  std::size_t lower_bound(std::uint32_t key) const noexcept;

  bool ask_;
  std::vector<Level> levels_;
};

}  // namespace adrmon
