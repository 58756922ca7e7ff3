// The indicative board (issue 9's contract): for every pair at an instant T,
// whether the comparison is live or only indicative and why, both venues'
// phases, the ratio in force and the numbers behind the premium; then the
// ADR-implied move of an index (weights from the config). Rendered from
// PairViews, so `adrmon board` (a replay up to T) and the daemon's
// /api/board (the engine's views) print the same lines. Cold path.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "adrmon/core/config.hpp"
#include "adrmon/strategy/pair_view.hpp"

namespace adrmon {

// {"pair":…,"at":T,"live":…,"why":…|null,"us_phase":…,"hk_phase":…,"ratio":…,
//  "adr_bid":…,…,"fx_ts":…,"adr_hkd":…,"mid_premium_bps":…}  (no newline).
// Prices, timestamps and derived numbers are null for a leg never seen.
std::string board_pair_json(const PairView& view, std::string_view pair_name, std::int64_t at);

// {"index":NAME,"at":T,"implied_move_bps":…,"weight_covered":…,"pairs":N}:
// sum of index_weight × mid_premium_bps over the weighted pairs with all
// three legs seen (views indexed by pair id, as config.pairs).
std::string board_index_json(const Config& config, std::span<const PairView> views,
                             std::int64_t at);

}  // namespace adrmon
