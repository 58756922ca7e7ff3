// CaptureReader: header and index checked at open (or the blocks scanned
// when the writer did not finish), then one block at a time: pread header
// and payload -> CRC-32 -> ZSTD_decompressDCtx into the reused record buffer
// -> records handed out by next()/next_block(). Every record's instrument id
// and kind are checked against the header, so a block that passes reaches
// the engine only with ids the config defines.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "adrmon/feeds/capture.hpp"
#include "capture_layout.hpp"

namespace adrmon {

using namespace capture;

namespace {

bool pread_all(int fd, void* buf, std::size_t n, std::uint64_t at) noexcept {
  char* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, static_cast<off_t>(at));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
    at += static_cast<std::uint64_t>(r);
  }
  return true;
}

}  // namespace

bool is_capture_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char magic[8];
  const bool ok = pread_all(fd, magic, 8, 0) && std::memcmp(magic, kCaptureMagic, 8) == 0;
  ::close(fd);
  return ok;
}

CaptureReader::CaptureReader(const std::string& path, CaptureOpen mode) : path_(path) {
  bool writable = false;
  if (mode == CaptureOpen::Repair) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    writable = fd_ >= 0;
  }
  if (fd_ < 0) fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw CaptureError(path + ": cannot open: " + std::strerror(errno));
  try {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw CaptureError(path + ": cannot stat: " + std::strerror(errno));
    const auto size = static_cast<std::uint64_t>(st.st_size);
    unsigned char fixed[kFixedHeaderBytes];
    if (size < kFixedHeaderBytes || !pread_all(fd_, fixed, sizeof fixed, 0) ||
        std::memcmp(fixed, kCaptureMagic, 8) != 0) {
      throw CaptureError(path + ": not an adrmon capture (no ADRMCAP header)");
    }
    header_.version = get<std::uint16_t>(fixed + 8);
    if (header_.version != kCaptureVersion) {
      throw CaptureError(path + ": capture format version " + std::to_string(header_.version) +
                         "; this adrmon reads version " + std::to_string(kCaptureVersion));
    }
    if (get<std::uint16_t>(fixed + 10) != kRecordBytes) {
      throw CaptureError(path + ": record size " + std::to_string(get<std::uint16_t>(fixed + 10)) +
                         ", expected 64");
    }
    const auto header_bytes = get<std::uint32_t>(fixed + 12);
    header_.block_records = get<std::uint32_t>(fixed + 16);
    const auto count = get<std::uint32_t>(fixed + 20);
    header_.config_hash = get<std::uint64_t>(fixed + 24);
    header_.created_unix_ns = get<std::int64_t>(fixed + 32);
    const char* creator = reinterpret_cast<const char*>(fixed + 40);
    header_.creator.assign(creator, strnlen(creator, kCreatorBytes));
    if (header_bytes < kFixedHeaderBytes + 4 || header_bytes > size ||
        header_bytes > kFixedHeaderBytes + 4 + std::uint64_t{count} * 257 ||
        header_.block_records == 0 || header_.block_records > kMaxBlockRecords ||
        count > instrument_count(kMaxPairs)) {
      throw CaptureError(path + ": damaged header");
    }
    std::vector<unsigned char> h(header_bytes);
    if (!pread_all(fd_, h.data(), h.size(), 0) ||
        crc32_of(h.data(), h.size() - 4) != get<std::uint32_t>(h.data() + h.size() - 4)) {
      throw CaptureError(path + ": damaged header (CRC-32 mismatch)");
    }
    std::size_t p = kFixedHeaderBytes;
    for (std::uint32_t i = 0; i < count; ++i) {
      if (p + 2 > h.size() - 4 || p + 2 + h[p + 1] > h.size() - 4 || h[p] > 2) {
        throw CaptureError(path + ": damaged instrument table");
      }
      header_.instruments.push_back(
          {static_cast<CaptureVenue>(h[p]),
           std::string(reinterpret_cast<const char*>(h.data() + p + 2), h[p + 1])});
      p += 2 + h[p + 1];
    }
    data_start_ = header_bytes;
    try {
      own_ = std::make_unique<CaptureBlockDecoder>(
          kBlockHeaderBytes + ZSTD_compressBound(header_.block_records * kRecordBytes));
    } catch (const CaptureError& e) {
      throw CaptureError(path + ": " + e.what());
    }
    records_.resize(header_.block_records);

    // The footer and the index it points to, when the writer finished.
    bool indexed = false;
    unsigned char footer[kFooterBytes];
    if (size >= data_start_ + kFooterBytes &&
        pread_all(fd_, footer, sizeof footer, size - kFooterBytes) &&
        std::memcmp(footer, kFooterMagic, 8) == 0) {
      const auto at = get<std::uint64_t>(footer + 8);
      const auto n = get<std::uint64_t>(footer + 16);
      if (at >= data_start_ && n <= (size - at) / kIndexEntryBytes && at + index_bytes(n) == size) {
        std::vector<unsigned char> idx(index_bytes(n));
        if (pread_all(fd_, idx.data(), idx.size(), at) &&
            crc32_of(idx.data(), idx.size() - 8) ==
                get<std::uint32_t>(idx.data() + idx.size() - 8)) {
          indexed = true;
          std::uint64_t prev_end = data_start_;
          for (std::uint64_t i = 0; i < n && indexed; ++i) {
            const unsigned char* e = idx.data() + i * kIndexEntryBytes;
            CaptureBlock b{get<std::uint64_t>(e), get<std::int64_t>(e + 8),
                           get<std::int64_t>(e + 16), get<std::uint32_t>(e + 24)};
            indexed = b.offset >= prev_end && b.offset + kBlockHeaderBytes <= at && b.records > 0 &&
                      b.records <= header_.block_records;
            prev_end = b.offset + kBlockHeaderBytes;
            blocks_.push_back(b);
          }
        }
      }
    }
    if (!indexed) {
      blocks_.clear();
      recovery_.had_index = false;
      scan_blocks(size);
      if (writable) {
        const std::uint64_t end = size - recovery_.torn_bytes;
        std::uint64_t records = 0;
        for (const CaptureBlock& b : blocks_) records += b.records;
        std::vector<unsigned char> tail(index_bytes(blocks_.size()));
        encode_index(blocks_, end, records, tail.data());
        bool ok = ::ftruncate(fd_, static_cast<off_t>(end)) == 0;
        for (std::size_t off = 0; ok && off < tail.size();) {
          const ssize_t w =
              ::pwrite(fd_, tail.data() + off, tail.size() - off, static_cast<off_t>(end + off));
          if (w < 0 && errno == EINTR) continue;
          ok = w > 0;
          if (ok) off += static_cast<std::size_t>(w);
        }
        recovery_.repaired = ok && ::fsync(fd_) == 0;
      }
    }
  } catch (...) {
    ::close(fd_);
    throw;
  }
  const std::size_t n = blocks_.size();
  max_before_.resize(n);
  min_after_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    max_before_[i] = i == 0 ? blocks_[i].max_ts : std::max(max_before_[i - 1], blocks_[i].max_ts);
  }
  for (std::size_t i = n; i-- > 0;) {
    min_after_[i] = i + 1 == n ? blocks_[i].min_ts : std::min(min_after_[i + 1], blocks_[i].min_ts);
  }
  end_block_ = n;
}

