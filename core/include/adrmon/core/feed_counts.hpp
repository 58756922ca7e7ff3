// FeedCounts: what one input (a file, a socket, a merged group) read and
// how its lines fared at parse time. Plain values, copied by snapshot.
#pragma once

#include <cstdint>

#include "adrmon/core/reject.hpp"

namespace adrmon {

// Line and reject counts of one input.
struct FeedCounts {
  std::uint64_t lines = 0;   // non-blank lines read ("ticks read")
  std::uint64_t parsed = 0;  // lines that became ticks
  std::uint64_t blank = 0;   // blank lines skipped
  std::uint64_t bytes = 0;
  RejectCounts rejects;  // parse-time rejects by reason
};

}  // namespace adrmon
