// Length: the CLI and the default day profile (the JSON day every test pins by
// sha256); the venue and sessions profiles live in their own files.
// adrmon-gen: writes realistic, reproducible tick files for the pairs of a config.
//
// Data flow:
//   config (adrmon::load_config) -> per-pair market profile (rough HK price
//   level, board lot) -> plan (dislocation windows on random pairs and sides,
//   one quiet-feed window) -> per-instrument arrival times (Poisson, with a
//   refresh cap) -> USD/HKD random walk inside the peg band -> per-pair latent
//   fair value (HKD per HK share, random walk) sampled at that pair's quote
//   times -> HK quotes = fair x noise on the HKEX tick grid; ADR quotes =
//   fair x ratio / fx_mid x noise x dislocation, on the cent grid -> each
//   venue's quotes sorted by ts and numbered -> DIR/us.jsonl, DIR/hk.jsonl,
//   DIR/fx.jsonl and DIR/README.txt (what was injected, when).
//
// Determinism: every random number comes from std::mt19937_64 (its output is
// fixed by the standard) through the small distributions below, written with
// + - * / and sqrt only (all exactly rounded in IEEE), never with libm's log
// or exp or the std:: distributions, whose results differ between standard
// libraries. Prices are integers (cents, thousandths of HKD, pips) until they
// are printed, so 85.12 prints as 85.12. Same seed and flags, same bytes.
//
// Without injections the premium stays within about +-20 bp, so with 12 bp of
// costs the net edge stays far below a 50 bp entry: alerts come only from the
// dislocation windows listed in README.txt.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/local_time.hpp"
#include "price_grid.hpp"
#include "rng.hpp"
#include "sessions_day.hpp"
#include "tick_text.hpp"
#include "venue_day.hpp"