void CaptureReader::scan_blocks(std::uint64_t size) {
  std::uint64_t pos = data_start_;
  unsigned char raw[kBlockHeaderBytes];
  while (pos + kBlockHeaderBytes <= size && pread_all(fd_, raw, sizeof raw, pos)) {
    BlockHeader bh;
    if (!decode(raw, bh) || bh.records == 0 || bh.records > header_.block_records ||
        bh.compressed > own_->compressed_.size() - kBlockHeaderBytes ||
        pos + kBlockHeaderBytes + bh.compressed > size ||
        !pread_all(fd_, own_->compressed_.data(), bh.compressed, pos + kBlockHeaderBytes) ||
        crc32_of(own_->compressed_.data(), bh.compressed) != bh.payload_crc) {
      break;
    }
    blocks_.push_back({pos, bh.min_ts, bh.max_ts, bh.records});
    pos += kBlockHeaderBytes + bh.compressed;
  }
  recovery_.torn_bytes = size - pos;
}

CaptureReader::~CaptureReader() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t CaptureReader::records() const noexcept {
  std::uint64_t n = 0;
  for (const CaptureBlock& b : blocks_) n += b.records;
  return n;
}

void CaptureReader::seek(std::int64_t from) noexcept {
  next_block_ = static_cast<std::size_t>(
      std::lower_bound(max_before_.begin(), max_before_.end(), from) - max_before_.begin());
  pos_ = count_ = 0;
}

