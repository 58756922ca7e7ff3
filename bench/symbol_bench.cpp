// Symbol -> instrument id: adrmon::SymbolTable::find against std::unordered_map
// keyed by std::string, both with C++20 heterogeneous lookup (no temporary
// string: the strongest form of the baseline) and the way most code does it
// (a std::string built from the view per lookup). Lookups follow the symbol
// sequence of a generated quote stream on 30 or 200 pairs.
#include <benchmark/benchmark.h>

#include <string>
#include <unordered_map>

#include "adrmon/feeds/symbol_table.hpp"
#include "bench_common.hpp"

namespace adrmon::bench {
namespace {

constexpr std::size_t kLookups = 4096;

struct Input {
  Config config;
  std::vector<std::string> storage;  // one string per lookup, as parsed views point into lines
  std::vector<std::string_view> syms;
};

const Input& input(std::size_t pairs) {
  static std::unordered_map<std::size_t, Input> cache;
  auto [it, fresh] = cache.try_emplace(pairs);
  Input& in = it->second;
  if (fresh) {
    in.config = make_config(pairs);
    for (const Event& e : simulate(in.config, kLookups, 7, 10, 10, /*quotes only*/ 1)) {
      const PairConfig& p = in.config.pairs[e.pair];
      in.storage.push_back(e.leg == Leg::Adr ? p.adr : p.hk);
    }
    for (const std::string& s : in.storage) in.syms.emplace_back(s);
  }
  return in;
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

void BM_SymbolTable(benchmark::State& state) {
  const Input& in = input(static_cast<std::size_t>(state.range(0)));
  SymbolTable table(in.config.pairs.size() * 2);
  for (PairId id = 0; id < in.config.pairs.size(); ++id) {
    table.insert(in.config.pairs[id].adr, adr_instrument(id));
    table.insert(in.config.pairs[id].hk, hk_instrument(id));
  }
  for (auto _ : state) {
    for (const std::string_view s : in.syms) benchmark::DoNotOptimize(table.find(s));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.syms.size()));
}

void BM_UnorderedMapHetero(benchmark::State& state) {
  const Input& in = input(static_cast<std::size_t>(state.range(0)));
  std::unordered_map<std::string, InstrumentId, StringHash, std::equal_to<>> map;
  for (PairId id = 0; id < in.config.pairs.size(); ++id) {
    map[in.config.pairs[id].adr] = adr_instrument(id);
    map[in.config.pairs[id].hk] = hk_instrument(id);
  }
  for (auto _ : state) {
    for (const std::string_view s : in.syms) {
      const auto it = map.find(s);
      benchmark::DoNotOptimize(it == map.end() ? kNoInstrument : it->second);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.syms.size()));
}

void BM_UnorderedMapString(benchmark::State& state) {
  const Input& in = input(static_cast<std::size_t>(state.range(0)));
  std::unordered_map<std::string, InstrumentId> map;
  for (PairId id = 0; id < in.config.pairs.size(); ++id) {
    map[in.config.pairs[id].adr] = adr_instrument(id);
    map[in.config.pairs[id].hk] = hk_instrument(id);
  }
  for (auto _ : state) {
    for (const std::string_view s : in.syms) {
      const auto it = map.find(std::string(s));
      benchmark::DoNotOptimize(it == map.end() ? kNoInstrument : it->second);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.syms.size()));
}

BENCHMARK(BM_SymbolTable)->Arg(30)->Arg(200);
BENCHMARK(BM_UnorderedMapHetero)->Arg(30)->Arg(200);
BENCHMARK(BM_UnorderedMapString)->Arg(30)->Arg(200);

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
