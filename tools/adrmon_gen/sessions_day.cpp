// Length: a whole calendar day phase by phase (US overnight/pre/regular/post,
// HK pre-open/continuous/auction, FX) plus its planned events, each checked
// against the calendar.
// adrmon-gen --profile sessions (see sessions_day.hpp for the data flow).
//
// Rhythms are chosen so the day stays a few MB: only while both venues are
// live (HK continuous against the US overnight session) do the dense pairs'
// legs and FX tick more often than max_age, which is what the breach machine
// needs; everywhere else quotes are thin, so the board shows those legs
// `stale` or, mostly, the session gate first.
#include "sessions_day.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "adrmon/core/venue_calendar.hpp"
#include "price_grid.hpp"
#include "rng.hpp"
#include "tick_text.hpp"

namespace adrmon::gen {
namespace {

constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kMin = 60 * kSec;
constexpr double kFairVolPerSqrtS = 2e-4;   // ~3% over 6.5 h
constexpr double kLegNoise = 2.5e-4;        // per-quote deviation of each leg from fair
constexpr double kLegNoiseCap = 7e-4;       // |noise| <= 7 bp: premium within ~+-14 bp
constexpr std::int64_t kFxLowPips = 77550;  // the walk stays inside the 7.75-7.85 band
constexpr std::int64_t kFxHighPips = 78450;
constexpr double kMarginBps = 40;  // net edge above enter_bps a dislocation aims for

// What a phase means to the generator. The config's names are matched; an
// unknown name is treated by its liveness.
enum class Kind : std::uint8_t {
  Closed,
  Overnight,
  Pre,
  Regular,
  Post,
  PreOpen,
  Continuous,
  Auction
};

// The calendar's phase name of each kind, indexed by Kind.
constexpr std::string_view kKindNames[] = {"closed", "overnight", "pre",        "regular",
                                           "post",   "pre_open",  "continuous", "closing_auction"};

std::string_view kind_name(Kind k) {
  return kKindNames[static_cast<std::size_t>(k)];
}

// The kind among [first, last] whose name the phase has; otherwise `live` or
// `not_live` by the phase's liveness.
Kind phase_kind(const VenueCalendar& c, std::uint8_t phase, Kind first, Kind last, Kind live,
                Kind not_live) {
  if (phase == VenueCalendar::kClosed) return Kind::Closed;
  const std::string_view n = c.phase_name(phase);
  for (auto k = static_cast<std::uint8_t>(first); k <= static_cast<std::uint8_t>(last); ++k)
    if (n == kKindNames[k]) return static_cast<Kind>(k);
  return c.live(phase) ? live : not_live;
}
Kind us_kind(const VenueCalendar& c, std::uint8_t phase) {
  return phase_kind(c, phase, Kind::Overnight, Kind::Post, Kind::Regular, Kind::Pre);
}
Kind hk_kind(const VenueCalendar& c, std::uint8_t phase) {
  return phase_kind(c, phase, Kind::PreOpen, Kind::Auction, Kind::Continuous, Kind::Auction);
}

// [start, end) in which both venues' phases are constant.
struct Segment {
  std::int64_t start;
  std::int64_t end;
  Kind us;
  Kind hk;
  bool both_live;
};

// Gaps between one instrument's ticks: uniform in [a, b] s when `even`,
// else exponential with mean a s capped at b s; none when silent.
struct Rhythm {
  bool silent = true;
  bool even = false;
  double a = 0;
  double b = 0;
};
constexpr Rhythm kSilent{};
constexpr Rhythm expo(double mean, double cap) {
  return {false, false, mean, cap};
}

struct Rhythms {
  Rhythm fresh;  // fresher than the smallest max_age of the pairs
  Rhythm us(bool dense, const Segment& s) const {
    if (s.us == Kind::Closed) return kSilent;
    if (s.both_live) return dense ? fresh : expo(300, 900);
    switch (s.us) {
      case Kind::Overnight:
        return dense ? expo(60, 180) : expo(900, 2700);
      case Kind::Regular:
        return dense ? expo(20, 45) : expo(600, 1800);
      case Kind::Post:
        return dense ? expo(60, 180) : expo(900, 2700);
      default:
        return dense ? expo(60, 180) : expo(900, 2700);
    }
  }
  Rhythm hk(bool dense, const Segment& s) const {
    switch (s.hk) {
      case Kind::Closed:
        return kSilent;
      case Kind::Continuous:
        if (!dense) return expo(240, 600);
        return s.both_live ? fresh : expo(10, 30);
      case Kind::PreOpen:
        return expo(120, 300);  // indicative auction price
      default:
        return expo(90, 180);  // closing auction
    }
  }
  Rhythm fx(const Segment& s) const {
    if (s.both_live) return fresh;
    if (s.us != Kind::Closed || s.hk != Kind::Closed) return expo(30, 60);
    return expo(60, 120);
  }
};

std::int64_t gap_ns(Rng& rng, const Rhythm& r) {
  const double s = r.even ? rng.uniform(r.a, r.b) : std::min(rng.exponential(1 / r.a), r.b);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(s * 1e9));
}

// Tick times of one instrument over the segments (each segment starts at a
// random phase of its rhythm).
template <typename F>
std::vector<std::int64_t> arrivals(Rng& rng, const std::vector<Segment>& segs, F rhythm_of) {
  std::vector<std::int64_t> out;
  for (const Segment& s : segs) {
    const Rhythm r = rhythm_of(s);
    if (r.silent) continue;
    std::int64_t t =
        s.start + static_cast<std::int64_t>(static_cast<double>(gap_ns(rng, r)) * rng.uniform());
    for (; t < s.end; t += gap_ns(rng, r)) out.push_back(t);
  }
  return out;
}

std::vector<Segment> make_segments(VenueCalendar& us, VenueCalendar& hk, std::int64_t t0,
                                   std::int64_t t1) {
  std::vector<std::int64_t> cuts{t0, t1};
  for (const VenueCalendar* c : {&us, &hk}) {
    for (const PhaseSpan& s : c->spans()) {
      if (s.end_ns <= t0 || s.start_ns >= t1) continue;
      if (s.start_ns > t0) cuts.push_back(s.start_ns);
      if (s.end_ns < t1) cuts.push_back(s.end_ns);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<Segment> out;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const std::uint8_t u = us.find_phase(cuts[i]);
    const std::uint8_t h = hk.find_phase(cuts[i]);
    out.push_back({cuts[i], cuts[i + 1], us_kind(us, u), hk_kind(hk, h), us.live(u) && hk.live(h)});
  }
  return out;
}

const Segment& segment_at(const std::vector<Segment>& segs, std::int64_t t) {
  auto it = std::upper_bound(segs.begin(), segs.end(), t,
                             [](std::int64_t x, const Segment& s) { return x < s.end; });
  return it == segs.end() ? segs.back() : *it;
}

// Whether every / no instant of [a, b) has both venues live.
bool all_live(const std::vector<Segment>& segs, std::int64_t a, std::int64_t b) {
  for (const Segment& s : segs)
    if (s.start < b && a < s.end && !s.both_live) return false;
  return a >= segs.front().start && b <= segs.back().end;
}
bool none_live(const std::vector<Segment>& segs, std::int64_t a, std::int64_t b) {
  for (const Segment& s : segs)
    if (s.start < b && a < s.end && s.both_live) return false;
  return a >= segs.front().start && b <= segs.back().end;
}

// ---------------------------------------------------------------- the plan

enum class Expect : std::uint8_t { Reverted, Session, Halted, None };

struct Event {
  std::string what;
  std::size_t pair = 0;
  bool sell_adr = true;
  std::int64_t start = 0;
  std::int64_t end = 0;
  double size_bps = 0;
  Expect expect = Expect::None;
  std::int64_t halt_start = 0;  // Expect::Halted only: the HK halt [halt_start, halt_end)
  std::int64_t halt_end = 0;
};

int expected_alerts(const Event& e) {
  switch (e.expect) {
    case Expect::Reverted:
    case Expect::Session:
      return 2;
    case Expect::Halted:
      return 4;
    case Expect::None:
      return 0;
  }
  return 0;
}

// "YYYY-MM-DD HH:MM:SS" local time of `ts` in `tz`, from the tz database.
std::string local_text(std::string_view tz, std::int64_t ts) {
  const LocalDate d = local_date_at(tz, ts);
  auto at = [&](std::int64_t m) { return local_to_utc_ns(tz, d, static_cast<int>(m)); };
  std::int64_t m = (ts - at(0)) / kMin;
  for (int i = 0; i < 2; ++i) {  // around a DST change the first guess is an hour off
    const std::int64_t diff = ts - at(m);
    m += diff >= 0 ? diff / kMin : -((-diff + kMin - 1) / kMin);
  }
  const std::int64_t s = (ts - at(m)) / kSec;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %02lld:%02lld:%02lld", to_string(d).c_str(),
                static_cast<long long>(m / 60), static_cast<long long>(m % 60),
                static_cast<long long>(s));
  return buf;
}

// ---------------------------------------------------------------- records

struct Rec {
  std::int64_t ts;
  std::uint32_t pair;
  bool status;
  bool trading;
  std::int64_t bid;  // grid units
  std::int64_t ask;
  std::int64_t bid_size;
  std::int64_t ask_size;
};

}  // namespace

