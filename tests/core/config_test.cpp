// Length: one case per kind of bad config with its exact message; the fixtures
// are files in tests/data/config.
// Config loader: a good file loads with every value as written; each kind of
// bad file stops with one ConfigError naming the file, the line and the key.
// Fixtures are in tests/data/config; line numbers below are those files'.
#include "adrmon/core/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>

#include "test_config.hpp"

namespace adrmon {
namespace {

std::string fixture(const std::string& name) {
  return std::string(ADRMON_TEST_DATA) + "/config/" + name;
}

// Text of line `n` (1-based) of a fixture, so each test also shows which
// line of its file it means.
std::string line_of_file(const std::string& path, int n) {
  std::ifstream in(path);
  std::string text;
  for (int i = 0; i < n && std::getline(in, text); ++i) {
  }
  return text;
}

struct Expected {
  int line;
  std::string key;
  std::string line_text;  // what that line of the fixture says
};

void expect_config_error(const std::string& name, const Expected& want) {
  const std::string path = fixture(name);
  ASSERT_EQ(line_of_file(path, want.line), want.line_text) << "fixture " << name << " changed";
  try {
    (void)load_config(path);
    ADD_FAILURE() << name << ": expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.line(), want.line) << e.what();
    EXPECT_EQ(e.key(), want.key) << e.what();
    // The one message a user sees names all three.
    const std::string what = e.what();
    EXPECT_NE(what.find(path + ":" + std::to_string(want.line) + ":"), std::string::npos) << what;
    EXPECT_NE(what.find(want.key), std::string::npos) << what;
  }
}

// good.toml's [defaults], which a pair without overrides takes as they are.
void expect_good_defaults(const Thresholds& t) {
  EXPECT_DOUBLE_EQ(t.enter_bps, 50.0);
  EXPECT_DOUBLE_EQ(t.exit_bps, 20.5);
  EXPECT_EQ(t.max_age_ns, 3'000'000'000);
  EXPECT_EQ(t.min_persist_ns, 2'500'000);  // 2.5 ms, fractional ms allowed
  EXPECT_DOUBLE_EQ(t.cost_bps, 12.0);
  EXPECT_DOUBLE_EQ(t.conversion_fee_usd, 0.05);
}

// Pair `i` of good.toml, which has two: BABA/9988 and NOAH/6686.
PairConfig good_pair(std::size_t i) {
  const Config c = load_config(fixture("good.toml"));
  EXPECT_EQ(c.pairs.size(), 2u);
  return c.pairs.at(i);
}

TEST(ConfigLoad, GoodFileReadsFxAndDefaultsIntsAndDecimals) {
  const Config c = load_config(fixture("good.toml"));
  EXPECT_EQ(c.path, fixture("good.toml"));
  EXPECT_EQ(c.fx.pair, "USDHKD");
  EXPECT_DOUBLE_EQ(c.fx.min, 7.70);
  EXPECT_DOUBLE_EQ(c.fx.max, 7.9);
  expect_good_defaults(c.defaults);
}

TEST(ConfigLoad, GoodFilePairWithoutOverridesTakesDefaults) {
  const PairConfig p = good_pair(0);
  EXPECT_EQ(p.adr, "BABA");
  EXPECT_EQ(p.hk, "9988");  // written "09988" in the file
  EXPECT_EQ(p.name, "BABA/9988");
  EXPECT_DOUBLE_EQ(p.ratio, 8.0);
  EXPECT_TRUE(p.fungible);  // default when absent
  EXPECT_EQ(p.line, 15);
  expect_good_defaults(p.thresholds);
}

TEST(ConfigLoad, GoodFilePairOverridesReplaceOnlyWhatTheyName) {
  const PairConfig p = good_pair(1);
  EXPECT_EQ(p.name, "NOAH/6686");
  EXPECT_DOUBLE_EQ(p.ratio, 0.5);
  EXPECT_FALSE(p.fungible);
  EXPECT_EQ(p.line, 20);
  EXPECT_DOUBLE_EQ(p.thresholds.enter_bps, 80.0);          // overridden
  EXPECT_EQ(p.thresholds.max_age_ns, 1'500'000'000);       // overridden
  EXPECT_DOUBLE_EQ(p.thresholds.conversion_fee_usd, 0.0);  // overridden
  EXPECT_DOUBLE_EQ(p.thresholds.exit_bps, 20.5);           // inherited
  EXPECT_EQ(p.thresholds.min_persist_ns, 2'500'000);       // inherited
  EXPECT_DOUBLE_EQ(p.thresholds.cost_bps, 12.0);           // inherited
}

TEST(ConfigLoad, ParseConfigFromTextUsesSourceName) {
  const Config c = parse_config(std::string(test::kBaseToml) + R"([[pair]]
adr = "JD"
hk = "9618"
ratio = 2
exit_bps = 50
max_age_ms = 1
)",
                                "inline");
  EXPECT_EQ(c.path, "inline");
  ASSERT_EQ(c.pairs.size(), 1u);
  EXPECT_EQ(c.pairs[0].name, "JD/9618");
  // exit == enter is allowed.
  EXPECT_DOUBLE_EQ(c.pairs[0].thresholds.exit_bps, c.pairs[0].thresholds.enter_bps);
  EXPECT_EQ(c.pairs[0].thresholds.max_age_ns, 1'000'000);
}

// kBaseToml is 11 lines; the pair is lines 12-15, [aliases.US] 16.
const std::string kAliasBase = std::string(test::kBaseToml) + R"([[pair]]
adr = "BABA"
hk = "9988"
ratio = 8
)";

TEST(ConfigLoad, AliasesMapVendorSymbolsPerVenue) {
  const Config c = parse_config(kAliasBase + R"([aliases.US]
"BABA US" = "BABA"
[aliases.HK]
"09988.HK" = "09988"
[aliases.FX]
"USD/HKD" = "USDHKD"
)",
                                "inline");
  ASSERT_EQ(c.aliases.us.size(), 1u);
  EXPECT_EQ(c.aliases.us[0].vendor, "BABA US");
  EXPECT_EQ(c.aliases.us[0].target, "BABA");
  ASSERT_EQ(c.aliases.hk.size(), 1u);
  EXPECT_EQ(c.aliases.hk[0].target, "9988");  // leading zeros dropped like [[pair]] hk
  ASSERT_EQ(c.aliases.fx.size(), 1u);
  EXPECT_EQ(c.aliases.fx[0].vendor, "USD/HKD");
}

TEST(ConfigError, AliasToNoConfiguredSymbolNamesTheQuotedKey) {
  for (const auto& [table, want_key, want_text] :
       {std::tuple{"[aliases.US]\n\"BABA US\" = \"TSLA\"\n", "aliases.US.\"BABA US\"", "'TSLA'"},
        std::tuple{"[aliases.FX]\n\"USD/CNH\" = \"USDCNH\"\n", "aliases.FX.\"USD/CNH\"",
                   "fx pair (USDHKD)"},
        std::tuple{"[aliases.CN]\n\"x\" = \"y\"\n", "aliases.CN", "unknown venue"}}) {
    try {
      (void)parse_config(kAliasBase + table, "inline");
      ADD_FAILURE() << "expected ConfigError for " << table;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), want_key) << e.what();
      EXPECT_NE(std::string(e.what()).find(want_text), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("inline:"), std::string::npos) << e.what();
    }
  }
}

