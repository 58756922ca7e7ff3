// VenueFileReader: one venue file (an itch: or omdc: spec) -> the accepted
// Ticks it yields, one at a time, for FileMerger and `adrmon convert`.
//
// The file is read through zlib (gzread reads plain files as they are, so
// PATH and PATH.gz both work) in 1 MiB chunks into one reused buffer, then
// framed: ITCH as [uint16 BE length][message] records (the type's fixed
// length wins over the prefix; a mismatch is counted), OMD-C as packets back
// to back ([PktSize u16 LE]...). Records the decoder refuses (a crossed or
// zero-priced book) are counted as crossed_quote / bad_price rejects, like
// the JSON parser's. A framing error (an unknown ITCH type, a PktSize below
// 16, a file cut inside a message) ends the file; decode_error() says where.
// No allocation per message after construction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/feed_counts.hpp"
#include "adrmon/core/reject.hpp"
#include "adrmon/core/tick.hpp"
#include "adrmon/feeds/itch_decoder.hpp"
#include "adrmon/feeds/omdc_decoder.hpp"
#include "adrmon/feeds/source.hpp"

namespace adrmon {

class VenueFileReader {
 public:
  // Opens spec.path (an Itch or Omdc spec) and builds the decoder. Throws
  // std::runtime_error naming the file when it cannot be opened, and
  // std::invalid_argument for another kind of spec. Cold path.
  VenueFileReader(const SourceSpec& spec, const Config& config, std::uint8_t source);
  ~VenueFileReader();
  VenueFileReader(const VenueFileReader&) = delete;
  VenueFileReader& operator=(const VenueFileReader&) = delete;

  // The next accepted tick (quote or status; source set, ts_recv stamped
  // as the JSON reader does), or false at the end of the file or at a
  // framing or read error. noexcept; no allocation.
  bool next(Tick& out) noexcept;

  // lines = records produced (accepted + rejected), parsed = accepted,
  // bytes = decompressed bytes decoded.
  FeedCounts counts() const noexcept { return counts_; }
  const std::string& path() const noexcept { return path_; }
  const std::string& spec_text() const noexcept { return spec_text_; }
  // errno of a failed read (or EIO for a corrupt .gz), else 0.
  int read_error() const noexcept { return read_error_; }
  // "unknown ITCH message type 0x5a at offset 1234" and the like; empty
  // when the file was read to its end cleanly.
  std::string_view decode_error() const noexcept { return error_; }
  // Messages (ITCH) or packets (OMD-C) framed so far.
  std::uint64_t messages() const noexcept { return messages_; }

  // The decoders (exactly one is set).
  ItchDecoder* itch() noexcept { return itch_ ? &*itch_ : nullptr; }
  OmdcDecoder* omdc() noexcept { return omdc_ ? &*omdc_ : nullptr; }
  const ItchCounts* itch_counts() noexcept { return itch_ ? &itch_->counts() : nullptr; }
  const OmdcCounts* omdc_counts() const noexcept { return omdc_ ? &omdc_->counts() : nullptr; }

  // See TickFileReader::set_stamping.
  void set_stamping(std::int64_t* chain) noexcept { chain_ = chain; }

 private:
  bool fill() noexcept;  // more bytes into the buffer; false at EOF or error
  bool next_itch(Tick& out) noexcept;
  bool next_omdc(Tick& out) noexcept;
  bool accept(Reject r, Tick& out) noexcept;
  // Ends the file with "WHAT at offset N" as its decode error.
  void fail(const char* what, unsigned value, std::uint64_t offset) noexcept;

  std::string path_;
  std::string spec_text_;
  void* gz_ = nullptr;  // gzFile
  std::uint8_t source_;
  std::vector<std::uint8_t> buf_;
  std::size_t begin_ = 0;       // next unread byte in buf_
  std::size_t end_ = 0;         // bytes held in buf_
  std::uint64_t consumed_ = 0;  // file offset of buf_[0]
  bool eof_ = false;
  bool done_ = false;
  bool in_packet_ = false;       // OMD-C: a packet is being decoded
  std::size_t packet_size_ = 0;  // its PktSize
  int read_error_ = 0;
  char error_buf_[160] = {};
  std::string_view error_;
  std::uint64_t messages_ = 0;
  std::int64_t ts_recv_ = 0;
  std::int64_t* chain_ = nullptr;
  std::optional<ItchDecoder> itch_;
  std::optional<OmdcDecoder> omdc_;
  FeedCounts counts_;
};

}  // namespace adrmon
