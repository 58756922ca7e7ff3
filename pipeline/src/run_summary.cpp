// Length: the field table (one row per number of the summary) and its three
// renderings; the table is most of it and reads best whole.
// The field table and its three renderings (human text, JSON, metrics).
#include "adrmon/pipeline/run_summary.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "adrmon/core/json_text.hpp"

namespace adrmon {

namespace {

using ull = unsigned long long;
using F = SummaryField;
using S = SourceField;
using U = FieldUnit;
using W = FieldWhen;
using M = MetricType;

// Below this a time prints as 0.000 s: no rate is computed over it.
constexpr double kMinRateSeconds = 0.0005;

double ticks_per_second(const RunSummary& s) {
  const double t = s.engine_seconds > 0 ? s.engine_seconds : s.wall_seconds;
  return t >= kMinRateSeconds ? static_cast<double>(s.feed.lines) / t : 0;
}

// A rate over a zero time is unknown: the text says "n/a" (JSON keeps 0).
bool rate_unknown(const RunSummary& s) {
  const double t = s.engine_seconds > 0 ? s.engine_seconds : s.wall_seconds;
  return t < kMinRateSeconds;
}

double engine_seconds(const RunSummary& s) {
  return s.engine_seconds > 0 ? s.engine_seconds : s.wall_seconds;
}

template <class T>
double num(T v) {
  return static_cast<double>(v);
}

// Line numbers of the human summary: 1 reads, 2 alerts, 3 webhook, 4 time.
constexpr SummaryField kSummaryFields[] = {
    {"ticks_read", "ticks read {}", 1, U::Count, W::Always, M::Counter, "adrmon_ticks_read_total",
     "", "Tick lines read from all sources.",
     [](const RunSummary& s) { return num(s.feed.lines); }},
    {"accepted", "accepted {}", 1, U::Count, W::Always, M::Counter, "adrmon_ticks_accepted_total",
     "", "Ticks accepted by the engine.",
     [](const RunSummary& s) { return num(s.engine.accepted); }},
    {"rejected", "rejected {}", 1, U::Count, W::Always, M::None, "", "", "",
     [](const RunSummary& s) { return num(s.rejects.total()); }},
    {"blank_lines", "blank lines {}", 1, U::Count, W::Always, M::Counter,
     "adrmon_blank_lines_total", "", "Blank lines skipped, all sources.",
     [](const RunSummary& s) { return num(s.feed.blank); }},
    {"dropped", "dropped {}", 1, U::Count, W::NonZero, M::Counter, "adrmon_ticks_dropped_total", "",
     "Network ticks dropped on a full queue, all sources.",
     [](const RunSummary& s) { return num(s.dropped); }},
    {"alerts", "alerts {}", 2, U::Count, W::Always, M::Counter, "adrmon_alerts_written_total", "",
     "Alerts the sink stage handed to every sink.",
     [](const RunSummary& s) { return num(s.alerts); }},
    {"opens", "opens {}", 2, U::Count, W::Always, M::Counter, "adrmon_alerts_total", "kind=open",
     "Alerts the engine emitted, by kind.",
     [](const RunSummary& s) { return num(s.engine.opens); }},
    {"closes", "closes {}", 2, U::Count, W::Always, M::Counter, "adrmon_alerts_total", "kind=close",
     "Alerts the engine emitted, by kind.",
     [](const RunSummary& s) { return num(s.engine.closes); }},
    {"open_breaches", "still open {}", 2, U::Count, W::Always, M::Gauge, "adrmon_open_breaches", "",
     "Breaches (pair, side) open now.",
     [](const RunSummary& s) { return num(s.engine.open_breaches); }},
    {"webhook_delivered", "webhook delivered {}", 3, U::Count, W::Webhook, M::Counter,
     "adrmon_webhook_delivered_total", "", "Alerts POSTed and answered 2xx.",
     [](const RunSummary& s) { return num(s.webhook_delivered); }},
    {"webhook_failed", "failed {}", 3, U::Count, W::Webhook, M::Counter,
     "adrmon_webhook_failed_total", "", "Alerts given up after retries.",
     [](const RunSummary& s) { return num(s.webhook_failed); }},
    {"webhook_dropped", "dropped {}", 3, U::Count, W::Webhook, M::Counter,
     "adrmon_webhook_dropped_total", "",
     "Alerts dropped by the webhook (queue full, rate limit, shutdown).",
     [](const RunSummary& s) { return num(s.webhook_dropped); }},
    {"wall_seconds", "wall {}", 4, U::Seconds, W::Always, M::Gauge, "adrmon_uptime_seconds", "",
     "Seconds since the run started.", [](const RunSummary& s) { return s.wall_seconds; }},
    {"engine_seconds", "engine {}", 4, U::Seconds, W::Always, M::None, "", "", "", engine_seconds},
    {"ticks_per_second", "{} ticks/s", 4, U::Rate, W::Always, M::None, "", "", "",
     ticks_per_second},
    {"bytes", "{} read", 4, U::Bytes, W::Always, M::Counter, "adrmon_bytes_read_total", "",
     "Bytes read from all sources.", [](const RunSummary& s) { return num(s.feed.bytes); }},
    {"suspect_evaluations", "suspect evaluations {}", 2, U::Count, W::NonZero, M::Counter,
     "adrmon_suspect_evaluations_total", "",
     "Pair evaluations gated suspect (absurd premium or non-finite numbers), all pairs.",
     [](const RunSummary& s) {
       std::uint64_t n = 0;
       for (const PairSummary& p : s.pairs) n += p.suspect_evaluations;
       return num(n);
     }},
    {"alert_queue_waits", "", 0, U::Count, W::Run, M::Counter, "adrmon_alert_queue_waits_total", "",
     "Times the engine found the alert queue full and waited.",
     [](const RunSummary& s) { return num(s.alert_queue_waits); }},
    {"alert_write_errors", "", 0, U::Count, W::Run, M::Counter, "adrmon_alert_write_errors_total",
     "", "Alert log write errors.", [](const RunSummary& s) { return num(s.alert_write_errors); }},
    {"alerts_lost", "", 0, U::Count, W::Run, M::Counter, "adrmon_alerts_lost_total", "",
     "Alerts the alert log could not store (write errors).",
     [](const RunSummary& s) { return num(s.alerts_lost); }},
};

constexpr SourceField kSourceFields[] = {
    {"lines", "lines {}", 1, U::Count, W::Always, M::Counter, "adrmon_source_lines_total", "",
     "Tick lines read, per source.", [](const SourceSummary& x) { return num(x.lines); }},
    {"ticks", "ticks {}", 1, U::Count, W::Always, M::Counter, "adrmon_source_ticks_total", "",
     "Lines that became ticks, per source.", [](const SourceSummary& x) { return num(x.parsed); }},
    {"seq_gaps", "seq gaps {}", 1, U::Count, W::Always, M::Counter, "adrmon_source_seq_gaps_total",
     "", "Seq gaps, per source.", [](const SourceSummary& x) { return num(x.seq_gaps); }},
    {"seq_missing", "seq missing {}", 1, U::Count, W::Always, M::Counter,
     "adrmon_source_seq_missing_total", "", "Ticks missing inside seq gaps, per source.",
     [](const SourceSummary& x) { return num(x.seq_missing); }},
    {"seq_duplicates", "seq dups {}", 1, U::Count, W::Always, M::Counter,
     "adrmon_source_seq_duplicates_total", "", "Duplicate seqs, per source.",
     [](const SourceSummary& x) { return num(x.seq_duplicates); }},
    {"connects", "connects {}", 1, U::Count, W::NonZero, M::Counter, "adrmon_source_connects_total",
     "", "Connections made (TCP), per source.",
     [](const SourceSummary& x) { return num(x.connects); }},
    {"disconnects", "disconnects {}", 1, U::Count, W::NonZero, M::Counter,
     "adrmon_source_disconnects_total", "", "Connections lost, per source.",
     [](const SourceSummary& x) { return num(x.disconnects); }},
    {"datagrams", "datagrams {}", 1, U::Count, W::NonZero, M::Counter,
     "adrmon_source_datagrams_total", "", "Datagrams received (UDP), per source.",
     [](const SourceSummary& x) { return num(x.datagrams); }},
    {"dropped", "DROPPED {}", 1, U::Count, W::NonZero, M::Counter, "adrmon_source_dropped_total",
     "", "Ticks dropped, per source.", [](const SourceSummary& x) { return num(x.dropped); }},
    {"kernel_drops", "KERNEL DROPS {}", 1, U::Count, W::NonZero, M::Counter,
     "adrmon_source_kernel_drops_total", "",
     "Datagrams the kernel dropped before adrmon read them (socket buffer full), per UDP source.",
     [](const SourceSummary& x) { return num(x.kernel_drops); }},
    {"kernel_stamped", "", 0, U::Count, W::NonZero, M::Counter,
     "adrmon_source_kernel_stamped_total", "",
     "Datagrams that carried the kernel's receive stamp, per UDP source.",
     [](const SourceSummary& x) { return num(x.kernel_stamped); }},
    {"wire_wait_seconds", "", 0, U::Seconds, W::NonZero, M::Counter,
     "adrmon_source_wire_wait_seconds_total", "",
     "Summed time stamped datagrams waited in the socket (kernel stamp to read), per UDP source.",
     [](const SourceSummary& x) { return x.wire_wait_seconds; }},
    {"queue_depth", "", 0, U::Count, W::Always, M::Gauge, "adrmon_source_queue_depth", "",
     "Ticks waiting in the source's queue to the engine.",
     [](const SourceSummary& x) { return num(x.queue_depth); }},
    {"up", "", 0, U::Count, W::Always, M::Gauge, "adrmon_source_up", "",
     "1: the source is live (or not watched); 0: silent past its silence_ms.",
     [](const SourceSummary& x) { return x.up ? 1.0 : 0.0; }},
    {"last_tick_seconds", "", 0, U::Seconds, W::Run, M::Gauge, "adrmon_source_last_tick_seconds",
     "", "Wall seconds since the source's last accepted tick (-1: none yet).",
     [](const SourceSummary& x) { return x.last_tick_seconds; }},
    {"downs", "went down {}", 1, U::Count, W::NonZero, M::Counter, "adrmon_source_downs_total", "",
     "Times the source went silent past its silence_ms.",
     [](const SourceSummary& x) { return num(x.downs); }},
};

bool applies(FieldWhen when, const RunSummary& s) {
  switch (when) {
    case W::Run:
      return s.has_latency;
    case W::Webhook:
      return s.webhook;
    default:
      return true;
  }
}

// The value as people read it ("34272", "0.071 s", "628129", "4.5 MB"), or
// as JSON writes it ("34272", "0.071000", "628129", "4500000").
std::string value_text(FieldUnit unit, double v, bool human) {
  char buf[64];
  switch (unit) {
    case U::Count:
      std::snprintf(buf, sizeof buf, "%llu", static_cast<ull>(v));
      break;
    case U::Seconds:
      std::snprintf(buf, sizeof buf, human ? "%.3f s" : "%.6f", v);
      break;
    case U::Rate:
      std::snprintf(buf, sizeof buf, "%.0f", v);
      break;
    case U::Bytes:
      if (human)
        std::snprintf(buf, sizeof buf, "%.1f MB", v / 1e6);
      else
        std::snprintf(buf, sizeof buf, "%llu", static_cast<ull>(v));
      break;
  }
  return buf;
}

// "'BABA US', '09988.HK', … — see [aliases]" (", …" when the list is full:
// there may be more).
std::string symbols_text(const std::vector<std::string>& symbols) {
  std::string line;
  for (const std::string& sym : symbols) {
    line += line.empty() ? "'" : ", '";
    line += sym + "'";
  }
  if (symbols.size() >= kListedUnknownSymbols) line += ", \xE2\x80\xA6";
  return line + " \xE2\x80\x94 see [aliases]";
}

// ["a","b"] (escaped).
void append_string_array(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (k > 0) out += ',';
    append_json_string(out, items[k]);
  }
  out += ']';
}

// {"name":N,...} over the rows `keep` accepts.
template <class Rows, class Keep>
void append_count_object(std::string& out, const Rows& rows, Keep keep) {
  out += '{';
  bool first = true;
  for (const auto& [name, value] : rows) {
    if (!keep(value)) continue;
    if (!first) out += ',';
    first = false;
    append_json_string(out, name);
    out += ':';
    out += std::to_string(value);
  }
  out += '}';
}

// "ticks read {}" with the value in place of "{}".
template <class Row>
std::string human_field(const Field<Row>& f, const Row& row) {
  std::string text(f.text);
  const std::size_t at = text.find("{}");
  const std::string v = value_text(f.unit, f.value(row), /*human=*/true);
  if (at == std::string::npos) return text + " " + v;
  return text.replace(at, 2, v);
}

// The human words of one line's fields, joined by ", ".
template <class Row>
std::string human_line(std::span<const Field<Row>> fields, int line, const Row& row,
                       const RunSummary& s) {
  std::string out;
  for (const Field<Row>& f : fields) {
    if (f.line != line || f.text.empty() || !applies(f.when, s)) continue;
    if (f.when == W::NonZero && f.value(row) == 0) continue;
    if (!out.empty()) out += ", ";
    if (f.unit == U::Rate && rate_unknown(s)) {
      std::string text(f.text);  // "{} ticks/s" -> "ticks/s n/a"
      const std::size_t at = text.find("{} ");
      if (at != std::string::npos) text.erase(at, 3);
      out += text + " n/a";
      continue;
    }
    out += human_field(f, row);
  }
  return out;
}

template <class Row>
void append_json_fields(std::string& out, std::span<const Field<Row>> fields, const Row& row,
                        const RunSummary& s) {
  for (const Field<Row>& f : fields) {
    if (!applies(f.when, s)) continue;
    out += ",\"";
    out += f.json;
    out += "\":";
    out += value_text(f.unit, f.value(row), /*human=*/false);
  }
}

// "kind=open" -> ("kind", "open").
std::pair<std::string_view, std::string_view> split_label(std::string_view label) {
  const std::size_t eq = label.find('=');
  if (eq == std::string_view::npos) return {label, {}};
  return {label.substr(0, eq), label.substr(eq + 1)};
}

}  // namespace