// 12 lines: the shared [fx] and [defaults] and a sell_adr bar in [defaults].
const std::string kSideBase = std::string(test::kBaseToml) + "sell_adr_enter_bps = 80\n";

// The most specific setting wins: a pair's side key, then the pair's generic
// key, then [defaults]' side key, then [defaults]' generic key.
TEST(ConfigLoad, PerSideThresholdsInheritMostSpecificFirst) {
  const Config c = parse_config(kSideBase + R"(
[[pair]]
adr = "A"
hk = "1"
ratio = 1
[[pair]]
adr = "B"
hk = "2"
ratio = 1
enter_bps = 60
[[pair]]
adr = "C"
hk = "3"
ratio = 1
enter_bps = 60
buy_adr_enter_bps = 90
buy_adr_exit_bps = 30
)",
                                "side");
  const Thresholds& a = c.pairs[0].thresholds;
  EXPECT_DOUBLE_EQ(a.enter_for(0), 80);  // defaults' side key
  EXPECT_DOUBLE_EQ(a.enter_for(1), 50);  // defaults' generic
  const Thresholds& b = c.pairs[1].thresholds;
  EXPECT_DOUBLE_EQ(b.enter_for(0), 60);  // the pair's generic beats defaults' side key
  EXPECT_DOUBLE_EQ(b.enter_for(1), 60);
  const Thresholds& d = c.pairs[2].thresholds;
  EXPECT_DOUBLE_EQ(d.enter_for(0), 60);
  EXPECT_DOUBLE_EQ(d.enter_for(1), 90);
  EXPECT_DOUBLE_EQ(d.exit_for(1), 30);
  EXPECT_DOUBLE_EQ(d.exit_for(0), 20);
}

