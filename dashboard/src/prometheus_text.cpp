// Prometheus text format 0.0.4 (see prometheus_text.hpp).
//
// Latency histograms: LatencyHistogram keeps log-linear buckets; /metrics
// exports the subset of their upper edges nearest below 1-2.5-5 steps, so
// every cumulative count is exact (a sum of whole internal buckets).
#include "prometheus_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "adrmon/core/json_text.hpp"

namespace adrmon::dashboard {

namespace {

// HELP text escapes backslash and newline; label values also the quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
}

}  // namespace

void PromWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(out_, help, /*quote=*/false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PromWriter::sample(std::string_view name, Labels labels, double value) {
  out_ += name;
  if (labels.size() != 0) {
    out_ += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += k;
      out_ += "=\"";
      append_escaped(out_, v, /*quote=*/true);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  value_text(out_, value);
  out_ += '\n';
}

void PromWriter::one(std::string_view name, std::string_view type, std::string_view help,
                     double value) {
  family(name, type, help);
  sample(name, value);
}

void PromWriter::value_text(std::string& out, double v) {
  if (std::isnan(v))
    out += "NaN";
  else if (std::isinf(v))
    out += v > 0 ? "+Inf" : "-Inf";
  else if (v == std::floor(v) && std::fabs(v) < 9e15)
    append_int(out, static_cast<std::int64_t>(v));
  else
    append_number(out, v);
}

namespace {

// Internal bucket indices of the exported edges, ascending.
const std::vector<std::size_t>& export_buckets() {
  static const std::vector<std::size_t> buckets = [] {
    std::vector<std::size_t> out;
    for (double decade = 1e3; decade <= 1e10; decade *= 10) {
      for (const double m : {1.0, 2.5, 5.0}) {
        const auto edge = static_cast<std::int64_t>(decade * m);
        if (edge > 10'000'000'000) break;
        std::size_t b = LatencyHistogram::bucket_of(edge);
        if (LatencyHistogram::bucket_upper(b) > edge) --b;
        if (out.empty() || out.back() != b) out.push_back(b);
      }
    }
    return out;
  }();
  return buckets;
}

}  // namespace

void write_histogram(PromWriter& w, std::string_view name, std::string_view stage,
                     const LatencyHistogram& h) {
  std::string bucket_name(name);
  bucket_name += "_bucket";
  double sum_ns = 0;
  std::uint64_t count = 0;  // values <= the current edge
  std::size_t next = 0;     // first internal bucket not yet in `count`
  std::uint64_t prev_count = 0;
  double prev_edge = static_cast<double>(h.min());
  for (const std::size_t b : export_buckets()) {
    for (; next <= b; ++next) count += h.bucket_count(next);
    const auto edge = static_cast<double>(LatencyHistogram::bucket_upper(b));
    std::string le;
    PromWriter::value_text(le, edge / 1e9);
    w.sample(bucket_name, {{"stage", stage}, {"le", le}}, static_cast<double>(count));
    // Approximate sum: each value at the midpoint of its exported bucket.
    const double lo = std::min(prev_edge, edge);
    sum_ns += static_cast<double>(count - prev_count) *
              (lo + std::min(edge, static_cast<double>(h.max()))) / 2;
    prev_count = count;
    prev_edge = edge;
  }
  sum_ns +=
      static_cast<double>(h.count() - prev_count) * (prev_edge + static_cast<double>(h.max())) / 2;
  w.sample(bucket_name, {{"stage", stage}, {"le", "+Inf"}}, static_cast<double>(h.count()));
  w.sample(std::string(name) + "_sum", {{"stage", stage}}, sum_ns / 1e9);
  w.sample(std::string(name) + "_count", {{"stage", stage}}, static_cast<double>(h.count()));
}

namespace {

// The pipeline's field table writes through this (one label at most).
class PromMetricOut final : public MetricOut {
 public:
  explicit PromMetricOut(PromWriter& w) : w_(w) {}
  void family(std::string_view name, std::string_view type, std::string_view help) override {
    w_.family(name, type, help);
  }
  void sample(std::string_view name, std::string_view key, std::string_view value,
              double v) override {
    if (key.empty())
      w_.sample(name, v);
    else
      w_.sample(name, {{key, value}}, v);
  }

 private:
  PromWriter& w_;
};

}  // namespace

void write_summary_metrics(PromWriter& w, const RunSummary& s) {
  PromMetricOut out(w);
  adrmon::write_summary_metrics(s, out);
  if (s.has_latency) {
    constexpr std::string_view kName = "adrmon_latency_seconds";
    w.family(kName, "histogram",
             "Steady-clock latency per stage (recv = bytes in hand). Bucket edges are the "
             "internal log-linear buckets' edges nearest below 1-2.5-5 steps, so counts are "
             "exact; _sum is approximate (each value at its bucket's midpoint).");
    for (const LatencyStage& st : latency_stages(s.latency)) {
      write_histogram(w, kName, st.name, *st.histogram);
    }
  }
}

void write_build_info(PromWriter& w) {
  const BuildInfo& b = build_info();
  w.family("adrmon_build_info", "gauge",
           "Always 1; the labels say which build this is (adrmon --version, tick parser SIMD).");
  w.sample("adrmon_build_info", {{"version", b.version}, {"commit", b.commit}, {"simd", b.simd}},
           1);
}

void write_pair_metrics(PromWriter& w, std::span<const PairView> views,
                        std::span<const PairName> names) {
  const auto name = [&](const PairView& v) -> std::string_view {
    return v.pair < names.size() ? std::string_view(names[v.pair].name) : std::string_view("?");
  };
  w.family("adrmon_pair_premium_bps", "gauge",
           "Mid premium of the ADR over the HK line, bp (pairs with all three legs seen).");
  for (const PairView& v : views) {
    if (v.priced) w.sample("adrmon_pair_premium_bps", {{"pair", name(v)}}, v.mid_premium_bps);
  }
  w.family("adrmon_pair_edge_bps", "gauge", "Edge net of costs per side, bp (priced pairs).");
  for (const PairView& v : views) {
    if (!v.priced) continue;
    for (int s = 0; s < kSideCount; ++s) {
      w.sample("adrmon_pair_edge_bps",
               {{"pair", name(v)}, {"side", side_name(static_cast<Side>(s))}}, v.edge_bps[s]);
    }
  }
  w.family("adrmon_pair_leg_age_seconds", "gauge",
           "Event-time age of each leg's last quote at the board's time (legs seen).");
  for (const PairView& v : views) {
    const std::pair<std::string_view, const LegQuote*> legs[] = {
        {"adr", &v.adr}, {"hk", &v.hk}, {"fx", &v.fx}};
    for (const auto& [leg, q] : legs) {
      if (!q->seen) continue;
      w.sample("adrmon_pair_leg_age_seconds", {{"pair", name(v)}, {"leg", leg}},
               static_cast<double>(v.as_of - q->ts) / 1e9);
    }
  }
  w.family("adrmon_pair_breach_open", "gauge", "1 while a breach is open on that side, else 0.");
  for (const PairView& v : views) {
    for (int s = 0; s < kSideCount; ++s) {
      w.sample("adrmon_pair_breach_open",
               {{"pair", name(v)}, {"side", side_name(static_cast<Side>(s))}}, v.open[s] ? 1 : 0);
    }
  }
  w.family("adrmon_pair_live", "gauge",
           "1 when the gate holds (the comparison is live), 0 when only indicative.");
  for (const PairView& v : views) {
    w.sample("adrmon_pair_live", {{"pair", name(v)}}, v.gate == GateReason::None ? 1 : 0);
  }
}

void write_dashboard_metrics(PromWriter& w, const Dashboard::Counts& c) {
  using C = Dashboard::Counts;
  struct Row {
    std::string_view name, type, help;
    std::uint64_t C::*value;
  };
  static constexpr Row kRows[] = {
      {"adrmon_dashboard_http_requests_total", "counter", "HTTP requests answered.",
       &C::http_requests},
      {"adrmon_dashboard_unauthorized_total", "counter", "Requests refused 401 (token).",
       &C::unauthorized},
      {"adrmon_dashboard_forbidden_host_total", "counter",
       "Requests refused 403 (Host not loopback).", &C::forbidden_host},
      {"adrmon_dashboard_ws_clients", "gauge", "WebSocket clients connected.", &C::ws_clients},
      {"adrmon_dashboard_ws_connects_total", "counter", "WebSocket handshakes completed.",
       &C::ws_connects},
      {"adrmon_dashboard_ws_messages_total", "counter", "WebSocket frames written.",
       &C::ws_messages},
      {"adrmon_dashboard_ws_bytes_total", "counter", "WebSocket payload bytes written.",
       &C::ws_bytes},
      {"adrmon_dashboard_ws_pair_updates_dropped_total", "counter",
       "Pair deltas skipped for slow clients (replaced by a full refresh).",
       &C::pair_updates_dropped},
      {"adrmon_dashboard_ws_disconnected_slow_total", "counter",
       "Clients disconnected: too many queued alerts or a stuck write.", &C::ws_disconnected_slow},
      {"adrmon_dashboard_ws_refused_total", "counter", "WebSocket clients refused (limit).",
       &C::ws_refused},
      {"adrmon_dashboard_alerts_offered_total", "counter", "Alerts offered to the dashboard.",
       &C::alerts_offered},
      {"adrmon_dashboard_alerts_dropped_total", "counter", "Alerts dropped: dashboard queue full.",
       &C::alerts_dropped},
      {"adrmon_dashboard_connections", "gauge", "TCP connections open now (HTTP and WebSocket).",
       &C::connections},
  };
  for (const Row& r : kRows) w.one(r.name, r.type, r.help, static_cast<double>(c.*r.value));
  constexpr std::string_view kRefused = "adrmon_dashboard_connections_refused_total";
  w.family(kRefused, "counter",
           "TCP connections closed at accept: per-address limit, or every slot taken.");
  w.sample(kRefused, {{"reason", "per_address"}}, static_cast<double>(c.refused_per_address));
  w.sample(kRefused, {{"reason", "server_full"}}, static_cast<double>(c.refused_server_full));
}

}  // namespace adrmon::dashboard

namespace adrmon {

namespace {
BuildInfo& build_info_storage() {
  static BuildInfo info;
  return info;
}
}  // namespace

void set_build_info(BuildInfo info) {
  build_info_storage() = std::move(info);
}

const BuildInfo& build_info() noexcept {
  return build_info_storage();
}

}  // namespace adrmon