std::span<const SummaryField> summary_fields() noexcept {
  return kSummaryFields;
}
std::span<const SourceField> source_fields() noexcept {
  return kSourceFields;
}

std::vector<LatencyStage> latency_stages(const LatencyStages& l) {
  return {{"recv_to_parsed", &l.recv_to_parsed},
          {"parsed_to_priced", &l.parsed_to_priced},
          {"recv_to_priced", &l.recv_to_priced},
          {"priced_to_alert", &l.priced_to_alert},
          {"recv_to_alert", &l.recv_to_alert}};
}

void print_latency(std::FILE* out, const LatencyStages& l) {
  std::fprintf(out, "latency (ns)       %10s %9s %9s %9s %9s %11s\n", "count", "p50", "p90", "p99",
               "p99.9", "max");
  for (const LatencyStage& st : latency_stages(l)) {
    const LatencyHistogram& h = *st.histogram;
    if (h.count() == 0) {  // e.g. the per-tick stages when every source is untimed
      std::fprintf(out, "  %-16.*s %10d %9s %9s %9s %9s %11s\n", static_cast<int>(st.name.size()),
                   st.name.data(), 0, "-", "-", "-", "-", "-");
      continue;
    }
    std::fprintf(out, "  %-16.*s %10llu %9lld %9lld %9lld %9lld %11lld\n",
                 static_cast<int>(st.name.size()), st.name.data(), static_cast<ull>(h.count()),
                 static_cast<long long>(h.percentile(50)), static_cast<long long>(h.percentile(90)),
                 static_cast<long long>(h.percentile(99)),
                 static_cast<long long>(h.percentile(99.9)), static_cast<long long>(h.max()));
  }
}

