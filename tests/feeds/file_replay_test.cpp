// File replay: real tick files in a temp dir, read by TickFileReader and
// merged by FileMerger (by ts, ties to the file named first). Good-path tests
// assert every reject counter is zero; salted files assert each bad line is
// counted under its reason and the accepted ticks are unchanged.
// (Over 400 lines on purpose: one suite of short, independent file cases.)
#include "adrmon/feeds/file_replay.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "adrmon/strategy/spread_engine.hpp"
#include "feeds_test_support.hpp"
#include "test_config.hpp"

namespace adrmon {
namespace {

using namespace feeds_test;

std::vector<Tick> drain(FileMerger& m) {
  std::vector<Tick> ticks;
  Tick t{};
  while (m.next(t)) ticks.push_back(t);
  return ticks;
}

void expect_no_rejects(const FeedCounts& c) {
  for (std::size_t r = 0; r < kRejectReasonCount; ++r) {
    EXPECT_EQ(c.rejects.by_reason[r], 0u) << reject_name(static_cast<Reject>(r));
  }
  EXPECT_EQ(c.lines, c.parsed);
}

// What identifies a tick apart from its receive stamp.
struct Seen {
  std::int64_t ts;
  InstrumentId instrument;
  double bid, ask, bid_size, ask_size;
  bool operator==(const Seen&) const = default;
};
std::vector<Seen> seen(const std::vector<Tick>& ticks) {
  std::vector<Seen> out;
  for (const Tick& t : ticks)
    out.push_back({t.ts_event, t.instrument, t.bid, t.ask, t.bid_size, t.ask_size});
  return out;
}
void PrintTo(const Seen& s, std::ostream* os) {
  *os << "{ts " << s.ts << ", id " << s.instrument << ", " << s.bid << "/" << s.ask << "}";
}

// The three fx lines fx(kT0 + i, 7.8, 7.800i), i = 1..3.
std::vector<std::string> three_fx() {
  return {fx(kT0 + 1, 7.8, 7.8001), fx(kT0 + 2, 7.8, 7.8002), fx(kT0 + 3, 7.8, 7.8003)};
}

class FileReplayTest : public ::testing::Test {
 protected:
  // Replays `text` as the one file `name`, checks that it yields the ticks of
  // three_fx() in order, and returns the merger's counts.
  FeedCounts expect_three_fx(const std::string& name, const std::string& text) {
    FileMerger m({dir_.write(name, text)}, config_);
    const std::vector<Tick> ticks = drain(m);
    EXPECT_EQ(ticks.size(), 3u);
    const double asks[] = {7.8001, 7.8002, 7.8003};
    for (std::size_t i = 0; i < ticks.size() && i < 3; ++i) {
      EXPECT_EQ(ticks[i].ts_event, kT0 + 1 + static_cast<std::int64_t>(i));
      EXPECT_EQ(ticks[i].ask, asks[i]);
    }
    return m.counts();
  }

