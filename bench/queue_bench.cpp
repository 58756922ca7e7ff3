// A hop between two threads: the producer pinned to CPU 0, the consumer (the
// benchmark's own thread) to CPU 1, carrying a 64-byte Tick. Candidates for
// core/spsc_queue.hpp and the std::mutex + std::deque baseline, same run:
//   SpscQueue            our wrapper (moodycamel::ReaderWriterQueue)
//   CircularBuffer       moodycamel::BlockingReaderWriterCircularBuffer (try_ calls)
//   ConcurrentQueueTok   moodycamel::ConcurrentQueue with producer/consumer tokens
//   MutexDeque           std::mutex + std::deque, bounded
// (The bench includes moodycamel directly only to compare the candidates.)
//
// Throughput: the producer pushes 65,536 items as fast as it can (spinning on
// full); ns per item = 1 / items_per_second. Bulk variants pop up to 64 at once.
// Latency: the producer pushes one item every ~2 us stamped with the TSC; the
// consumer busy-polls and records now - stamp; p50/p99/p99.9 in ns as counters.
#include <benchmark/benchmark.h>
#include <concurrentqueue/concurrentqueue.h>
#include <readerwriterqueue/readerwritercircularbuffer.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include "adrmon/core/latency_histogram.hpp"
#include "adrmon/core/spsc_queue.hpp"
#include "bench_common.hpp"

namespace adrmon::bench {
namespace {

constexpr std::size_t kCapacity = 4096;
constexpr std::size_t kBatch = 1 << 16;
constexpr std::size_t kLatencyBatch = 4096;

// The bulk pop of a queue that has none: single pops into out[0..) until
// `max` or empty.
template <class Q>
std::size_t pop_each(Q& q, Tick* out, std::size_t max) noexcept {
  std::size_t n = 0;
  while (n < max && q.try_pop(out[n])) ++n;
  return n;
}

class CircularBufferQ {
 public:
  CircularBufferQ() : q_(kCapacity) {}
  bool try_push(const Tick& t) noexcept { return q_.try_enqueue(t); }
  bool try_pop(Tick& t) noexcept { return q_.try_dequeue(t); }
  std::size_t try_pop_bulk(Tick* out, std::size_t max) noexcept {
    return pop_each(*this, out, max);
  }

 private:
  moodycamel::BlockingReaderWriterCircularBuffer<Tick> q_;
};

class ConcurrentQueueTok {
 public:
  ConcurrentQueueTok() : q_(kCapacity), ptok_(q_), ctok_(q_) {}
  bool try_push(const Tick& t) noexcept { return q_.try_enqueue(ptok_, t); }
  bool try_pop(Tick& t) noexcept { return q_.try_dequeue(ctok_, t); }
  std::size_t try_pop_bulk(Tick* out, std::size_t max) noexcept {
    return q_.try_dequeue_bulk(ctok_, out, max);
  }

 private:
  moodycamel::ConcurrentQueue<Tick> q_;
  moodycamel::ProducerToken ptok_;
  moodycamel::ConsumerToken ctok_;
};

class MutexDeque {
 public:
  bool try_push(const Tick& t) {
    std::lock_guard lock(m_);
    if (q_.size() >= kCapacity) return false;
    q_.push_back(t);
    return true;
  }
  bool try_pop(Tick& t) {
    std::lock_guard lock(m_);
    if (q_.empty()) return false;
    t = q_.front();
    q_.pop_front();
    return true;
  }
  std::size_t try_pop_bulk(Tick* out, std::size_t max) {
    std::lock_guard lock(m_);
    std::size_t n = 0;
    while (n < max && !q_.empty()) {
      out[n++] = q_.front();
      q_.pop_front();
    }
    return n;
  }

