// Binary capture: accepted Ticks as fixed 64-byte records in zstd blocks.
//
// Layout (docs/FORMATS.md, "Binary capture"): a file header (magic, version,
// the instrument table, the config hash, creation info, CRC-32), then blocks
// (a 40-byte header: record count, lowest/highest ts_event, compressed size,
// CRC-32 of the payload and of the header; then one zstd frame of the
// records), then, once the writer closes, a block index and a footer that
// points to it. A writer that dies leaves a file without the footer; the
// reader then scans the blocks from the start, keeps every whole block that
// checks, and reports the torn tail (repair truncates it and writes the
// index, so the file is whole again).
//
// CaptureWriter appends one block per write(2) as soon as it is full (or on
// flush_block()), so a crash loses at most the block being filled.
// CaptureReader decompresses one block at a time into a buffer it reuses:
// next() allocates nothing and never throws.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/tick.hpp"

namespace adrmon {

inline constexpr char kCaptureMagic[8] = {'A', 'D', 'R', 'M', 'C', 'A', 'P', '\0'};
inline constexpr std::uint16_t kCaptureVersion = 1;
inline constexpr std::uint32_t kCaptureBlockRecords = 4096;  // default records per block

// Venue of an instrument table entry.
enum class CaptureVenue : std::uint8_t { Fx = 0, Us = 1, Hk = 2 };

struct CaptureInstrument {
  CaptureVenue venue;
  std::string symbol;
  bool operator==(const CaptureInstrument&) const = default;
};

// The instrument table of `config`, by instrument id (id 0: the FX pair;
// 1 + 2p: pair p's ADR; 2 + 2p: its HK code). Allocates; cold path.
std::vector<CaptureInstrument> capture_instruments(const Config& config);

// FNV-1a 64 of the bytes of the file `path` (0 when it cannot be read).
// The capture stores it so a reader can tell which config wrote it. Cold path.
std::uint64_t config_file_hash(const std::string& path);

struct CaptureHeader {
  std::uint16_t version = kCaptureVersion;
  std::uint32_t block_records = kCaptureBlockRecords;
  std::uint64_t config_hash = 0;
  std::int64_t created_unix_ns = 0;
  std::string creator;  // at most 31 bytes kept ("adrmon 1.2.3")
  std::vector<CaptureInstrument> instruments;
};

// One block, as the index (or a recovery scan) lists it.
struct CaptureBlock {
  std::uint64_t offset = 0;  // of the block header, from the start of the file
  std::int64_t min_ts = 0;   // lowest and highest ts_event of its records
  std::int64_t max_ts = 0;
  std::uint32_t records = 0;
};

// A file that is not a capture, or one whose header is damaged. what()
// names the file.
class CaptureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whether `path` starts with kCaptureMagic (false when unreadable). Cold path.
bool is_capture_file(const std::string& path);

class CaptureWriter {
 public:
  // Creates (truncates) `path` and writes the header. Throws CaptureError
  // naming the file. Allocates the block buffers once. Cold path.
  CaptureWriter(const std::string& path, const CaptureHeader& header, int zstd_level = 3);
  ~CaptureWriter();  // close() if not done; errors are then only counted
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  // Adds one record; compresses and writes the block when it is full. No
  // allocation. Returns false once a write failed (error() says why; every
  // later record is counted in lost()). One thread at a time.
  bool append(const Tick& tick) noexcept;
  // Writes the records buffered so far as a (short) block. No allocation.
  bool flush_block() noexcept;
  // Flushes, writes the index and the footer, closes. Idempotent. Returns
  // false when any write failed.
  bool close() noexcept;

  std::uint64_t records() const noexcept { return records_; }  // written in blocks
  std::uint64_t blocks() const noexcept { return index_.size(); }
  std::uint64_t bytes() const noexcept { return offset_; }
  std::uint64_t lost() const noexcept { return lost_; }
  int error() const noexcept { return error_; }
  const std::string& path() const noexcept { return path_; }

 private:
  bool write_all(const void* data, std::size_t n) noexcept;

