// SymbolTable: venue symbol -> dense InstrumentId, built once from the config.
//
// Symbols are at most 16 bytes, packed into two 64-bit words, so a lookup is
// one hash of two integers and a compare in a small open-addressing table:
// no string hashing, no allocation, no pointer chasing on the tick path.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "adrmon/core/instrument.hpp"

namespace adrmon {

inline constexpr InstrumentId kNoInstrument = 0xffffffffu;

class SymbolTable {
 public:
  static constexpr std::size_t kMaxSymbolBytes = 16;

  // Sizes the table for `expected` symbols. Allocates; cold path.
  explicit SymbolTable(std::size_t expected = 64);

  // Adds or replaces a symbol. Returns false for an empty or too long symbol.
  // Allocates when the table grows; cold path.
  bool insert(std::string_view symbol, InstrumentId id);

  // The id of `symbol`, or kNoInstrument. No allocation; thread-safe for
  // concurrent readers once built.
  InstrumentId find(std::string_view symbol) const noexcept;

  std::size_t size() const noexcept { return size_; }

 private:
  struct Key {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::uint32_t len = 0;
    bool operator==(const Key&) const = default;
  };
  struct Slot {
    Key key;
    InstrumentId id = kNoInstrument;
  };

  static Key pack(std::string_view symbol) noexcept;
  static std::uint64_t hash(const Key& key) noexcept;
  void rehash(std::size_t capacity);

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace adrmon