namespace adrmon::gen {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// ---------------------------------------------------------------- market profile

// Rough HK price levels (HKD per HK share, late 2025, to the nearest few
// dollars: good enough for realistic grids and ADR prices; not market data)
// and board lots where DOMAIN.md records them (100 otherwise).
struct Profile {
  std::string_view hk;
  double hk_price;
  int lot;
};
constexpr std::array kProfiles{
    Profile{"9988", 155, 100}, Profile{"9888", 115, 100}, Profile{"9618", 120, 100},
    Profile{"9999", 200, 100}, Profile{"9961", 550, 100}, Profile{"9626", 200, 100},
    Profile{"2015", 80, 100},  Profile{"9868", 85, 100},  Profile{"9866", 45, 10},
    Profile{"2057", 150, 100}, Profile{"9987", 360, 50},  Profile{"2423", 45, 100},
    Profile{"2076", 80, 100},  Profile{"2525", 170, 20},  Profile{"6160", 200, 100},
    Profile{"9898", 85, 100},  Profile{"1698", 70, 100},  Profile{"1179", 30, 100},
    Profile{"9901", 42, 100},  Profile{"9896", 38, 100},  Profile{"6686", 17, 100},
    Profile{"9688", 23, 100},  Profile{"13", 24, 100},    Profile{"2518", 52, 100},
    Profile{"2026", 130, 100}, Profile{"800", 27, 100},
};
constexpr double kUnknownHkPrice = 50;  // for codes not in the table above
constexpr int kDefaultLot = 100;

Profile profile_for(const PairConfig& pair) {
  for (const Profile& p : kProfiles)
    if (p.hk == pair.hk) return p;
  return Profile{pair.hk, kUnknownHkPrice, kDefaultLot};
}

// ---------------------------------------------------------------- options and plan

struct Options {
  std::string config;
  std::string out;
  std::uint64_t seed = 1;
  std::int64_t start_ns = 1763951400000000000;  // Mon 24 Nov 2025 10:30 HKT
  double duration_s = 600;
  double quote_rate = 2.0;
  double fx_rate = 5.0;
  int dislocations = 6;
  int quiet_feed = 1;
  int pairs = 0;                 // 0: all
  std::string format = "jsonl";  // jsonl | itch | omdc | venues (itch and omdc)
  std::string itch;              // ITCH 5.0 file to write (else DIR/MMDDYYYY.NASDAQ_ITCH50)
  std::string omdc;              // OMD-C capture to write (else DIR/hk.omdc)
  int itch_untracked = 400;      // other symbols in the ITCH directory
  int omdc_untracked = 200;      // other codes in the OMD-C capture
  double untracked_rate = 0.1;   // their quote changes per second each
  int halt = 1;                  // 1: a US halt and an HK suspension in the venue files
  double max_gap_ms = 1500;
  double quiet_s = 10;
  std::string profile = "default";  // default | sessions
  std::string start;                // sessions: first US/HK trade date, YYYY-MM-DD
  int days = 1;                     // sessions: number of days
  int dense = 2;                    // sessions: pairs quoting fresh while both venues are live
};

// Model constants (bp = 1e-4).
constexpr double kFairVolPerSqrtS = 2e-4;   // ~3% a day over 6.5 h: a few bp between quotes
constexpr double kLegNoise = 2.5e-4;        // per-quote deviation of each leg from fair
constexpr double kLegNoiseCap = 7e-4;       // |noise| <= 7 bp, so |premium noise| <= ~14 bp
constexpr std::int64_t kFxLowPips = 78000;  // FX walk stays in 7.8000-7.8500
constexpr std::int64_t kFxHighPips = 78500;
constexpr double kMinDislocationBps = 70;
constexpr double kMaxDislocationBps = 200;
constexpr double kBreachMarginBps = 30;  // net edge above enter_bps a dislocation aims for

struct Dislocation {
  std::size_t pair = 0;
  bool sell_adr = true;  // true: ADR pushed rich; false: pushed cheap (buy_adr)
  std::int64_t start = 0;
  std::int64_t end = 0;  // ADR back at fair from here on
  double size_bps = 0;
};

struct QuietWindow {
  bool on = false;
  std::size_t pair = 0;
  std::int64_t start = 0;
  std::int64_t end = 0;  // HK quotes of `pair` resume here
};

struct Plan {
  std::vector<Dislocation> dislocations;
  QuietWindow quiet;
  std::vector<std::string> notes;
};

// The smallest dislocation that should open a breach on this pair with room
// to spare: entry threshold + costs + depositary fee + crossing half of a
// typical spread on each leg + margin for noise.
double breach_floor_bps(const PairConfig& pair, const Profile& profile, double fx_mid) {
  const double adr_usd = profile.hk_price * pair.ratio / fx_mid;
  const Grid hk = hk_grid();
  const auto hk_units = static_cast<std::int64_t>(profile.hk_price * 1000);
  const double hk_tick_bps =
      static_cast<double>(hk.tick_at(hk_units)) / 1000 / profile.hk_price * 1e4;
  const double cent_bps = 0.01 / adr_usd * 1e4;
  const Thresholds& t = pair.thresholds;
  return t.enter_bps + t.cost_bps + t.conversion_fee_usd / adr_usd * 1e4 + cent_bps + hk_tick_bps +
         kBreachMarginBps;
}

Plan make_plan(const Options& opt, const std::vector<PairConfig>& pairs, std::int64_t end_ns) {
  Plan plan;
  Rng rng(opt.seed, 0);
  const std::int64_t duration = end_ns - opt.start_ns;

  // Pairs where a 70-200 bp push reliably crosses enter_bps net of costs;
  // cheap ADRs (NIO ~US$6: the 5-cent fee alone is ~85 bp) cannot.
  std::vector<std::size_t> eligible;
  std::vector<double> floor_bps(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    floor_bps[i] =
        std::max(kMinDislocationBps, breach_floor_bps(pairs[i], profile_for(pairs[i]), 7.82));
    if (pairs[i].fungible && floor_bps[i] <= kMaxDislocationBps - 30) eligible.push_back(i);
  }
  if (eligible.empty()) {
    for (std::size_t i = 0; i < pairs.size(); ++i) eligible.push_back(i);
    plan.notes.push_back(
        "no pair can show a 70-200 bp dislocation net of its costs; injected anyway");
  }

  const int n = opt.dislocations;
  const std::int64_t quiet_ns = static_cast<std::int64_t>(opt.quiet_s * 1e9);
  const int quiet_index = (opt.quiet_feed != 0 && n > 0) ? n / 2 : -1;
  for (int i = 0; i < n; ++i) {
    const std::int64_t slot_start = opt.start_ns + duration * i / n;
    const std::int64_t slot_len = duration / n;
    const std::int64_t margin = std::min<std::int64_t>(5 * kNsPerSecond, slot_len / 10);
    Dislocation d;
    d.pair = eligible[static_cast<std::size_t>(
        rng.integer(0, static_cast<std::int64_t>(eligible.size()) - 1))];
    d.sell_adr = rng.integer(0, 1) == 0;
    // The quiet-feed window sits inside the longest allowed dislocation with
    // 5 s to spare on each side, so the breach opens, goes stale, reopens.
    double dur_s = i == quiet_index ? opt.quiet_s + 10 : rng.uniform(2, 20);
    std::int64_t dur = static_cast<std::int64_t>(dur_s * 1e9);
    dur = std::max<std::int64_t>(1, std::min(dur, slot_len - 2 * margin));
    const std::int64_t room = std::max<std::int64_t>(0, slot_len - 2 * margin - dur);
    d.start =
        slot_start + margin + static_cast<std::int64_t>(rng.uniform() * static_cast<double>(room));
    d.end = d.start + dur;
    const double lo = std::min(floor_bps[d.pair], kMaxDislocationBps);
    d.size_bps = static_cast<double>(rng.integer(static_cast<std::int64_t>(std::ceil(lo)),
                                                 static_cast<std::int64_t>(kMaxDislocationBps)));
    plan.dislocations.push_back(d);
  }
  if (opt.quiet_feed != 0) {
    plan.quiet.on = true;
    std::int64_t mid = opt.start_ns + duration / 2;
    if (quiet_index >= 0) {
      const Dislocation& d = plan.dislocations[static_cast<std::size_t>(quiet_index)];
      plan.quiet.pair = d.pair;
      mid = d.start + (d.end - d.start) / 2;
    } else {
      plan.quiet.pair = 0;
      plan.notes.push_back("no dislocations: the quiet window is on pair 1 mid-run");
    }
    plan.quiet.start = mid - quiet_ns / 2;
    plan.quiet.end = plan.quiet.start + quiet_ns;
  }
  return plan;
}

// ---------------------------------------------------------------- ticks

struct QuoteRec {
  std::int64_t ts;
  std::uint32_t pair;
  std::int64_t bid;  // grid units (cents or thousandths of HKD)
  std::int64_t ask;
  std::int64_t bid_size;
  std::int64_t ask_size;
};

// Poisson arrivals in [start, end): exponential gaps, each capped at max_gap
// (a real feed re-sends a quiet book as a refresh, and without the cap about
// one gap in 400 would exceed a 3 s max_age and gate pairs off at random).
std::vector<std::int64_t> arrivals(Rng& rng, double rate, std::int64_t start, std::int64_t end,
                                   std::int64_t max_gap) {
  std::vector<std::int64_t> out;
  std::int64_t t = start;
  for (;;) {
    auto gap = static_cast<std::int64_t>(rng.exponential(rate) * 1e9);
    gap = std::clamp<std::int64_t>(gap, 1, max_gap);
    t += gap;
    if (t >= end) break;
    out.push_back(t);
  }
  return out;
}

std::vector<FxRec> make_fx(const Options& opt, std::int64_t end_ns, std::int64_t max_gap) {
  Rng rng(opt.seed, 1);
  std::vector<FxRec> out;
  std::int64_t mid = rng.integer(78100, 78400);
  for (std::int64_t ts : arrivals(rng, opt.fx_rate, opt.start_ns, end_ns, max_gap)) {
    out.push_back(fx_step(rng, mid, ts, kFxLowPips, kFxHighPips));
  }
  return out;
}

double leg_noise(Rng& rng) {
  return std::clamp(rng.normal() * kLegNoise, -kLegNoiseCap, kLegNoiseCap);
}

// One pair's quotes on both venues, appended to us / hk.
void make_pair(const Options& opt, const PairConfig& pair, std::uint32_t index, const Plan& plan,
               const std::vector<FxRec>& fx, std::int64_t end_ns, std::int64_t max_gap,
               std::vector<QuoteRec>& us, std::vector<QuoteRec>& hk) {
  Rng us_clock(opt.seed, 16 + 4ULL * index);
  Rng hk_clock(opt.seed, 17 + 4ULL * index);
  Rng rng(opt.seed, 18 + 4ULL * index);
  const Profile profile = profile_for(pair);
  const Grid hk_g = hk_grid();
  const Grid us_g = us_grid();

  std::vector<std::int64_t> us_t =
      arrivals(us_clock, opt.quote_rate, opt.start_ns, end_ns, max_gap);
  std::vector<std::int64_t> hk_t =
      arrivals(hk_clock, opt.quote_rate, opt.start_ns, end_ns, max_gap);
  std::vector<const Dislocation*> mine;
  for (const Dislocation& d : plan.dislocations) {
    if (d.pair != index) continue;
    mine.push_back(&d);
    // The ADR re-quotes exactly when a window starts and ends.
    for (std::int64_t t : {d.start, d.end})
      if (t >= opt.start_ns && t < end_ns) us_t.push_back(t);
  }
  if (plan.quiet.on && plan.quiet.pair == index) {
    std::erase_if(hk_t,
                  [&](std::int64_t t) { return t >= plan.quiet.start && t < plan.quiet.end; });
    if (plan.quiet.end < end_ns) hk_t.push_back(plan.quiet.end);  // resumes on time
  }
  std::sort(us_t.begin(), us_t.end());
  std::sort(hk_t.begin(), hk_t.end());

  // Walk the latent fair value through this pair's events in time order.
  double fair = profile.hk_price * rng.uniform(0.97, 1.03);
  std::int64_t last = opt.start_ns;
  std::size_t iu = 0, ih = 0;
  while (iu < us_t.size() || ih < hk_t.size()) {
    const bool is_us = ih == hk_t.size() || (iu < us_t.size() && us_t[iu] <= hk_t[ih]);
    const std::int64_t ts = is_us ? us_t[iu++] : hk_t[ih++];
    const double dt_s = static_cast<double>(ts - last) / 1e9;
    fair *= 1 + kFairVolPerSqrtS * std::sqrt(dt_s) * rng.normal();
    last = ts;
    const int ticks = static_cast<int>(rng.integer(1, 3));
    const double noise = leg_noise(rng);
    if (is_us) {
      double push = 1;
      for (const Dislocation* d : mine) {
        if (ts >= d->start && ts < d->end)
          push = d->sell_adr ? 1 + d->size_bps / 1e4 : 1 - d->size_bps / 1e4;
      }
      const double adr_usd = fair * pair.ratio / fx_mid_at(fx, ts) * (1 + noise) * push;
      const auto [bid, ask] = us_g.quote(adr_usd * 100, ticks);
      us.push_back({ts, index, bid, ask, 100 * rng.integer(1, 20), 100 * rng.integer(1, 20)});
    } else {
      const auto [bid, ask] = hk_g.quote(fair * (1 + noise) * 1000, ticks);
      hk.push_back({ts, index, bid, ask, profile.lot * rng.integer(1, 50),
                    profile.lot * rng.integer(1, 50)});
    }
  }
}

// ---------------------------------------------------------------- output

std::vector<VenueQuote> venue_quotes(const std::vector<QuoteRec>& quotes) {
  std::vector<VenueQuote> out;
  out.reserve(quotes.size());
  for (const QuoteRec& q : quotes)
    out.push_back({q.ts, q.pair, q.bid, q.ask, q.bid_size, q.ask_size});
  return out;
}

// The records a decoder emits from a venue file, in the tick format: quotes
// as venue_text writes them (seq: the venue's), status records as
// {"type":"status","ts":T,"venue":V,"sym":S,"trading":B}.
std::string derived_text(const std::vector<DerivedRecord>& records, std::string_view venue,
                         const std::vector<std::string>& names, const Grid& grid) {
  std::string out;
  out.reserve(records.size() * 128);
  for (const DerivedRecord& r : records) {
    if (r.is_status) {
      append_record_head(out, "status", r.ts, venue, names[r.inst]);
      out += r.trading ? R"(,"trading":true})" : R"(,"trading":false})";
      out += '\n';
      continue;
    }
    append_record_head(out, "quote", r.ts, venue, names[r.inst]);
    append_quote_fields(out, r.bid, r.ask, r.bid_size, r.ask_size, grid.scale());
    append_seq_end(out, static_cast<std::int64_t>(r.seq));
  }
  return out;
}

// The fields an ItchDayInput and an OmdcDayInput both take from the run:
// the venue's quotes, the window, the seed and the untracked instruments.
template <class In>
void fill_venue_input(In& in, const std::vector<QuoteRec>& quotes, const Options& opt,
                      std::int64_t end_ns, int untracked) {
  in.quotes = venue_quotes(quotes);
  in.start_ns = opt.start_ns;
  in.end_ns = end_ns;
  in.seed = opt.seed;
  in.untracked = untracked;
  in.untracked_rate = opt.untracked_rate;
}

struct VenueEvents {
  HaltWindow us_halt;        // ITCH: H 'H', then 'Q' at 3/4, then 'T' at the end
  HaltWindow hk_suspension;  // OMD-C: Security Status 2 + book clear, then 3
};

// A halt window on a pair with no dislocation or quiet window near it (5 s
// of margin), somewhere in the middle 60% of the run; off if none is found.
HaltWindow pick_window(Rng& rng, const Plan& plan, std::size_t n_pairs, std::int64_t start,
                       std::int64_t end, std::int64_t len, std::int64_t avoid_pair) {
  HaltWindow h;
  const std::int64_t margin = 5 * kNsPerSecond;
  for (int attempt = 0; attempt < 200 && n_pairs > 0; ++attempt) {
    const auto pair =
        static_cast<std::size_t>(rng.integer(0, static_cast<std::int64_t>(n_pairs) - 1));
    const std::int64_t t0 =
        start +
        static_cast<std::int64_t>(static_cast<double>(end - start - len) * rng.uniform(0.2, 0.8));
    bool clash = static_cast<std::int64_t>(pair) == avoid_pair;
    auto overlaps = [&](std::int64_t a, std::int64_t b) {
      return t0 - margin < b && a < t0 + len + margin;
    };
    for (const Dislocation& d : plan.dislocations)
      if (d.pair == pair && overlaps(d.start, d.end)) clash = true;
    if (plan.quiet.on && plan.quiet.pair == pair && overlaps(plan.quiet.start, plan.quiet.end))
      clash = true;
    if (clash) continue;
    h.on = true;
    h.inst = static_cast<std::uint32_t>(pair);
    h.start = t0;
    h.end = t0 + len;
    return h;
  }
  return h;
}

VenueEvents plan_venue_events(const Options& opt, const Plan& plan, std::size_t n_pairs,
                              std::int64_t end_ns) {
  VenueEvents ev;
  if (opt.halt == 0) return ev;
  Rng rng(opt.seed, 3);
  const std::int64_t duration = end_ns - opt.start_ns;
  const std::int64_t us_len = std::min<std::int64_t>(20 * kNsPerSecond, duration / 8);
  const std::int64_t hk_len = std::min<std::int64_t>(15 * kNsPerSecond, duration / 8);
  if (us_len > 0) ev.us_halt = pick_window(rng, plan, n_pairs, opt.start_ns, end_ns, us_len, -1);
  if (hk_len > 0)
    ev.hk_suspension = pick_window(rng, plan, n_pairs, opt.start_ns, end_ns, hk_len,
                                   ev.us_halt.on ? ev.us_halt.inst : -1);
  return ev;
}

std::string counts_line(const VenueDay& day) {
  std::string out;
  for (const auto& [type, n] : day.counts) {
    if (!out.empty()) out += ' ';
    out += type + "=" + std::to_string(n);
  }
  return out;
}

std::string venue_readme(const std::string& itch_path, const VenueDay* itch, LocalDate itch_date,
                         std::int64_t midnight, const std::string& omdc_path, const VenueDay* omdc,
                         const VenueEvents& ev, const std::vector<PairConfig>& pairs) {
  std::ostringstream o;
  // "    NAME counts: ...", then "    FILE: Q quotes, S status records; of D
  // drawn quotes F equal their predecessor" (the caller ends the line).
  auto counts_and_records = [&o](const char* name, const char* file, const VenueDay& d) {
    std::uint64_t q = 0, st = 0;
    for (const DerivedRecord& r : d.records) (r.is_status ? st : q) += 1;
    o << "    " << name << " counts: " << counts_line(d) << "\n"
      << "    " << file << ": " << q << " quotes, " << st << " status records; of "
      << d.drawn_quotes << " drawn quotes " << d.folded_quotes << " equal their predecessor";
  };
  o << "\nvenue files (the JSON of that venue is derived from its file: exactly the\n"
    << "records a decoder following issue 11's contract emits, seq included):\n";
  if (itch != nullptr) {
    o << "  " << itch_path << "  Nasdaq TotalView-ITCH 5.0, [uint16 BE length][message]\n"
      << "    date " << to_string(itch_date)
      << " (timestamps: ns since midnight America/New_York = " << midnight << ")\n"
      << "    " << pairs.size() << " tracked symbols, " << itch->untracked_instruments
      << " untracked (locates 1.. in alphabetical order)\n";
    counts_and_records("itch", "us.jsonl", *itch);
    o << " (no message), " << itch->intermediate_quotes
      << " extra same-ts quotes where both sides moved\n";
    if (ev.us_halt.on) {
      const HaltWindow& h = ev.us_halt;
      o << "    halt: " << pairs[h.inst].adr << " H at " << h.start << ", Q at "
        << h.start + (h.end - h.start) * 3 / 4 << ", T at " << h.end
        << " (no executions meanwhile; quotes go on)\n";
    }
  }
  if (omdc != nullptr) {
    o << "  " << omdc_path << "  HKEX OMD-C packets (16-byte header, little-endian)\n"
      << "    " << pairs.size() << " tracked codes, " << omdc->untracked_instruments
      << " untracked\n";
    counts_and_records("omdc", "hk.jsonl", *omdc);
    o << ", " << omdc->suspended_quotes << " fall in the suspension (not sent)\n";
    if (ev.hk_suspension.on) {
      const HaltWindow& h = ev.hk_suspension;
      o << "    suspension: " << pairs[h.inst].hk << " from " << h.start << " to " << h.end
        << " (Security Status 2 and a 74 clear, then 3; the book is rebuilt at the next quote)\n";
    }
  }
  return o.str();
}

std::uint32_t hk_code(const std::string& hk) {
  std::uint64_t v = 0;
  for (char c : hk) {
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > 0xffffffffULL) throw std::runtime_error("HK code " + hk + " does not fit OMD-C's u32");
  }
  return static_cast<std::uint32_t>(v);
}

