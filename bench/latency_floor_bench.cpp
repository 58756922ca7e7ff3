// The physical floors a tick's trip through `adrmon run` is measured against
// (issue 10), in the same run as bench/wire_latency.py's daemon figures:
//   BM_FloorCacheLinePingPong  one cache line bounced between two threads on
//                              two cores: the cost of any cross-core hand-off
//                              (one way = round trip / 2)
//   BM_FloorFutexWake          a thread asleep in FUTEX_WAIT woken by another:
//                              what a blocking wait adds per hand-off
//   BM_FloorUdpLoopback        a datagram through the kernel's loopback to a
//                              thread blocked in recv and back (one way =
//                              round trip / 2)
//   BM_FloorFileWrite          one alert line (300 bytes) appended to a file
//                              with write(2), 100 us apart: the kernel's
//                              write path while it is warm
//   BM_FloorFileWriteCold      the same, 10 ms apart, the spacing of alerts:
//                              what "the alert line written" cannot beat
//                              (priced -> written). On this VM the write path
//                              goes cold within ~3 ms (1.5 us at 1 ms apart,
//                              9 us at 3 ms, 17-24 us at 10-50 ms, p50)
// Each reports p50/p99/p99.9 in ns (one-way) as counters, from
// CLOCK_MONOTONIC stamps or round trips. On this shared 2-vCPU VM the
// neighbours move every figure; compare only figures of one run.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>

#include "adrmon/core/latency_histogram.hpp"
#include "bench_common.hpp"

namespace adrmon::bench {
namespace {

constexpr int kRounds = 4096;

std::int64_t mono_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void report(benchmark::State& state, const LatencyHistogram& h) {
  state.counters["p50_ns"] = static_cast<double>(h.percentile(50));
  state.counters["p99_ns"] = static_cast<double>(h.percentile(99));
  state.counters["p999_ns"] = static_cast<double>(h.percentile(99.9));
  state.SetItemsProcessed(static_cast<std::int64_t>(h.count()));
}

struct alignas(64) Line {
  std::atomic<std::int64_t> value{0};
};

void BM_FloorCacheLinePingPong(benchmark::State& state) {
  pin_to_cpu(1);
  Line ping, pong;
  std::atomic<bool> done{false};
  std::thread other([&] {
    pin_to_cpu(0);
    std::int64_t seen = 0;
    while (!done.load(std::memory_order_relaxed)) {
      const std::int64_t v = ping.value.load(std::memory_order_acquire);
      if (v != seen) {
        seen = v;
        pong.value.store(v, std::memory_order_release);
      }
    }
  });
  LatencyHistogram h;
  std::int64_t next = 0;
  for (auto _ : state) {
    for (int i = 0; i < kRounds; ++i) {
      const std::int64_t t0 = mono_ns();
      ping.value.store(++next, std::memory_order_release);
      while (pong.value.load(std::memory_order_acquire) != next) {
      }
      h.record((mono_ns() - t0) / 2);
    }
  }
  done = true;
  other.join();
  report(state, h);
}

long futex(std::atomic<std::int32_t>& word, int op, std::int32_t value) {
  return syscall(SYS_futex, reinterpret_cast<std::int32_t*>(&word), op, value, nullptr, nullptr, 0);
}

void BM_FloorFutexWake(benchmark::State& state) {
  // The waker stamps, flips the word and wakes; the sleeper stamps when it
  // runs again and records the difference. One round at a time.
  std::atomic<std::int32_t> word{0};
  std::atomic<std::int64_t> woke_at{0};
  std::atomic<bool> done{false};
  std::thread sleeper([&] {
    pin_to_cpu(0);
    std::int32_t expect = 0;
    while (!done.load(std::memory_order_acquire)) {
      while (word.load(std::memory_order_acquire) == expect && !done.load()) {
        futex(word, FUTEX_WAIT_PRIVATE, expect);
      }
      expect = word.load(std::memory_order_acquire);
      woke_at.store(mono_ns(), std::memory_order_release);
    }
  });
  pin_to_cpu(1);
  LatencyHistogram h;
  std::int32_t round = 0;
  for (auto _ : state) {
    for (int i = 0; i < kRounds / 4; ++i) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));  // let it fall asleep
      const std::int64_t t0 = mono_ns();
      woke_at.store(0, std::memory_order_relaxed);
      word.store(++round, std::memory_order_release);
      futex(word, FUTEX_WAKE_PRIVATE, 1);
      std::int64_t w = 0;
      while ((w = woke_at.load(std::memory_order_acquire)) == 0) {
      }
      h.record(w - t0);
    }
  }
  done.store(true, std::memory_order_release);
  word.store(++round, std::memory_order_release);
  futex(word, FUTEX_WAKE_PRIVATE, 1);
  sleeper.join();
  report(state, h);
}