bool parse_local_date(std::string_view t, LocalDate& out) noexcept {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  int v[3] = {0, 0, 0};
  const std::size_t at[3] = {0, 5, 8}, len[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t k = 0; k < len[i]; ++k) {
      const char c = t[at[i] + k];
      if (c < '0' || c > '9') return false;
      v[i] = v[i] * 10 + (c - '0');
    }
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31) return false;
  out = {v[0], static_cast<unsigned>(v[1]), static_cast<unsigned>(v[2])};
  return true;
}

std::string write_sessions(const SessionsOptions& opt, const Config& config,
                           const std::vector<PairConfig>& pairs,
                           const std::vector<PairLevel>& levels) {
  if (!config.calendar[0] || !config.calendar[1])
    throw std::runtime_error("--profile sessions needs [calendar.US] and [calendar.HK] in " +
                             opt.config);
  if (opt.days < 1) throw std::runtime_error("--days must be at least 1");
  if (opt.start < LocalDate{2000, 1, 2} || add_days(opt.start, opt.days - 1) > kCalendarLastDate)
    throw std::runtime_error("--start/--days fall outside the calendars' 2000-2037");
  VenueCalendar us_cal(*config.calendar[0]);
  VenueCalendar hk_cal(*config.calendar[1]);
  const std::string& us_tz = config.calendar[0]->timezone;
  const std::string& hk_tz = config.calendar[1]->timezone;

  // The window: US trade date D runs from 20:00 local on D-1 (its overnight
  // session) to 20:00 on D (the end of post-market).
  const std::int64_t t0 = local_to_utc_ns(us_tz, add_days(opt.start, -1), 20 * 60);
  const std::int64_t t1 = local_to_utc_ns(us_tz, add_days(opt.start, opt.days - 1), 20 * 60);
  const std::vector<Segment> segs = make_segments(us_cal, hk_cal, t0, t1);

  std::int64_t max_age = std::numeric_limits<std::int64_t>::max();
  for (const PairConfig& p : pairs)
    max_age = std::min({max_age, p.thresholds.max_age_ns, p.thresholds.fx_age_ns()});
  const double age_s = static_cast<double>(max_age) / 1e9;
  Rhythms rhythms;
  rhythms.fresh = {false, true, 0.8 * age_s, 0.95 * age_s};

  // FX first: every ADR price is converted at the FX mid of its instant.
  std::vector<FxRec> fx;
  {
    Rng rng(opt.seed, 1001);
    std::int64_t mid = rng.integer(77800, 78200);
    for (std::int64_t ts : arrivals(rng, segs, [&](const Segment& s) { return rhythms.fx(s); })) {
      fx.push_back(fx_step(rng, mid, ts, kFxLowPips, kFxHighPips));
    }
    if (fx.empty()) throw std::runtime_error("no FX ticks: the window is empty");
  }

  // Dense pairs: the first --dense pairs (config order) on which a push of
  // at most 200 bp clears enter_bps net of costs (cheap ADRs cannot).
  const Grid hk_g = hk_grid();
  const Grid us_g = us_grid();
  std::vector<double> floor_bps(pairs.size());
  std::vector<std::size_t> dense;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const Thresholds& t = pairs[i].thresholds;
    const double hk_px = levels[i].hk_price;
    const double adr_usd = hk_px * pairs[i].ratio / 7.8;
    const auto hk_units = static_cast<std::int64_t>(hk_px * 1000);
    const double hk_tick_bps = static_cast<double>(hk_g.tick_at(hk_units)) / 1000 / hk_px * 1e4;
    floor_bps[i] = std::max(t.enter_for(0), t.enter_for(1)) + t.cost_bps +
                   t.conversion_fee_usd / adr_usd * 1e4 + 5 * 0.01 / adr_usd * 1e4 +
                   2 * hk_tick_bps + kMarginBps;
    if (pairs[i].fungible && floor_bps[i] <= 200 &&
        static_cast<int>(dense.size()) < std::max(1, opt.dense))
      dense.push_back(i);
  }
  if (dense.empty())
    throw std::runtime_error("no pair can show a dislocation of at most 200 bp net of costs");
  std::vector<bool> is_dense(pairs.size(), false);
  for (std::size_t i : dense) is_dense[i] = true;

  // The plan, day by day, in local times; an event whose window does not
  // have the intended phases on that day (a holiday, a weekend) is skipped.
  std::vector<Event> events;
  std::vector<std::string> skipped;
  for (int k = 0; k < opt.days; ++k) {
    const LocalDate d = add_days(opt.start, k);
    Rng rng(opt.seed, 2000 + static_cast<std::uint64_t>(k));
    auto hk_at = [&](int hh, int mm, std::int64_t plus_s) {
      return local_to_utc_ns(hk_tz, d, hh * 60 + mm) + plus_s * kSec;
    };
    auto us_at = [&](int hh, int mm, std::int64_t plus_s) {
      return local_to_utc_ns(us_tz, d, hh * 60 + mm) + plus_s * kSec;
    };
    const std::size_t a = dense[0], b = dense[1 % dense.size()], c = dense[2 % dense.size()];
    auto add = [&](std::string what, std::size_t pair, std::int64_t start, std::int64_t end,
                   Expect expect, bool ok) {
      Event e;
      e.what = to_string(d) + " " + what;
      e.pair = pair;
      e.sell_adr = rng.integer(0, 1) == 0;
      e.start = start;
      e.end = end;
      e.size_bps = std::round(floor_bps[pair] + rng.uniform(0, 60));
      e.expect = expect;
      if (ok) {
        events.push_back(e);
      } else {
        skipped.push_back(e.what + " (" + pairs[pair].name + "): the calendars have not the " +
                          "phases it needs that day");
      }
      return ok;
    };
    // Inside live windows: HK continuous against the US overnight session.
    {
      const std::int64_t s = hk_at(10, 15, rng.integer(0, 3600));
      const std::int64_t e = s + rng.integer(30, 90) * kSec;
      add("morning, HK continuous x US overnight", a, s, e, Expect::Reverted, all_live(segs, s, e));
    }
    {
      const std::int64_t s = hk_at(11, 58, rng.integer(0, 30));
      const std::int64_t lunch = hk_at(12, 0, 0);
      const std::int64_t e = hk_at(12, 1, 0);
      add("into the HK lunch break", a, s, e, Expect::Session,
          all_live(segs, s, lunch) && none_live(segs, lunch, e));
    }
    {
      const std::int64_t s = hk_at(13, 50, rng.integer(0, 120));
      const std::int64_t e = hk_at(14, 25, 0);
      const std::int64_t h0 = hk_at(14, 0, rng.integer(0, 60));
      if (add("HK halt and resumption", b, s, e, Expect::Halted, all_live(segs, s, e))) {
        events.back().halt_start = h0;
        events.back().halt_end = h0 + 20 * kMin;
      }
    }
    {
      const std::int64_t s = hk_at(15, 0, rng.integer(0, 1800));
      const std::int64_t e = s + rng.integer(30, 90) * kSec;
      add("afternoon, HK continuous x US overnight", c, s, e, Expect::Reverted,
          all_live(segs, s, e));
    }
    {
      const std::int64_t s = hk_at(15, 58, 30 + rng.integer(0, 30));
      const std::int64_t close = hk_at(16, 0, 0);
      const std::int64_t e = hk_at(16, 1, 0);
      add("into the HK close", a, s, e, Expect::Session,
          all_live(segs, s, close) && none_live(segs, close, e));
    }
    // Outside live windows: must not alert.
    {
      const std::int64_t s = hk_at(9, 5, rng.integer(0, 300));
      add("HK pre-open auction (US overnight live)", a, s, s + 10 * kMin, Expect::None,
          none_live(segs, s, s + 10 * kMin) && segment_at(segs, s).hk == Kind::PreOpen);
    }
    {
      const std::int64_t s = hk_at(12, 20, rng.integer(0, 600));
      add("HK lunch break (US overnight live)", a, s, s + 10 * kMin, Expect::None,
          none_live(segs, s, s + 10 * kMin));
    }
    {
      const std::int64_t s = us_at(10, 30, rng.integer(0, 3600));
      add("US regular session (HK closed)", a, s, s + 15 * kMin, Expect::None,
          none_live(segs, s, s + 15 * kMin) && segment_at(segs, s).us == Kind::Regular);
    }
  }

  // Quotes, pair by pair.
  std::vector<Rec> us, hk;
  for (std::uint32_t i = 0; i < pairs.size(); ++i) {
    const PairConfig& pair = pairs[i];
    const bool dn = is_dense[i];
    Rng us_clock(opt.seed, 16 + 4ULL * i);
    Rng hk_clock(opt.seed, 17 + 4ULL * i);
    Rng rng(opt.seed, 18 + 4ULL * i);
    std::vector<std::int64_t> us_t =
        arrivals(us_clock, segs, [&](const Segment& s) { return rhythms.us(dn, s); });
    std::vector<std::int64_t> hk_t =
        arrivals(hk_clock, segs, [&](const Segment& s) { return rhythms.hk(dn, s); });
    std::vector<const Event*> mine;
    for (const Event& e : events) {
      if (e.pair != i) continue;
      mine.push_back(&e);
      for (std::int64_t t : {e.start, e.end})  // the ADR re-quotes as a window starts and ends
        if (segment_at(segs, t).us != Kind::Closed) us_t.push_back(t);
      if (e.expect == Expect::Halted) {
        std::erase_if(hk_t, [&](std::int64_t t) { return t >= e.halt_start && t < e.halt_end; });
        hk_t.push_back(e.halt_end + kSec / 2);  // the book is back half a second after resumption
        hk.push_back({e.halt_start, i, true, false, 0, 0, 0, 0});
        hk.push_back({e.halt_end, i, true, true, 0, 0, 0, 0});
      }
    }
    std::sort(us_t.begin(), us_t.end());
    us_t.erase(std::unique(us_t.begin(), us_t.end()), us_t.end());
    std::sort(hk_t.begin(), hk_t.end());

    double fair = levels[i].hk_price * rng.uniform(0.97, 1.03);
    std::int64_t last = t0;
    std::size_t iu = 0, ih = 0;
    while (iu < us_t.size() || ih < hk_t.size()) {
      const bool is_us = ih == hk_t.size() || (iu < us_t.size() && us_t[iu] <= hk_t[ih]);
      const std::int64_t ts = is_us ? us_t[iu++] : hk_t[ih++];
      fair *= 1 + kFairVolPerSqrtS * std::sqrt(static_cast<double>(ts - last) / 1e9) * rng.normal();
      last = ts;
      const double noise = std::clamp(rng.normal() * kLegNoise, -kLegNoiseCap, kLegNoiseCap);
      const Segment& seg = segment_at(segs, ts);
      if (is_us) {
        double push = 1;
        for (const Event* e : mine)
          if (ts >= e->start && ts < e->end)
            push = e->sell_adr ? 1 + e->size_bps / 1e4 : 1 - e->size_bps / 1e4;
        int ticks = 0;
        std::int64_t lots = 0;
        switch (seg.us) {
          case Kind::Regular:
            ticks = static_cast<int>(rng.integer(1, 2));
            lots = rng.integer(1, 30);
            break;
          case Kind::Overnight:  // thinner and wider
            ticks = static_cast<int>(rng.integer(2, 5));
            lots = rng.integer(1, 5);
            break;
          default:
            ticks = static_cast<int>(rng.integer(2, 4));
            lots = rng.integer(1, 10);
        }
        if (!dn) ticks += static_cast<int>(rng.integer(0, 2));
        const double adr_usd = fair * ratio_at(pair, ts) / fx_mid_at(fx, ts) * (1 + noise) * push;
        const auto [bid, ask] = us_g.quote(adr_usd * 100, ticks);
        us.push_back({ts, i, false, false, bid, ask, 100 * lots, 100 * rng.integer(1, 5) * lots});
      } else {
        const bool auction = seg.hk != Kind::Continuous;  // a locked indicative price
        const int ticks = auction ? 0 : static_cast<int>(rng.integer(1, dn ? 2 : 3));
        const auto [bid, ask] = hk_g.quote(fair * (1 + noise) * 1000, ticks);
        const std::int64_t lot = levels[i].lot;
        hk.push_back({ts, i, false, false, bid, ask,
                      lot * rng.integer(auction ? 20 : 1, auction ? 400 : 50),
                      lot * rng.integer(auction ? 20 : 1, auction ? 400 : 50)});
      }
    }
  }

  // Counts per phase, for README.txt.
  auto count_by = [&](const std::vector<Rec>& recs, bool us_side) {
    std::vector<std::pair<std::string, std::size_t>> counts;
    for (const Rec& r : recs) {
      if (r.status) continue;
      const Segment& s = segment_at(segs, r.ts);
      const std::string name(kind_name(us_side ? s.us : s.hk));
      auto it = std::find_if(counts.begin(), counts.end(),
                             [&](const auto& c) { return c.first == name; });
      if (it == counts.end()) {
        counts.emplace_back(name, 1);
      } else {
        ++it->second;
      }
    }
    std::string out;
    for (const auto& [name, n] : counts) out += " " + name + " " + std::to_string(n);
    return out;
  };

  const std::filesystem::path dir(opt.out);
  std::filesystem::create_directories(dir);
  const std::string us_s = venue_text(us, "US", pairs, us_g.scale());
  const std::string hk_s = venue_text(hk, "HK", pairs, hk_g.scale());
  const std::string fx_s = fx_text(fx, config.fx.pair);
  write_file(dir / "us.jsonl", us_s);
  write_file(dir / "hk.jsonl", hk_s);
  write_file(dir / "fx.jsonl", fx_s);

  int total = 0;
  for (const Event& e : events) total += expected_alerts(e);
  std::ostringstream o;
  auto both = [&](std::int64_t t) {
    return local_text(hk_tz, t).substr(11) + " HKT = " + local_text(us_tz, t).substr(11) + " ET (" +
           std::to_string(t) + ")";
  };
  o << "Generated by adrmon-gen --profile sessions (tools/adrmon_gen/sessions_day.cpp).\n"
    << "Synthetic data, not market data.\n\n"
    << "command: " << opt.command << "\n"
    << "config: " << opt.config << " (" << pairs.size() << " pairs; its [calendar.US] and\n"
    << "[calendar.HK] decide every phase, through the engine's own VenueCalendar)\n"
    << "seed " << opt.seed << "; US trade dates " << to_string(opt.start) << " + " << opt.days
    << " day(s)\n"
    << "window: " << local_text(us_tz, t0) << " ET to " << local_text(us_tz, t1) << " ET\n"
    << "  (" << t0 << " to " << t1 << " ns): each US trade date D from 20:00 ET on D-1,\n"
    << "  when its overnight session opens, to 20:00 ET on D; HK's trading day D lies inside.\n\n"
    << "files (each sorted by ts, seq 1, 2, ... per file):\n"
    << "  us.jsonl  " << us.size() << " US quotes by US phase:" << count_by(us, true) << "\n"
    << "  hk.jsonl  " << hk.size() << " HK records by HK phase:" << count_by(hk, false)
    << " (+ status records)\n"
    << "  fx.jsonl  " << fx.size() << " USDHKD ticks, round the clock, inside 7.7550-7.8450\n\n"
    << "Rhythm: while both venues are live (HK continuous x US overnight) the dense pairs'\n"
    << "legs and FX tick every " << rhythms.fresh.a << "-" << rhythms.fresh.b
    << " s (under max_age); elsewhere\n"
    << "quotes are thin (a few MB a day): dense pairs every ~20 s in US regular, ~1 min in\n"
    << "pre, post and the rest of overnight, ~10 s in HK continuous on a US holiday; the\n"
    << "other pairs every 4-5 min in HK continuous and while both are live, ~15 min\n"
    << "elsewhere. HK pre-open and the closing auction quote a locked indicative price\n"
    << "(bid = ask) every 1-2 min; the lunch break and the night are silent. FX every\n"
    << "~30 s outside the overlap. Overnight US spreads are 2-5 cents (regular 1-2).\n"
    << "dense pairs:";
  for (std::size_t i : dense) o << " " << pairs[i].name;
  o << "\n\nevents (ADR pushed rich = sell_adr, cheap = buy_adr, over [start, end); the ADR\n"
    << "re-quotes at both instants; size = push of the ADR mid):\n";
  int n = 0;
  for (const Event& e : events) {
    o << "  " << ++n << ". " << e.what << ": " << pairs[e.pair].name << " "
      << (e.sell_adr ? "sell_adr" : "buy_adr") << " " << e.size_bps << " bp\n"
      << "     start " << both(e.start) << "\n     end   " << both(e.end) << "\n";
    if (e.expect == Expect::Halted)
      o << "     HK halt (status trading=false) " << both(e.halt_start)
        << "\n     resumption (trading=true)      " << both(e.halt_end) << "\n";
    switch (e.expect) {
      case Expect::Reverted:
        o << "     expect: open, close \"reverted\" at the end\n";
        break;
      case Expect::Session:
        o << "     expect: open, close \"session\" when HK leaves continuous\n";
        break;
      case Expect::Halted:
        o << "     expect: open, close \"halted\" at the halt, gated while halted, open again\n"
          << "     once HK quotes after the resumption, close \"reverted\" at the end\n";
        break;
      case Expect::None:
        o << "     expect: no alert (the session gate holds it off)\n";
        break;
    }
  }
  for (const std::string& s : skipped) o << "  skipped: " << s << "\n";
  o << "\nExpected with config/demo.toml: " << total << " alerts, none outside the events above.\n";
  write_file(dir / "README.txt", o.str());

  char line[256];
  std::snprintf(line, sizeof line,
                "adrmon-gen: sessions: wrote %zu US, %zu HK, %zu FX records, %zu events (%d "
                "alerts expected) to %s",
                us.size(), hk.size(), fx.size(), events.size(), total, opt.out.c_str());
  return line;
}

}  // namespace adrmon::gen