// "+123.456 s" from start, from integers.
std::string offset(std::int64_t ts, std::int64_t start) {
  const std::int64_t ms = (ts - start) / 1'000'000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "+%lld.%03lld s", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string readme_text(const Options& opt, const std::string& command, const Plan& plan,
                        const std::vector<PairConfig>& pairs, std::size_t n_us, std::size_t n_hk,
                        std::size_t n_fx, std::int64_t end_ns) {
  std::ostringstream o;
  o << "Generated by adrmon-gen (tools/adrmon_gen). Synthetic data, not market data.\n\n"
    << "command: " << command << "\n"
    << "config: " << opt.config << " (" << pairs.size() << " pairs used)\n"
    << "seed " << opt.seed << ", start_ns " << opt.start_ns << ", end_ns " << end_ns
    << ", duration " << opt.duration_s << " s\n"
    << "(the default start, Mon 24 Nov 2025 10:30 HKT, is Sun 21:30 ET: HK continuous\n"
    << "trading against an overnight US venue, the only live-vs-live case)\n"
    << "quote rate " << opt.quote_rate << "/s per instrument, fx rate " << opt.fx_rate
    << "/s, quote gaps capped at " << opt.max_gap_ms << " ms\n\n"
    << "files (each sorted by ts; every line carries seq 1, 2, ... per file):\n"
    << "  us.jsonl  " << n_us << " US ADR quotes\n"
    << "  hk.jsonl  " << n_hk << " HK quotes\n"
    << "  fx.jsonl  " << n_fx << " USDHKD ticks (random walk in 7.8000-7.8500)\n\n"
    << "Normal state: each leg within +-7 bp of a shared fair value, so the mid\n"
    << "premium stays within about +-20 bp and no breach opens at enter_bps 50.\n\n"
    << "dislocations (ADR pushed rich = sell_adr, cheap = buy_adr, from start\n"
    << "included to end excluded; the ADR re-quotes at both instants). size = push\n"
    << "of the ADR mid, drawn from [max(70, floor), 200] bp where floor = enter_bps +\n"
    << "cost_bps + depositary fee in bp + a cent and an HK tick in bp + 30 bp of\n"
    << "margin, so each window opens a breach; pairs whose floor exceeds 170 bp\n"
    << "(cheap ADRs, where the US$0.05 fee alone is 50-90 bp) are not chosen:\n";
  if (plan.dislocations.empty()) o << "  none\n";
  int i = 0;
  for (const Dislocation& d : plan.dislocations) {
    o << "  " << ++i << ". " << pairs[d.pair].name << " " << (d.sell_adr ? "sell_adr" : "buy_adr")
      << " start " << d.start << " end " << d.end << " (" << offset(d.start, opt.start_ns) << " to "
      << offset(d.end, opt.start_ns) << ") size " << d.size_bps << " bp\n";
  }
  o << "\nquiet feed: ";
  if (!plan.quiet.on) {
    o << "off\n";
  } else {
    o << "HK quotes of " << pairs[plan.quiet.pair].name << " absent from " << plan.quiet.start
      << " to " << plan.quiet.end << " (" << offset(plan.quiet.start, opt.start_ns) << " to "
      << offset(plan.quiet.end, opt.start_ns) << "), resuming at the end instant.\n"
      << "  Inside a dislocation an open breach closes \"stale\" about max_age_ms after\n"
      << "  the last HK quote and reopens once quotes resume.\n";
  }
  for (const std::string& note : plan.notes) o << "note: " << note << "\n";
  o << "\nExpected with config/demo.toml: one open per dislocation, closed \"reverted\"\n"
    << "at its end, plus a stale close and a reopen for the quiet-feed one.\n";
  return o.str();
}

// The venue formats: the ITCH file and/or the OMD-C capture, with us.jsonl /
// hk.jsonl derived from them (the other venue's JSON and fx.jsonl as usual).
void write_venues(const Options& opt, const std::string& command, const Config& config,
                  const std::vector<PairConfig>& pairs, const Plan& plan,
                  const std::vector<FxRec>& fx, std::int64_t end_ns, bool want_itch, bool want_omdc,
                  std::vector<QuoteRec>& us, std::vector<QuoteRec>& hk) {
  const std::filesystem::path dir(opt.out);
  sort_by_ts_then_pair(us);
  sort_by_ts_then_pair(hk);
  const VenueEvents ev = plan_venue_events(opt, plan, pairs.size(), end_ns);
  std::string us_text, hk_text, itch_path, omdc_path;
  VenueDay itch, omdc;
  LocalDate date;
  std::int64_t midnight = 0;
  std::size_t n_us = us.size(), n_hk = hk.size();
  if (want_itch) {
    constexpr std::string_view kNewYork = "America/New_York";
    date = local_date_at(kNewYork, opt.start_ns);
    midnight = local_midnight_ns(kNewYork, date);
    char name[32];
    std::snprintf(name, sizeof name, "%02u%02u%04d.NASDAQ_ITCH50", date.month, date.day, date.year);
    itch_path = opt.itch.empty() ? (dir / name).string() : opt.itch;
    ItchDayInput in;
    for (const PairConfig& p : pairs) in.symbols.push_back(p.adr);
    fill_venue_input(in, us, opt, end_ns, opt.itch_untracked);
    in.midnight_ns = midnight;
    in.halt = ev.us_halt;
    itch = make_itch_day(in);
    write_file(itch_path, itch.bytes);
    us_text = derived_text(itch.records, "US", in.symbols, us_grid());
    n_us = itch.records.size();
  } else {
    us_text = venue_text(us, "US", pairs, us_grid().scale());
  }
  if (want_omdc) {
    omdc_path = opt.omdc.empty() ? (dir / "hk.omdc").string() : opt.omdc;
    OmdcDayInput in;
    std::vector<std::string> names;
    for (const PairConfig& p : pairs) {
      in.codes.push_back(hk_code(p.hk));
      in.lots.push_back(profile_for(p).lot);
      names.push_back(std::to_string(in.codes.back()));
    }
    fill_venue_input(in, hk, opt, end_ns, opt.omdc_untracked);
    in.suspension = ev.hk_suspension;
    omdc = make_omdc_day(in);
    write_file(omdc_path, omdc.bytes);
    hk_text = derived_text(omdc.records, "HK", names, hk_grid());
    n_hk = omdc.records.size();
  } else {
    hk_text = venue_text(hk, "HK", pairs, hk_grid().scale());
  }
  write_file(dir / "us.jsonl", us_text);
  write_file(dir / "hk.jsonl", hk_text);
  write_file(dir / "fx.jsonl", fx_text(fx, config.fx.pair));
  write_file(dir / "README.txt",
             readme_text(opt, command, plan, pairs, n_us, n_hk, fx.size(), end_ns) +
                 venue_readme(itch_path, want_itch ? &itch : nullptr, date, midnight, omdc_path,
                              want_omdc ? &omdc : nullptr, ev, pairs));
  if (want_itch)
    std::fprintf(stderr, "adrmon-gen: %s: %zu bytes (%s)\n", itch_path.c_str(), itch.bytes.size(),
                 counts_line(itch).c_str());
  if (want_omdc)
    std::fprintf(stderr, "adrmon-gen: %s: %zu bytes (%s)\n", omdc_path.c_str(), omdc.bytes.size(),
                 counts_line(omdc).c_str());
}

int run(const Options& opt, const std::string& command) {
  if (opt.format != "jsonl" && opt.format != "itch" && opt.format != "omdc" &&
      opt.format != "venues")
    throw std::runtime_error("unsupported --format " + opt.format);
  Config config = load_config(opt.config);
  std::vector<PairConfig> pairs = config.pairs;
  if (opt.pairs > 0) {
    if (static_cast<std::size_t>(opt.pairs) > pairs.size())
      throw std::runtime_error("--pairs " + std::to_string(opt.pairs) + " but the config has " +
                               std::to_string(pairs.size()));
    pairs.resize(static_cast<std::size_t>(opt.pairs));
  }
  if (opt.profile == "sessions") {
    if (opt.format != "jsonl" || !opt.itch.empty() || !opt.omdc.empty())
      throw std::runtime_error(
          "--profile sessions writes tick files only (no --format/--itch/--omdc)");
    SessionsOptions so;
    so.out = opt.out;
    so.config = opt.config;
    so.command = command;
    so.seed = opt.seed;
    if (!parse_local_date(opt.start, so.start))
      throw std::runtime_error("--profile sessions needs --start YYYY-MM-DD (got \"" + opt.start +
                               "\")");
    so.days = opt.days;
    so.dense = opt.dense;
    std::vector<PairLevel> levels;
    for (const PairConfig& p : pairs) {
      const Profile prof = profile_for(p);
      levels.push_back({prof.hk_price, prof.lot});
    }
    std::fprintf(stderr, "%s\n", write_sessions(so, config, pairs, levels).c_str());
    return 0;
  }
  const auto duration = static_cast<std::int64_t>(std::llround(opt.duration_s * 1e9));
  const std::int64_t end_ns = opt.start_ns + duration;
  const auto max_gap = std::max<std::int64_t>(1, std::llround(opt.max_gap_ms * 1e6));

  const Plan plan = make_plan(opt, pairs, end_ns);
  const std::vector<FxRec> fx = make_fx(opt, end_ns, max_gap);
  std::vector<QuoteRec> us, hk;
  for (std::uint32_t i = 0; i < pairs.size(); ++i)
    make_pair(opt, pairs[i], i, plan, fx, end_ns, max_gap, us, hk);

  const std::filesystem::path dir(opt.out);
  std::filesystem::create_directories(dir);
  const bool want_itch = !opt.itch.empty() || opt.format == "itch" || opt.format == "venues";
  const bool want_omdc = !opt.omdc.empty() || opt.format == "omdc" || opt.format == "venues";
  if (!want_itch && !want_omdc) {
    write_file(dir / "us.jsonl", venue_text(us, "US", pairs, us_grid().scale()));
    write_file(dir / "hk.jsonl", venue_text(hk, "HK", pairs, hk_grid().scale()));
    write_file(dir / "fx.jsonl", fx_text(fx, config.fx.pair));
    write_file(dir / "README.txt",
               readme_text(opt, command, plan, pairs, us.size(), hk.size(), fx.size(), end_ns));
  } else {
    write_venues(opt, command, config, pairs, plan, fx, end_ns, want_itch, want_omdc, us, hk);
  }
  std::fprintf(stderr, "adrmon-gen: wrote %zu US, %zu HK, %zu FX ticks, %zu dislocations to %s\n",
               us.size(), hk.size(), fx.size(), plan.dislocations.size(), opt.out.c_str());
  return 0;
}

}  // namespace
}  // namespace adrmon::gen

