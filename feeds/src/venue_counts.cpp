// Names of the venue decoders' counters: built once, read-only afterwards.
#include "adrmon/feeds/venue_counts.hpp"

#include <string>

namespace adrmon {

namespace {

template <std::size_t N>
struct NameTable {
  std::array<std::string, N> names;
};

const NameTable<kItchCountCount>& itch_names() {
  static const NameTable<kItchCountCount> table = [] {
    NameTable<kItchCountCount> t;
    for (std::size_t i = 0; i < kItchTypeCount; ++i)
      t.names[i] = std::string("itch_msg_") + kItchTypes[i];
    constexpr std::array<const char*, kItchCountCount - kItchTypeCount> kRest = {
        "itch_length_mismatches", "itch_unknown_refs",     "itch_duplicate_refs",
        "itch_over_reductions",   "itch_order_table_full", "itch_orders_live",
        "itch_orders_peak",       "itch_order_capacity",   "itch_level_growths",
        "itch_tracked_symbols",   "itch_quotes",           "itch_statuses",
        "itch_crossed_books",     "itch_unknown_types",    "itch_truncated",
        "itch_seq_gaps",          "itch_seq_missing",      "itch_rerequests"};
    for (std::size_t i = 0; i < kRest.size(); ++i) t.names[kItchTypeCount + i] = kRest[i];
    return t;
  }();
  return table;
}

const NameTable<kOmdcCountCount>& omdc_names() {
  static const NameTable<kOmdcCountCount> table = [] {
    NameTable<kOmdcCountCount> t;
    for (std::size_t i = 0; i < kOmdcTypeCount; ++i)
      t.names[i] = "omdc_msg_" + std::to_string(kOmdcTypes[i]);
    constexpr std::array<const char*, kOmdcCountCount - kOmdcTypeCount> kRest = {
        "omdc_packets",     "omdc_heartbeats",  "omdc_unknown_types", "omdc_malformed",
        "omdc_bad_entries", "omdc_quotes",      "omdc_statuses",      "omdc_crossed_books",
        "omdc_seq_gaps",    "omdc_seq_missing", "omdc_bad_packets",   "omdc_truncated",
        "omdc_rerequests",  "omdc_recovered",   "omdc_rts_rejects"};
    for (std::size_t i = 0; i < kRest.size(); ++i) t.names[kOmdcTypeCount + i] = kRest[i];
    return t;
  }();
  return table;
}

}  // namespace

std::string_view itch_count_name(std::size_t index) noexcept {
  return index < kItchCountCount ? std::string_view(itch_names().names[index]) : "";
}

std::string_view omdc_count_name(std::size_t index) noexcept {
  return index < kOmdcCountCount ? std::string_view(omdc_names().names[index]) : "";
}

}  // namespace adrmon
