// The run summary's field table and its three renderings: JSON stays valid
// whatever a source is called, every exported field appears once, the human
// text and the metrics carry the same numbers.
#include "adrmon/pipeline/run_summary.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace adrmon {
namespace {

RunSummary sample_summary() {
  RunSummary s;
  s.feed.lines = 1000;
  s.feed.parsed = 990;
  s.feed.blank = 3;
  s.feed.bytes = 4'500'000;
  s.rejects.add(Reject::InvalidJson);
  s.rejects.add(Reject::InvalidJson);
  s.rejects.add(Reject::OutOfOrder);
  s.engine.accepted = 997;
  s.engine.opens = 7;
  s.engine.closes = 6;
  s.engine.open_breaches = 1;
  s.alerts = 13;
  s.dropped = 2;
  s.wall_seconds = 2.0;
  s.engine_seconds = 1.0;
  s.has_latency = true;
  s.alerts_lost = 4;
  s.alert_write_errors = 1;
  s.latency.recv_to_priced.record(1500);
  SourceSummary a;
  a.name = "tcp://127.0.0.1:9000";
  a.lines = 600;
  a.seq_gaps = 2;
  a.seq_missing = 5;
  a.connects = 1;
  SourceSummary b;
  b.name = "file:we\"ird\\name\n\x01.jsonl";  // a quote, a backslash, a newline, a control byte
  b.lines = 400;
  b.dropped = 2;
  s.sources = {a, b};
  return s;
}

TEST(RunSummary, JsonIsValidWithHostileSourceNames) {
  const RunSummary s = sample_summary();
  const nlohmann::json j = nlohmann::json::parse(summary_json(s));
  EXPECT_EQ(j["ticks_read"], 1000);
  EXPECT_EQ(j["accepted"], 997);
  EXPECT_EQ(j["rejected"], 3);
  EXPECT_EQ(j["rejects"]["invalid_json"], 2);
  EXPECT_EQ(j["rejects"]["out_of_order"], 1);
  EXPECT_EQ(j["alerts_lost"], 4);
  EXPECT_EQ(j["dropped"], 2);
  EXPECT_EQ(j["ticks_per_second"], 1000);  // lines over engine seconds
  ASSERT_EQ(j["sources"].size(), 2u);
  EXPECT_EQ(j["sources"][1]["name"], s.sources[1].name) << "the name round-trips exactly";
  EXPECT_EQ(j["sources"][0]["seq_missing"], 5);
  EXPECT_EQ(j["latency_ns"]["recv_to_priced"]["count"], 1);
}

TEST(RunSummary, ReplayJsonHasNoRunOnlyFields) {
  RunSummary s = sample_summary();
  s.has_latency = false;
  s.sources.clear();
  const nlohmann::json j = nlohmann::json::parse(summary_json(s));
  EXPECT_FALSE(j.contains("alerts_lost"));
  EXPECT_FALSE(j.contains("latency_ns"));
  EXPECT_FALSE(j.contains("sources"));
  EXPECT_TRUE(j.contains("ticks_read"));
}

TEST(RunSummary, FieldTableHasUniqueKeysAndDocumentedMetrics) {
  std::set<std::string> keys;
  std::set<std::string> samples;
  for (const SummaryField& f : summary_fields()) {
    EXPECT_TRUE(keys.insert(std::string(f.json)).second) << "duplicate JSON key " << f.json;
    if (f.metric.empty()) continue;
    EXPECT_NE(f.type, MetricType::None) << f.metric;
    EXPECT_FALSE(f.help.empty()) << f.metric;
    EXPECT_EQ(f.metric.substr(0, 7), "adrmon_") << f.metric;
    EXPECT_TRUE(samples.insert(std::string(f.metric) + "{" + std::string(f.label) + "}").second)
        << "two fields export the same sample " << f.metric;
  }
  keys.clear();
  for (const SourceField& f : source_fields()) {
    EXPECT_TRUE(keys.insert(std::string(f.json)).second) << f.json;
    EXPECT_NE(f.json, "name") << "the name is not a field";
  }
}

class RecordingMetrics final : public MetricOut {
 public:
  void family(std::string_view name, std::string_view type, std::string_view) override {
    EXPECT_TRUE(families.insert(std::string(name)).second) << "family twice: " << name;
    EXPECT_TRUE(type == "counter" || type == "gauge") << type;
  }
  void sample(std::string_view name, std::string_view key, std::string_view value,
              double v) override {
    EXPECT_TRUE(families.count(std::string(name))) << "sample before its family: " << name;
    std::string id(name);
    if (!key.empty()) id += "{" + std::string(key) + "=" + std::string(value) + "}";
    EXPECT_TRUE(values.emplace(id, v).second) << "sample twice: " << id;
  }
  std::set<std::string> families;
  std::map<std::string, double> values;
};

TEST(RunSummary, MetricsCarryTheSameNumbers) {
  const RunSummary s = sample_summary();
  RecordingMetrics m;
  write_summary_metrics(s, m);
  EXPECT_EQ(m.values.at("adrmon_ticks_read_total"), 1000);
  EXPECT_EQ(m.values.at("adrmon_alerts_lost_total"), 4);
  EXPECT_EQ(m.values.at("adrmon_alerts_total{kind=open}"), 7);
  EXPECT_EQ(m.values.at("adrmon_alerts_total{kind=close}"), 6);
  EXPECT_EQ(m.values.at("adrmon_ticks_rejected_total{reason=invalid_json}"), 2);
  EXPECT_EQ(m.values.at("adrmon_seq_missing_total"), 5);
  EXPECT_EQ(m.values.at("adrmon_source_lines_total{source=tcp://127.0.0.1:9000}"), 600);
  EXPECT_FALSE(m.families.count("adrmon_webhook_delivered_total")) << "no webhook configured";
}

std::string printed(const RunSummary& s) {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  print_summary(f, s);
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

TEST(RunSummary, HumanTextNamesEveryCount) {
  RunSummary s = sample_summary();
  const std::string text = printed(s);
  EXPECT_NE(text.find("summary: ticks read 1000, accepted 997, rejected 3, blank lines 3, "
                      "dropped 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  rejected invalid_json     2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("summary: alerts 13, opens 7, closes 6, still open 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("summary: wall 2.000 s, engine 1.000 s, 1000 ticks/s, 4.5 MB read\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  source tcp://127.0.0.1:9000: lines 600, ticks 0, seq gaps 2, seq missing "
                      "5, seq dups 0, connects 1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("webhook"), std::string::npos);
  s.dropped = 0;
  EXPECT_EQ(printed(s).find("dropped"), std::string::npos) << "non-zero only";
}

TEST(RunSummary, NoRateOverAZeroTimeAndUnknownSymbolsAreListed) {
  RunSummary s = sample_summary();
  s.wall_seconds = 0;
  s.engine_seconds = 0.0001;  // prints as 0.000 s
  s.sources[0].unknown_symbols = {"BABA US", "09988.HK"};
  const std::string text = printed(s);
  EXPECT_NE(text.find("engine 0.000 s, ticks/s n/a, "), std::string::npos) << text;
  EXPECT_NE(text.find("    unknown symbols: 'BABA US', '09988.HK' \xE2\x80\x94 see [aliases]\n"),
            std::string::npos)
      << text;
  const nlohmann::json j = nlohmann::json::parse(summary_json(s));
  EXPECT_EQ(j["ticks_per_second"], 0);
  EXPECT_EQ(j["sources"][0]["unknown_symbols"], nlohmann::json({"BABA US", "09988.HK"}));
  EXPECT_FALSE(j["sources"][1].contains("unknown_symbols"));
  EXPECT_FALSE(j.contains("unknown_symbols")) << "per file only for replay";
}

// Replay has no source rows: each file with unknown symbols gets a line and
// a key of the top-level "unknown_symbols" object; a full list (the feeds
// keep kListedUnknownSymbols) ends ", …" because there may be more.
TEST(RunSummary, ReplayListsUnknownSymbolsPerFileAndAFullListSaysThereMayBeMore) {
  RunSummary s;
  s.wall_seconds = 0;
  s.file_unknown_symbols = {{"us\"vendor\".jsonl", {"BABA US", "JD US", "PONY US", "YUMC US"}},
                            {"hk.jsonl", {"09988.HK"}}};
  const std::string text = printed(s);
  EXPECT_NE(text.find("  file us\"vendor\".jsonl: unknown symbols 'BABA US', 'JD US', 'PONY US', "
                      "'YUMC US', \xE2\x80\xA6 \xE2\x80\x94 see [aliases]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  file hk.jsonl: unknown symbols '09988.HK' \xE2\x80\x94 see [aliases]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ticks/s n/a"), std::string::npos) << text;
  EXPECT_EQ(text.find(" ticks/s,"), std::string::npos) << "no rate over zero time: " << text;
  const nlohmann::json j = nlohmann::json::parse(summary_json(s));
  EXPECT_EQ(j["unknown_symbols"]["us\"vendor\".jsonl"],
            nlohmann::json({"BABA US", "JD US", "PONY US", "YUMC US"}));
  EXPECT_EQ(j["unknown_symbols"]["hk.jsonl"], nlohmann::json({"09988.HK"}));
  EXPECT_EQ(j["ticks_per_second"], 0);
}

}  // namespace
}  // namespace adrmon
