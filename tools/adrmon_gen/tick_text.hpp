// Tick-file text helpers shared by adrmon-gen's profiles: numbers written in
// the shortest form that reads back to the same double, and whole-file
// writes. Cold path; allocate through the std::string they append to.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rng.hpp"

namespace adrmon::gen {

// Shortest text that reads back as the same double; units / scale is the
// double nearest the decimal, so 8512 cents prints "85.12".
inline void append_price(std::string& out, std::int64_t units, std::int64_t scale) {
  char buf[32];
  const double value = static_cast<double>(units) / static_cast<double>(scale);
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

inline void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Appends {"type":"<type>","ts":T,"venue":"V","sym":"S" — the opening that
// every quote and status record of a venue file shares.
inline void append_record_head(std::string& out, std::string_view type, std::int64_t ts,
                               std::string_view venue, std::string_view sym) {
  out += R"({"type":")";
  out += type;
  out += R"(","ts":)";
  append_int(out, ts);
  out += R"(,"venue":")";
  out += venue;
  out += R"(","sym":")";
  out += sym;
  out += '"';
}

// Appends a quote's ,"bid":B,"ask":A,"bid_size":N,"ask_size":M (prices in
// units of 1/scale).
inline void append_quote_fields(std::string& out, std::int64_t bid, std::int64_t ask,
                                std::int64_t bid_size, std::int64_t ask_size, std::int64_t scale) {
  out += R"(,"bid":)";
  append_price(out, bid, scale);
  out += R"(,"ask":)";
  append_price(out, ask, scale);
  out += R"(,"bid_size":)";
  append_int(out, bid_size);
  out += R"(,"ask_size":)";
  append_int(out, ask_size);
}

// Appends ,"seq":N} and the line's newline.
inline void append_seq_end(std::string& out, std::int64_t seq) {
  out += R"(,"seq":)";
  append_int(out, seq);
  out += "}\n";
}

// Sorts one venue's records as the tick files hold them: by ts, then pair
// (stable, so a pair's records at one ts keep their order).
template <class Rec>
void sort_by_ts_then_pair(std::vector<Rec>& recs) {
  std::stable_sort(recs.begin(), recs.end(), [](const Rec& a, const Rec& b) {
    return a.ts != b.ts ? a.ts < b.ts : a.pair < b.pair;
  });
}

// The us.jsonl / hk.jsonl text of one venue's records (seq from 1), sorted
// first by sort_by_ts_then_pair. Rec has ts, pair, bid, ask, bid_size and
// ask_size, and may have status and trading (a status record when status is
// set); the symbol is pairs[pair].adr for "US", .hk otherwise; prices are in
// units of 1/scale.
template <class Rec, class Pairs>
std::string venue_text(std::vector<Rec>& recs, std::string_view venue, const Pairs& pairs,
                       std::int64_t scale) {
  sort_by_ts_then_pair(recs);
  std::string out;
  out.reserve(recs.size() * 128);
  std::int64_t seq = 0;
  for (const Rec& r : recs) {
    const auto& p = pairs[r.pair];
    bool status = false;
    if constexpr (requires { r.status; }) status = r.status;
    append_record_head(out, status ? "status" : "quote", r.ts, venue, venue == "US" ? p.adr : p.hk);
    if constexpr (requires { r.trading; })
      if (status) out += r.trading ? R"(,"trading":true)" : R"(,"trading":false)";
    if (!status) append_quote_fields(out, r.bid, r.ask, r.bid_size, r.ask_size, scale);
    append_seq_end(out, ++seq);
  }
  return out;
}

// Writes `text` to `path`, replacing it; throws std::runtime_error on failure.
inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error("cannot open " + path.string() + " for writing");
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!f.flush()) throw std::runtime_error("cannot write " + path.string());
}

// One USD/HKD tick of a generated day, prices in pips (1e-4 HKD).
struct FxRec {
  std::int64_t ts;
  std::int64_t bid;
  std::int64_t ask;
};

// One step of an FX walk: `mid` moves by a rounded N(0, 0.8) pips, reflected
// back into [low, high]; the tick at ts quotes a 1-5 pip spread below and
// above it.
inline FxRec fx_step(Rng& rng, std::int64_t& mid, std::int64_t ts, std::int64_t low,
                     std::int64_t high) {
  mid += static_cast<std::int64_t>(std::llround(rng.normal() * 0.8));
  if (mid < low) mid = 2 * low - mid;
  if (mid > high) mid = 2 * high - mid;
  const std::int64_t spread = rng.integer(1, 5);
  const std::int64_t bid = mid - spread / 2;
  return {ts, bid, bid + spread};
}

// FX mid in HKD last published at or before ts (the first tick's before
// any; 7.82 when there is none).
inline double fx_mid_at(const std::vector<FxRec>& fx, std::int64_t ts) {
  if (fx.empty()) return 7.82;
  auto it = std::upper_bound(fx.begin(), fx.end(), ts,
                             [](std::int64_t t, const FxRec& r) { return t < r.ts; });
  const FxRec& r = it == fx.begin() ? fx.front() : *(it - 1);
  return (static_cast<double>(r.bid) / 1e4 + static_cast<double>(r.ask) / 1e4) / 2;
}

// The fx.jsonl text of `fx` (seq from 1), as every profile writes it.
inline std::string fx_text(const std::vector<FxRec>& fx, const std::string& symbol) {
  std::string out;
  out.reserve(fx.size() * 90);
  std::int64_t seq = 0;
  for (const FxRec& r : fx) {
    out += R"({"type":"fx","ts":)";
    append_int(out, r.ts);
    out += R"(,"pair":")";
    out += symbol;
    out += R"(","bid":)";
    append_price(out, r.bid, 10000);
    out += R"(,"ask":)";
    append_price(out, r.ask, 10000);
    append_seq_end(out, ++seq);
  }
  return out;
}

}  // namespace adrmon::gen