int main(int argc, char** argv) {
  using adrmon::gen::Options;
  Options opt;
  CLI::App app{"adrmon-gen: write reproducible synthetic ADR/HK/FX tick files for a config"};
  app.add_option("--config", opt.config, "TOML config whose pairs to generate")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--out", opt.out, "output directory (created if missing)")->required();
  app.add_option("--seed", opt.seed, "random seed")->capture_default_str();
  app.add_option("--start-ns", opt.start_ns, "first instant, ns since the Unix epoch")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  // An option whose default --help shows and whose value must lie in [lo, hi].
  const auto ranged = [&app](const char* name, auto& value, const char* help, auto lo, auto hi) {
    app.add_option(name, value, help)->capture_default_str()->check(CLI::Range(lo, hi));
  };
  ranged("--duration-s", opt.duration_s, "length of the run in seconds", 0.001, 1e6);
  ranged("--quote-rate", opt.quote_rate, "mean quotes per second per instrument", 0.001, 1e5);
  ranged("--fx-rate", opt.fx_rate, "FX ticks per second", 0.001, 1e5);
  ranged("--dislocations", opt.dislocations, "number of injected dislocation windows", 0, 10000);
  ranged("--quiet-feed", opt.quiet_feed, "1: silence one pair's HK quotes mid-dislocation", 0, 1);
  app.add_option("--pairs", opt.pairs, "use only the first N pairs of the config (default all)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--format", opt.format, "output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"jsonl", "itch", "omdc", "venues"}));
  app.add_option("--itch", opt.itch,
                 "also write the US side as a Nasdaq TotalView-ITCH 5.0 file (us.jsonl is then "
                 "derived from it); --format itch writes DIR/MMDDYYYY.NASDAQ_ITCH50");
  app.add_option("--omdc", opt.omdc,
                 "also write the HK side as an HKEX OMD-C capture (hk.jsonl is then derived "
                 "from it); --format omdc writes DIR/hk.omdc");
  ranged("--itch-untracked", opt.itch_untracked,
         "venue files: untracked symbols in the ITCH directory, with order flow", 0, 60000);
  ranged("--omdc-untracked", opt.omdc_untracked,
         "venue files: untracked HK codes in the OMD-C capture, with book updates", 0, 5000);
  ranged("--untracked-rate", opt.untracked_rate,
         "venue files: quote changes per second of each untracked instrument", 0.001, 1e4);
  ranged("--halt", opt.halt,
         "venue files: 1: a US halt (ITCH H) and an HK suspension (OMD-C 21) on pairs "
         "with no injected window nearby",
         0, 1);
  ranged("--max-gap-ms", opt.max_gap_ms, "cap on the gap between an instrument's ticks", 0.001,
         1e9);
  ranged("--quiet-s", opt.quiet_s, "length of the quiet-feed window in seconds", 0.0, 1e6);
  app.add_option("--profile", opt.profile,
                 "default: one window at --start-ns; sessions: whole calendar days of the "
                 "config's [calendar.US]/[calendar.HK] (overnight, pre, regular, post; pre-open, "
                 "continuous, lunch, closing auction), with a halt and dislocations inside and "
                 "outside live windows")
      ->capture_default_str()
      ->check(CLI::IsMember({"default", "sessions"}));
  app.add_option("--start", opt.start,
                 "sessions: first US trade date = HK date, YYYY-MM-DD (its window opens at "
                 "20:00 ET the evening before)");
  ranged("--days", opt.days, "sessions: number of days", 1, 366);
  ranged("--dense", opt.dense,
         "sessions: pairs quoting fresher than max_age while both venues are live "
         "(the first eligible in config order)",
         1, 1000);
  CLI11_PARSE(app, argc, argv);

  std::string command = "adrmon-gen";
  for (int i = 1; i < argc; ++i) {
    command += ' ';
    command += argv[i];
  }
  try {
    return adrmon::gen::run(opt, command);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "adrmon-gen: %s\n", e.what());
    return 2;
  }
}