void print_summary(std::FILE* out, const RunSummary& s) {
  const std::span<const SummaryField> fields = summary_fields();
  std::fprintf(out, "summary: %s\n", human_line(fields, 1, s, s).c_str());
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) {
    if (s.rejects.by_reason[i] == 0) continue;
    std::fprintf(out, "  rejected %-16s %llu\n",
                 std::string(reject_name(static_cast<Reject>(i))).c_str(),
                 static_cast<ull>(s.rejects.by_reason[i]));
  }
  for (const SourceSummary& src : s.sources) {
    std::fprintf(out, "  source %s: %s\n", src.name.c_str(),
                 human_line(source_fields(), 1, src, s).c_str());
    if (!src.unknown_symbols.empty()) {
      std::fprintf(out, "    unknown symbols: %s\n", symbols_text(src.unknown_symbols).c_str());
    }
    if (src.counters.empty()) continue;
    std::string line;
    for (const auto& [name, value] : src.counters) {
      line += line.empty() ? "" : ", ";
      line += name + " " + std::to_string(value);
    }
    std::fprintf(out, "    %s\n", line.c_str());
  }
  for (const auto& [file, symbols] : s.file_unknown_symbols) {
    std::fprintf(out, "  file %s: unknown symbols %s\n", file.c_str(),
                 symbols_text(symbols).c_str());
  }
  for (const PairSummary& p : s.pairs) {
    if (p.suspect_evaluations == 0) continue;
    std::fprintf(out, "  suspect %s: %llu evaluation(s) gated\n", p.name.c_str(),
                 static_cast<ull>(p.suspect_evaluations));
  }
  for (int line = 2; line <= 4; ++line) {
    const std::string text = human_line(fields, line, s, s);
    if (!text.empty()) std::fprintf(out, "summary: %s\n", text.c_str());
  }
  if (s.has_latency) print_latency(out, s.latency);
}