 private:
  std::mutex m_;
  std::deque<Tick> q_;
};

struct OurSpsc : SpscQueue<Tick> {
  OurSpsc() : SpscQueue<Tick>(kCapacity) {}
};

// Runs the producer on CPU 0 for `batches` rounds started by the consumer.
template <class Q>
class Producer {
 public:
  Producer(Q& q, bool paced) : q_(q), paced_(paced), thread_([this] { run(); }) {}
  ~Producer() {
    stop_.store(true, std::memory_order_release);
    thread_.join();
  }
  void start_round(std::size_t items) {
    items_.store(items, std::memory_order_relaxed);
    round_.fetch_add(1, std::memory_order_release);
  }

 private:
  void run() {
    pin_to_cpu(0);
    const std::uint64_t gap = static_cast<std::uint64_t>(2000.0 / ns_per_cycle());  // ~2 us
    std::uint64_t seen = 0;
    while (!stop_.load(std::memory_order_acquire)) {
      const std::uint64_t r = round_.load(std::memory_order_acquire);
      if (r == seen) continue;
      seen = r;
      const std::size_t n = items_.load(std::memory_order_relaxed);
      Tick t{};
      std::uint64_t next = __rdtsc();
      for (std::size_t i = 0; i < n; ++i) {
        if (paced_) {
          while (__rdtsc() < next) {
          }
          next += gap;
        }
        t.seq = i;
        t.ts_recv = static_cast<std::int64_t>(__rdtsc());
        while (!q_.try_push(t)) {
        }
      }
    }
  }

  Q& q_;
  bool paced_;
  std::atomic<std::uint64_t> round_{0};
  std::atomic<std::size_t> items_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

template <class Q>
void BM_Throughput(benchmark::State& state) {
  const bool bulk = state.range(0) != 0;
  pin_to_cpu(1);
  Q q;
  Producer<Q> producer(q, false);
  Tick buf[64];
  std::uint64_t bad_order = 0;
  for (auto _ : state) {
    producer.start_round(kBatch);
    std::size_t got = 0;
    std::uint64_t expect = 0;
    while (got < kBatch) {
      if (bulk) {
        const std::size_t n = q.try_pop_bulk(buf, 64);
        for (std::size_t i = 0; i < n; ++i) bad_order += buf[i].seq != expect++;
        got += n;
      } else if (q.try_pop(buf[0])) {
        bad_order += buf[0].seq != expect++;
        ++got;
      }
    }
  }
  if (bad_order != 0) state.SkipWithError("items arrived out of order");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}

template <class Q>
void BM_Latency(benchmark::State& state) {
  pin_to_cpu(1);
  Q q;
  Producer<Q> producer(q, true);
  LatencyHistogram hist;
  const double ns = ns_per_cycle();
  Tick t{};
  for (auto _ : state) {
    producer.start_round(kLatencyBatch);
    for (std::size_t got = 0; got < kLatencyBatch;) {
      if (!q.try_pop(t)) continue;
      const std::uint64_t now = __rdtsc();
      hist.record(static_cast<std::int64_t>(
          static_cast<double>(now - static_cast<std::uint64_t>(t.ts_recv)) * ns));
      ++got;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kLatencyBatch));
  state.counters["p50_ns"] = static_cast<double>(hist.percentile(50));
  state.counters["p99_ns"] = static_cast<double>(hist.percentile(99));
  state.counters["p999_ns"] = static_cast<double>(hist.percentile(99.9));
}

#define QUEUE_BENCH(Q)                                                                  \
  BENCHMARK_TEMPLATE(BM_Throughput, Q)->ArgName("bulk")->Arg(0)->Arg(1)->UseRealTime(); \
  BENCHMARK_TEMPLATE(BM_Latency, Q)->UseRealTime();

QUEUE_BENCH(OurSpsc)
QUEUE_BENCH(CircularBufferQ)
QUEUE_BENCH(ConcurrentQueueTok)
QUEUE_BENCH(MutexDeque)

}  // namespace
}  // namespace adrmon::bench

BENCHMARK_MAIN();
