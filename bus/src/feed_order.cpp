// FeedOrder's cold parts: the origin table and the heap of held records.
#include "adrmon/bus/feed_order.hpp"

#include <algorithm>
#include <cstring>

namespace adrmon::bus {

namespace {

// A feed handler and its restarts (live sources get a new origin per run):
// more than this many seen means old ones are reused, least recent first.
constexpr std::size_t kOrigins = 64;

bool later(const auto& a, const auto& b) noexcept {
  return a.n > b.n;
}

}  // namespace

FeedOrder::FeedOrder(std::size_t max_held, std::int64_t hole_wait_ns)
    : max_held_(std::max<std::size_t>(max_held, 1)), hole_wait_ns_(hole_wait_ns) {
  origins_.reserve(kOrigins);
}

FeedOrder::Origin& FeedOrder::find(std::uint64_t origin, std::uint64_t n, std::int64_t now_ns) {
  for (Origin& o : origins_) {
    if (o.id == origin) {
      o.last_ns = now_ns;
      return o;
    }
  }
  Origin* slot = nullptr;
  if (origins_.size() < kOrigins) {
    slot = &origins_.emplace_back();
  } else {  // reuse the least recent origin that holds nothing
    for (Origin& o : origins_) {
      if (o.heap.empty() && (slot == nullptr || o.last_ns < slot->last_ns)) slot = &o;
    }
    if (slot == nullptr) slot = &origins_.emplace_back();
  }
  slot->id = origin;
  slot->next = n;  // the first record seen sets the order
  slot->heap.clear();
  slot->last_ns = now_ns;
  return *slot;
}

FeedOrder::Origin& FeedOrder::fullest() noexcept {
  Origin* best = &origins_.front();
  for (Origin& o : origins_) {
    if (o.heap.size() > best->heap.size()) best = &o;
  }
  return *best;
}

void FeedOrder::hold(Origin& o, std::uint64_t n, const unsigned char* record, std::int64_t now_ns) {
  if (o.heap.empty()) o.hole_since_ns = now_ns;
  Held& h = o.heap.emplace_back();
  h.n = n;
  std::memcpy(h.bytes.data(), record, kTickWireBytes);
  std::push_heap(o.heap.begin(), o.heap.end(), later<Held, Held>);
  ++held_;
  ++counts_.held;
}

void FeedOrder::pop(Origin& o) {
  std::pop_heap(o.heap.begin(), o.heap.end(), later<Held, Held>);
  o.heap.pop_back();
  --held_;
}

}  // namespace adrmon::bus
