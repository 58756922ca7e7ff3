// Engine inputs shared by engine_bench and perf_probe: a fixed sequence of
// generated ticks for N pairs (mix, quotes only or FX only) and a priming
// step that makes every leg seen so every evaluation runs the full path.
#pragma once

#include "adrmon/strategy/spread_engine.hpp"
#include "bench_common.hpp"

namespace adrmon::bench {

enum Kind : int { kMix = 0, kQuotes = 1, kFx = 2 };
constexpr std::size_t kTicks = 1 << 16;

struct Setup {
  Config config;
  std::vector<Tick> ticks;
  std::int64_t span;  // ts shift per pass
};

inline Setup make_setup(std::size_t pairs, int kind, std::size_t ticks = kTicks) {
  Setup s;
  s.config = make_config(pairs, kind == kMix ? 3000 : 1'000'000'000);
  for (const Event& e : simulate(s.config, ticks, 42, 10, 10, kind)) s.ticks.push_back(to_tick(e));
  s.span = s.ticks.back().ts_event - s.ticks.front().ts_event + 1'000'000;
  return s;
}

// Every leg seen once, just before the sequence starts, at parity.
inline void prime(SpreadEngine& engine, const Setup& s) {
  const std::int64_t t0 = s.ticks.front().ts_event - 1'000'000;
  Tick fx{};
  fx.ts_event = t0;
  fx.bid = 7.8000;
  fx.ask = 7.8003;
  fx.kind = TickKind::Fx;
  fx.instrument = static_cast<std::uint16_t>(kFxInstrument);
  fx.seq = kNoSeq;
  (void)engine.on_tick(fx);
  for (PairId id = 0; id < s.config.pairs.size(); ++id) {
    Tick q{};
    q.ts_event = t0;
    q.kind = TickKind::Quote;
    q.bid = 100.00;
    q.ask = 100.02;
    q.bid_size = q.ask_size = 500;
    q.instrument = static_cast<std::uint16_t>(adr_instrument(id));
    (void)engine.on_tick(q);
    q.bid = 100.00 * 7.8 / s.config.pairs[id].ratio;
    q.ask = q.bid * 1.001;
    q.instrument = static_cast<std::uint16_t>(hk_instrument(id));
    (void)engine.on_tick(q);
  }
}

}  // namespace adrmon::bench
