// Differential fuzz target: the same bytes through every way adrmon frames
// ticks must give the same accepted ticks, tick by tick.
//
//   file  LineFramer fed the whole buffer, then flush (TickFileReader)
//   tcp   LineFramer fed in random-sized chunks, then flush (TcpBody)
//   udp   the bytes as one datagram through split_datagram (line_framer.hpp),
//         the function UdpBody::on_datagram calls
//
// file and tcp must also agree on every framing event (each line's bytes,
// each over-long line), and all three on the blank-line count. Last, a LineFramer with a
// tiny read chunk and a small line limit (forcing compaction, early over-long
// detection and skipping) is checked against a plain reference model of the
// framing rules in docs/FORMATS.md.
//
// UDP uses adrmon::split_datagram (line_framer.hpp), the very function
// UdpBody calls: a datagram is framed like a stream of its own (a leading
// BOM skipped). This target found the divergence that made it shared.
//
// Chunk sizes and the small limit come from a hash of the input, so a crash
// file reproduces exactly.
#include "fuzz_common.hpp"

namespace {

using namespace adrmon;
using adrmon::fuzz::FrameEvent;
using adrmon::fuzz::fuzz_fail;

struct Outcome {
  std::vector<Tick> ticks;  // accepted, in order
  RejectCounts rejects;
};

struct State {
  TickParser parser{fuzz::fuzz_config()};
  LineFramer file{1 << 16, kMaxLineBytes};
  LineFramer tcp{64 * 1024, kMaxLineBytes};  // TcpBody's size
  std::vector<char> datagram = std::vector<char>(65536 + kLinePadding + 1);
};

void parse_into(State& s, std::string_view line, Outcome& out) {
  Tick t{};
  const Reject r = s.parser.parse(line, t);
  if (r == Reject::None) {
    fuzz::check_accepted(t, fuzz::fuzz_config(), line);
    out.ticks.push_back(t);
  } else {
    out.rejects.add(r);
  }
}

// The framing rules of docs/FORMATS.md, written plainly: '\n' ends a line,
// one trailing '\r' is dropped, a line longer than `max_line` is one
// TooLong, a BOM is skipped at the start of the stream, whitespace-only
// lines are blank, a last line without newline counts.
std::vector<FrameEvent> reference_frames(std::string_view data, std::size_t max_line,
                                         std::uint64_t& blank) {
  std::vector<FrameEvent> events;
  bool at_start = true;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t nl = data.find('\n', pos);
    const bool last = nl == std::string_view::npos;
    if (last) nl = data.size();
    std::string_view line = data.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_line) {
      events.push_back({true, {}});
      at_start = false;
      continue;
    }
    if (at_start) {
      at_start = false;
      if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    }
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      ++blank;
      continue;
    }
    events.push_back({false, std::string(line)});
  }
  return events;
}

void compare_ticks(const Outcome& a, const Outcome& b, const char* what, std::string_view data) {
  if (a.ticks.size() != b.ticks.size()) fuzz_fail(what, data);
  for (std::size_t i = 0; i < a.ticks.size(); ++i) {
    if (!fuzz::same_tick(a.ticks[i], b.ticks[i])) fuzz_fail(what, data);
  }
}

std::uint64_t hash_bytes(std::string_view data) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : data) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* raw, std::size_t size) {
  static State& s = *new State;
  const std::string_view data(reinterpret_cast<const char*>(raw), size);
  fuzz::ChunkRng rng{hash_bytes(data)};

  // file: whole buffer.
  Outcome file;
  std::vector<FrameEvent> file_events;
  s.file.reset();
  const std::uint64_t file_blank0 = s.file.blank_lines();
  fuzz::drive_framer(
      s.file, data, [](std::size_t space) { return space; },
      [&](std::string_view line) {
        file_events.push_back({false, std::string(line)});
        parse_into(s, line, file);
      },
      [&] {
        file_events.push_back({true, {}});
      });
  const std::uint64_t file_blank = s.file.blank_lines() - file_blank0;

  // tcp: random chunks, mostly small.
  Outcome tcp;
  std::vector<FrameEvent> tcp_events;
  s.tcp.reset();
  const std::uint64_t tcp_blank0 = s.tcp.blank_lines();
  fuzz::drive_framer(
      s.tcp, data,
      [&](std::size_t) { return 1 + rng.next() % (std::size_t{1} << (rng.next() % 9)); },
      [&](std::string_view line) {
        tcp_events.push_back({false, std::string(line)});
        parse_into(s, line, tcp);
      },
      [&] {
        tcp_events.push_back({true, {}});
      });
  if (file_events != tcp_events) fuzz_fail("file and tcp framing differ", data);
  if (s.tcp.blank_lines() - tcp_blank0 != file_blank) fuzz_fail("blank counts differ", data);
  compare_ticks(file, tcp, "file and tcp accepted ticks differ", data);

  // udp: one datagram (at most 64 KiB, as UdpBody receives).
  if (size <= 65536) {
    Outcome udp;
    std::memcpy(s.datagram.data(), data.data(), size);
    std::uint64_t udp_blank = 0;
    split_datagram(
        s.datagram.data(), size, [&](std::string_view line) { parse_into(s, line, udp); },
        [&] { ++udp_blank; });
    if (udp_blank != file_blank) fuzz_fail("file and udp blank counts differ", data);
    compare_ticks(file, udp, "file and udp accepted ticks differ", data);
  }

  // A tiny framer against the reference model.
  static constexpr std::size_t kLimits[] = {1, 2, 7, 16, 61, 200};
  const std::size_t max_line = kLimits[rng.next() % std::size(kLimits)];
  const std::size_t read_chunk = 1 + rng.next() % 64;
  LineFramer small(read_chunk, max_line);
  std::vector<FrameEvent> small_events;
  fuzz::drive_framer(
      small, data, [&](std::size_t space) { return 1 + rng.next() % space; },
      [&](std::string_view line) {
        small_events.push_back({false, std::string(line)});
      },
      [&] {
        small_events.push_back({true, {}});
      });
  std::uint64_t ref_blank = 0;
  if (small_events != reference_frames(data, max_line, ref_blank)) {
    fuzz_fail("LineFramer differs from the reference framing", data);
  }
  if (small.blank_lines() != ref_blank) fuzz_fail("LineFramer blank count differs", data);
  return 0;
}