TEST(ConfigError, PerSideExitAboveItsEnterNamesTheKey) {
  try {
    (void)parse_config(kSideBase + R"(
[[pair]]
adr = "A"
hk = "1"
ratio = 1
buy_adr_exit_bps = 70
)",
                       "side");
    ADD_FAILURE() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "pair[1].buy_adr_exit_bps");
    EXPECT_EQ(e.line(), 18);  // 12 lines of kSideBase, a blank, then the pair
  }
}

TEST(ConfigLoad, DaemonSectionsAreOptionalWithDefaults) {
  const Config c = load_config(fixture("good.toml"));
  EXPECT_EQ(c.pipeline.wait, WaitStrategy::Block);
  EXPECT_EQ(c.pipeline.sink_wait, WaitStrategy::Block);
  EXPECT_EQ(c.pipeline.design, PipelineDesign::Auto);
  EXPECT_EQ(c.pipeline.busy_poll_us, 10000);
  EXPECT_TRUE(c.sources.empty());
  EXPECT_TRUE(c.sinks.alerts_path.empty());
  EXPECT_TRUE(c.sinks.stdout_human);
  EXPECT_TRUE(c.webhook.url.empty());
}

TEST(ConfigLoad, DaemonSectionsAreRead) {
  const Config c = load_config(fixture("good_daemon.toml"));
  EXPECT_EQ(c.pipeline.wait, WaitStrategy::Spin);
  EXPECT_EQ(c.pipeline.sink_wait, WaitStrategy::Yield);
  EXPECT_EQ(c.pipeline.design, PipelineDesign::Inline);
  EXPECT_EQ(c.pipeline.busy_poll_us, 2500);
  EXPECT_EQ(c.pipeline.queue_capacity, 1024u);
  EXPECT_EQ(c.pipeline.engine_cpu, 1);
  EXPECT_EQ(c.pipeline.feed_cpu, -1);
  EXPECT_DOUBLE_EQ(c.pipeline.status_interval_s, 2.5);
  ASSERT_EQ(c.sources.size(), 1u);
  // Relative paths resolve against the config file's directory.
  const std::string dir = std::string(ADRMON_TEST_DATA) + "/config";
  EXPECT_EQ(c.sources[0], "file:" + dir + "/us.jsonl");
  EXPECT_EQ(c.sinks.alerts_path, dir + "/alerts.jsonl");
  EXPECT_FALSE(c.sinks.stdout_human);
  EXPECT_EQ(c.webhook.url, "http://127.0.0.1:9000/alerts");
  EXPECT_DOUBLE_EQ(c.webhook.max_per_second, 5);
  EXPECT_EQ(c.webhook.retries, 0);
}

TEST(ConfigStripLeadingZeros, DropsPaddingButKeepsALoneZero) {
  EXPECT_EQ(strip_leading_zeros("09988"), "9988");
  EXPECT_EQ(strip_leading_zeros("00013"), "13");
  EXPECT_EQ(strip_leading_zeros("9988"), "9988");
  EXPECT_EQ(strip_leading_zeros("0"), "0");
  EXPECT_EQ(strip_leading_zeros("000"), "0");
  EXPECT_EQ(strip_leading_zeros(""), "");
}