std::string summary_json(const RunSummary& s) {
  std::string out = "{";
  append_json_fields(out, summary_fields(), s, s);
  out.erase(1, 1);  // the first field's leading comma
  out += ",\"rejects\":{";
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) {
    if (i > 1) out += ',';
    append_json_string(out, reject_name(static_cast<Reject>(i)));
    out += ':';
    out += std::to_string(s.rejects.by_reason[i]);
  }
  out += '}';
  if (!s.sources.empty()) {
    out += ",\"sources\":[";
    for (std::size_t i = 0; i < s.sources.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"name\":";
      append_json_string(out, s.sources[i].name);
      append_json_fields(out, source_fields(), s.sources[i], s);
      if (!s.sources[i].unknown_symbols.empty()) {
        out += ",\"unknown_symbols\":";
        append_string_array(out, s.sources[i].unknown_symbols);
      }
      if (!s.sources[i].counters.empty()) {
        out += ",\"counters\":";
        append_count_object(out, s.sources[i].counters, [](std::uint64_t) { return true; });
      }
      out += '}';
    }
    out += ']';
  }
  if (!s.file_unknown_symbols.empty()) {
    out += ",\"unknown_symbols\":{";
    for (std::size_t i = 0; i < s.file_unknown_symbols.size(); ++i) {
      if (i > 0) out += ',';
      append_json_string(out, s.file_unknown_symbols[i].first);
      out += ':';
      append_string_array(out, s.file_unknown_symbols[i].second);
    }
    out += '}';
  }
  if (!s.pairs.empty()) {
    std::vector<std::pair<std::string_view, std::uint64_t>> suspect;
    for (const PairSummary& p : s.pairs) suspect.emplace_back(p.name, p.suspect_evaluations);
    out += ",\"suspect_by_pair\":";
    append_count_object(out, suspect, [](std::uint64_t n) { return n != 0; });
  }
  if (s.has_latency) {
    out += ",\"latency_ns\":{";
    bool first = true;
    for (const LatencyStage& st : latency_stages(s.latency)) {
      const LatencyHistogram& h = *st.histogram;
      char buf[256];
      std::snprintf(buf, sizeof buf,
                    "%s\"%.*s\":{\"count\":%llu,\"p50\":%lld,\"p90\":%lld,\"p99\":%lld,"
                    "\"p99_9\":%lld,\"max\":%lld}",
                    first ? "" : ",", static_cast<int>(st.name.size()), st.name.data(),
                    static_cast<ull>(h.count()), static_cast<long long>(h.percentile(50)),
                    static_cast<long long>(h.percentile(90)),
                    static_cast<long long>(h.percentile(99)),
                    static_cast<long long>(h.percentile(99.9)), static_cast<long long>(h.max()));
      out += buf;
      first = false;
    }
    out += '}';
  }
  out += '}';
  return out;
}

