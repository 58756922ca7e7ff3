// Alert -> JSON line: adrmon::format_alert_json against the same fields
// written with snprintf("%.17g") (what most code does to keep doubles
// exact), same run. Half opens, half closes, realistic values.
#include <benchmark/benchmark.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "adrmon/core/alert_json.hpp"
#include "bench_common.hpp"

namespace adrmon::bench {
namespace {

std::vector<Alert> make_alerts() {
  Rng rng(3);
  std::vector<Alert> v(1024);
  for (std::size_t i = 0; i < v.size(); ++i) {
    Alert& a = v[i];
    a.ts_event =
        1'700'000'000'000'000'000 + static_cast<std::int64_t>(rng.next() % 1'000'000'000'000);
    a.open_ts = a.ts_event - 1'234'567'890;
    a.adr_ts = a.ts_event - 1'000'000;
    a.hk_ts = a.ts_event;
    a.fx_ts = a.ts_event - 77'000'000;
    a.adr_bid = std::round((80 + 20 * rng.uniform()) * 100) / 100;
    a.adr_ask = a.adr_bid + 0.02;
    a.hk_bid = std::round(a.adr_bid * 7.8 / 8 * 20) / 20;
    a.hk_ask = a.hk_bid + 0.05;
    a.fx_bid = 7.8123;
    a.fx_ask = 7.8126;
    a.ratio = 8;
    a.edge_bps = 50 + 30 * rng.uniform();
    a.mid_premium_bps = a.edge_bps + 12.5 * rng.uniform();
    a.peak_edge_bps = a.edge_bps + 5;
    a.kind = i % 2 == 0 ? AlertKind::Open : AlertKind::Close;
    a.reason = a.kind == AlertKind::Close ? CloseReason::Reverted : CloseReason::None;
    a.size_ads = 300;
    a.notional_usd = a.size_ads * a.adr_bid;
    a.side = i % 4 < 2 ? Side::SellAdr : Side::BuyAdr;
  }
  return v;
}

// Formats every alert of make_alerts() with `format` per iteration; rates in
// alerts and bytes.
template <class Format>
void format_all(benchmark::State& state, Format format) {
  const std::vector<Alert> alerts = make_alerts();
  char buf[kMaxAlertJsonBytes];
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const Alert& a : alerts) {
      bytes += format(a, "BABA/9988", buf);
      benchmark::DoNotOptimize(buf);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * alerts.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_FormatAlertJson(benchmark::State& state) {
  format_all(state, [](const Alert& a, std::string_view pair, char* out) {
    return format_alert_json(a, pair, out);
  });
}

std::size_t format_snprintf(const Alert& a, const char* pair, char* out) {
  const bool close = a.kind == AlertKind::Close;
  int n = std::snprintf(out, kMaxAlertJsonBytes,
                        "{\"ts\":%" PRId64 ",\"pair\":\"%s\",\"side\":\"%s\",\"kind\":\"%s\"",
                        a.ts_event, pair, side_name(a.side).data(), kind_name(a.kind).data());
  if (close) n += std::snprintf(out + n, 64, ",\"reason\":\"%s\"", reason_name(a.reason).data());
  n += std::snprintf(out + n, 512,
                     ",\"edge_bps\":%.17g,\"mid_premium_bps\":%.17g,\"adr_bid\":%.17g,\"adr_ask\":"
                     "%.17g,\"hk_bid\":%.17g,\"hk_ask\":%.17g,\"fx_bid\":%.17g,\"fx_ask\":%.17g,"
                     "\"ratio\":%.17g",
                     a.edge_bps, a.mid_premium_bps, a.adr_bid, a.adr_ask, a.hk_bid, a.hk_ask,
                     a.fx_bid, a.fx_ask, a.ratio);
  if (close) {
    n += std::snprintf(out + n, 96, ",\"open_ts\":%" PRId64 ",\"peak_edge_bps\":%.17g", a.open_ts,
                       a.peak_edge_bps);
  } else {
    n += std::snprintf(out + n, 96, ",\"size_ads\":%.17g,\"notional_usd\":%.17g", a.size_ads,
                       a.notional_usd);
  }
  n += std::snprintf(out + n, 128,
                     ",\"adr_ts\":%" PRId64 ",\"hk_ts\":%" PRId64 ",\"fx_ts\":%" PRId64 "}\n",
                     a.adr_ts, a.hk_ts, a.fx_ts);
  return static_cast<std::size_t>(n);
}

void BM_SnprintfBaseline(benchmark::State& state) {
  format_all(state, format_snprintf);
}

BENCHMARK(BM_FormatAlertJson);
BENCHMARK(BM_SnprintfBaseline);

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