TEST(ConfigError, MissingRequiredKeyNamesItAtItsTableLine) {
  expect_config_error("missing_ratio.toml", {14, "pair[1].ratio", "[[pair]]"});
}

TEST(ConfigError, MissingDefaultsKeyNamesItAtTheDefaultsLine) {
  expect_config_error("defaults_missing_key.toml", {6, "defaults.cost_bps", "[defaults]"});
}

TEST(ConfigError, MisspeltOptionalKeyIsNamedAtItsOwnLine) {
  expect_config_error("misspelt_key.toml", {18, "pair[1].fungable", "fungable = true"});
}

// "ratoi" instead of "ratio": FORMATS.md says a missing key is reported at
// its table's line, and the required key is checked before unknown keys.
// The typo is named at its own line (keys are checked against the known ones
// before anything is reported missing).
TEST(ConfigError, MisspeltRequiredKeyIsNamedAtItsLine) {
  expect_config_error("misspelt_ratio.toml", {17, "pair[1].ratoi", "ratoi = 8"});
}

TEST(ConfigError, RatioZero) {
  expect_config_error("ratio_zero.toml", {17, "pair[1].ratio", "ratio = 0"});
}

TEST(ConfigError, RatioNegative) {
  expect_config_error("ratio_negative.toml", {17, "pair[1].ratio", "ratio = -0.5"});
}

TEST(ConfigError, RatioAsStringIsWrongType) {
  expect_config_error("ratio_wrong_type.toml", {17, "pair[1].ratio", "ratio = \"8\""});
}

TEST(ConfigError, DefaultsValueAsStringIsWrongType) {
  expect_config_error("defaults_wrong_type.toml", {7, "defaults.enter_bps", "enter_bps = \"50\""});
}

TEST(ConfigError, NonFiniteNumber) {
  expect_config_error("non_finite.toml", {7, "defaults.enter_bps", "enter_bps = inf"});
}

TEST(ConfigError, NegativeMaxAge) {
  expect_config_error("negative_max_age.toml", {9, "defaults.max_age_ms", "max_age_ms = -1"});
}

TEST(ConfigError, ExitAboveEnterInDefaults) {
  expect_config_error("exit_above_enter_defaults.toml", {8, "defaults.exit_bps", "exit_bps = 60"});
}

TEST(ConfigError, ExitAboveEnterInPairOverride) {
  expect_config_error("exit_above_enter_pair.toml", {18, "pair[1].exit_bps", "exit_bps = 70"});
}

TEST(ConfigError, PairEnterOverrideBelowDefaultExit) {
  expect_config_error("enter_below_exit_pair.toml", {18, "pair[1].enter_bps", "enter_bps = 10"});
}

TEST(ConfigError, AdrSymbolInTwoPairs) {
  expect_config_error("duplicate_adr.toml", {20, "pair[2].adr", "adr = \"BABA\""});
}

TEST(ConfigError, HkCodeInTwoPairsAfterZeroPaddingIsDropped) {
  expect_config_error("duplicate_hk.toml", {21, "pair[2].hk", "hk = \"09988\""});
}

TEST(ConfigError, HkCodeNotAllDigits) {
  expect_config_error("hk_not_digits.toml", {16, "pair[1].hk", "hk = \"99-88\""});
}

TEST(ConfigError, SymbolLongerThan16Bytes) {
  expect_config_error("symbol_too_long.toml", {15, "pair[1].adr", "adr = \"ABCDEFGHIJKLMNOPQ\""});
}

TEST(ConfigError, FxMinEqualToMax) {
  expect_config_error("fx_min_equals_max.toml", {4, "fx.max", "max = 7.70"});
}

TEST(ConfigError, FxMinAboveMax) {
  expect_config_error("fx_min_above_max.toml", {4, "fx.max", "max = 7.60"});
}

TEST(ConfigError, UnknownTable) {
  expect_config_error("unknown_table.toml", {19, "alerts", "[alerts]"});
}

TEST(ConfigError, MissingTable) {
  expect_config_error("missing_fx.toml", {1, "fx", "[defaults]"});
}

