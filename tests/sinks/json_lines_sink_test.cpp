// JsonLinesSink on real files: the good path (every line, nothing logged),
// tail repair on open, a failing disk (/dev/full; a file size limit that
// cuts a write short) leaving whole lines only and counting lost alerts,
// reports at most once a second, reopen() after a rename, an fd it does
// not own, and warm() leaving the file, its mtime and an inotify reader alone.
#include "adrmon/sinks/json_lines_sink.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "adrmon/core/alert_json.hpp"
#include "adrmon/core/clock.hpp"
#include "recording_log.hpp"
#include "sink_test_support.hpp"

namespace adrmon::test {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kSecond = 1'000'000'000;

std::string json_line(const Alert& a) {
  char buf[kMaxAlertJsonBytes];
  return std::string(buf, format_alert_json(a, kNames[a.pair], buf));
}

std::string lines(int from, int to) {  // alerts [from, to) as the file holds them
  std::string out;
  for (int i = from; i < to; ++i) out += json_line(make_alert(i));
  return out;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

class JsonLinesSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("adrmon_jsonl_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(JsonLinesSinkTest, GoodPathWritesEveryLineAndLogsNothing) {
  const fs::path path = dir_ / "alerts.jsonl";
  RecordingLog log;
  {
    JsonLinesSink sink(path.string(), kNames, log);
    for (int i = 0; i < 3; ++i) sink.write(make_alert(i));
    EXPECT_EQ(sink.written(), 0u);  // buffered, not on disk yet
    sink.flush();
    EXPECT_EQ(read_file(path), lines(0, 3));
    sink.write(make_alert(3));
    sink.poll(steady_ns(), false);
    sink.poll(steady_ns(), true);
    EXPECT_EQ(sink.written(), 3u);
  }  // the destructor flushes the fourth
  EXPECT_EQ(read_file(path), lines(0, 4));
  EXPECT_TRUE(log.lines().empty()) << log.text();
}

// warm() reads the file's last byte back and writes nothing: the file, its
// mtime and an inotify watcher (a log shipper tailing it) see no change, and
// the sample it formats into the buffer is never written.
TEST_F(JsonLinesSinkTest, WarmingChangesNeitherTheFileNorItsMtimeNorWakesAWatcher) {
  const fs::path path = dir_ / "alerts.jsonl";
  RecordingLog log;
  JsonLinesSink sink(path.string(), kNames, log);
  sink.write(make_alert(0));
  sink.flush();
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  ASSERT_GE(watch, 0);
  ASSERT_GE(::inotify_add_watch(watch, path.c_str(), IN_MODIFY | IN_ATTRIB), 0);
  for (int i = 0; i < 5; ++i) {
    ::usleep(10'000);  // past the coarse clock's tick, so an mtime update would show
    sink.warm(make_alert(1));
  }
  struct stat after {};
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_size, before.st_size);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  char events[4096];
  EXPECT_LT(::read(watch, events, sizeof events), 0) << "warm() woke the watcher";
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(read_file(path), lines(0, 1));
  // The watch works: a real write wakes it.
  sink.write(make_alert(2));
  sink.flush();
  EXPECT_GT(::read(watch, events, sizeof events), 0);
  EXPECT_EQ(read_file(path), lines(0, 1) + json_line(make_alert(2)));
  ::close(watch);
}

TEST_F(JsonLinesSinkTest, CountersAreZeroOnTheGoodPath) {
  RecordingLog log;
  JsonLinesSink sink((dir_ / "a.jsonl").string(), kNames, log);
  for (int i = 0; i < 100; ++i) sink.write(make_alert(i));
  sink.flush();
  EXPECT_EQ(sink.written(), 100u);
  EXPECT_EQ(sink.lost(), 0u);
  EXPECT_EQ(sink.write_errors(), 0u);
  EXPECT_EQ(sink.error(), 0);
  EXPECT_EQ(sink.repaired_bytes(), 0u);
  EXPECT_EQ(sink.path(), (dir_ / "a.jsonl").string());
}

TEST_F(JsonLinesSinkTest, OpeningALogWithACutLastLineTruncatesItBack) {
  const fs::path path = dir_ / "alerts.jsonl";
  const std::string whole = lines(0, 2);
  const std::string cut = json_line(make_alert(2)).substr(0, 57);
  write_file(path, whole + cut);
  RecordingLog log;
  {
    JsonLinesSink sink(path.string(), kNames, log);
    EXPECT_EQ(sink.repaired_bytes(), 57u);
    EXPECT_EQ(read_file(path), whole);
    sink.write(make_alert(5));
  }
  EXPECT_EQ(read_file(path), whole + json_line(make_alert(5)));
  ASSERT_EQ(log.lines().size(), 1u) << log.text();
  // The text `adrmon run` has always printed (ROBUSTNESS.md, robustness_e2e).
  EXPECT_EQ(log.lines()[0],
            "alert log: dropped a cut last line (57 bytes) left by an earlier crash or full disk");
  EXPECT_EQ(log.levels()[0], LogLevel::Warning);
}

TEST_F(JsonLinesSinkTest, ACutLineLongerThanOneReadChunkOrWithoutAnyNewlineIsDropped) {
  const fs::path path = dir_ / "alerts.jsonl";
  const std::string whole = lines(0, 1);
  write_file(path, whole + std::string(10'000, 'x'));
  {
    JsonLinesSink sink(path.string(), kNames, null_log());
    EXPECT_EQ(sink.repaired_bytes(), 10'000u);
  }
  EXPECT_EQ(read_file(path), whole);

  write_file(path, "no newline at all");
  {
    JsonLinesSink sink(path.string(), kNames, null_log());
    EXPECT_EQ(sink.repaired_bytes(), 17u);
  }
  EXPECT_EQ(read_file(path), "");
}

TEST_F(JsonLinesSinkTest, AnUnopenablePathThrowsNamingIt) {
  const std::string path = (dir_ / "no_such_dir" / "a.jsonl").string();
  try {
    JsonLinesSink sink(path, kNames, null_log());
    FAIL() << "opened " << path;
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot open for writing: No such file or directory");
  }
}

TEST_F(JsonLinesSinkTest, DevFullCountsLostAlertsAndReportsAtMostOnceASecond) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full";
  RecordingLog log;
  JsonLinesSink sink("/dev/full", kNames, log);
  const std::int64_t t0 = 100 * kSecond;
  sink.write(make_alert(0));
  sink.write(make_alert(1));
  sink.flush();
  EXPECT_EQ(sink.written(), 0u);
  EXPECT_EQ(sink.lost(), 2u);
  EXPECT_EQ(sink.write_errors(), 1u);
  EXPECT_EQ(sink.error(), ENOSPC);
  sink.poll(t0, false);  // the first failure is reported at once
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_EQ(log.lines()[0],
            "alert log /dev/full: write failed (No space left on device); 2 alert(s) lost so far");
  EXPECT_EQ(log.levels()[0], LogLevel::Error);

  sink.write(make_alert(2));
  sink.flush();
  sink.poll(t0 + kSecond / 2, false);  // within the second: held back
  sink.poll(t0 + kSecond / 2, false);
  EXPECT_EQ(log.lines().size(), 1u);
  sink.poll(t0 + kSecond, false);  // the second is over: one line for what was held
  ASSERT_EQ(log.lines().size(), 2u);
  EXPECT_EQ(log.lines()[1],
            "alert log /dev/full: write failed (No space left on device); 3 alert(s) lost so far");
  sink.poll(t0 + 3 * kSecond, false);  // nothing new: nothing said
  EXPECT_EQ(log.lines().size(), 2u);

  sink.write(make_alert(3));
  sink.flush();
  sink.poll(t0 + 3 * kSecond, false);
  sink.write(make_alert(4));
  sink.flush();
  sink.poll(t0 + 3 * kSecond + 1, false);  // held back ...
  EXPECT_EQ(log.lines().size(), 3u);
  sink.poll(t0 + 3 * kSecond + 2, true);  // ... until the final poll
  ASSERT_EQ(log.lines().size(), 4u);
  EXPECT_EQ(log.lines()[3],
            "alert log /dev/full: write failed (No space left on device); 5 alert(s) lost so far");
  EXPECT_EQ(sink.write_errors(), 4u);
  EXPECT_EQ(sink.lost(), 5u);
}

// A disk that fills in the middle of a flush: RLIMIT_FSIZE lets the first
// write(2) through short, then fails it with EFBIG.
TEST_F(JsonLinesSinkTest, AShortWriteIsCutBackToTheLastWholeLine) {
  const fs::path path = dir_ / "alerts.jsonl";
  JsonLinesSink sink(path.string(), kNames, null_log());
  sink.write(make_alert(0));
  sink.write(make_alert(1));
  sink.flush();
  const std::string before = read_file(path);
  ASSERT_EQ(before, lines(0, 2));

  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit cap = saved;
  cap.rlim_cur = before.size() + json_line(make_alert(2)).size() + 40;  // 1 line and a bit
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &cap), 0);
  for (int i = 2; i < 5; ++i) sink.write(make_alert(i));
  sink.flush();
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  std::signal(SIGXFSZ, old_handler);

  EXPECT_EQ(read_file(path), before);  // whole lines only, not a prefix of the next
  EXPECT_EQ(sink.lost(), 3u);
  EXPECT_EQ(sink.written(), 2u);
  EXPECT_EQ(sink.write_errors(), 1u);
  EXPECT_EQ(sink.error(), EFBIG);

  sink.write(make_alert(5));  // later writes try again
  sink.flush();
  EXPECT_EQ(read_file(path), before + json_line(make_alert(5)));
  EXPECT_EQ(sink.written(), 3u);
}

TEST_F(JsonLinesSinkTest, ReopenAfterARenameWritesToANewFile) {
  const fs::path path = dir_ / "alerts.jsonl";
  const fs::path rotated = dir_ / "alerts.jsonl.1";
  RecordingLog log;
  JsonLinesSink sink(path.string(), kNames, log);
  sink.write(make_alert(0));
  sink.flush();
  fs::rename(path, rotated);  // logrotate
  sink.write(make_alert(1));  // buffered: still owed to the old file
  ASSERT_TRUE(sink.reopen());
  sink.write(make_alert(2));
  sink.flush();
  EXPECT_EQ(read_file(rotated), lines(0, 2));
  EXPECT_EQ(read_file(path), lines(2, 3));
  EXPECT_EQ(sink.written(), 3u);
  EXPECT_TRUE(log.lines().empty()) << log.text();
}

TEST_F(JsonLinesSinkTest, ReopenThatFailsKeepsWritingToTheOldFile) {
  const fs::path sub = dir_ / "sub";
  fs::create_directories(sub);
  const fs::path path = sub / "alerts.jsonl";
  const fs::path moved = dir_ / "moved.jsonl";
  JsonLinesSink sink(path.string(), kNames, null_log());
  fs::rename(path, moved);
  fs::remove(sub);  // nowhere to reopen
  EXPECT_FALSE(sink.reopen());
  EXPECT_EQ(sink.error(), ENOENT);
  sink.write(make_alert(0));
  sink.flush();
  EXPECT_EQ(read_file(moved), lines(0, 1));
  EXPECT_EQ(sink.write_errors(), 0u);
}

TEST_F(JsonLinesSinkTest, AnFdItDoesNotOwnIsNeitherRepairedNorClosed) {
  const fs::path path = dir_ / "out.jsonl";
  write_file(path, "cut");
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  {
    JsonLinesSink sink(fd, "<stdout>", kNames, null_log());
    EXPECT_EQ(sink.repaired_bytes(), 0u);
    EXPECT_EQ(sink.path(), "<stdout>");
    EXPECT_FALSE(sink.reopen());
    sink.write(make_alert(0));
  }
  EXPECT_NE(::fcntl(fd, F_GETFD), -1);  // still open
  ::close(fd);
  EXPECT_EQ(read_file(path), "cut" + lines(0, 1));
}

}  // namespace
}  // namespace adrmon::test
