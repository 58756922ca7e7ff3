// bench_gen DIR [TICKS] [PAIRS] [SEED]: writes a generated day (us.jsonl,
// hk.jsonl, fx.jsonl, config.toml) for replay_bench and `adrmon replay`.
// A stand-in until tools/adrmon-gen is there; same tick-file contract.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_common.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_gen DIR [TICKS=3000000] [PAIRS=30] [SEED=42]\n");
    return 2;
  }
  const std::size_t ticks = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 3'000'000;
  const std::size_t pairs = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 30;
  const std::uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 42;
  if (!adrmon::bench::write_day(argv[1], ticks, pairs, seed)) {
    std::fprintf(stderr, "bench_gen: cannot write into %s\n", argv[1]);
    return 1;
  }
  return 0;
}
