// `adrmon convert`: read sources (tick files and venue files: file:, plain
// paths, itch:, omdc:, merged by ts; or network sources, in arrival order)
// in engine order, and write every record the feeds accepted (quote, fx,
// status) as tick JSON Lines (docs/FORMATS.md) or as a binary capture.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace adrmon {

struct ConvertOptions {
  std::string config;
  std::string out;               // file to write (truncated); empty or "-": stdout
  std::string format = "jsonl";  // or "capture" (feeds/capture.hpp; needs a file)
  std::vector<std::string> specs;
  bool quiet = false;  // no summary on stderr
  // Network sources: end once no record came for this long after the first
  // one (0: only when every source has ended, or on SIGINT/SIGTERM).
  std::int64_t idle_ms = 0;
};

// Returns the process exit code: 0, or 1 when an input could not be read to
// its end (read error, unknown ITCH type, cut file) or the output could not
// be written. Throws on start-up errors (config, specs, files).
int run_convert(const ConvertOptions& options);

}  // namespace adrmon