  Config config_ = test::feeds_config();
  TempDir dir_;
};

TEST_F(FileReplayTest, MergesByTsWithTiesToTheFileNamedFirst) {
  // Named first but alphabetically last, so ties cannot be won by name order.
  const std::string first =
      dir_.write("z_us.jsonl",
                 join({quote(kT0 + 1, "US", "BABA", 1, 2), quote(kT0 + 3, "US", "BABA", 3, 4),
                       quote(kT0 + 5, "US", "BABA", 5, 6), quote(kT0 + 5, "US", "BABA", 5.5, 6)}));
  const std::string second = dir_.write(
      "a_hk.jsonl",
      join({quote(kT0 + 2, "HK", "9988", 20, 21), quote(kT0 + 3, "HK", "9988", 30, 31),
            quote(kT0 + 4, "HK", "9988", 40, 41), quote(kT0 + 5, "HK", "9988", 50, 51)}));
  FileMerger m({first, second}, config_);
  const std::vector<Tick> ticks = drain(m);

  struct Want {
    std::uint8_t source;
    std::int64_t ts;
    double bid;
  };
  const std::vector<Want> want{{0, kT0 + 1, 1},   {1, kT0 + 2, 20}, {0, kT0 + 3, 3},
                               {1, kT0 + 3, 30},  {1, kT0 + 4, 40}, {0, kT0 + 5, 5},
                               {0, kT0 + 5, 5.5}, {1, kT0 + 5, 50}};
  ASSERT_EQ(ticks.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(ticks[i].source, want[i].source) << i;
    EXPECT_EQ(ticks[i].ts_event, want[i].ts) << i;
    EXPECT_EQ(ticks[i].bid, want[i].bid) << i;
  }
  expect_no_rejects(m.counts());
}

TEST_F(FileReplayTest, UnsortedFileIsNotResorted) {
  const std::string a = dir_.write(
      "a.jsonl", join({quote(kT0 + 5, "US", "BABA", 5, 6), quote(kT0 + 3, "US", "BABA", 3, 4)}));
  const std::string b = dir_.write("b.jsonl", join({quote(kT0 + 4, "HK", "9988", 4, 5)}));
  FileMerger m({a, b}, config_);
  const std::vector<Tick> ticks = drain(m);
  ASSERT_EQ(ticks.size(), 3u);
  EXPECT_EQ(ticks[0].ts_event, kT0 + 4);
  EXPECT_EQ(ticks[1].ts_event, kT0 + 5);
  EXPECT_EQ(ticks[2].ts_event, kT0 + 3);  // late: the engine will call it out_of_order
}

TEST_F(FileReplayTest, FileWithoutFinalNewlineReadsItsLastLine) {
  std::string text = join(three_fx());
  text.pop_back();  // no final newline
  const FeedCounts c = expect_three_fx("fx.jsonl", text);
  EXPECT_EQ(c.lines, 3u);
  expect_no_rejects(c);
}

TEST_F(FileReplayTest, EmptyFileYieldsNothingAndDoesNotStopOthers) {
  const std::string empty = dir_.write("empty.jsonl", "");
  const std::string full = dir_.write("fx.jsonl", join({fx(kT0 + 1, 7.8, 7.8001)}));
  FileMerger m({empty, full}, config_);
  const std::vector<Tick> ticks = drain(m);
  ASSERT_EQ(ticks.size(), 1u);
  EXPECT_EQ(ticks[0].source, 1);
  const FeedCounts& c = m.readers()[0]->counts();
  EXPECT_EQ(c.lines, 0u);
  EXPECT_EQ(c.parsed, 0u);
  EXPECT_EQ(c.bytes, 0u);
  expect_no_rejects(m.counts());
}

TEST_F(FileReplayTest, FileOfBlankLinesCountsThemAsBlankNotRead) {
  FileMerger m({dir_.write("blank.jsonl", "\n  \n\r\n\t\n")}, config_);
  EXPECT_TRUE(drain(m).empty());
  EXPECT_EQ(m.counts().lines, 0u);
  EXPECT_EQ(m.counts().blank, 4u);
  expect_no_rejects(m.counts());
}

TEST_F(FileReplayTest, CrlfAndByteOrderMarkReadLikeAPlainFile) {
  const std::vector<std::string> lines{quote(kT0 + 1, "US", "BABA", 100, 100.02),
                                       fx(kT0 + 2, 7.8, 7.8002),
                                       quote(kT0 + 3, "HK", "09988", 97.4, 97.5)};
  FileMerger plain({dir_.write("plain.jsonl", join(lines))}, config_);
  FileMerger dos({dir_.write("dos.jsonl", "\xEF\xBB\xBF" + join(lines, "\r\n"))}, config_);
  EXPECT_EQ(seen(drain(dos)), seen(drain(plain)));
  expect_no_rejects(dos.counts());
  EXPECT_EQ(dos.counts().parsed, 3u);
}

TEST_F(FileReplayTest, TicksCarrySourceIndexAndReceiveStampAndBytesAreCounted) {
  const std::string text = join({fx(kT0 + 1, 7.8, 7.8001)});
  const std::string a = dir_.write("a.jsonl", "");
  const std::string b = dir_.write("b.jsonl", text);
  FileMerger m({a, b}, config_);
  const std::vector<Tick> ticks = drain(m);
  ASSERT_EQ(ticks.size(), 1u);
  EXPECT_EQ(ticks[0].source, 1);
  EXPECT_GT(ticks[0].ts_recv, 0);
  EXPECT_EQ(m.counts().bytes, text.size());
}

TEST_F(FileReplayTest, RawLineIsTheTicksOwnLine) {
  const std::string a_line = quote(kT0 + 1, "US", "BABA", 100, 100.02);
  const std::string b_line = fx(kT0 + 2, 7.8, 7.8002);
  const std::string a = dir_.write("a.jsonl", "\r\n" + a_line + "\r\n");
  const std::string b = dir_.write("b.jsonl", quote(kT0, "US", "TSLA", 1, 2) + "\n" + b_line);
  FileMerger m({a, b}, config_);
  Tick t{};
  std::string_view raw;
  ASSERT_TRUE(m.next(t, &raw));
  EXPECT_EQ(raw, a_line);
  ASSERT_TRUE(m.next(t, &raw));
  EXPECT_EQ(raw, b_line);
  EXPECT_FALSE(m.next(t, &raw));
}

TEST_F(FileReplayTest, RejectCountsArePerFile) {
  const std::string a = dir_.write(
      "a.jsonl", join({quote(kT0 + 1, "US", "BABA", 100, 100.02),
                       quote(kT0 + 2, "US", "BABA", 0, 1), quote(kT0 + 3, "US", "BABA", -1, 1)}));
  const std::string b =
      dir_.write("b.jsonl", join({quote(kT0 + 1, "US", "TSLA", 1, 2), fx(kT0 + 2, 7.8, 7.8001)}));
  FileMerger m({a, b}, config_);
  EXPECT_EQ(drain(m).size(), 2u);

  const FeedCounts& ca = m.readers()[0]->counts();
  EXPECT_EQ(ca.lines, 3u);
  EXPECT_EQ(ca.parsed, 1u);
  EXPECT_EQ(ca.rejects[Reject::BadPrice], 2u);
  EXPECT_EQ(ca.rejects.total(), 2u);

  const FeedCounts& cb = m.readers()[1]->counts();
  EXPECT_EQ(cb.lines, 2u);
  EXPECT_EQ(cb.parsed, 1u);
  EXPECT_EQ(cb.rejects[Reject::UnknownSymbol], 1u);
  EXPECT_EQ(cb.rejects.total(), 1u);

  const FeedCounts all = m.counts();
  EXPECT_EQ(all.lines, 5u);
  EXPECT_EQ(all.parsed, 2u);
  EXPECT_EQ(all.rejects[Reject::BadPrice], 2u);
  EXPECT_EQ(all.rejects[Reject::UnknownSymbol], 1u);
  EXPECT_EQ(all.rejects.total(), 3u);
}

TEST_F(FileReplayTest, OverLongLastLineWithoutNewlineIsCountedOnce) {
  const std::string huge = R"({"type":"fx","pad":")" + std::string(kMaxLineBytes, 'p') + "\"}";
  FileMerger m({dir_.write("a.jsonl", join({fx(kT0 + 1, 7.8, 7.8001)}) + huge)}, config_);
  EXPECT_EQ(drain(m).size(), 1u);
  EXPECT_EQ(m.counts().lines, 2u);
  EXPECT_EQ(m.counts().rejects[Reject::LineTooLong], 1u);
  EXPECT_EQ(m.counts().rejects.total(), 1u);
}

TEST_F(FileReplayTest, LargeFileSpanningManyReadChunksKeepsEveryLine) {
  // ~2.5 MB: lines straddle the reader's 1 MiB chunks.
  constexpr int kLines = 25000;
  std::string text;
  for (int i = 0; i < kLines; ++i) {
    text += quote(kT0 + i, i % 2 ? "HK" : "US", i % 2 ? "9618" : "JD", 100 + i, 101 + i, i, i + 1);
    text += "\n";
  }
  FileMerger m({dir_.write("big.jsonl", text)}, config_);
  const std::vector<Tick> ticks = drain(m);
  ASSERT_EQ(ticks.size(), static_cast<std::size_t>(kLines));
  for (int i = 0; i < kLines; ++i) {
    ASSERT_EQ(ticks[i].ts_event, kT0 + i) << i;
    ASSERT_EQ(ticks[i].bid, 100.0 + i) << i;
    ASSERT_EQ(ticks[i].ask_size, i + 1.0) << i;
    ASSERT_EQ(ticks[i].instrument, i % 2 ? hk_instrument(1) : adr_instrument(1)) << i;
  }
  EXPECT_EQ(m.counts().bytes, text.size());
  expect_no_rejects(m.counts());
}

TEST_F(FileReplayTest, OverLongLineSpanningSeveralReadChunksIsSkippedOnce) {
  // 3 MB without a newline: longer than the reader's 1 MiB chunk, so the
  // framer reports it while still reading it and must skip to its newline.
  const std::string huge = R"({"type":"fx","pad":")" + std::string(3 << 20, 'p') + "\"}";
  std::vector<std::string> lines = three_fx();
  lines.insert(lines.begin() + 1, huge);
  const FeedCounts c = expect_three_fx("a.jsonl", join(lines));
  EXPECT_EQ(c.lines, 4u);
  EXPECT_EQ(c.rejects[Reject::LineTooLong], 1u);
  EXPECT_EQ(c.rejects.total(), 1u);
}