void write_summary_json(const std::string& path, const RunSummary& s) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  const std::string text = summary_json(s) + "\n";
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) {
    throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  }
}

void write_summary_metrics(const RunSummary& s, MetricOut& out) {
  std::string_view last_family;
  const auto family = [&](std::string_view name, MetricType type, std::string_view help) {
    if (name == last_family) return;
    out.family(name, type == M::Gauge ? "gauge" : "counter", help);
    last_family = name;
  };
  for (const SummaryField& f : summary_fields()) {
    if (f.metric.empty() || !applies(f.when, s)) continue;
    family(f.metric, f.type, f.help);
    const auto [key, value] = split_label(f.label);
    out.sample(f.metric, key, value, f.value(s));
  }
  family("adrmon_ticks_rejected_total", M::Counter,
         "Ticks refused, by reason (parse time and engine).");
  for (std::size_t r = 1; r < kRejectReasonCount; ++r) {
    out.sample("adrmon_ticks_rejected_total", "reason", reject_name(static_cast<Reject>(r)),
               num(s.rejects.by_reason[r]));
  }
  std::uint64_t gaps = 0, missing = 0, dups = 0;
  for (const SourceSummary& src : s.sources) {
    gaps += src.seq_gaps;
    missing += src.seq_missing;
    dups += src.seq_duplicates;
  }
  family("adrmon_seq_gaps_total", M::Counter, "Per-stream seq gaps seen, all sources.");
  out.sample("adrmon_seq_gaps_total", "", "", num(gaps));
  family("adrmon_seq_missing_total", M::Counter, "Ticks missing inside seq gaps, all sources.");
  out.sample("adrmon_seq_missing_total", "", "", num(missing));
  family("adrmon_seq_duplicates_total", M::Counter, "Duplicate seqs seen, all sources.");
  out.sample("adrmon_seq_duplicates_total", "", "", num(dups));
  for (const SourceField& f : source_fields()) {
    if (f.metric.empty()) continue;
    family(f.metric, f.type, f.help);
    for (const SourceSummary& src : s.sources) {
      out.sample(f.metric, "source", src.name, f.value(src));
    }
  }
  if (!s.pairs.empty()) {
    family("adrmon_pair_suspect_evaluations_total", M::Counter,
           "Evaluations gated suspect, per pair.");
    for (const PairSummary& p : s.pairs) {
      out.sample("adrmon_pair_suspect_evaluations_total", "pair", p.name,
                 num(p.suspect_evaluations));
    }
  }
  // Venue decoder counters: one family, labelled by source and counter name
  // (a per-source label set would need two labels; "source/counter" keeps
  // MetricOut's one label).
  bool counters = false;
  for (const SourceSummary& src : s.sources) {
    for (const auto& [name, value] : src.counters) {
      if (!counters) {
        family("adrmon_source_counter_total", M::Counter,
               "Venue decoder counters (messages by type, gaps, re-requests), label "
               "source/counter.");
        counters = true;
      }
      out.sample("adrmon_source_counter_total", "counter", src.name + "/" + name, num(value));
    }
  }
}

}  // namespace adrmon
