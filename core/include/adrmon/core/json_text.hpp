// Small JSON writing helpers for cold-path output (summaries, the board, the
// dashboard's API and WebSocket messages). The hot alert line has its own
// fixed-buffer writer (alert_json.hpp). Each appends to `out`, allocating as
// it grows; safe on any thread for distinct strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adrmon {

// Shortest text that reads back as `v` (std::to_chars); "null" when not finite.
void append_number(std::string& out, double v);

void append_int(std::string& out, std::int64_t v);

// `s` as a JSON string literal: quotes, backslash escapes, control
// characters and < > & as \u00XX (so the text is also safe inside HTML);
// other bytes (UTF-8) as they are.
void append_json_string(std::string& out, std::string_view s);

}  // namespace adrmon
