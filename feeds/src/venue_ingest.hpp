// VenueIngest: what a venue network framing does with a record its decoder
// produced: count it (lines = produced, parsed = accepted, rejects by
// reason), stamp it (ts_recv = the read that brought it, source index) and
// push it; publish the decoder's counters into SourceStats. The framings'
// sequence problems are counted here too, so every venue body reports alike.
// ItchNetBody (below): what the ITCH network bodies share.
// No allocation, lock, exception, virtual call or logging; the source's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/local_time.hpp"
#include "adrmon/feeds/itch_decoder.hpp"
#include "adrmon/feeds/omdc_decoder.hpp"
#include "adrmon/feeds/source.hpp"
#include "net_body.hpp"

namespace adrmon {

class VenueIngest {
 public:
  VenueIngest(const Source::Parts& parts, std::uint8_t source)
      : stats_(parts.stats), channel_(parts.channel), source_(source) {}

  // A record produced at steady-clock `recv`; `r` = None for an accepted one.
  void on_record(Reject r, Tick& tick, std::int64_t recv) noexcept {
    stats_.lines.add();
    if (r == Reject::None && tick.ts_event <= 0) r = Reject::BadTimestamp;
    if (r != Reject::None) {
      stats_.rejects[static_cast<std::size_t>(r)].add();
      return;
    }
    tick.ts_recv = recv;
    tick.parse_ns = static_cast<std::uint32_t>(steady_ns() - recv);
    tick.source = source_;
    if (channel_.push(tick)) {
      stats_.parsed.add();
    } else {
      stats_.dropped.add();
    }
  }

  void on_itch(ItchEmit e, Tick& tick, std::int64_t recv) noexcept {
    if (e != ItchEmit::Nothing) on_record(reject_of(e), tick, recv);
  }

  // Returns false at the end of the packet.
  bool on_omdc(OmdcEmit e, Tick& tick, std::int64_t recv) noexcept {
    if (e == OmdcEmit::End) return false;
    if (e != OmdcEmit::Nothing) on_record(reject_of(e), tick, recv);
    return true;
  }

  // Copies the decoder's counters into stats (relaxed stores; once per read).
  void publish(ItchDecoder& d) noexcept {
    const ItchCounts& c = d.counts();
    for (std::size_t i = 0; i < c.size(); ++i) stats_.itch[i].set(c[i]);
  }
  void publish(const OmdcDecoder& d) noexcept {
    const OmdcCounts& c = d.counts();
    for (std::size_t i = 0; i < c.size(); ++i) stats_.omdc[i].set(c[i]);
    stats_.seq_gaps.set(c[omdc_index(OmdcCount::SeqGaps)]);
    stats_.seq_missing.set(c[omdc_index(OmdcCount::SeqMissing)]);
  }
  void ring() noexcept { channel_.ring(); }

 private:
  SourceStats& stats_;
  TickChannel& channel_;
  std::uint8_t source_;
};

// Local midnight America/New_York of the spec's date, or of today there when
// the spec names none (a live feed). Cold path.
inline std::int64_t itch_midnight_ns(const SourceSpec& spec) {
  constexpr char kNewYork[] = "America/New_York";
  const LocalDate date =
      spec.dated ? spec.date
                 : local_date_at(kNewYork, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
  return local_midnight_ns(kNewYork, date);
}

// The parts both ITCH network framings (moldudp64://, soupbin://) hold: an
// IoBody (the source's name, log and stats), a VenueIngest and an
// ItchDecoder anchored at itch_midnight_ns(spec); the decoder's counters are
// published once more when the loop ends. Cold path (construction).
class ItchNetBody : public IoBody {
 protected:
  ItchNetBody(const Source::Parts& parts, const SourceSpec& spec, const Config& config,
              std::uint8_t index)
      : IoBody(parts),
        ingest_(parts, index),
        decoder_(config, itch_midnight_ns(spec), ItchOptions{spec.order_capacity, 512}) {}
  void end() override { ingest_.publish(decoder_); }

  // One framed ITCH message of `len` bytes, sequence `seq`: an empty one or
  // one shorter than its type's fixed length is counted truncated and
  // skipped, an unknown type counted and skipped by its length (the framing
  // holds), a longer one counted as a length mismatch and decoded. No
  // allocation; the source's thread.
  void on_message(const std::uint8_t* msg, std::size_t len, std::uint64_t seq,
                  std::int64_t recv) noexcept {
    const std::size_t fixed = len == 0 ? 0 : ItchDecoder::message_length(msg[0]);
    if (len == 0 || len < fixed) {
      decoder_.count(ItchCount::Truncated);
      return;
    }
    if (fixed == 0) {
      decoder_.count(ItchCount::UnknownTypes);
      return;
    }
    if (len != fixed) decoder_.count(ItchCount::LengthMismatches);
    Tick tick;
    ingest_.on_itch(decoder_.decode(msg, seq, tick), tick, recv);
  }

  VenueIngest ingest_;
  ItchDecoder decoder_;
};

}  // namespace adrmon
