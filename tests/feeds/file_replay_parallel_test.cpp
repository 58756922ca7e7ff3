// FileMerger with parse threads against the one-thread path, on real files:
// adversarial files (every reject reason, invalid JSON of each kind, blank,
// CRLF and BOM lines, over-long lines, a last line without newline), several
// thousand lines each so batches and the rings wrap, ts interleaved across
// files with ties. For parse_threads 1..4 the ticks, every count (also
// part-way through a merge), the unknown symbols, the logged hints and the
// engine's alerts must be the same. Runs under TSan (threaded).
#include <gtest/gtest.h>
#include <sched.h>

#include <string>
#include <thread>
#include <vector>

#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/strategy/spread_engine.hpp"
#include "feeds_test_support.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

using namespace feeds_test;

std::string edit(std::string s, const std::string& from, const std::string& to) {
  return s.replace(s.find(from), from.size(), to);
}

// A bad line of every kind the contract names, for a quote at `ts`.
std::vector<std::string> bad_kinds(std::int64_t ts) {
  const std::string q = quote(ts, "US", "BABA", 100, 100.02);
  return {
      R"({"type":"fx","pad":")" + std::string(kMaxLineBytes, 'p') + "\"}",  // line_too_long
      q.substr(0, q.size() - 1),                                            // truncated
      q + q,                                                                // two objects
      q + " x",                                                             // after the `}`
      q + "]",
      "{\"type\":\"quote\",",
      "not json",
      edit(q, "\"bid\"", "\"ask\":1,\"bid\""),    // duplicate_field
      edit(q, "\"bid\":100", "\"bid\":\"100\""),  // wrong_type
      edit(q, ",\"ask_size\":100", ""),           // missing_field
      edit(q, "\"quote\"", "\"trade\""),          // unknown_type
      edit(q, "\"US\"", "\"CN\""),                // bad_venue
      edit(q, "BABA", "TSLA"),                    // unknown_symbol
      edit(q, "BABA", "AN_UNKNOWN_SYMBOL_LONGER_THAN_24_BYTES"),
      edit(q, std::to_string(ts), std::to_string(ts / 1'000'000)),  // bad_timestamp (ms)
      edit(q, "\"bid\":100", "\"bid\":1e999"),                      // bad_price
      edit(q, "\"bid_size\":100", "\"bid_size\":-100"),             // bad_size
      edit(q, "\"bid\":100", "\"bid\":101"),                        // crossed_quote
      fx(ts, 7.6, 7.8),                                             // fx_out_of_band
      "   ",                                                        // blank
      "",
  };
}

// `n` lines for one venue, ts step `step` from `t0`, a bad line of some kind
// after every `every` good ones (0: none), CRLF ends when `crlf`.
std::string venue_file(const char* venue, const char* sym, std::int64_t t0, std::int64_t step,
                       int n, int every, bool crlf, bool bom, bool last_newline) {
  std::string text = bom ? "\xEF\xBB\xBF" : "";
  const char* eol = crlf ? "\r\n" : "\n";
  int k = 0;
  for (int i = 0; i < n; ++i) {
    const std::int64_t ts = t0 + i * step;
    if (std::string(venue) == "FX") {
      text += fx(ts, 7.8, 7.8 + 0.0001 * (i % 5 + 1));
    } else {
      const double mid = std::string(venue) == "US" ? 100 + (i % 7) * 0.01 : 97 + (i % 9) * 0.1;
      text += quote(ts, venue, sym, mid, mid + 0.02);
    }
    text += eol;
    if (every > 0 && i % every == every - 1) {
      const auto bad = bad_kinds(ts);
      text += bad[static_cast<std::size_t>(k++) % bad.size()];
      text += eol;
    }
  }
  if (!last_newline) text.resize(text.size() - std::string(eol).size());
  return text;
}

struct Outcome {
  std::vector<Tick> ticks;
  FeedCounts counts;
  std::vector<std::vector<std::string>> unknown;
  std::vector<std::string> log;
  std::vector<Alert> alerts;
};

bool same_tick(const Tick& a, const Tick& b) {
  return a.ts_event == b.ts_event && a.bid == b.bid && a.ask == b.ask && a.bid_size == b.bid_size &&
         a.ask_size == b.ask_size && a.seq == b.seq && a.instrument == b.instrument &&
         a.kind == b.kind && a.source == b.source;
}