void CaptureReader::set_until(std::int64_t to) noexcept {
  end_block_ = static_cast<std::size_t>(std::upper_bound(min_after_.begin(), min_after_.end(), to) -
                                        min_after_.begin());
}

CaptureBlockDecoder::CaptureBlockDecoder(std::size_t compressed_bytes)
    : compressed_(compressed_bytes), dctx_(ZSTD_createDCtx()) {
  if (dctx_ == nullptr) throw CaptureError("cannot create a zstd context");
}

CaptureBlockDecoder::~CaptureBlockDecoder() {
  ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(dctx_));
}

std::unique_ptr<CaptureBlockDecoder> CaptureReader::make_decoder() const {
  return std::make_unique<CaptureBlockDecoder>(own_->compressed_.size());
}

bool CaptureReader::decode_block(std::size_t i, CaptureBlockDecoder& decoder, Tick* out,
                                 std::size_t& count, std::string& error) const noexcept {
  const CaptureBlock& b = blocks_[i];
  const auto fail = [&](const char* what) {
    error.clear();
    try {
      error = "block " + std::to_string(i) + " at offset " + std::to_string(b.offset) + ": " + what;
    } catch (...) {
    }
    count = 0;
    return false;
  };
  auto* raw = reinterpret_cast<unsigned char*>(decoder.compressed_.data());
  BlockHeader bh;
  if (!pread_all(fd_, raw, kBlockHeaderBytes, b.offset)) return fail("cut short");
  if (!decode(raw, bh)) return fail("damaged block header (CRC-32 mismatch)");
  if (bh.records != b.records || bh.min_ts != b.min_ts || bh.max_ts != b.max_ts ||
      bh.compressed > decoder.compressed_.size() - kBlockHeaderBytes) {
    return fail("block header disagrees with the index");
  }
  if (!pread_all(fd_, raw, bh.compressed, b.offset + kBlockHeaderBytes)) return fail("cut short");
  if (crc32_of(raw, bh.compressed) != bh.payload_crc) return fail("payload CRC-32 mismatch");
  const std::size_t want = std::size_t{bh.records} * kRecordBytes;
  const std::size_t got = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(decoder.dctx_), out,
                                              records_.size() * kRecordBytes, raw, bh.compressed);
  if (ZSTD_isError(got) || got != want) return fail("zstd frame does not decode to its records");
  const std::size_t instruments = header_.instruments.size();
  for (std::uint32_t r = 0; r < bh.records; ++r) {
    const Tick& t = out[r];
    if (t.instrument >= instruments || static_cast<std::uint8_t>(t.kind) > 3) {
      return fail("a record's instrument id or kind is outside the header's table");
    }
  }
  count = bh.records;
  return true;
}

bool CaptureReader::load_block(std::size_t i) noexcept {
  pos_ = 0;
  if (!decode_block(i, *own_, records_.data(), count_, error_)) {
    next_block_ = end_block_;
    return false;
  }
  return true;
}

bool CaptureReader::next(Tick& out) noexcept {
  if (pos_ == count_) {
    if (next_block_ >= end_block_ || !load_block(next_block_++)) return false;
  }
  out = records_[pos_++];
  return true;
}

std::span<const Tick> CaptureReader::next_block() noexcept {
  if (pos_ == count_) {
    if (next_block_ >= end_block_ || !load_block(next_block_++)) return {};
  }
  std::span<const Tick> s(records_.data() + pos_, count_ - pos_);
  pos_ = count_;
  return s;
}

}  // namespace adrmon
