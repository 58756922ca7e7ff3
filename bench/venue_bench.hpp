// Shared by the venue decoder benchmarks (itch_bench, omdc_bench): the rates
// every one reports (messages/s, bytes/s and ns per message over one day or
// capture per iteration), the framing-only baseline loop, and the run
// settings they all use (milliseconds, five repetitions, aggregates only).
#pragma once

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace adrmon::bench {

// Items, bytes and ns_per_msg for a benchmark that handles `messages`
// messages in `bytes` bytes each iteration.
inline void set_message_rates(benchmark::State& state, std::uint64_t messages, std::size_t bytes) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * messages));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["ns_per_msg"] =
      benchmark::Counter(static_cast<double>(state.iterations() * messages),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The framing-only baseline: each iteration walks `bytes` frame by frame,
// counting messages by type. step(p, end, by_type) counts the frame at p
// and returns where the next one starts, or nullptr at the end.
template <class Step>
void framing_only(benchmark::State& state, const std::string& bytes, Step step) {
  const auto* p0 = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const std::uint8_t* end = p0 + bytes.size();
  for (auto _ : state) {
    std::array<std::uint64_t, 256> by_type{};
    const std::uint8_t* p = p0;
    while (p != nullptr && p < end) p = step(p, end, by_type);
    benchmark::DoNotOptimize(by_type);
  }
}

// For BENCHMARK(...)->Apply(venue_runs): ms, 5 repetitions, aggregates only.
inline void venue_runs(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);
}

}  // namespace adrmon::bench
