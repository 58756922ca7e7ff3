#include "summary.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace adrmon {

namespace {

using ull = unsigned long long;

struct Stage {
  const char* name;
  const LatencyHistogram* h;
};

std::vector<Stage> stages(const LatencyStages& l) {
  return {{"recv_to_parsed", &l.recv_to_parsed},
          {"parsed_to_priced", &l.parsed_to_priced},
          {"recv_to_priced", &l.recv_to_priced},
          {"priced_to_alert", &l.priced_to_alert},
          {"recv_to_alert", &l.recv_to_alert}};
}

}  // namespace

void print_latency(std::FILE* out, const LatencyStages& l) {
  std::fprintf(out, "latency (ns)       %10s %9s %9s %9s %9s %11s\n", "count", "p50", "p90", "p99",
               "p99.9", "max");
  for (const Stage& st : stages(l)) {
    const LatencyHistogram& h = *st.h;
    std::fprintf(out, "  %-16s %10llu %9lld %9lld %9lld %9lld %11lld\n", st.name,
                 static_cast<ull>(h.count()), static_cast<long long>(h.percentile(50)),
                 static_cast<long long>(h.percentile(90)), static_cast<long long>(h.percentile(99)),
                 static_cast<long long>(h.percentile(99.9)), static_cast<long long>(h.max()));
  }
}

namespace {
double ticks_per_second(const RunSummary& s) {
  const double t = s.engine_seconds > 0 ? s.engine_seconds : s.wall_seconds;
  return t > 0 ? static_cast<double>(s.feed.lines) / t : 0;
}
}  // namespace

void print_summary(std::FILE* out, const RunSummary& s) {
  const double rate = ticks_per_second(s);
  std::fprintf(out, "summary: ticks read %llu, accepted %llu, rejected %llu, blank lines %llu",
               static_cast<ull>(s.feed.lines), static_cast<ull>(s.engine.accepted),
               static_cast<ull>(s.rejects.total()), static_cast<ull>(s.feed.blank));
  if (s.dropped > 0) std::fprintf(out, ", dropped %llu", static_cast<ull>(s.dropped));
  std::fprintf(out, "\n");
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) {
    if (s.rejects.by_reason[i] == 0) continue;
    std::fprintf(out, "  rejected %-16s %llu\n",
                 std::string(reject_name(static_cast<Reject>(i))).c_str(),
                 static_cast<ull>(s.rejects.by_reason[i]));
  }
  for (const SourceSummary& src : s.sources) {
    std::fprintf(out,
                 "  source %s: lines %llu, ticks %llu, seq gaps %llu (%llu missing), seq dups %llu",
                 src.name.c_str(), static_cast<ull>(src.lines), static_cast<ull>(src.parsed),
                 static_cast<ull>(src.seq_gaps), static_cast<ull>(src.seq_missing),
                 static_cast<ull>(src.seq_duplicates));
    if (src.connects || src.disconnects) {
      std::fprintf(out, ", connects %llu, disconnects %llu", static_cast<ull>(src.connects),
                   static_cast<ull>(src.disconnects));
    }
    if (src.datagrams) std::fprintf(out, ", datagrams %llu", static_cast<ull>(src.datagrams));
    if (src.dropped) std::fprintf(out, ", DROPPED %llu", static_cast<ull>(src.dropped));
    std::fprintf(out, "\n");
  }
  std::fprintf(out, "summary: alerts %llu (open %llu, close %llu), still open %llu\n",
               static_cast<ull>(s.alerts), static_cast<ull>(s.engine.opens),
               static_cast<ull>(s.engine.closes), static_cast<ull>(s.engine.open_breaches));
  if (s.webhook) {
    std::fprintf(out, "summary: webhook delivered %llu, failed %llu, dropped %llu\n",
                 static_cast<ull>(s.webhook_delivered), static_cast<ull>(s.webhook_failed),
                 static_cast<ull>(s.webhook_dropped));
  }
  std::fprintf(out, "summary: wall %.3f s, engine %.3f s, %.0f ticks/s, %.1f MB read\n",
               s.wall_seconds, s.engine_seconds > 0 ? s.engine_seconds : s.wall_seconds, rate,
               static_cast<double>(s.feed.bytes) / 1e6);
  if (s.has_latency) print_latency(out, s.latency);
}