TEST_F(FileReplayTest, UnreadablePathEndsTheFileWithAReadError) {
  const std::string tmp = fs::temp_directory_path().string();
  TickFileReader reader(tmp, 0);  // a directory opens but cannot be read
  TickParser parser(config_);
  Tick t{};
  EXPECT_FALSE(reader.next(parser, t));
  EXPECT_NE(reader.read_error(), 0);
  EXPECT_EQ(reader.counts().lines, 0u);
}

TEST_F(FileReplayTest, ReadErrorsAreReportedThroughTheLogNamingTheFile) {
  const std::string dir = dir_.path();  // a directory opens but cannot be read
  const std::string good = dir_.write("fx.jsonl", join({fx(kT0 + 1, 7.8, 7.8001)}));
  FileMerger m({good, dir}, config_);
  Tick t{};
  while (m.next(t)) {
  }
  RecordingLog log;
  EXPECT_TRUE(m.report_read_errors(log));
  EXPECT_EQ(log.lines(), std::vector<std::string>{dir + ": read error: Is a directory"});
}

TEST_F(FileReplayTest, CleanFilesReportNoReadError) {
  FileMerger m({dir_.write("fx.jsonl", join({fx(kT0 + 1, 7.8, 7.8001)}))}, config_);
  Tick t{};
  while (m.next(t)) {
  }
  RecordingLog log;
  EXPECT_FALSE(m.report_read_errors(log));
  EXPECT_TRUE(log.lines().empty());
}

