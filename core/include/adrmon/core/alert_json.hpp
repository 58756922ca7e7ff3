// Formats an Alert as one JSON Lines record (the alert contract in
// docs/FORMATS.md). Doubles use the shortest text that reads back to the same
// value (std::to_chars), so a reader reconciles numbers exactly.
#pragma once

#include <cstddef>
#include <string_view>

#include "adrmon/core/alert.hpp"

namespace adrmon {

// Upper bound of one formatted alert including the trailing newline.
inline constexpr std::size_t kMaxAlertJsonBytes = 1024;

// Writes the alert and a '\n' into `out` (at least kMaxAlertJsonBytes) and
// returns the number of bytes written. `pair_name` is "ADR/HK" and must need
// no JSON escaping (the config loader guarantees it). No allocation;
// thread-safe (pure).
std::size_t format_alert_json(const Alert& alert, std::string_view pair_name, char* out) noexcept;

}  // namespace adrmon
