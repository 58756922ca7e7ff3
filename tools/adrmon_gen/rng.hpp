// Deterministic randomness for adrmon-gen: std::mt19937_64 (its output is
// fixed by the standard) behind distributions written with + - * / and sqrt
// only, so the same seed gives the same bits with every standard library and
// libm. Cold path (generation only); not thread-safe, one Rng per stream.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

namespace adrmon::gen {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Natural log with + - * / only, so it gives the same bits on every libm.
// x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m-1)/(m+1).
inline double det_log(double x) {
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

}  // namespace adrmon::gen