TEST_F(FileReplayTest, MillisecondTimestampsGetOneHintLine) {
  std::vector<std::string> lines;
  for (int i = 0; i < 50; ++i) lines.push_back(quote(kT0 / 1'000'000 + i, "US", "BABA", 85, 85.1));
  FileMerger m({dir_.write("ms.jsonl", join(lines))}, config_);
  EXPECT_TRUE(drain(m).empty());
  EXPECT_EQ(m.counts().rejects.by_reason[static_cast<std::size_t>(Reject::BadTimestamp)], 50u);
  RecordingLog log;
  EXPECT_FALSE(m.report_read_errors(log));  // a hint is no read error
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_NE(log.lines()[0].find("50 of the first 50 rejects are bad_timestamp: ts looks like "
                                "milliseconds"),
            std::string::npos)
      << log.lines()[0];
  m.report_hints(log);  // once only
  EXPECT_EQ(log.lines().size(), 1u);
}

TEST_F(FileReplayTest, SecondsAndMicrosecondsAreNamedToo) {
  for (const auto& [ts, unit] :
       {std::pair{kT0 / 1'000'000'000, "seconds"}, std::pair{kT0 / 1'000, "microseconds"}}) {
    std::vector<std::string> lines(20, quote(ts, "HK", "9988", 85, 85.1));
    FileMerger m({dir_.write("t.jsonl", join(lines))}, config_);
    drain(m);
    RecordingLog log;
    m.report_hints(log);
    ASSERT_EQ(log.lines().size(), 1u);
    EXPECT_NE(log.lines()[0].find(std::string("ts looks like ") + unit), std::string::npos)
        << log.lines()[0];
  }
}

