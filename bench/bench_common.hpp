// Shared by the benchmark executables and the perf probe: a synthetic pair
// universe, a deterministic market simulation that yields ticks in event-time
// order (as Tick records or as JSON Lines in the tick-file contract), a cheap
// cycle clock for per-call timing, and CPU pinning.
//
// Everything here is deterministic for a given seed (own PRNG, own number
// formatting), so the callgrind guard sees the same input on every run.
#pragma once

#include <pthread.h>
#include <sched.h>
#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "adrmon/core/config.hpp"
#include "adrmon/core/instrument.hpp"
#include "adrmon/core/tick.hpp"

namespace adrmon::bench {

// splitmix64: tiny, fast, identical everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0,1)
  double exponential(double rate) noexcept { return -std::log(1.0 - uniform()) / rate; }
  double normal() noexcept {  // Box-Muller, one value
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint64_t s_;
};

// A synthetic universe of `pairs` ADR/HK pairs with real-looking symbols and
// the thresholds of the contract's example config.
inline Config make_config(std::size_t pairs, std::int64_t max_age_ms = 3000) {
  static constexpr const char* kKnown[][3] = {
      {"BABA", "9988", "8"},  {"JD", "9618", "2"},    {"BIDU", "9888", "8"}, {"NTES", "9999", "5"},
      {"TCOM", "9961", "1"},  {"BILI", "9626", "1"},  {"NIO", "9866", "1"},  {"LI", "2015", "2"},
      {"XPEV", "9868", "2"},  {"ZTO", "2057", "1"},   {"YUMC", "9987", "1"}, {"BEKE", "2423", "3"},
      {"TME", "1698", "2"},   {"HTHT", "1179", "10"}, {"WB", "9898", "1"},   {"BZ", "2076", "2"},
      {"ZLAB", "9688", "10"}, {"LEGN", "2171", "2"},  {"HCM", "13", "5"},    {"GDS", "9698", "8"},
      {"MNSO", "9896", "4"},  {"ATHM", "2518", "4"},  {"QFIN", "3660", "2"}, {"TAL", "9910", "3"},
      {"EDU", "9901", "10"},  {"HSBC", "5", "5"},     {"PTR", "857", "100"}, {"CHL", "941", "5"},
      {"BGNE", "6160", "13"}, {"VIPS", "9963", "0.5"}};
  Config c;
  c.path = "<bench>";
  c.fx.pair = "USDHKD";
  c.fx.min = 7.70;
  c.fx.max = 7.90;
  c.defaults.enter_bps = 50;
  c.defaults.exit_bps = 20;
  c.defaults.max_age_ns = max_age_ms * 1'000'000;
  c.defaults.min_persist_ns = 0;
  c.defaults.cost_bps = 12;
  c.defaults.conversion_fee_usd = 0.05;
  constexpr std::size_t kKnownCount = sizeof(kKnown) / sizeof(kKnown[0]);
  for (std::size_t i = 0; i < pairs; ++i) {
    PairConfig p;
    if (i < kKnownCount) {
      p.adr = kKnown[i][0];
      p.hk = kKnown[i][1];
      p.ratio = std::stod(kKnown[i][2]);
    } else {
      // Four letters from the index, HK codes from 1000 up.
      std::string s = "X";
      for (std::size_t k = i, n = 0; n < 3; ++n, k /= 26) s += static_cast<char>('A' + k % 26);
      p.adr = s;
      p.hk = std::to_string(1000 + i);
      p.ratio = static_cast<double>(1 + i % 10);
    }
    p.fungible = true;
    p.thresholds = c.defaults;
    p.name = p.adr + "/" + p.hk;
    c.pairs.push_back(p);
  }
  return c;
}

// Writes `config` as a TOML file in the config contract (for adrmon replay).
inline bool write_config_toml(const Config& c, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  std::fprintf(f, "[fx]\npair = \"%s\"\nmin = %.2f\nmax = %.2f\n\n", c.fx.pair.c_str(), c.fx.min,
               c.fx.max);
  const Thresholds& d = c.defaults;
  std::fprintf(f,
               "[defaults]\nenter_bps = %g\nexit_bps = %g\nmax_age_ms = %lld\nmin_persist_ms = "
               "%lld\ncost_bps = %g\nconversion_fee_usd = %g\n",
               d.enter_bps, d.exit_bps, static_cast<long long>(d.max_age_ns / 1'000'000),
               static_cast<long long>(d.min_persist_ns / 1'000'000), d.cost_bps,
               d.conversion_fee_usd);
  for (const PairConfig& p : c.pairs) {
    std::fprintf(f, "\n[[pair]]\nadr = \"%s\"\nhk = \"%s\"\nratio = %g\nfungible = true\n",
                 p.adr.c_str(), p.hk.c_str(), p.ratio);
  }
  return std::fclose(f) == 0;
}

// One simulated market event, before it becomes a Tick or a JSON line.
struct Event {
  std::int64_t ts;
  double bid, ask, bid_size, ask_size;
  std::uint64_t seq;
  std::uint32_t pair;  // for quotes
  Leg leg;
};

// HKEX tick-size grid (the part of it our prices live in).
inline double hk_tick(double price) {
  if (price < 10) return 0.01;
  if (price < 20) return 0.02;
  if (price < 100) return 0.05;
  if (price < 200) return 0.1;
  if (price < 500) return 0.2;
  return 0.5;
}

// Generates `count` events in ts order: each ADR and HK line quotes at
// `quote_rate` per second (Poisson), USD/HKD at `fx_rate`. Prices random-walk
// around parity with occasional dislocations of ~1%, so alerts do happen but
// rarely. `kinds`: 0 = mix, 1 = quotes only, 2 = FX only.
inline std::vector<Event> simulate(const Config& c, std::size_t count, std::uint64_t seed = 42,
                                   double quote_rate = 10, double fx_rate = 10, int kinds = 0) {
  Rng rng(seed);
  const std::size_t n = c.pairs.size();
  struct PairSim {
    double adr_mid, dev;  // dev: HK mispricing in bps, mean-reverting
    std::uint64_t seq_us = 0, seq_hk = 0;
  };
  std::vector<PairSim> sim(n);
  for (std::size_t i = 0; i < n; ++i) sim[i] = {20 + 180 * rng.uniform(), 0};
  double fx_mid = 7.80;
  const double q_total = kinds == 2 ? 0 : quote_rate * 2 * static_cast<double>(n);
  const double f_total = kinds == 1 ? 0 : fx_rate;
  const double total = q_total + f_total;
  double t = 1.7e9;  // seconds since the epoch, kept as double for the sim only
  std::vector<Event> out;
  out.reserve(count);
  while (out.size() < count) {
    t += rng.exponential(total);
    Event e{};
    e.ts = static_cast<std::int64_t>(t * 1e9);
    const double pick = rng.uniform() * total;
    if (pick >= q_total) {
      fx_mid = std::clamp(fx_mid + 0.0002 * rng.normal(), 7.76, 7.84);
      const double spread = 0.0003;
      e.bid = std::round((fx_mid - spread / 2) * 1e4) / 1e4;
      e.ask = std::round((fx_mid + spread / 2) * 1e4) / 1e4;
      if (e.ask <= e.bid) e.ask = e.bid + 0.0001;
      e.leg = Leg::Fx;
    } else {
      const auto i =
          std::min<std::size_t>(n - 1, static_cast<std::size_t>(pick / (2 * quote_rate)));
      PairSim& s = sim[i];
      const bool us = rng.uniform() < 0.5;
      s.adr_mid *= 1 + 0.0002 * rng.normal();
      s.dev = 0.995 * s.dev + 2 * rng.normal();
      if (rng.uniform() < 2e-4) s.dev += (rng.uniform() < 0.5 ? -1 : 1) * 120;  // dislocation
      e.pair = static_cast<std::uint32_t>(i);
      e.bid_size = 100 * static_cast<double>(1 + rng.next() % 50);
      e.ask_size = 100 * static_cast<double>(1 + rng.next() % 50);
      if (us) {
        const double mid = s.adr_mid;
        e.bid = std::floor(mid * 100 - 0.5) / 100;
        e.ask = e.bid + 0.01 * static_cast<double>(1 + rng.next() % 3);
        e.leg = Leg::Adr;
        e.seq = ++s.seq_us;
      } else {
        const double mid = s.adr_mid * fx_mid / c.pairs[i].ratio * (1 + s.dev / 1e4);
        const double tick = hk_tick(mid);
        e.bid = std::floor(mid / tick) * tick;
        e.ask = e.bid + tick;
        e.leg = Leg::Hk;
        e.seq = ++s.seq_hk;
      }
      e.ask = std::round(e.ask * 1000) / 1000;
      e.bid = std::round(e.bid * 1000) / 1000;
    }
    out.push_back(e);
  }
  return out;
}

inline Tick to_tick(const Event& e) {
  Tick t{};
  t.ts_event = e.ts;
  t.bid = e.bid;
  t.ask = e.ask;
  if (e.leg == Leg::Fx) {
    t.instrument = static_cast<std::uint16_t>(kFxInstrument);
    t.kind = TickKind::Fx;
    t.seq = kNoSeq;
  } else {
    t.instrument = static_cast<std::uint16_t>(e.leg == Leg::Adr ? adr_instrument(e.pair)
                                                                : hk_instrument(e.pair));
    t.kind = TickKind::Quote;
    t.bid_size = e.bid_size;
    t.ask_size = e.ask_size;
    t.seq = e.seq;
  }
  return t;
}

// Formats a price with up to `decimals` places and no trailing zeros.
inline int format_price(char* out, double v, int decimals) {
  int n = std::snprintf(out, 32, "%.*f", decimals, v);
  while (n > 1 && out[n - 1] == '0') --n;
  if (out[n - 1] == '.') --n;
  return n;
}

// One event as a JSON line in the tick-file contract (no newline).
inline std::string to_json_line(const Config& c, const Event& e) {
  char b[32], a[32];
  char line[512];
  int n;
  if (e.leg == Leg::Fx) {
    b[format_price(b, e.bid, 4)] = 0;
    a[format_price(a, e.ask, 4)] = 0;
    n = std::snprintf(line, sizeof line, R"({"type":"fx","ts":%lld,"pair":"%s","bid":%s,"ask":%s})",
                      static_cast<long long>(e.ts), c.fx.pair.c_str(), b, a);
  } else {
    const bool us = e.leg == Leg::Adr;
    b[format_price(b, e.bid, 3)] = 0;
    a[format_price(a, e.ask, 3)] = 0;
    const PairConfig& p = c.pairs[e.pair];
    n = std::snprintf(
        line, sizeof line,
        R"({"type":"quote","ts":%lld,"venue":"%s","sym":"%s","bid":%s,"ask":%s,"bid_size":%lld,"ask_size":%lld,"seq":%llu})",
        static_cast<long long>(e.ts), us ? "US" : "HK", us ? p.adr.c_str() : p.hk.c_str(), b, a,
        static_cast<long long>(e.bid_size), static_cast<long long>(e.ask_size),
        static_cast<unsigned long long>(e.seq));
  }
  return std::string(line, static_cast<std::size_t>(n));
}

// Lines laid out back to back, each followed by '\n', with 64 zero bytes of
// padding after the last, as LineFramer would hand them to the parser.
struct LineBuffer {
  std::string bytes;
  std::vector<std::string_view> lines;
};

inline LineBuffer make_line_buffer(const Config& c, const std::vector<Event>& events) {
  LineBuffer lb;
  std::vector<std::size_t> offsets, sizes;
  for (const Event& e : events) {
    const std::string line = to_json_line(c, e);
    offsets.push_back(lb.bytes.size());
    sizes.push_back(line.size());
    lb.bytes += line;
    lb.bytes += '\n';
  }
  lb.bytes.append(64, '\0');
  for (std::size_t i = 0; i < offsets.size(); ++i)
    lb.lines.emplace_back(lb.bytes.data() + offsets[i], sizes[i]);
  return lb;
}

// ---- timing ----------------------------------------------------------------

// Serialised TSC read: lfence keeps the timed work from leaking across it.
inline std::uint64_t cycles() noexcept {
  _mm_lfence();
  const std::uint64_t t = __rdtsc();
  _mm_lfence();
  return t;
}

// Nanoseconds per TSC tick, measured once against steady_clock (~20 ms).
inline double ns_per_cycle() {
  static const double value = [] {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t c0 = cycles();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(20)) {
    }
    const auto t1 = std::chrono::steady_clock::now();
    const std::uint64_t c1 = cycles();
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(c1 - c0);
  }();
  return value;
}

