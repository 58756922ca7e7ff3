// Shared by the venue-file fuzz targets (itch_fuzz, omdc_fuzz): the memfd
// that carries each input to VenueFileReader, what every tick the reader
// hands out must satisfy, and the counts that must add up. A broken check
// calls fuzz_fail() (prints and aborts).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "adrmon/feeds/venue_file_reader.hpp"
#include "fuzz_common.hpp"

namespace adrmon::fuzz {

// `prefix` then `data` in one memfd (named `name`, made on the first call
// and reused), rewound; returns its path, "/proc/self/fd/N", or "" when a
// system call failed (skip the input).
inline std::string venue_memfd(const char* name, std::string_view prefix, const std::uint8_t* data,
                               std::size_t size) {
  static const int fd = ::memfd_create(name, 0);
  if (fd < 0) return {};
  if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) return {};
  if (!prefix.empty() &&
      ::write(fd, prefix.data(), prefix.size()) != static_cast<ssize_t>(prefix.size())) {
    return {};
  }
  if (size > 0 && ::write(fd, data, size) != static_cast<ssize_t>(size)) return {};
  ::lseek(fd, 0, SEEK_SET);
  return "/proc/self/fd/" + std::to_string(fd);
}

// What a quote's sizes must be: ITCH quotes always carry shares, an OMD-C
// level may be empty.
enum class QuoteSizes : std::uint8_t { Positive, NonNegative };

// Every tick a venue reader hands out: a tracked id on `leg` (else
// fuzz_fail(`not_tracked`)); a status has zero prices; a quote has finite
// prices > 0, bid <= ask, sizes as `sizes` says and ts > 0. Returns whether
// `t` is a quote.
inline bool check_venue_tick(const Tick& t, const Config& config, Leg leg, const char* not_tracked,
                             QuoteSizes sizes) {
  if (t.instrument == 0 || leg_of(t.instrument) != leg ||
      pair_of(t.instrument) >= config.pairs.size()) {
    fuzz_fail(not_tracked);
  }
  if (is_status(t.kind)) {
    if (t.bid != 0 || t.ask != 0 || t.bid_size != 0 || t.ask_size != 0)
      fuzz_fail("status with prices");
    return false;
  }
  if (t.kind != TickKind::Quote) fuzz_fail("unexpected kind");
  if (!std::isfinite(t.bid) || !(t.bid > 0) || !(t.ask > 0)) fuzz_fail("price <= 0 accepted");
  if (t.bid > t.ask) fuzz_fail("crossed quote accepted");
  if (sizes == QuoteSizes::Positive) {
    if (!(t.bid_size > 0) || !(t.ask_size > 0)) fuzz_fail("quote without size");
  } else if (t.bid_size < 0 || t.ask_size < 0) {
    fuzz_fail("negative size");
  }
  if (t.ts_event <= 0) fuzz_fail("ts <= 0 accepted");
  return true;
}

// The reader's counts once it is drained: lines = accepted + rejected, and
// parsed = the `accepted` ticks it handed out.
inline void check_venue_counts(const FeedCounts& c, std::uint64_t accepted) {
  if (c.lines != c.parsed + c.rejects.total()) fuzz_fail("lines != accepted + rejected");
  if (c.parsed != accepted) fuzz_fail("parsed != ticks handed out");
}

}  // namespace adrmon::fuzz