TEST_F(FileReplayTest, VendorSymbolsGetOneHintNamingTheFirstOnes) {
  std::vector<std::string> lines;
  for (int i = 0; i < 1500; ++i) {
    lines.push_back(i % 2 == 0 ? quote(kT0 + i, "US", "BABA US", 85, 85.1)
                               : quote(kT0 + i, "HK", "09988.HK", 85, 85.1));
  }
  FileMerger m({dir_.write("v.jsonl", join(lines))}, config_);
  drain(m);
  RecordingLog log;
  m.report_hints(log);
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_NE(log.lines()[0].find("1000 of the first 1000 rejects are unknown_symbol: unknown "
                                "symbols: 'BABA US', '09988.HK' \xE2\x80\x94 see [aliases]"),
            std::string::npos)
      << log.lines()[0];
  const UnknownSymbols& seen = m.readers()[0]->unknown_symbols();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.view(0), "BABA US");
  EXPECT_EQ(seen.view(1), "09988.HK");
}

TEST_F(FileReplayTest, MixedOrFewRejectsGiveNoHint) {
  std::vector<std::string> lines;
  for (int i = 0; i < 5; ++i) lines.push_back(quote(kT0 + i, "US", "TSLA", 85, 85.1));  // < 10
  lines.push_back(quote(kT0 + 9, "US", "BABA", 85, 85.1));
  FileMerger a({dir_.write("few.jsonl", join(lines))}, config_);
  drain(a);
  for (int i = 0; i < 10; ++i) lines.push_back(quote(kT0 + 10 + i, "US", "BABA", 86, 85.1));
  FileMerger b({dir_.write("mixed.jsonl", join(lines))}, config_);  // 5 unknown, 10 crossed
  drain(b);
  RecordingLog log;
  a.report_hints(log);
  b.report_hints(log);
  EXPECT_TRUE(log.lines().empty());
  EXPECT_EQ(a.readers()[0]->unknown_symbols().size(), 1u);  // listed all the same
}