// Cycles an empty timed region costs (the median of many), subtracted from
// every per-call measurement.
inline std::uint64_t timer_overhead_cycles() {
  static const std::uint64_t value = [] {
    std::vector<std::uint64_t> v(10001);
    for (auto& x : v) {
      const std::uint64_t a = cycles();
      const std::uint64_t b = cycles();
      x = b - a;
    }
    std::nth_element(v.begin(), v.begin() + 5000, v.end());
    return v[5000];
  }();
  return value;
}

// Pins the calling thread to one CPU; false when the CPU does not exist.
inline bool pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace adrmon::bench

namespace adrmon::bench {

// BENCH_QUICK=1 (scripts/bench.sh): smaller inputs and shorter runs.
inline bool quick() {
  const char* q = std::getenv("BENCH_QUICK");
  return q != nullptr && *q != '\0' && *q != '0';
}

}  // namespace adrmon::bench

namespace adrmon::bench {

// Writes a generated day for `pairs` pairs: DIR/us.jsonl, DIR/hk.jsonl,
// DIR/fx.jsonl (`ticks` lines in all) and DIR/config.toml. False on I/O error.
inline bool write_day(const std::string& dir, std::size_t ticks, std::size_t pairs,
                      std::uint64_t seed = 42) {
  const Config c = make_config(pairs);
  if (!write_config_toml(c, dir + "/config.toml")) return false;
  std::FILE* files[3] = {std::fopen((dir + "/us.jsonl").c_str(), "w"),
                         std::fopen((dir + "/hk.jsonl").c_str(), "w"),
                         std::fopen((dir + "/fx.jsonl").c_str(), "w")};
  bool ok = files[0] && files[1] && files[2];
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t done = 0; ok && done < ticks; done += kChunk) {
    // Chunks continue the same market: reseed per chunk, shift time forward.
    std::vector<Event> events = simulate(c, std::min(kChunk, ticks - done), seed + done);
    const std::int64_t shift = static_cast<std::int64_t>(done / kChunk) * 4'000'000'000'000;
    for (Event& e : events) {
      e.ts += shift;
      std::string line = to_json_line(c, e);
      line += '\n';
      std::FILE* f = files[static_cast<int>(e.leg)];
      ok = ok && std::fwrite(line.data(), 1, line.size(), f) == line.size();
    }
  }
  for (std::FILE* f : files)
    if (f && std::fclose(f) != 0) ok = false;
  return ok;
}

}  // namespace adrmon::bench
