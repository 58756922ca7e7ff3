// The byte layout of a binary capture (docs/FORMATS.md, "Binary capture"),
// shared by CaptureWriter and CaptureReader: little-endian integers at fixed
// offsets, written and read with memcpy so no struct padding leaks into the
// file. Every record is the in-memory Tick (64 bytes, offsets pinned below).
#pragma once

#include <zlib.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/capture.hpp"

namespace adrmon::capture {

static_assert(std::endian::native == std::endian::little, "captures are little-endian");
static_assert(offsetof(Tick, ts_event) == 0 && offsetof(Tick, ts_recv) == 8);
static_assert(offsetof(Tick, bid) == 16 && offsetof(Tick, ask) == 24);
static_assert(offsetof(Tick, bid_size) == 32 && offsetof(Tick, ask_size) == 40);
static_assert(offsetof(Tick, seq) == 48 && offsetof(Tick, parse_ns) == 56);
static_assert(offsetof(Tick, instrument) == 60 && offsetof(Tick, kind) == 62);
static_assert(offsetof(Tick, source) == 63 && sizeof(Tick) == 64);

inline constexpr std::size_t kRecordBytes = 64;
inline constexpr std::size_t kFixedHeaderBytes = 72;  // before the instrument table
inline constexpr std::size_t kCreatorBytes = 32;
inline constexpr std::size_t kBlockHeaderBytes = 40;
inline constexpr std::size_t kIndexEntryBytes = 32;
inline constexpr std::size_t kFooterBytes = 40;
inline constexpr char kBlockMagic[4] = {'C', 'B', 'L', 'K'};
inline constexpr char kFooterMagic[8] = {'A', 'D', 'R', 'M', 'I', 'D', 'X', '\0'};
// A block never holds more than this many records (a header saying more is
// damage, not a bigger block).
inline constexpr std::uint32_t kMaxBlockRecords = 1u << 20;

template <class T>
void put(unsigned char* p, T v) noexcept {
  std::memcpy(p, &v, sizeof v);
}
template <class T>
T get(const unsigned char* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline std::uint32_t crc32_of(const void* data, std::size_t n, std::uint32_t crc = 0) noexcept {
  return static_cast<std::uint32_t>(
      ::crc32(crc, static_cast<const Bytef*>(data), static_cast<uInt>(n)));
}

// Block header: magic, records, compressed bytes, payload CRC-32, min ts,
// max ts, header CRC-32 (of bytes 0..31), reserved.
struct BlockHeader {
  std::uint32_t records = 0;
  std::uint32_t compressed = 0;
  std::uint32_t payload_crc = 0;
  std::int64_t min_ts = 0;
  std::int64_t max_ts = 0;
};

inline void encode(const BlockHeader& h, unsigned char* p) noexcept {
  std::memcpy(p, kBlockMagic, 4);
  put(p + 4, h.records);
  put(p + 8, h.compressed);
  put(p + 12, h.payload_crc);
  put(p + 16, h.min_ts);
  put(p + 24, h.max_ts);
  put(p + 32, crc32_of(p, 32));
  put(p + 36, std::uint32_t{0});
}

// False when the magic or the header's own CRC does not match.
inline bool decode(const unsigned char* p, BlockHeader& h) noexcept {
  if (std::memcmp(p, kBlockMagic, 4) != 0) return false;
  if (get<std::uint32_t>(p + 32) != crc32_of(p, 32)) return false;
  h.records = get<std::uint32_t>(p + 4);
  h.compressed = get<std::uint32_t>(p + 8);
  h.payload_crc = get<std::uint32_t>(p + 12);
  h.min_ts = get<std::int64_t>(p + 16);
  h.max_ts = get<std::int64_t>(p + 24);
  return true;
}

// Index entries (offset, min ts, max ts, records, reserved) and the footer
// (magic, index offset, block count, record count, CRC-32 of everything
// before it from the first entry on, reserved).
inline std::size_t index_bytes(std::size_t blocks) noexcept {
  return blocks * kIndexEntryBytes + kFooterBytes;
}
inline void encode_index(const std::vector<CaptureBlock>& blocks, std::uint64_t index_offset,
                         std::uint64_t records, unsigned char* p) noexcept {
  unsigned char* const start = p;
  for (const CaptureBlock& b : blocks) {
    put(p, b.offset);
    put(p + 8, b.min_ts);
    put(p + 16, b.max_ts);
    put(p + 24, b.records);
    put(p + 28, std::uint32_t{0});
    p += kIndexEntryBytes;
  }
  std::memcpy(p, kFooterMagic, 8);
  put(p + 8, index_offset);
  put(p + 16, static_cast<std::uint64_t>(blocks.size()));
  put(p + 24, records);
  put(p + 32, crc32_of(start, static_cast<std::size_t>(p + 32 - start)));
  put(p + 36, std::uint32_t{0});
}

}  // namespace adrmon::capture