void expect_same_counts(const FeedCounts& a, const FeedCounts& b, const std::string& what) {
  EXPECT_EQ(a.lines, b.lines) << what;
  EXPECT_EQ(a.parsed, b.parsed) << what;
  EXPECT_EQ(a.blank, b.blank) << what;
  EXPECT_EQ(a.bytes, b.bytes) << what;
  for (std::size_t r = 0; r < kRejectReasonCount; ++r) {
    EXPECT_EQ(a.rejects.by_reason[r], b.rejects.by_reason[r])
        << what << ": " << reject_name(static_cast<Reject>(r));
  }
}

// Replays `paths` with `threads` parse threads through the engine; with
// `stop_after` > 0 only that many ticks, and the counts are read then.
Outcome replay(const std::vector<std::string>& paths, const Config& config, unsigned threads,
               std::size_t stop_after = 0) {
  Outcome o;
  FileMerger m(paths, config, threads);
  EXPECT_EQ(m.parse_threads(), threads);
  SpreadEngine engine(config);
  Tick t{};
  while ((stop_after == 0 || o.ticks.size() < stop_after) && m.next(t)) {
    o.ticks.push_back(t);
    if (engine.on_tick(t) == Reject::None) {
      for (const Alert& a : engine.alerts()) o.alerts.push_back(a);
    }
  }
  o.counts = m.counts();
  for (const auto& r : m.readers()) o.unknown.push_back(r->unknown_symbols().list());
  RecordingLog log;
  m.report_read_errors(log);
  o.log = log.lines();
  return o;
}

void expect_same(const Outcome& one, const Outcome& par, const std::string& what) {
  ASSERT_EQ(one.ticks.size(), par.ticks.size()) << what;
  for (std::size_t i = 0; i < one.ticks.size(); ++i) {
    ASSERT_TRUE(same_tick(one.ticks[i], par.ticks[i])) << what << ": tick " << i;
  }
  expect_same_counts(one.counts, par.counts, what);
  EXPECT_EQ(one.unknown, par.unknown) << what;
  EXPECT_EQ(one.log, par.log) << what;
  ASSERT_EQ(one.alerts.size(), par.alerts.size()) << what;
  for (std::size_t i = 0; i < one.alerts.size(); ++i) {
    EXPECT_EQ(one.alerts[i].ts_event, par.alerts[i].ts_event) << what << ": alert " << i;
    EXPECT_EQ(one.alerts[i].pair, par.alerts[i].pair) << what << ": alert " << i;
    EXPECT_EQ(one.alerts[i].kind, par.alerts[i].kind) << what << ": alert " << i;
  }
}

class FileReplayParallelTest : public ::testing::Test {
 protected:
  Config config_ = test::feeds_config();
  TempDir dir_;
};

TEST_F(FileReplayParallelTest, AdversarialFilesGiveTheSameTicksCountsHintsAndAlerts) {
  // A hint due at the end of a file (30 rejects, all ms timestamps) and one
  // due mid-file (the first 1000 rejects all unknown symbols).
  std::string ms_lines, unknown_lines;
  for (int i = 0; i < 30; ++i) ms_lines += fx((kT0 + i) / 1'000'000, 7.8, 7.8001) + "\n";
  for (int i = 0; i < 1500; ++i) {
    unknown_lines += quote(kT0 + i, "US", i % 2 ? "TSLA" : "NVDA", 10, 11) + "\n";
  }
  // Equal steps on offset starts: many ties across files (the first named wins).
  const std::vector<std::string> paths = {
      dir_.write("us.jsonl", venue_file("US", "BABA", kT0, 3 * kMs, 6000, 7, false, true, false)),
      dir_.write("hk.jsonl", venue_file("HK", "9988", kT0, 2 * kMs, 9000, 5, true, false, true)),
      dir_.write("fx.jsonl", venue_file("FX", "", kT0 + kMs, 6 * kMs, 3000, 3, false, false, true)),
      dir_.write("ms.jsonl",
                 ms_lines + venue_file("FX", "", kT0, 5 * kMs, 200, 0, false, false, true)),
      dir_.write("unknown.jsonl",
                 unknown_lines + venue_file("US", "JD", kT0, 4 * kMs, 500, 0, false, false, true)),
  };
  const Outcome one = replay(paths, config_, 1);
  ASSERT_GT(one.ticks.size(), 15000u);
  ASSERT_GT(one.counts.rejects.total(), 3000u);
  ASSERT_GT(one.counts.blank, 100u);
  ASSERT_GT(one.counts.rejects[Reject::LineTooLong], 0u);
  ASSERT_GT(one.counts.rejects[Reject::InvalidJson], 0u);
  ASSERT_EQ(one.log.size(), 2u);  // the two hints
  for (unsigned threads = 2; threads <= paths.size() + 1; ++threads) {
    expect_same(one, replay(paths, config_, threads), std::to_string(threads) + " threads");
  }
}