TEST_F(FileReplayTest, MissingFileThrowsNamingIt) {
  const std::string missing = (fs::temp_directory_path() / "adrmon_no_such_file.jsonl").string();
  try {
    FileMerger m({missing}, config_);
    ADD_FAILURE() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
}

// ---- salted files ----------------------------------------------------------

// One line per reason the parser gives, in reason order.
std::vector<std::pair<Reject, std::string>> bad_lines() {
  const std::string q = quote(kT0 + 10 * kMs, "US", "BABA", 100, 100.02);
  auto edit = [](std::string s, const std::string& from, const std::string& to) {
    return s.replace(s.find(from), from.size(), to);
  };
  return {
      {Reject::LineTooLong, R"({"type":"fx","pad":")" + std::string(kMaxLineBytes, 'p') + "\"}"},
      {Reject::InvalidJson, q.substr(0, q.size() - 1)},  // truncated after every field
      {Reject::DuplicateField, edit(q, "\"bid\"", "\"ask\":1,\"bid\"")},
      {Reject::WrongType, edit(q, "\"bid\":100", "\"bid\":\"100\"")},
      {Reject::MissingField, edit(q, ",\"ask_size\":100", "")},
      {Reject::UnknownType, edit(q, "\"quote\"", "\"trade\"")},
      {Reject::BadVenue, edit(q, "\"US\"", "\"CN\"")},
      {Reject::UnknownSymbol, edit(q, "BABA", "TSLA")},
      {Reject::BadTimestamp, edit(q, std::to_string(kT0 + 10 * kMs), "0")},
      {Reject::BadPrice, edit(q, "\"bid\":100", "\"bid\":1e999")},
      {Reject::BadSize, edit(q, "\"bid_size\":100", "\"bid_size\":-100")},
      {Reject::CrossedQuote, edit(q, "\"bid\":100", "\"bid\":101")},
      {Reject::FxOutOfBand, fx(kT0 + 10 * kMs, 7.6, 7.8)},
  };
}

// A good file: quotes on both pairs and FX, in time order.
std::vector<std::string> clean_lines() {
  return {fx(kT0, 7.8, 7.8002),
          quote(kT0 + 1 * kMs, "US", "BABA", 100, 100.02, 300, 500),
          quote(kT0 + 2 * kMs, "HK", "9988", 97.4, 97.5, 800, 1200),
          quote(kT0 + 3 * kMs, "US", "JD", 30.01, 30.03, 200, 200),
          quote(kT0 + 4 * kMs, "HK", "9618", 116.9, 117, 400, 600),
          fx(kT0 + 5 * kMs, 7.8001, 7.8003),
          quote(kT0 + 6 * kMs, "HK", "9988", 96, 96.1, 800, 1200),
          quote(kT0 + 7 * kMs, "US", "BABA", 100.01, 100.03, 300, 500),
          fx(kT0 + 8 * kMs, 7.8002, 7.8004),
          quote(kT0 + 9 * kMs, "HK", "9988", 97.4, 97.5, 800, 1200)};
}

TEST_F(FileReplayTest, GoodFileHasEveryRejectCounterZero) {
  FileMerger m({dir_.write("clean.jsonl", join(clean_lines()))}, config_);
  EXPECT_EQ(drain(m).size(), clean_lines().size());
  expect_no_rejects(m.counts());
  EXPECT_EQ(m.counts().lines, clean_lines().size());
  EXPECT_EQ(m.counts().blank, 0u);
}

TEST_F(FileReplayTest, SaltedFileYieldsTheCleanTicksAndCountsEachBadLine) {
  const std::vector<std::string> clean = clean_lines();
  const auto bad = bad_lines();
  std::vector<std::string> salted;
  std::size_t blanks = 0;
  for (std::size_t i = 0; i < clean.size() || i < bad.size(); ++i) {
    if (i < bad.size()) salted.push_back(bad[i].second);
    if (i % 4 == 0) {
      salted.push_back("   ");
      ++blanks;
    }
    if (i < clean.size()) salted.push_back(clean[i]);
  }
  FileMerger clean_m({dir_.write("clean.jsonl", join(clean))}, config_);
  FileMerger salted_m({dir_.write("salted.jsonl", "\xEF\xBB\xBF" + join(salted, "\r\n"))}, config_);
  EXPECT_EQ(seen(drain(salted_m)), seen(drain(clean_m)));

  const FeedCounts c = salted_m.counts();
  for (const auto& [reason, line] : bad) EXPECT_EQ(c.rejects[reason], 1u) << reject_name(reason);
  EXPECT_EQ(c.rejects.total(), bad.size());
  EXPECT_EQ(c.lines, clean.size() + bad.size());
  EXPECT_EQ(c.parsed, clean.size());
  EXPECT_EQ(c.blank, blanks);
}