void BM_FloorUdpLoopback(benchmark::State& state) {
  const int a = socket(AF_INET, SOCK_DGRAM, 0);
  const int b = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  sockaddr_in aa = addr, ba = addr;
  if (a < 0 || b < 0 || bind(a, reinterpret_cast<sockaddr*>(&aa), sizeof aa) != 0 ||
      bind(b, reinterpret_cast<sockaddr*>(&ba), sizeof ba) != 0 ||
      getsockname(a, reinterpret_cast<sockaddr*>(&aa), &len) != 0 ||
      getsockname(b, reinterpret_cast<sockaddr*>(&ba), &len) != 0 ||
      connect(a, reinterpret_cast<sockaddr*>(&ba), sizeof ba) != 0 ||
      connect(b, reinterpret_cast<sockaddr*>(&aa), sizeof aa) != 0) {
    state.SkipWithError("cannot set up loopback UDP sockets");
    return;
  }
  std::atomic<bool> done{false};
  std::thread echo([&] {
    pin_to_cpu(0);
    char buf[256];
    for (;;) {
      const ssize_t n = recv(b, buf, sizeof buf, 0);
      if (n <= 0 || done.load(std::memory_order_acquire)) break;
      send(b, buf, static_cast<std::size_t>(n), 0);
    }
  });
  pin_to_cpu(1);
  // A tick line's size (the JSON Lines contract), the datagram adrmon reads.
  char line[128];
  std::memset(line, 'x', sizeof line);
  LatencyHistogram h;
  for (auto _ : state) {
    for (int i = 0; i < kRounds; ++i) {
      const std::int64_t t0 = mono_ns();
      send(a, line, sizeof line, 0);
      char back[256];
      if (recv(a, back, sizeof back, 0) <= 0) {
        state.SkipWithError("loopback recv failed");
        break;
      }
      h.record((mono_ns() - t0) / 2);
    }
  }
  done.store(true, std::memory_order_release);
  send(a, line, 1, 0);
  echo.join();
  close(a);
  close(b);
  report(state, h);
}

// `rounds` writes of one 300-byte line, `gap_ns` apart (busy-waiting, as
// the inline engine does between ticks), each timed alone.
void file_write_floor(benchmark::State& state, std::int64_t gap_ns, int rounds) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir != nullptr && *dir != 0 ? dir : "/tmp") + "/floor-XXXXXX";
  const int fd = mkstemp(path.data());
  if (fd < 0) {
    state.SkipWithError("cannot create a file in TMPDIR");
    return;
  }
  unlink(path.c_str());
  char line[300];
  std::memset(line, 'x', sizeof line);
  line[sizeof line - 1] = '\n';
  LatencyHistogram h;
  for (auto _ : state) {
    for (int i = 0; i < rounds; ++i) {
      const std::int64_t t0 = mono_ns();
      if (write(fd, line, sizeof line) != static_cast<ssize_t>(sizeof line)) {
        state.SkipWithError("write failed");
        break;
      }
      const std::int64_t t1 = mono_ns();
      h.record(t1 - t0);
      while (mono_ns() < t1 + gap_ns) {
      }
    }
  }
  close(fd);
  report(state, h);
}

void BM_FloorFileWrite(benchmark::State& state) {
  file_write_floor(state, 100'000, kRounds / 4);
}

void BM_FloorFileWriteCold(benchmark::State& state) {
  file_write_floor(state, 10'000'000, 512);
}

BENCHMARK(BM_FloorCacheLinePingPong)->UseRealTime()->Iterations(8);
BENCHMARK(BM_FloorFutexWake)->UseRealTime()->Iterations(4);
BENCHMARK(BM_FloorUdpLoopback)->UseRealTime()->Iterations(8);
BENCHMARK(BM_FloorFileWrite)->UseRealTime()->Iterations(4);
BENCHMARK(BM_FloorFileWriteCold)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
