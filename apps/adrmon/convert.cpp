// `adrmon convert`: sources -> one JSON line per tick -> a buffered FILE.
// Files only: FileMerger (the same k-way merge by ts as `adrmon replay` and
// the file group of `adrmon run`). With a network source: the sources of
// `adrmon run` (make_sources: the files as one merged source, each network
// spec its own thread), popped channel by channel in bulk as the engine
// stage does, until every source has ended, --idle-ms passes without a
// record or SIGINT/SIGTERM. Prices and sizes are written in the shortest
// form that reads back to the same double, so replaying the output gives
// the engine bit-identical ticks, and the same alerts as the sources did.
#include "convert.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "adrmon/core/clock.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/core/doorbell.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/feeds/capture.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/feeds/source.hpp"

namespace adrmon {

namespace {

// Appends to a fixed buffer; a tick line is well under 256 bytes.
class Line {
 public:
  void raw(std::string_view s) noexcept {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void integer(std::uint64_t v) noexcept { p_ = std::to_chars(p_, p_ + 24, v).ptr; }
  void integer(std::int64_t v) noexcept { p_ = std::to_chars(p_, p_ + 24, v).ptr; }
  void number(double v) noexcept { p_ = std::to_chars(p_, p_ + 32, v).ptr; }
  std::string_view view() const noexcept { return {buf_, static_cast<std::size_t>(p_ - buf_)}; }

 private:
  char buf_[512];
  char* p_ = buf_;
};

// The tick as FORMATS.md writes it: quote (seq when it has one), fx, status.
std::string_view format_tick(const Tick& t, const Config& config, Line& l) {
  const bool fx = t.instrument == kFxInstrument;
  const bool status = is_status(t.kind);
  l.raw(status ? R"({"type":"status","ts":)"
        : fx   ? R"({"type":"fx","ts":)"
               : R"({"type":"quote","ts":)");
  l.integer(t.ts_event);
  if (fx) {
    l.raw(status ? R"(,"venue":"US","sym":")" : R"(,"pair":")");
    l.raw(config.fx.pair);
  } else {
    const PairConfig& p = config.pairs[pair_of(t.instrument)];
    const bool us = leg_of(t.instrument) == Leg::Adr;
    l.raw(us ? R"(,"venue":"US","sym":")" : R"(,"venue":"HK","sym":")");
    l.raw(us ? p.adr : p.hk);
  }
  if (status) {
    l.raw(t.kind == TickKind::Trading ? R"(","trading":true})" : R"(","trading":false})");
    l.raw("\n");
    return l.view();
  }
  l.raw(R"(","bid":)");
  l.number(t.bid);
  l.raw(R"(,"ask":)");
  l.number(t.ask);
  if (!fx) {
    l.raw(R"(,"bid_size":)");
    l.number(t.bid_size);
    l.raw(R"(,"ask_size":)");
    l.number(t.ask_size);
  }
  if (t.has_seq()) {
    l.raw(R"(,"seq":)");
    l.integer(t.seq);
  }
  l.raw("}\n");
  return l.view();
}

// Writes ticks to `out` (or to `capture` when set), counting them by kind.
struct Writer {
  std::FILE* out;
  const Config& config;
  CaptureWriter* capture = nullptr;
  std::uint64_t quotes = 0, fx = 0, statuses = 0;
  bool failed = false;

  bool write(const Tick& tick) {
    if (capture != nullptr) {
      if (!capture->append(tick)) {
        failed = true;
        return false;
      }
    } else {
      Line line;
      const std::string_view text = format_tick(tick, config, line);
      if (std::fwrite(text.data(), 1, text.size(), out) != text.size()) {
        failed = true;
        return false;
      }
    }
    if (is_status(tick.kind)) {
      ++statuses;
    } else if (tick.instrument == kFxInstrument) {
      ++fx;
    } else {
      ++quotes;
    }
    return true;
  }
};

// What the sources read, for the summary.
struct ReadCounts {
  std::uint64_t lines = 0;
  std::array<std::uint64_t, kRejectReasonCount> rejects{};
  ItchCounts itch{};
  OmdcCounts omdc{};
  std::string extra;  // network sources: gaps, drops
};

void print_summary(const Writer& w, const ReadCounts& c, double secs) {
  std::uint64_t rejected = 0;
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) rejected += c.rejects[i];
  std::fprintf(stderr,
               "adrmon convert: %llu records written (%llu quotes, %llu fx, %llu status) "
               "of %llu read; %llu rejected",
               static_cast<unsigned long long>(w.quotes + w.fx + w.statuses),
               static_cast<unsigned long long>(w.quotes), static_cast<unsigned long long>(w.fx),
               static_cast<unsigned long long>(w.statuses),
               static_cast<unsigned long long>(c.lines), static_cast<unsigned long long>(rejected));
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) {
    if (c.rejects[i] == 0) continue;
    std::fprintf(stderr, " %s=%llu", std::string(reject_name(static_cast<Reject>(i))).c_str(),
                 static_cast<unsigned long long>(c.rejects[i]));
  }
  std::fprintf(stderr, "%s; %.3f s\n", c.extra.c_str(), secs);
  std::string venue;
  const auto add = [&venue](std::string_view name, std::uint64_t v) {
    if (v == 0) return;
    venue.append(" ").append(name).append("=").append(std::to_string(v));
  };
  for (std::size_t i = 0; i < c.itch.size(); ++i) add(itch_count_name(i), c.itch[i]);
  for (std::size_t i = 0; i < c.omdc.size(); ++i) add(omdc_count_name(i), c.omdc[i]);
  if (!venue.empty()) std::fprintf(stderr, "adrmon convert: venue counts:%s\n", venue.c_str());
}

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) {
  g_stop = 1;
}

