// /metrics read strictly as Prometheus text format 0.0.4: every line a HELP,
// a TYPE or a sample; a TYPE before each family's samples and only once;
// counters end in _total and are never negative; histograms cumulative with
// +Inf equal to _count, and exact where values sit inside a bucket.
// GCC 12 warns (-Wmaybe-uninitialized) inside <regex>'s std::function at
// -O1 with ASan: a false positive of the compiler (GCC bug 105562).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "adrmon/dashboard/dashboard.hpp"
#include "dashboard_test_support.hpp"

namespace adrmon::dashboard_test {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value;
};

double parse_value(const std::string& v) {
  if (v == "+Inf") return std::numeric_limits<double>::infinity();
  if (v == "-Inf") return -std::numeric_limits<double>::infinity();
  if (v == "NaN") return std::nan("");
  std::size_t used = 0;
  const double d = std::stod(v, &used);
  if (used != v.size()) throw std::runtime_error("bad value " + v);
  return d;
}

// Parses the exposition, failing the test on any line that is not a HELP, a
// TYPE or a sample, on a sample whose family has no TYPE before it, and on a
// family TYPEd twice.
std::vector<Sample> parse_exposition(const std::string& text,
                                     std::map<std::string, std::string>& types) {
  static const std::regex kHelp(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$)");
  static const std::regex kType(
      R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*")*\})? ([^ ]+)$)");
  static const std::regex kLabel(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((\\[\\"n]|[^"\\])*)")re");
  std::vector<Sample> out;
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n') << "the exposition ends with a newline";
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    if (std::regex_match(line, m, kHelp)) continue;
    if (std::regex_match(line, m, kType)) {
      EXPECT_EQ(types.count(m[1]), 0u) << "TYPE twice for " << m[1];
      types[m[1]] = m[2];
      continue;
    }
    if (!std::regex_match(line, m, kSample)) {
      ADD_FAILURE() << "line " << n << " is neither a comment nor a sample: " << line;
      continue;
    }
    Sample s;
    s.name = m[1];
    const std::string labels = m[2];
    for (auto it = std::sregex_iterator(labels.begin(), labels.end(), kLabel);
         it != std::sregex_iterator(); ++it) {
      s.labels[(*it)[1]] = (*it)[2];
    }
    EXPECT_NO_THROW(s.value = parse_value(m[m.size() - 1])) << line;
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string suf(suffix);
      if (types.count(family) == 0 && family.size() > suf.size() &&
          family.compare(family.size() - suf.size(), suf.size(), suf) == 0) {
        const std::string base = family.substr(0, family.size() - suf.size());
        if (types.count(base) && types[base] == "histogram") family = base;
      }
    }
    EXPECT_EQ(types.count(family), 1u) << "no TYPE before sample " << line;
    if (types[family] == "counter") {
      EXPECT_TRUE(family.size() > 6 && family.compare(family.size() - 6, 6, "_total") == 0)
          << family;
      EXPECT_GE(s.value, 0) << line;
    }
    out.push_back(std::move(s));
  }
  return out;
}

