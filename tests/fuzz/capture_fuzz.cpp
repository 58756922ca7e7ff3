// Fuzz target: arbitrary bytes -> a capture file (a memfd) -> CaptureReader
// (header and instrument table, the index or, without a valid footer, the
// block scan that repairs a torn tail, zstd blocks with their CRC) ->
// records, then again after a seek into the middle of the event time.
//
// Checked besides "no crash, hang, leak or UB":
// - a file it cannot read is refused with CaptureError, nothing else thrown;
// - every record handed out has an instrument id inside the header's table
//   and a kind the engine knows;
// - no more records come out than the blocks say they hold;
// - after seek(T) (T a record's ts), what is read is the tail of the whole
//   read, and it skips no record at or after T.
#include <algorithm>
#include <vector>

#include "adrmon/feeds/capture.hpp"
#include "venue_fuzz.hpp"

namespace {

using namespace adrmon;
using adrmon::fuzz::fuzz_fail;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::venue_memfd("capture_fuzz", {}, data, size);
  if (path.empty()) return 0;
  try {
    CaptureReader r(path);
    const std::size_t instruments = r.header().instruments.size();
    std::vector<std::int64_t> ts;
    Tick t;
    while (r.next(t)) {
      if (t.instrument >= instruments) fuzz_fail("record outside the header's instrument table");
      if (static_cast<std::uint8_t>(t.kind) > static_cast<std::uint8_t>(TickKind::Halted))
        fuzz_fail("record of an unknown kind");
      ts.push_back(t.ts_event);
      if (ts.size() > r.records()) fuzz_fail("more records than the blocks hold");
    }
    if (ts.empty() || !r.error().empty()) return 0;  // a bad block ends the read there
    // A seek lands on a block boundary at or before the first record >= T:
    // what it reads is the whole read's tail, and holds every record >= T.
    const std::int64_t from = ts[ts.size() / 2];
    CaptureReader again(path);
    again.seek(from);
    std::vector<std::int64_t> tail;
    while (again.next(t)) {
      tail.push_back(t.ts_event);
      if (tail.size() > ts.size()) fuzz_fail("a seek read more records than the whole file");
    }
    if (!std::equal(tail.begin(), tail.end(), ts.end() - static_cast<std::ptrdiff_t>(tail.size())))
      fuzz_fail("a seek read is not the tail of the whole read");
    for (std::size_t i = 0; i + tail.size() < ts.size(); ++i) {
      if (ts[i] >= from) fuzz_fail("a seek skipped a record at or after its time");
    }
  } catch (const CaptureError&) {
  }
  return 0;
}
