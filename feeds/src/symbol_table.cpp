// Open addressing with linear probing over packed 16-byte keys.
#include "adrmon/feeds/symbol_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace adrmon {

SymbolTable::SymbolTable(std::size_t expected) {
  rehash(std::bit_ceil(std::max<std::size_t>(16, expected * 4)));
}

SymbolTable::Key SymbolTable::pack(std::string_view symbol) noexcept {
  Key key;
  char bytes[kMaxSymbolBytes] = {};
  std::memcpy(bytes, symbol.data(), symbol.size());
  std::memcpy(&key.lo, bytes, 8);
  std::memcpy(&key.hi, bytes + 8, 8);
  key.len = static_cast<std::uint32_t>(symbol.size());
  return key;
}

std::uint64_t SymbolTable::hash(const Key& key) noexcept {
  std::uint64_t h = key.lo * 0x9E3779B97F4A7C15ull;
  h ^= (key.hi + key.len) * 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29);
}

void SymbolTable::rehash(std::size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  size_ = 0;
  for (const Slot& s : old) {
    if (s.id == kNoInstrument) continue;
    std::size_t i = hash(s.key) & mask_;
    while (slots_[i].id != kNoInstrument) i = (i + 1) & mask_;
    slots_[i] = s;
    ++size_;
  }
}

bool SymbolTable::insert(std::string_view symbol, InstrumentId id) {
  if (symbol.empty() || symbol.size() > kMaxSymbolBytes || id == kNoInstrument) return false;
  if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
  const Key key = pack(symbol);
  std::size_t i = hash(key) & mask_;
  while (slots_[i].id != kNoInstrument && !(slots_[i].key == key)) i = (i + 1) & mask_;
  if (slots_[i].id == kNoInstrument) ++size_;
  slots_[i] = Slot{key, id};
  return true;
}

InstrumentId SymbolTable::find(std::string_view symbol) const noexcept {
  if (symbol.empty() || symbol.size() > kMaxSymbolBytes) return kNoInstrument;
  const Key key = pack(symbol);
  for (std::size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.id == kNoInstrument) return kNoInstrument;
    if (s.key == key) return s.id;
  }
}

}  // namespace adrmon