void write_summary_json(const std::string& path, const RunSummary& s) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  std::fprintf(f, "{\"ticks_read\":%llu,\"accepted\":%llu,\"rejected\":%llu,\"blank_lines\":%llu",
               static_cast<ull>(s.feed.lines), static_cast<ull>(s.engine.accepted),
               static_cast<ull>(s.rejects.total()), static_cast<ull>(s.feed.blank));
  std::fprintf(f, ",\"dropped\":%llu,\"rejects\":{", static_cast<ull>(s.dropped));
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) {
    std::fprintf(f, "%s\"%s\":%llu", i == 1 ? "" : ",",
                 std::string(reject_name(static_cast<Reject>(i))).c_str(),
                 static_cast<ull>(s.rejects.by_reason[i]));
  }
  std::fprintf(f, "},\"alerts\":%llu,\"opens\":%llu,\"closes\":%llu,\"open_breaches\":%llu",
               static_cast<ull>(s.alerts), static_cast<ull>(s.engine.opens),
               static_cast<ull>(s.engine.closes), static_cast<ull>(s.engine.open_breaches));
  std::fprintf(
      f, ",\"bytes\":%llu,\"wall_seconds\":%.6f,\"engine_seconds\":%.6f,\"ticks_per_second\":%.0f",
      static_cast<ull>(s.feed.bytes), s.wall_seconds,
      s.engine_seconds > 0 ? s.engine_seconds : s.wall_seconds, ticks_per_second(s));
  if (!s.sources.empty()) {
    std::fprintf(f, ",\"sources\":[");
    for (std::size_t i = 0; i < s.sources.size(); ++i) {
      const SourceSummary& src = s.sources[i];
      std::fprintf(f,
                   "%s{\"name\":\"%s\",\"lines\":%llu,\"ticks\":%llu,\"seq_gaps\":%llu,"
                   "\"seq_missing\":%llu,\"seq_duplicates\":%llu,\"connects\":%llu,"
                   "\"disconnects\":%llu,\"datagrams\":%llu,\"dropped\":%llu}",
                   i ? "," : "", src.name.c_str(), static_cast<ull>(src.lines),
                   static_cast<ull>(src.parsed), static_cast<ull>(src.seq_gaps),
                   static_cast<ull>(src.seq_missing), static_cast<ull>(src.seq_duplicates),
                   static_cast<ull>(src.connects), static_cast<ull>(src.disconnects),
                   static_cast<ull>(src.datagrams), static_cast<ull>(src.dropped));
    }
    std::fprintf(f, "]");
  }
  if (s.has_latency) {
    std::fprintf(f, ",\"latency_ns\":{");
    bool first = true;
    for (const Stage& st : stages(s.latency)) {
      const LatencyHistogram& h = *st.h;
      std::fprintf(f,
                   "%s\"%s\":{\"count\":%llu,\"p50\":%lld,\"p90\":%lld,\"p99\":%lld,"
                   "\"p99_9\":%lld,\"max\":%lld}",
                   first ? "" : ",", st.name, static_cast<ull>(h.count()),
                   static_cast<long long>(h.percentile(50)),
                   static_cast<long long>(h.percentile(90)),
                   static_cast<long long>(h.percentile(99)),
                   static_cast<long long>(h.percentile(99.9)), static_cast<long long>(h.max()));
      first = false;
    }
    std::fprintf(f, "},\"alert_queue_waits\":%llu,\"alert_write_errors\":%llu,\"alerts_lost\":%llu",
                 static_cast<ull>(s.alert_queue_waits), static_cast<ull>(s.alert_write_errors),
                 static_cast<ull>(s.alerts_lost));
  }
  std::fprintf(f, "}\n");
  std::fclose(f);
}

}  // namespace adrmon
