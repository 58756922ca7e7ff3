// `adrmon board`: the indicative board at an instant T (issue 9's contract).
// Replays the files (every record with ts <= T; later ones are skipped),
// then prints one JSON line per pair in config order — live or not and why,
// both venues' phases, the ratio in force, the legs and the premium — and
// one index line (the ADR-implied move of [index] name).
#pragma once

#include <string>
#include <vector>

namespace adrmon {

struct BoardOptions {
  std::string config;
  std::string at;  // integer ns, or an RFC 3339 instant
  std::vector<std::string> files;
};

// Returns the exit code. Throws on start-up errors (config, files, a bad --at).
int run_board(const BoardOptions& options);

}  // namespace adrmon