TEST(Dashboard, MetricsAreStrictPrometheusText) {
  RunSummary fake;
  fake.feed.lines = 1000;
  fake.engine.accepted = 990;
  fake.engine.opens = 4;
  fake.engine.closes = 3;
  fake.engine.open_breaches = 1;
  fake.rejects.add(Reject::CrossedQuote);
  fake.rejects.add(Reject::CrossedQuote);
  fake.rejects.add(Reject::OutOfOrder);
  fake.alerts = 7;
  fake.alerts_lost = 2;
  fake.has_latency = true;
  for (const std::int64_t v :
       std::vector<std::int64_t>{500, 1500, 30'000, 30'000, 2'000'000, 7'000'000'000}) {
    fake.latency.recv_to_alert.record(v);
  }
  for (int i = 0; i < 5000; ++i) fake.latency.recv_to_priced.record(1000 + i * 37);
  SourceSummary src;
  src.name = "file:data/\"odd\"\\name.jsonl";
  src.lines = 1000;
  src.seq_gaps = 2;
  src.queue_depth = 17;
  fake.sources.push_back(src);
  Fixture f(make_config(), [&] { return fake; });

  const Reply r = get(f.dash.port(), "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  std::map<std::string, std::string> types;
  const std::vector<Sample> samples = parse_exposition(r.body, types);
  ASSERT_FALSE(HasFailure()) << r.body;

  auto value = [&](const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    ADD_FAILURE() << "no sample " << name;
    return std::nan("");
  };
  EXPECT_EQ(value("adrmon_ticks_read_total"), 1000);
  EXPECT_EQ(value("adrmon_ticks_accepted_total"), 990);
  EXPECT_EQ(value("adrmon_ticks_rejected_total", {{"reason", "crossed_quote"}}), 2);
  EXPECT_EQ(value("adrmon_ticks_rejected_total", {{"reason", "out_of_order"}}), 1);
  EXPECT_EQ(value("adrmon_ticks_rejected_total", {{"reason", "bad_price"}}), 0);
  EXPECT_EQ(value("adrmon_alerts_total", {{"kind", "open"}}), 4);
  EXPECT_EQ(value("adrmon_alerts_total", {{"kind", "close"}}), 3);
  EXPECT_EQ(value("adrmon_open_breaches"), 1);
  EXPECT_EQ(value("adrmon_seq_gaps_total"), 2);
  EXPECT_EQ(value("adrmon_source_queue_depth", {{"source", "file:data/\\\"odd\\\"\\\\name.jsonl"}}),
            17);
  EXPECT_EQ(types["adrmon_source_queue_depth"], "gauge");
  EXPECT_EQ(types["adrmon_open_breaches"], "gauge");
  EXPECT_EQ(types["adrmon_latency_seconds"], "histogram");
  EXPECT_EQ(types["adrmon_dashboard_ws_pair_updates_dropped_total"], "counter");
  EXPECT_EQ(value("adrmon_alerts_lost_total"), 2);
  EXPECT_EQ(types["adrmon_alerts_lost_total"], "counter");
  EXPECT_EQ(value("adrmon_dashboard_connections"), 1) << "this scrape's own connection";
  EXPECT_EQ(types["adrmon_dashboard_connections"], "gauge");
  EXPECT_EQ(value("adrmon_dashboard_connections_refused_total", {{"reason", "per_address"}}), 0);
  EXPECT_EQ(value("adrmon_dashboard_connections_refused_total", {{"reason", "server_full"}}), 0);

  // Histograms: per stage, le ascending, counts cumulative, +Inf last and
  // equal to _count; exact counts where the values sit inside a bucket.
  std::map<std::string, std::vector<std::pair<double, double>>> buckets;  // stage -> (le, count)
  for (const Sample& s : samples) {
    if (s.name == "adrmon_latency_seconds_bucket") {
      buckets[s.labels.at("stage")].push_back({parse_value(s.labels.at("le")), s.value});
    }
  }
  ASSERT_EQ(buckets.size(), 5u);
  for (const auto& [stage, list] : buckets) {
    SCOPED_TRACE(stage);
    ASSERT_GE(list.size(), 10u);
    for (std::size_t i = 1; i < list.size(); ++i) {
      EXPECT_LT(list[i - 1].first, list[i].first) << "le ascending";
      EXPECT_LE(list[i - 1].second, list[i].second) << "cumulative";
    }
    EXPECT_TRUE(std::isinf(list.back().first));
    EXPECT_EQ(list.back().second, value("adrmon_latency_seconds_count", {{"stage", stage}}));
    EXPECT_GE(value("adrmon_latency_seconds_sum", {{"stage", stage}}), 0);
  }
  const auto& a = buckets["recv_to_alert"];
  EXPECT_EQ(a.back().second, 6);
  auto count_le = [&](double le) {
    double c = -1;
    for (const auto& [edge, n] : a) {
      if (edge <= le) c = n;
    }
    return c;
  };
  EXPECT_EQ(count_le(1e-6), 1);    // 500 ns
  EXPECT_EQ(count_le(2.5e-6), 2);  // + 1.5 us
  EXPECT_EQ(count_le(50e-6), 4);   // + 2 x 30 us
  EXPECT_EQ(count_le(5e-3), 5);    // + 2 ms
  EXPECT_EQ(count_le(1e1), 6);     // + 7 s
  const double sum = value("adrmon_latency_seconds_sum", {{"stage", "recv_to_alert"}});
  EXPECT_NEAR(sum, 7.002062, 7.002062 * 0.5) << "midpoint approximation";
  EXPECT_EQ(buckets["recv_to_priced"].back().second, 5000);
}

// The per-pair gauges come from the same PairBoard as /api/board and
// /api/pairs: each pair's premium equals the board's mid_premium_bps, its
// edges the view's sell_adr_bps / buy_adr_bps, its leg ages as_of - leg ts;
// an open side reads 1. adrmon_build_info carries set_build_info's labels.
TEST(Dashboard, PairGaugesMatchTheBoardAndBuildInfoIsOne) {
  set_build_info({"9.9.9+gabc", "abc-dirty", "haswell"});
  Fixture f(make_config());
  f.board.publish(views(kT0 + 5'000'000'000, 100, /*open_buy=*/true));
  std::map<std::string, std::string> types;
  const Reply r = get(f.dash.port(), "/metrics");
  ASSERT_EQ(r.status, 200);
  const std::vector<Sample> samples = parse_exposition(r.body, types);
  ASSERT_FALSE(HasFailure()) << r.body;
  const auto value = [&](const std::string& name,
                         const std::map<std::string, std::string>& labels) {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    ADD_FAILURE() << "no sample " << name << " for " << labels.begin()->second;
    return std::nan("");
  };
  EXPECT_EQ(value("adrmon_build_info",
                  {{"version", "9.9.9+gabc"}, {"commit", "abc-dirty"}, {"simd", "haswell"}}),
            1);
  for (const char* family :
       {"adrmon_build_info", "adrmon_pair_premium_bps", "adrmon_pair_edge_bps",
        "adrmon_pair_leg_age_seconds", "adrmon_pair_breach_open", "adrmon_pair_live"}) {
    EXPECT_EQ(types[family], "gauge") << family;
  }

  const json board = json::parse(get(f.dash.port(), "/api/board").body);
  const json pairs = json::parse(get(f.dash.port(), "/api/pairs").body);
  ASSERT_EQ(board["pairs"].size(), 3u);
  ASSERT_EQ(pairs.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string name = board["pairs"][i]["pair"];
    SCOPED_TRACE(name);
    EXPECT_EQ(value("adrmon_pair_premium_bps", {{"pair", name}}),
              board["pairs"][i]["mid_premium_bps"].get<double>());
    EXPECT_EQ(value("adrmon_pair_edge_bps", {{"pair", name}, {"side", "sell_adr"}}),
              pairs[i]["sell_adr_bps"].get<double>());
    EXPECT_EQ(value("adrmon_pair_edge_bps", {{"pair", name}, {"side", "buy_adr"}}),
              pairs[i]["buy_adr_bps"].get<double>());
    const auto at = board["pairs"][i]["at"].get<std::int64_t>();
    const auto age = [&](const char* key) {
      return static_cast<double>(at - board["pairs"][i][key].get<std::int64_t>()) / 1e9;
    };
    EXPECT_EQ(value("adrmon_pair_leg_age_seconds", {{"pair", name}, {"leg", "adr"}}),
              age("adr_ts"));
    EXPECT_EQ(value("adrmon_pair_leg_age_seconds", {{"pair", name}, {"leg", "hk"}}), age("hk_ts"));
    EXPECT_EQ(value("adrmon_pair_breach_open", {{"pair", name}, {"side", "buy_adr"}}),
              pairs[i]["open_buy_adr"].get<bool>() ? 1 : 0);
    EXPECT_EQ(value("adrmon_pair_breach_open", {{"pair", name}, {"side", "sell_adr"}}), 0);
    EXPECT_EQ(value("adrmon_pair_live", {{"pair", name}}), board["pairs"][i]["live"] ? 1 : 0);
  }
  EXPECT_EQ(value("adrmon_pair_premium_bps", {{"pair", "PONY/2026"}}), 3.0);
  EXPECT_EQ(value("adrmon_pair_breach_open", {{"pair", "PONY/2026"}, {"side", "buy_adr"}}), 1);
  EXPECT_EQ(value("adrmon_pair_leg_age_seconds", {{"pair", "BABA/9988"}, {"leg", "hk"}}), 2e-6);
  set_build_info({});
}

}  // namespace
}  // namespace adrmon::dashboard_test
