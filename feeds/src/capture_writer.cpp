// CaptureWriter: Ticks -> a block buffer -> one zstd frame per block ->
// write(2) of header + payload, then the index and the footer at close().
// The block buffer and the compression buffer are sized once; a block is
// written with one write(2) so a crash between blocks leaves whole blocks.
#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "adrmon/feeds/capture.hpp"
#include "capture_layout.hpp"

namespace adrmon {

using namespace capture;

std::vector<CaptureInstrument> capture_instruments(const Config& config) {
  std::vector<CaptureInstrument> table;
  table.reserve(instrument_count(static_cast<std::uint32_t>(config.pairs.size())));
  table.push_back({CaptureVenue::Fx, config.fx.pair});
  for (const PairConfig& p : config.pairs) {
    table.push_back({CaptureVenue::Us, p.adr});
    table.push_back({CaptureVenue::Hk, p.hk});
  }
  return table;
}

std::uint64_t config_file_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return 0;
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64
  for (std::istreambuf_iterator<char> it(in), end; it != end; ++it) {
    h ^= static_cast<unsigned char>(*it);
    h *= 1099511628211ull;
  }
  return h;
}

CaptureWriter::CaptureWriter(const std::string& path, const CaptureHeader& header, int zstd_level)
    : path_(path), level_(zstd_level), block_records_(header.block_records) {
  if (block_records_ == 0 || block_records_ > kMaxBlockRecords) {
    throw CaptureError(path + ": block_records must be 1.." + std::to_string(kMaxBlockRecords));
  }
  std::vector<unsigned char> h(kFixedHeaderBytes, 0);
  std::memcpy(h.data(), kCaptureMagic, 8);
  put(h.data() + 8, kCaptureVersion);
  put(h.data() + 10, static_cast<std::uint16_t>(kRecordBytes));
  put(h.data() + 16, block_records_);
  put(h.data() + 20, static_cast<std::uint32_t>(header.instruments.size()));
  put(h.data() + 24, header.config_hash);
  put(h.data() + 32, header.created_unix_ns);
  std::memcpy(h.data() + 40, header.creator.data(),
              std::min(header.creator.size(), kCreatorBytes - 1));
  for (const CaptureInstrument& ins : header.instruments) {
    if (ins.symbol.size() > 255) throw CaptureError(path + ": symbol longer than 255 bytes");
    h.push_back(static_cast<unsigned char>(ins.venue));
    h.push_back(static_cast<unsigned char>(ins.symbol.size()));
    h.insert(h.end(), ins.symbol.begin(), ins.symbol.end());
  }
  put(h.data() + 12, static_cast<std::uint32_t>(h.size() + 4));
  const std::uint32_t crc = crc32_of(h.data(), h.size());
  h.resize(h.size() + 4);
  put(h.data() + h.size() - 4, crc);

  pending_.resize(block_records_);
  compressed_.resize(kBlockHeaderBytes + ZSTD_compressBound(block_records_ * kRecordBytes));
  index_.reserve(1024);
  cctx_ = ZSTD_createCCtx();
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0 || cctx_ == nullptr) {
    const int e = errno;
    ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_));
    if (fd_ >= 0) ::close(fd_);
    throw CaptureError(path + ": cannot open for writing: " + std::strerror(e));
  }
  if (!write_all(h.data(), h.size())) {
    const int e = error_;
    ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_));
    ::close(fd_);
    throw CaptureError(path + ": cannot write the header: " + std::strerror(e));
  }
}

CaptureWriter::~CaptureWriter() {
  close();
  ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_));
}

bool CaptureWriter::write_all(const void* data, std::size_t n) noexcept {
  if (error_ != 0) return false;
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      error_ = errno;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
    offset_ += static_cast<std::uint64_t>(w);
  }
  return true;
}

bool CaptureWriter::append(const Tick& tick) noexcept {
  if (error_ != 0 || fd_ < 0) {
    ++lost_;
    return false;
  }
  pending_[pending_n_++] = tick;
  if (pending_n_ == block_records_) return flush_block();
  return true;
}

bool CaptureWriter::flush_block() noexcept {
  if (pending_n_ == 0) return error_ == 0;
  const std::size_t n = pending_n_;
  pending_n_ = 0;
  if (error_ != 0 || fd_ < 0) {
    lost_ += n;
    return false;
  }
  BlockHeader bh;
  bh.records = static_cast<std::uint32_t>(n);
  bh.min_ts = pending_[0].ts_event;
  bh.max_ts = pending_[0].ts_event;
  for (std::size_t i = 1; i < n; ++i) {
    bh.min_ts = std::min(bh.min_ts, pending_[i].ts_event);
    bh.max_ts = std::max(bh.max_ts, pending_[i].ts_event);
  }
  char* payload = compressed_.data() + kBlockHeaderBytes;
  const std::size_t z = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(cctx_), payload,
                                          compressed_.size() - kBlockHeaderBytes, pending_.data(),
                                          n * kRecordBytes, level_);
  if (ZSTD_isError(z)) {
    error_ = EIO;
    lost_ += n;
    return false;
  }
  bh.compressed = static_cast<std::uint32_t>(z);
  bh.payload_crc = crc32_of(payload, z);
  encode(bh, reinterpret_cast<unsigned char*>(compressed_.data()));
  const std::uint64_t at = offset_;
  if (!write_all(compressed_.data(), kBlockHeaderBytes + z)) {
    lost_ += n;
    return false;
  }
  index_.push_back({at, bh.min_ts, bh.max_ts, bh.records});
  records_ += n;
  return true;
}

bool CaptureWriter::close() noexcept {
  if (fd_ < 0) return error_ == 0;
  flush_block();
  // The index is built in a buffer sized by the block count: the one
  // allocation of close(), on the cold path.
  std::vector<unsigned char> tail;
  try {
    tail.assign(index_bytes(index_.size()), 0);
  } catch (...) {
    error_ = ENOMEM;
  }
  if (error_ == 0) {
    encode_index(index_, offset_, records_, tail.data());
    write_all(tail.data(), tail.size());
  }
  if (::close(fd_) != 0 && error_ == 0) error_ = errno;
  fd_ = -1;
  return error_ == 0;
}

}  // namespace adrmon