  std::string path_;
  int fd_ = -1;
  int level_;
  std::uint32_t block_records_;
  std::vector<Tick> pending_;
  std::size_t pending_n_ = 0;
  std::vector<char> compressed_;
  std::vector<CaptureBlock> index_;  // reserved in chunks; grows once per block
  void* cctx_ = nullptr;
  std::uint64_t offset_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t lost_ = 0;
  int error_ = 0;
};

// What opening a capture found.
struct CaptureRecovery {
  bool had_index = true;           // false: the writer did not finish (crash)
  std::uint64_t torn_bytes = 0;    // bytes after the last whole block (dropped)
  bool repaired = false;           // the tail was truncated and the index written
  std::uint64_t bad_block_at = 0;  // offset of the first block that failed its check
  bool bad_block = false;          // a block before the end failed its checksum
};

// The buffers one thread needs to decode a capture's blocks on its own
// (CaptureReader::decode_block): the compressed bytes and a zstd context.
// Made by CaptureReader::make_decoder(). Cold path (allocates).
class CaptureBlockDecoder {
 public:
  explicit CaptureBlockDecoder(std::size_t compressed_bytes);  // throws CaptureError
  ~CaptureBlockDecoder();
  CaptureBlockDecoder(const CaptureBlockDecoder&) = delete;
  CaptureBlockDecoder& operator=(const CaptureBlockDecoder&) = delete;

 private:
  friend class CaptureReader;
  std::vector<char> compressed_;
  void* dctx_ = nullptr;
};

enum class CaptureOpen : std::uint8_t {
  ReadOnly,  // a file without an index is scanned; nothing is written
  Repair,    // also truncate a torn tail and write the index
};

class CaptureReader {
 public:
  // Opens and checks the header and the index (or scans the blocks when
  // there is no valid index; see recovery()). Throws CaptureError naming the
  // file. Allocates the block buffer once. Cold path.
  explicit CaptureReader(const std::string& path, CaptureOpen mode = CaptureOpen::ReadOnly);
  ~CaptureReader();
  CaptureReader(const CaptureReader&) = delete;
  CaptureReader& operator=(const CaptureReader&) = delete;

  const CaptureHeader& header() const noexcept { return header_; }
  const std::vector<CaptureBlock>& blocks() const noexcept { return blocks_; }
  const CaptureRecovery& recovery() const noexcept { return recovery_; }
  std::uint64_t records() const noexcept;  // in every block

  // Positions the reader at the first block that may hold a record with
  // ts_event >= from: every block before it holds only earlier records (a
  // binary search over the index's running maximum). The caller still
  // filters the records of the blocks it reads. No allocation.
  void seek(std::int64_t from) noexcept;
  // Ends the reading before the first block after which every block holds
  // only records with ts_event > to (the index's running minimum from the
  // end). No allocation.
  void set_until(std::int64_t to) noexcept;

  // The next record, or false at the end or when a block fails its check
  // (error() then names the offset). No allocation, no exception.
  bool next(Tick& out) noexcept;
  // The rest of the current block (decompressing the next one when it is
  // used up); empty at the end. The span lives until the next call.
  std::span<const Tick> next_block() noexcept;

  const std::string& error() const noexcept { return error_; }
  const std::string& path() const noexcept { return path_; }

  // Blocks decoded by more than one thread (CaptureReadAhead). The blocks
  // next()/next_block() would read from here are [next_block_index(),
  // end_block_index()). decode_block(i, ...) reads block i into `out`
  // (max_block_records() records) with the caller's own decoder and checks
  // it as next_block() does: false on a bad block, with `error` what error()
  // would then say. Any number of threads at once, each with its own
  // decoder, while nobody calls the other members. No allocation but the
  // error message.
  std::size_t next_block_index() const noexcept { return next_block_; }
  std::size_t end_block_index() const noexcept { return end_block_; }
  std::size_t max_block_records() const noexcept { return records_.size(); }
  std::unique_ptr<CaptureBlockDecoder> make_decoder() const;  // cold; throws CaptureError
  bool decode_block(std::size_t i, CaptureBlockDecoder& decoder, Tick* out, std::size_t& count,
                    std::string& error) const noexcept;

 private:
  bool load_block(std::size_t i) noexcept;
  void scan_blocks(std::uint64_t file_size);

  std::string path_;
  int fd_ = -1;
  CaptureHeader header_;
  std::uint64_t data_start_ = 0;
  std::vector<CaptureBlock> blocks_;
  CaptureRecovery recovery_;
  std::unique_ptr<CaptureBlockDecoder> own_;  // next(), next_block() and the scan's buffers
  std::vector<Tick> records_;
  std::vector<std::int64_t> max_before_;  // running max of max_ts, blocks 0..i
  std::vector<std::int64_t> min_after_;   // running min of min_ts, blocks i..end
  std::size_t next_block_ = 0;
  std::size_t end_block_ = 0;
  std::size_t pos_ = 0;
  std::size_t count_ = 0;
  std::string error_;
};

}  // namespace adrmon