TEST(ConfigError, TomlSyntaxError) {
  expect_config_error("syntax_error.toml", {11, "(syntax)", "cost_bps = 12 bps"});
}

TEST(ConfigError, PipelineUnknownWaitStrategy) {
  expect_config_error("pipeline_bad_wait.toml", {20, "pipeline.wait", "wait = \"busy\""});
}

TEST(ConfigError, PipelineUnknownDesign) {
  expect_config_error("pipeline_bad_design.toml", {20, "pipeline.design", "design = \"threads\""});
}

TEST(ConfigError, PipelineUnknownSinkWait) {
  expect_config_error("pipeline_bad_sink_wait.toml",
                      {20, "pipeline.sink_wait", "sink_wait = \"sleep\""});
}

TEST(ConfigError, PipelineNegativeBusyPoll) {
  expect_config_error("pipeline_negative_busy_poll.toml",
                      {20, "pipeline.busy_poll_us", "busy_poll_us = -1"});
}

// sink_wait follows wait unless given.
TEST(ConfigLoad, SinkWaitFollowsWait) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/sink_wait_follows.toml";
  std::string text;
  {
    std::ifstream in(fixture("pipeline_bad_wait.toml"));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("wait = \"busy\""), 13, "wait = \"yield\"");
  std::ofstream(path) << text;
  const Config c = load_config(path);
  EXPECT_EQ(c.pipeline.wait, WaitStrategy::Yield);
  EXPECT_EQ(c.pipeline.sink_wait, WaitStrategy::Yield);
}

TEST(ConfigError, PipelineFractionalQueueCapacity) {
  expect_config_error("pipeline_fractional_capacity.toml",
                      {20, "pipeline.queue_capacity", "queue_capacity = 100.5"});
}

TEST(ConfigError, WebhookUrlMustBeHttp) {
  expect_config_error("webhook_not_http.toml",
                      {20, "webhook.url", "url = \"ftp://example.com/hook\""});
}

// What load_config(path) threw; fails the test when it loaded.
ConfigError load_error(const std::string& path) {
  try {
    (void)load_config(path);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << path << ": expected ConfigError";
  return ConfigError(path, "loaded");
}

// The file itself: "FILE: cannot open: ERRNO TEXT", no line, no key.
TEST(ConfigError, MissingFileNamesTheFileAndErrno) {
  const std::string path = fixture("does_not_exist.toml");
  const ConfigError e = load_error(path);
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.line(), 0);  // no line applies
  EXPECT_EQ(std::string(e.what()), path + ": cannot open: No such file or directory");
}

TEST(ConfigError, DirectoryAsConfigSaysSo) {
  const std::string dir = std::string(ADRMON_TEST_DATA) + "/config/";
  const ConfigError e = load_error(dir);
  EXPECT_EQ(std::string(e.what()), dir + ": is a directory");
  EXPECT_EQ(e.line(), 0);
}

// The webhook url has one check (parse_webhook_url, shared with WebhookSink):
// its reasons reach a config error with file, line and key.
TEST(ConfigError, WebhookOtherSchemeGetsTheReasonWithFileLineAndKey) {
  const std::string path = fixture("webhook_not_http.toml");
  EXPECT_EQ(std::string(load_error(path).what()),
            path + ":20: key 'webhook.url': must start with http:// or https://");
}