// The whole path a replay takes, merger then engine: a salted set of files
// (every parse reject plus a late line the engine refuses) gives the same
// alerts as the clean set.
struct AlertKey {
  std::int64_t ts;
  PairId pair;
  Side side;
  AlertKind kind;
  CloseReason reason;
  double edge_bps;
  bool operator==(const AlertKey& o) const {
    return ts == o.ts && pair == o.pair && side == o.side && kind == o.kind && reason == o.reason &&
           (edge_bps == o.edge_bps || (edge_bps != edge_bps && o.edge_bps != o.edge_bps));
  }
};

struct RunResult {
  std::vector<AlertKey> alerts;
  RejectCounts engine_rejects;
};

RunResult run(const std::vector<std::string>& paths, const Config& config) {
  FileMerger m(paths, config);
  SpreadEngine engine(config);
  RunResult r;
  Tick t{};
  while (m.next(t)) {
    const Reject rej = engine.on_tick(t);
    if (rej != Reject::None) r.engine_rejects.add(rej);
    for (const Alert& a : engine.alerts())
      r.alerts.push_back({a.ts_event, a.pair, a.side, a.kind, a.reason, a.edge_bps});
  }
  return r;
}

TEST_F(FileReplayTest, SaltedFilesGiveTheSameAlertsThroughTheEngine) {
  const std::int64_t s = 1000 * kMs;
  // BABA/9988 at ratio 8: fair HK = 100 * 7.8 / 8 = 97.5. HK dropping to
  // 96.0/96.1 opens sell_adr; back to 97.4/97.5 reverts it; open again and
  // let the ADR leg go stale (max_age 3 s) on a later FX tick.
  const std::vector<std::string> us{quote(kT0 + 1 * s, "US", "BABA", 100, 100.02)};
  const std::vector<std::string> hk{quote(kT0 + 2 * s, "HK", "9988", 97.4, 97.5),
                                    quote(kT0 + 3 * s, "HK", "9988", 96, 96.1),
                                    quote(kT0 + 3 * s + 500 * kMs, "HK", "9988", 97.4, 97.5),
                                    quote(kT0 + 3 * s + 600 * kMs, "HK", "9988", 96, 96.1)};
  const std::vector<std::string> fxs{fx(kT0, 7.8, 7.8), fx(kT0 + 2 * s + 500 * kMs, 7.8, 7.8),
                                     fx(kT0 + 5 * s, 7.8, 7.8)};
  const RunResult clean = run({dir_.write("us.jsonl", join(us)), dir_.write("hk.jsonl", join(hk)),
                               dir_.write("fx.jsonl", join(fxs))},
                              config_);
  ASSERT_EQ(clean.alerts.size(), 4u);  // open, reverted, open, stale
  EXPECT_EQ(clean.alerts[1].reason, CloseReason::Reverted);
  EXPECT_EQ(clean.alerts[3].reason, CloseReason::Stale);
  EXPECT_EQ(clean.engine_rejects.total(), 0u);

  std::vector<std::string> us_salted = us;
  // Late and wildly rich: were it accepted it would open sell_adr at once.
  us_salted.push_back(quote(kT0 + 1 * s - 1, "US", "BABA", 200, 200.02));
  std::vector<std::string> hk_salted;
  const auto bad = bad_lines();
  for (std::size_t i = 0; i < hk.size(); ++i) {
    hk_salted.push_back(hk[i]);
    for (std::size_t j = i; j < bad.size(); j += hk.size()) hk_salted.push_back(bad[j].second);
  }
  const std::string hk_path = dir_.write("hk_salted.jsonl", join(hk_salted));
  const RunResult salted = run(
      {dir_.write("us_salted.jsonl", join(us_salted)), hk_path, dir_.write("fx.jsonl", join(fxs))},
      config_);
  EXPECT_EQ(salted.alerts, clean.alerts);
  EXPECT_EQ(salted.engine_rejects[Reject::OutOfOrder], 1u);
  EXPECT_EQ(salted.engine_rejects.total(), 1u);

  FileMerger counts_only({hk_path}, config_);
  drain(counts_only);
  for (const auto& [reason, line] : bad)
    EXPECT_EQ(counts_only.counts().rejects[reason], 1u) << reject_name(reason);
}

