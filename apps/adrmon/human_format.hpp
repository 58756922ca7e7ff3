// One readable line per alert for people watching stdout:
//   2025-11-24T02:30:01.123456Z OPEN  sell_adr BABA/9988 edge +113.06bp prem +136.04bp |
//   ADR 104.00/104.02 age 0.000s | HK 100.00/100.10 age 1.000s | FX 7.8000/7.8002 age 2.000s | 100
//   ADS $10,400
#pragma once

#include <cstddef>
#include <string_view>

#include "adrmon/core/alert.hpp"

namespace adrmon {

inline constexpr std::size_t kMaxHumanAlertBytes = 512;

// Writes the line and '\n' into `out` (kMaxHumanAlertBytes); returns bytes.
std::size_t format_alert_human(const Alert& alert, std::string_view pair_name, char* out) noexcept;

}  // namespace adrmon
