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

namespace adrmon::gen {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// ---------------------------------------------------------------- randomness

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Natural log with + - * / only, so it gives the same bits on every libm.
// x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m-1)/(m+1).
double det_log(double x) {
  constexpr double kLn2 = 0.6931471805599453;
  constexpr double kSqrtHalf = 0.7071067811865476;
  int e = 0;
  double m = std::frexp(x, &e);  // exact: m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2;
    e -= 1;
  }
  const double s = (m - 1) / (m + 1);  // |s| < 0.172, s^2 < 0.0295
  const double s2 = s * s;
  double term = s;
  double sum = 0;
  for (int k = 0; k < 14; ++k) {  // 0.0295^14 < 1e-21: below double precision
    sum += term / static_cast<double>(2 * k + 1);
    term *= s2;
  }
  return 2 * sum + static_cast<double>(e) * kLn2;
}

// One independent stream of random numbers. Streams are seeded from the user's
// seed and a stream id, so adding a pair does not change the others' numbers.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream)
      : engine_(splitmix64(seed ^ splitmix64(stream + 0x5851f42d4c957f2dULL))) {}

  // [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // An integer in [lo, hi], both included.
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    const auto n = static_cast<double>(hi - lo + 1);
    return std::min(hi, lo + static_cast<std::int64_t>(uniform() * n));
  }
  // Exponential with the given rate (mean 1 / rate).
  double exponential(double rate) { return -det_log(1.0 - uniform()) / rate; }
  // Standard normal, Marsaglia's polar method (log and sqrt only).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0, v = 0, s = 0;
    do {
      u = uniform(-1, 1);
      v = uniform(-1, 1);
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    const double f = std::sqrt(-2 * det_log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

 private:
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// ---------------------------------------------------------------- price grids

// A price grid in integer units (cents, thousandths of HKD). Bands are
// (upper bound, tick): a price p uses the tick of the first band with
// p <= upper; every band boundary is a multiple of both neighbouring ticks.
class Grid {
 public:
  struct Band {
    std::int64_t upper;
    std::int64_t tick;
  };
  Grid(std::vector<Band> bands, std::int64_t scale) : bands_(std::move(bands)), scale_(scale) {}

  std::int64_t scale() const { return scale_; }
  // Tick of the band holding p (p <= upper).
  std::int64_t tick_at(std::int64_t p) const {
    for (const Band& b : bands_)
      if (p <= b.upper) return b.tick;
    return bands_.back().tick;
  }
  // Tick for moving up from p (the band of prices just above p).
  std::int64_t tick_above(std::int64_t p) const {
    for (const Band& b : bands_)
      if (p < b.upper) return b.tick;
    return bands_.back().tick;
  }
  std::int64_t up(std::int64_t p) const { return p + tick_above(p); }
  std::int64_t down(std::int64_t p) const {
    const std::int64_t q = p - tick_at(p);
    return q >= min_price() ? q : p;
  }
  std::int64_t min_price() const { return bands_.front().tick; }
  // Largest grid price <= x (x in units, positive).
  std::int64_t floor(double x) const {
    if (x < static_cast<double>(min_price())) return min_price();
    for (const Band& b : bands_) {
      if (x <= static_cast<double>(b.upper)) {
        const auto n = static_cast<std::int64_t>(x / static_cast<double>(b.tick));
        return n * b.tick;
      }
    }
    const std::int64_t t = bands_.back().tick;
    return static_cast<std::int64_t>(x / static_cast<double>(t)) * t;
  }
  std::int64_t nearest(double x) const {
    const std::int64_t f = floor(x);
    const std::int64_t u = up(f);
    return (x - static_cast<double>(f) <= static_cast<double>(u) - x) ? f : u;
  }
  // A quote `ticks` wide centred on x (within half a tick).
  std::pair<std::int64_t, std::int64_t> quote(double x, int ticks) const {
    std::int64_t bid = 0;
    if (ticks % 2 == 1) {
      bid = floor(x);
      for (int i = 0; i < ticks / 2; ++i) bid = down(bid);
    } else {
      bid = nearest(x);
      for (int i = 0; i < ticks / 2; ++i) bid = down(bid);
    }
    std::int64_t ask = bid;
    for (int i = 0; i < ticks; ++i) ask = up(ask);
    return {bid, ask};
  }

 private:
  std::vector<Band> bands_;
  std::int64_t scale_;
};

// HKEX spread table (DOMAIN.md section 6, with the 2025 reductions: 10-20 now
// 0.01, 20-50 now 0.02), in thousandths of HKD. Above 1,000 the long-standing
// bands 1.00 / 2.00 / 5.00.
Grid hk_grid() {
  return Grid({{250, 1},
               {500, 5},
               {20'000, 10},
               {50'000, 20},
               {100'000, 50},
               {200'000, 100},
               {500'000, 200},
               {1'000'000, 500},
               {2'000'000, 1'000},
               {5'000'000, 2'000},
               {std::numeric_limits<std::int64_t>::max(), 5'000}},
              1000);
}
// US: one cent everywhere (the half-cent tick of some names is not modelled).
Grid us_grid() {
  return Grid({{std::numeric_limits<std::int64_t>::max(), 1}}, 100);
}

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
  int pairs = 0;  // 0: all
  std::string format = "jsonl";
  double max_gap_ms = 1500;
  double quiet_s = 10;
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

struct FxRec {
  std::int64_t ts;
  std::int64_t bid;  // pips (1e-4 HKD)
  std::int64_t ask;
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
    mid += static_cast<std::int64_t>(std::llround(rng.normal() * 0.8));
    if (mid < kFxLowPips) mid = 2 * kFxLowPips - mid;
    if (mid > kFxHighPips) mid = 2 * kFxHighPips - mid;
    const std::int64_t spread = rng.integer(1, 5);
    const std::int64_t bid = mid - spread / 2;
    out.push_back({ts, bid, bid + spread});
  }
  return out;
}

// FX mid last published at or before ts (the first tick's before any).
double fx_mid_at(const std::vector<FxRec>& fx, std::int64_t ts) {
  if (fx.empty()) return 7.82;
  auto it = std::upper_bound(fx.begin(), fx.end(), ts,
                             [](std::int64_t t, const FxRec& r) { return t < r.ts; });
  const FxRec& r = it == fx.begin() ? fx.front() : *(it - 1);
  return (static_cast<double>(r.bid) / 1e4 + static_cast<double>(r.ask) / 1e4) / 2;
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

// Shortest text that reads back as the same double; units / scale is the
// double nearest the decimal, so 8512 cents prints "85.12".
void append_price(std::string& out, std::int64_t units, std::int64_t scale) {
  char buf[32];
  const double value = static_cast<double>(units) / static_cast<double>(scale);
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}
void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error("cannot open " + path.string() + " for writing");
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!f.flush()) throw std::runtime_error("cannot write " + path.string());
}

std::string quotes_text(std::vector<QuoteRec>& quotes, std::string_view venue,
                        const std::vector<PairConfig>& pairs, const Grid& grid) {
  std::stable_sort(quotes.begin(), quotes.end(), [](const QuoteRec& a, const QuoteRec& b) {
    return a.ts != b.ts ? a.ts < b.ts : a.pair < b.pair;
  });
  std::string out;
  out.reserve(quotes.size() * 128);
  std::int64_t seq = 0;
  for (const QuoteRec& q : quotes) {
    const PairConfig& p = pairs[q.pair];
    out += R"({"type":"quote","ts":)";
    append_int(out, q.ts);
    out += R"(,"venue":")";
    out += venue;
    out += R"(","sym":")";
    out += venue == "US" ? p.adr : p.hk;
    out += R"(","bid":)";
    append_price(out, q.bid, grid.scale());
    out += R"(,"ask":)";
    append_price(out, q.ask, grid.scale());
    out += R"(,"bid_size":)";
    append_int(out, q.bid_size);
    out += R"(,"ask_size":)";
    append_int(out, q.ask_size);
    out += R"(,"seq":)";
    append_int(out, ++seq);
    out += "}\n";
  }
  return out;
}

std::string fx_text(const std::vector<FxRec>& fx, const std::string& symbol) {
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
    out += R"(,"seq":)";
    append_int(out, ++seq);
    out += "}\n";
  }
  return out;
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

int run(const Options& opt, const std::string& command) {
  if (opt.format != "jsonl") throw std::runtime_error("unsupported --format " + opt.format);
  Config config = load_config(opt.config);
  std::vector<PairConfig> pairs = config.pairs;
  if (opt.pairs > 0) {
    if (static_cast<std::size_t>(opt.pairs) > pairs.size())
      throw std::runtime_error("--pairs " + std::to_string(opt.pairs) + " but the config has " +
                               std::to_string(pairs.size()));
    pairs.resize(static_cast<std::size_t>(opt.pairs));
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
  write_file(dir / "us.jsonl", quotes_text(us, "US", pairs, us_grid()));
  write_file(dir / "hk.jsonl", quotes_text(hk, "HK", pairs, hk_grid()));
  write_file(dir / "fx.jsonl", fx_text(fx, config.fx.pair));
  write_file(dir / "README.txt",
             readme_text(opt, command, plan, pairs, us.size(), hk.size(), fx.size(), end_ns));
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
  app.add_option("--duration-s", opt.duration_s, "length of the run in seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e6));
  app.add_option("--quote-rate", opt.quote_rate, "mean quotes per second per instrument")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e5));
  app.add_option("--fx-rate", opt.fx_rate, "FX ticks per second")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e5));
  app.add_option("--dislocations", opt.dislocations, "number of injected dislocation windows")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  app.add_option("--quiet-feed", opt.quiet_feed, "1: silence one pair's HK quotes mid-dislocation")
      ->capture_default_str()
      ->check(CLI::Range(0, 1));
  app.add_option("--pairs", opt.pairs, "use only the first N pairs of the config (default all)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--format", opt.format, "output format")
      ->capture_default_str()
      ->check(CLI::IsMember({"jsonl"}));
  app.add_option("--max-gap-ms", opt.max_gap_ms, "cap on the gap between an instrument's ticks")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e9));
  app.add_option("--quiet-s", opt.quiet_s, "length of the quiet-feed window in seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
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