// TickFileReader parses the lines of one read in batches (parse_lines) or
// one by one: a file of good, bad, blank, CRLF and over-long lines across
// several read chunks gives the same events, in the same order, either way.
TEST(TickFileReaderBatches, BatchedAndOneByOneGiveTheSameEvents) {
  TempDir dir;
  const Config config = test::feeds_config();
  std::vector<std::string> lines;
  const auto bad = bad_lines();
  for (int round = 0; round < 40; ++round) {
    for (const std::string& l : clean_lines()) lines.push_back(l);
    lines.push_back(bad[static_cast<std::size_t>(round) % bad.size()].second);
    if (round % 3 == 0) lines.push_back(" \t");
    if (round % 7 == 0) lines.push_back(std::string(kMaxLineBytes + 10, 'x'));  // too long
  }
  const std::string path = dir.write("mixed.jsonl", join(lines, "\r\n"));
  TickFileReader batched(path, 0);
  TickFileReader one(path, 0);
  TickParser p1(config), p2(config);
  FileEvent a{}, b{};
  std::size_t events = 0, ticks = 0, too_long = 0;
  for (;;) {
    batched.produce(p1, a, TickFileReader::Lines::Batched);
    one.produce(p2, b, TickFileReader::Lines::OneByOne);
    ASSERT_EQ(a.kind, b.kind) << "event " << events;
    EXPECT_EQ(a.blank, b.blank) << "event " << events;
    batched.account(a);
    one.account(b);
    ++events;
    if (a.kind == FileEvent::Kind::End) break;
    if (a.kind == FileEvent::Kind::Reject) {
      EXPECT_EQ(reject_name(a.reject), reject_name(b.reject)) << "event " << events;
      EXPECT_EQ(std::string_view(a.symbol, a.symbol_size),
                std::string_view(b.symbol, b.symbol_size));
      too_long += a.reject == Reject::LineTooLong;
      continue;
    }
    ++ticks;
    EXPECT_EQ(a.tick.ts_event, b.tick.ts_event);
    EXPECT_EQ(a.tick.instrument, b.tick.instrument);
    EXPECT_EQ(a.tick.bid, b.tick.bid);
    EXPECT_EQ(a.tick.ask, b.tick.ask);
    EXPECT_EQ(a.tick.ts_recv != 0, b.tick.ts_recv != 0);
    EXPECT_EQ(batched.last_line(), one.last_line());
  }
  EXPECT_EQ(ticks, 40 * clean_lines().size());
  std::size_t long_lines = 0;
  for (const std::string& l : lines) long_lines += l.size() > kMaxLineBytes;
  EXPECT_EQ(too_long, long_lines);
  EXPECT_GE(long_lines, 6u);
  const FeedCounts ca = batched.counts(), cb = one.counts();
  EXPECT_EQ(ca.lines, cb.lines);
  EXPECT_EQ(ca.parsed, cb.parsed);
  EXPECT_EQ(ca.blank, cb.blank);
  EXPECT_EQ(ca.bytes, cb.bytes);
  EXPECT_EQ(ca.rejects.total(), cb.rejects.total());
  EXPECT_EQ(cb.blank, 14u);
}

}  // namespace
}  // namespace adrmon
