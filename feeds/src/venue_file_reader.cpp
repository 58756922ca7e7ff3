// VenueFileReader: zlib reads, ITCH record framing, OMD-C packet framing.
#include "adrmon/feeds/venue_file_reader.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/local_time.hpp"

namespace adrmon {

namespace {

constexpr std::size_t kBufferBytes = 1u << 20;  // > the largest OMD-C packet (65535)
constexpr char kNewYork[] = "America/New_York";

}  // namespace

VenueFileReader::VenueFileReader(const SourceSpec& spec, const Config& config, std::uint8_t source)
    : path_(spec.path), spec_text_(spec.text), source_(source), buf_(kBufferBytes) {
  if (spec.kind != SourceSpec::Kind::Itch && spec.kind != SourceSpec::Kind::Omdc) {
    throw std::invalid_argument("source '" + spec.text + "': not a venue file");
  }
  gzFile gz = ::gzopen(path_.c_str(), "rb");
  if (gz == nullptr) {
    throw std::runtime_error(path_ +
                             ": cannot open: " + std::strerror(errno != 0 ? errno : ENOMEM));
  }
  ::gzbuffer(gz, 1u << 17);
  gz_ = gz;
  if (spec.kind == SourceSpec::Kind::Itch) {
    ItchOptions options;
    options.order_capacity = spec.order_capacity;
    itch_.emplace(config, local_midnight_ns(kNewYork, spec.date), options);
  } else {
    omdc_.emplace(config);
  }
}

VenueFileReader::~VenueFileReader() {
  if (gz_ != nullptr) ::gzclose(static_cast<gzFile>(gz_));
}

bool VenueFileReader::fill() noexcept {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    consumed_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t room = buf_.size() - end_;
  const int n = ::gzread(static_cast<gzFile>(gz_), buf_.data() + end_, static_cast<unsigned>(room));
  if (n <= 0) {
    if (n < 0) {
      int zerr = 0;
      ::gzerror(static_cast<gzFile>(gz_), &zerr);
      read_error_ = zerr == Z_ERRNO && errno != 0 ? errno : EIO;
    }
    eof_ = true;
    return false;
  }
  ts_recv_ = steady_ns();
  end_ += static_cast<std::size_t>(n);
  counts_.bytes += static_cast<std::uint64_t>(n);
  return true;
}

void VenueFileReader::fail(const char* what, unsigned value, std::uint64_t offset) noexcept {
  const int n = std::snprintf(error_buf_, sizeof error_buf_, what, value,
                              static_cast<unsigned long long>(offset));
  error_ = std::string_view(
      error_buf_,
      n > 0 ? std::min<std::size_t>(static_cast<std::size_t>(n), sizeof error_buf_ - 1) : 0);
  done_ = true;
}

bool VenueFileReader::accept(Reject r, Tick& out) noexcept {
  ++counts_.lines;
  if (r == Reject::None && out.ts_event <= 0) r = Reject::BadTimestamp;
  if (r != Reject::None) {
    counts_.rejects.add(r);
    return false;
  }
  std::int64_t start = ts_recv_;
  if (chain_ != nullptr) {
    start = *chain_ != 0 ? *chain_ : steady_ns();
    *chain_ = steady_ns();
    out.parse_ns = static_cast<std::uint32_t>(*chain_ - start);
  }
  out.ts_recv = start;
  out.source = source_;
  ++counts_.parsed;
  return true;
}

bool VenueFileReader::next(Tick& out) noexcept {
  if (done_) return false;
  const bool got = itch_ ? next_itch(out) : next_omdc(out);
  if (!got) done_ = true;
  return got;
}

bool VenueFileReader::next_itch(Tick& out) noexcept {
  ItchDecoder& d = *itch_;
  for (;;) {
    const std::size_t avail = end_ - begin_;
    if (avail >= 3) {
      const std::uint8_t* p = buf_.data() + begin_;
      const std::size_t len = ItchDecoder::message_length(p[2]);
      if (len == 0) {
        d.count(ItchCount::UnknownTypes);
        fail("unknown ITCH message type 0x%02x at offset %llu; the file ends here", p[2],
             consumed_ + begin_);
        return false;
      }
      if (avail >= 2 + len) {
        // The type's fixed length wins: published sample files carry zero prefixes.
        if (((std::size_t{p[0]} << 8) | p[1]) != len) d.count(ItchCount::LengthMismatches);
        begin_ += 2 + len;
        ++messages_;
        const ItchEmit e = d.decode(p + 2, messages_, out);
        if (e != ItchEmit::Nothing && accept(reject_of(e), out)) return true;
        continue;
      }
    }
    if (fill()) continue;
    if (read_error_ == 0 && end_ > begin_) {
      d.count(ItchCount::Truncated);
      fail("file ends inside a message (type 0x%02x) at offset %llu",
           end_ - begin_ >= 3 ? buf_[begin_ + 2] : 0u, consumed_ + begin_);
    }
    return false;
  }
}

bool VenueFileReader::next_omdc(Tick& out) noexcept {
  OmdcDecoder& d = *omdc_;
  for (;;) {
    if (in_packet_) {
      const OmdcEmit e = d.next(out);
      if (e == OmdcEmit::End) {
        in_packet_ = false;
        begin_ += packet_size_;
      } else if (e != OmdcEmit::Nothing && accept(reject_of(e), out)) {
        return true;
      }
      continue;
    }
    const std::size_t avail = end_ - begin_;
    if (avail >= 2) {
      const std::uint8_t* p = buf_.data() + begin_;
      const std::size_t size = std::size_t{p[0]} | (std::size_t{p[1]} << 8);
      if (size < kOmdcPacketHeader) {
        d.count(OmdcCount::BadPackets);
        fail("bad OMD-C PktSize %u at offset %llu; the file ends here", static_cast<unsigned>(size),
             consumed_ + begin_);
        return false;
      }
      if (avail >= size) {
        d.begin_packet(p, size);
        in_packet_ = true;
        packet_size_ = size;
        ++messages_;
        continue;
      }
    }
    if (fill()) continue;
    if (read_error_ == 0 && end_ > begin_) {
      d.count(OmdcCount::Truncated);
      fail("file ends inside a packet (%u bytes of it) at offset %llu",
           static_cast<unsigned>(end_ - begin_), consumed_ + begin_);
    }
    return false;
  }
}

}  // namespace adrmon