// Network sources (and any files, as one merged source) in arrival order.
ReadCounts convert_sources(const ConvertOptions& opt, const Config& config,
                           const std::vector<SourceSpec>& specs, Writer& w) {
  Doorbell bell;
  SourceOptions options;
  options.log = &stderr_log();
  std::vector<std::unique_ptr<Source>> sources = make_sources(specs, config, options, bell);
  g_stop = 0;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  for (auto& s : sources) s->start();
  const std::int64_t idle_ns = opt.idle_ms * 1'000'000;
  std::int64_t last = 0;  // steady time of the last record, 0 before the first
  Tick batch[256];
  // One round over the channels; true when every source has ended and is drained.
  const auto round = [&](bool& got) {
    bool ended = true;
    for (auto& s : sources) {
      TickChannel& ch = s->channel();
      const bool closed = ch.closed();  // read first: a close follows the last push
      for (std::size_t n; (n = ch.pop_bulk(batch, 256)) > 0;) {
        got = true;
        for (std::size_t i = 0; i < n && !w.failed; ++i) w.write(batch[i]);
      }
      if (!closed) ended = false;
    }
    return ended;
  };
  for (;;) {
    bool got = false;
    if (round(got) || w.failed || g_stop != 0) break;
    const std::int64_t now = steady_ns();
    if (got) {
      last = now;
      continue;
    }
    if (idle_ns > 0 && last != 0 && now - last >= idle_ns) break;
    bell.park(
        [&] {
          for (auto& s : sources)
            if (!s->channel().empty() || s->channel().closed()) return true;
          return false;
        },
        10'000'000);
  }
  for (auto& s : sources) s->request_stop();
  for (bool ended = false; !ended && !w.failed;) {  // what was read before the stop is written
    bool got = false;
    ended = round(got);
    if (!ended && !got) bell.park([] { return false; }, 1'000'000);
  }
  for (auto& s : sources) s->join();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  ReadCounts c;
  std::uint64_t gaps = 0, missing = 0, dropped = 0, kernel_drops = 0;
  for (const auto& s : sources) {
    const SourceStats& st = s->stats();
    c.lines += st.lines.get();
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) c.rejects[i] += st.rejects[i].get();
    for (std::size_t i = 0; i < c.itch.size(); ++i) c.itch[i] += st.itch[i].get();
    for (std::size_t i = 0; i < c.omdc.size(); ++i) c.omdc[i] += st.omdc[i].get();
    gaps += st.seq_gaps.get();
    missing += st.seq_missing.get();
    dropped += st.dropped.get();
    kernel_drops += st.kernel_drops.get();
  }
  if (gaps + missing + dropped + kernel_drops != 0) {
    c.extra = "; seq_gaps " + std::to_string(gaps) + ", seq_missing " + std::to_string(missing) +
              ", dropped " + std::to_string(dropped);
    if (kernel_drops != 0) c.extra += ", kernel_drops " + std::to_string(kernel_drops);
  }
  return c;
}

}  // namespace

int run_convert(const ConvertOptions& opt) {
  const Config config = load_config(opt.config);
  std::vector<SourceSpec> specs;
  bool network = false;
  for (const std::string& s : opt.specs) {
    // Plain paths are JSON Lines files, as for `adrmon replay`.
    specs.push_back(parse_source_spec(s.find(':') == std::string::npos ? "file:" + s : s));
    if (!specs.back().is_replayed_file()) network = true;
  }
  std::unique_ptr<FileMerger> merger;
  if (!network) merger = std::make_unique<FileMerger>(opt.specs, config);
  const bool to_stdout = opt.out.empty() || opt.out == "-";
  std::unique_ptr<CaptureWriter> capture;
  if (opt.format == "capture") {
    if (to_stdout) throw std::invalid_argument("--to capture needs --out FILE");
    CaptureHeader header;
    header.config_hash = config_file_hash(config.path);
    header.created_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    header.creator = "adrmon convert";
    header.instruments = capture_instruments(config);
    capture = std::make_unique<CaptureWriter>(opt.out, header);
  }
  std::FILE* out = capture ? nullptr : to_stdout ? stdout : std::fopen(opt.out.c_str(), "wb");
  if (out == nullptr && !capture) {
    throw std::runtime_error(opt.out + ": cannot open for writing: " + std::strerror(errno));
  }
  static char buffer[1 << 20];
  if (out != nullptr) std::setvbuf(out, buffer, _IOFBF, sizeof buffer);

  const auto start = std::chrono::steady_clock::now();
  Writer w{out, config, capture.get()};
  ReadCounts counts;
  if (network) {
    counts = convert_sources(opt, config, specs, w);
  } else {
    Tick tick;
    while (merger->next(tick) && w.write(tick)) {
    }
    const FeedCounts c = merger->counts();
    counts.lines = c.lines;
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) counts.rejects[i] = c.rejects.by_reason[i];
    counts.itch = merger->itch_counts();
    counts.omdc = merger->omdc_counts();
  }
  bool write_failed = w.failed;
  int write_errno = 0;
  if (capture) {
    if (!capture->close()) write_failed = true;
    write_errno = capture->error();
  } else {
    if (std::fflush(out) != 0) write_failed = true;
    write_errno = errno;
    if (!to_stdout && std::fclose(out) != 0) write_failed = true;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!opt.quiet) print_summary(w, counts, secs);
  int rc = merger && merger->report_read_errors(stderr_log()) ? 1 : 0;
  if (write_failed) {
    std::fprintf(stderr, "adrmon: %s: write failed: %s\n", to_stdout ? "<stdout>" : opt.out.c_str(),
                 std::strerror(write_errno));
    rc = 1;
  }
  return rc;
}

}  // namespace adrmon