TEST_F(FileReplayParallelTest, CountsPartWayThroughAreTheSame) {
  const std::vector<std::string> paths = {
      dir_.write("us.jsonl", venue_file("US", "BABA", kT0, 3 * kMs, 4000, 4, false, false, true)),
      dir_.write("hk.jsonl", venue_file("HK", "9988", kT0, 2 * kMs, 4000, 6, true, true, true)),
  };
  for (const std::size_t stop : {1u, 7u, 1000u, 2049u, 5000u}) {
    const Outcome one = replay(paths, config_, 1, stop);
    ASSERT_EQ(one.ticks.size(), stop);
    expect_same(one, replay(paths, config_, 3, stop), "stopped after " + std::to_string(stop));
  }
}

TEST_F(FileReplayParallelTest, OnlyRejectsAndEmptyFiles) {
  std::string rejects;
  for (int i = 0; i < 3000; ++i)
    rejects += bad_kinds(kT0 + i)[static_cast<std::size_t>(i) % 21] + "\n";
  const std::vector<std::string> paths = {
      dir_.write("empty.jsonl", ""),
      dir_.write("rejects.jsonl", rejects),
      dir_.write("blank.jsonl", "\n\n  \r\n"),
      dir_.write("one.jsonl", fx(kT0, 7.8, 7.8001)),
  };
  const Outcome one = replay(paths, config_, 1);
  ASSERT_EQ(one.ticks.size(), 1u);  // one.jsonl's line; every other one is refused or blank
  for (unsigned threads = 2; threads <= 5; ++threads) {
    expect_same(one, replay(paths, config_, threads), std::to_string(threads) + " threads");
  }
}

TEST_F(FileReplayParallelTest, AutoUsesAtMostOneThreadPerJsonFilePlusTheMerger) {
  const std::string a = dir_.write("a.jsonl", fx(kT0, 7.8, 7.8001) + "\n");
  const FileMerger m({a}, config_, 0);
  EXPECT_EQ(m.parse_threads(), FileMerger::auto_parse_threads(1));
  EXPECT_LE(m.parse_threads(), 2u);
  const FileMerger capped({a}, config_, 8);
  EXPECT_EQ(capped.parse_threads(), 2u);
}

// Auto counts the CPUs the process may run on (taskset, cgroup cpusets), not
// the machine's: confined to one CPU it parses on the merging thread alone.
TEST_F(FileReplayParallelTest, AutoOnOneAllowedCpuParsesOnTheMergingThread) {
  const std::string a = dir_.write("a.jsonl", fx(kT0, 7.8, 7.8001) + "\n");
  const std::string b = dir_.write("b.jsonl", fx(kT0 + 1, 7.8, 7.8001) + "\n");
  unsigned confined = 99;
  std::thread([&] {
    cpu_set_t set;
    ::sched_getaffinity(0, sizeof set, &set);
    int first = 0;
    while (!CPU_ISSET(first, &set)) ++first;
    CPU_ZERO(&set);
    CPU_SET(first, &set);
    ASSERT_EQ(::sched_setaffinity(0, sizeof set, &set), 0);
    confined = FileMerger({a, b}, config_, 0).parse_threads();
  }).join();
  EXPECT_EQ(confined, 1u);
}

TEST_F(FileReplayParallelTest, StampedTicksCarryTheirOwnParseTime) {
  const std::string us =
      dir_.write("us.jsonl", venue_file("US", "BABA", kT0, kMs, 3000, 0, false, false, true));
  FileMerger m({us}, config_, 2);
  m.enable_stamping();
  Tick t{};
  std::size_t n = 0;
  while (m.next(t)) {
    ++n;
    EXPECT_GT(t.ts_recv, 0);
  }
  EXPECT_EQ(n, 3000u);
}

}  // namespace
}  // namespace adrmon