TEST(ConfigError, WebhookUrlReasonsComeFromTheOneCheck) {
  const std::string base = R"([fx]
pair = "USDHKD"
min = 7.7
max = 7.9
[defaults]
enter_bps = 50
exit_bps = 20
max_age_ms = 1
min_persist_ms = 0
cost_bps = 0
conversion_fee_usd = 0
[[pair]]
adr = "JD"
hk = "9618"
ratio = 2
[webhook]
)";
  const auto error_of = [&](const std::string& url) -> std::string {
    try {
      (void)parse_config(base + "url = \"" + url + "\"\n", "inline");
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.line(), 17) << e.what();
      EXPECT_EQ(e.key(), "webhook.url") << e.what();
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error_of("ftp://h/x"),
            "inline:17: key 'webhook.url': must start with http:// or https://");
  EXPECT_EQ(error_of("http://h:0/x"), "inline:17: key 'webhook.url': port must be 1..65535");
  EXPECT_EQ(error_of("http://u:p@h/x"),
            "inline:17: key 'webhook.url': credentials in the url are not supported");
  EXPECT_EQ(error_of("http://::1/x"),
            "inline:17: key 'webhook.url': an IPv6 address needs brackets: [ADDR]:PORT");
  // What the sink can post loads, IPv6 literals included.
  EXPECT_EQ(error_of("http://[::1]:9000/alerts"), "");
  EXPECT_EQ(error_of("http://hooks.example.com/a?b=1"), "");
  EXPECT_EQ(error_of("https://hooks.example.com/a?b=1"), "");
  EXPECT_EQ(parse_config(base + "url = \"http://[::1]:9000/alerts\"\n", "inline").webhook.url,
            "http://[::1]:9000/alerts");
}

// [[source]] file:, itch: and omdc: paths and [sinks] alerts resolve
// against the config's directory (queries kept); absolute paths and network
// specs stay as written; parse_config (no file) keeps every path as written.
TEST(ConfigLoad, PathsResolveAgainstTheConfigDirectory) {
  const std::string text = std::string(test::kBaseToml) +
                           "[[pair]]\nadr = \"JD\"\nhk = \"9618\"\nratio = 2\n"
                           "[[source]]\nspec = \"file:day/us.jsonl?speed=10\"\n"
                           "[[source]]\nspec = \"itch:caps/day.itch.gz?date=2025-11-24\"\n"
                           "[[source]]\nspec = \"omdc:/abs/hk.omdc\"\n"
                           "[[source]]\nspec = \"tcp://127.0.0.1:9701\"\n"
                           "[sinks]\nalerts = \"log/alerts.jsonl\"\n";
  const std::string dir = ::testing::TempDir() + "adrmon_config_paths";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/adrmon.toml";
  std::ofstream(path) << text;
  const Config c = load_config(path);
  ASSERT_EQ(c.sources.size(), 4u);
  EXPECT_EQ(c.sources[0], "file:" + dir + "/day/us.jsonl?speed=10");
  EXPECT_EQ(c.sources[1], "itch:" + dir + "/caps/day.itch.gz?date=2025-11-24");
  EXPECT_EQ(c.sources[2], "omdc:/abs/hk.omdc");
  EXPECT_EQ(c.sources[3], "tcp://127.0.0.1:9701");
  EXPECT_EQ(c.sinks.alerts_path, dir + "/log/alerts.jsonl");
  const Config inline_config = parse_config(text, "inline");
  EXPECT_EQ(inline_config.sources[0], "file:day/us.jsonl?speed=10");
  EXPECT_EQ(inline_config.sinks.alerts_path, "log/alerts.jsonl");
}

TEST(ConfigLiveness, TableIsReadAndStrict) {
  const std::string kLiveBase =
      std::string(test::kBaseToml) + "[[pair]]\nadr = \"JD\"\nhk = \"9618\"\nratio = 2\n";
  const Config c =
      parse_config(kLiveBase + "[liveness]\nsilence_ms = 5000\nhk_silence_ms = 2000\n", "inline");
  EXPECT_EQ(c.liveness.silence_ms, 5000);
  EXPECT_EQ(c.liveness.hk_silence_ms, 2000);
  EXPECT_EQ(c.liveness.us_silence_ms, -1);
  EXPECT_EQ(parse_config(kLiveBase, "inline").liveness.silence_ms, -1);
  for (const char* bad :
       {"silence_ms = -1\n", "silence_ms = 1.5\n", "silence_ms = \"5\"\n", "silence = 5\n"}) {
    try {
      (void)parse_config(kLiveBase + "[liveness]\n" + bad, "inline");
      ADD_FAILURE() << bad;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.key()).find("liveness."), std::string::npos) << e.what();
      EXPECT_GT(e.line(), 0) << e.what();
    }
  }
}

}  // namespace
}  // namespace adrmon
