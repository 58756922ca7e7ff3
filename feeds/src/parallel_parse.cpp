// ParallelParse: claims, batches and the two futex waits.
#include "parallel_parse.hpp"

#include "adrmon/core/doorbell.hpp"  // cpu_relax

namespace adrmon {

namespace {

// Events per ring: 1024 x 112 bytes per file, a few hundred microseconds of
// parsing ahead of the merge.
constexpr std::size_t kRingEvents = 1024;
// Events a thread parses per claim: short claims, so a thread that needs the
// file seldom waits for one held by a thread the scheduler took off its core.
constexpr unsigned kWorkerBatch = 16;
constexpr unsigned kMergerBatch = 16;
// Events a ring holds before its worker parses lines in batches.
constexpr std::size_t kBatchAhead = 128;
// Polls before blocking: a few microseconds. Short on purpose: on a shared
// 2-core box the thread waited for is often descheduled, and spinning then
// only takes the core it needs (64-line batches and 2000 polls measured no
// better under load).
constexpr int kSpins = 200;

}  // namespace

ParallelParse::ParallelParse(const std::vector<std::unique_ptr<TickFileReader>>& readers,
                             const Config& config, unsigned workers) {
  streams_.resize(readers.size());
  for (std::size_t i = 0; i < readers.size(); ++i) {
    if (readers[i]) streams_[i] = std::make_unique<Stream>(*readers[i], config, kRingEvents);
  }
  workers_.reserve(workers);
  try {
    for (unsigned w = 0; w < workers; ++w) workers_.emplace_back([this] { work(); });
  } catch (...) {
    stop();
    throw;
  }
}

ParallelParse::~ParallelParse() {
  stop();
}

void ParallelParse::enable_stamping() noexcept {
  // The workers run from construction: take each file's claim (waiting for a
  // batch in progress to end), so no thread reads the reader while it changes.
  for (const auto& s : streams_) {
    if (!s) continue;
    while (s->claimed.exchange(true, std::memory_order_acquire)) cpu_relax();
    s->reader.set_stamping(&s->chain);
    s->claimed.store(false, std::memory_order_release);
  }
}

void ParallelParse::stop() noexcept {
  if (!stop_.exchange(true)) {
    consumed_.fetch_add(1);
    consumed_.notify_all();
  }
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
}

void ParallelParse::produce_batch(Stream& s, unsigned max, TickFileReader::Lines lines) noexcept {
  if (s.ended.load(std::memory_order_relaxed)) return;
  s.chain = 0;  // the first line of a batch reads the clock: the thread may have waited
  unsigned n = 0;
  if (s.has_pending) {
    if (!s.ring.try_push(s.pending)) return;
    s.has_pending = false;
    ++n;
    if (s.pending.kind == FileEvent::Kind::End) {
      s.ended.store(true, std::memory_order_release);
      return;
    }
  }
  FileEvent ev;
  for (; n < max; ++n) {
    s.reader.produce(s.parser, ev, lines);
    if (!s.ring.try_push(ev)) {
      s.pending = ev;
      s.has_pending = true;
      return;
    }
    if (ev.kind == FileEvent::Kind::End) {
      s.ended.store(true, std::memory_order_release);
      return;
    }
  }
}

ParallelParse::Stream* ParallelParse::pick() noexcept {
  Stream* best = nullptr;
  std::size_t best_fill = 0;
  for (const auto& s : streams_) {
    if (!s || s->ended.load(std::memory_order_acquire) ||
        s->claimed.load(std::memory_order_relaxed)) {
      continue;
    }
    const std::size_t fill = s->ring.size_approx();
    if (fill + kWorkerBatch > s->ring.capacity()) continue;
    if (best == nullptr || fill < best_fill) {
      best = s.get();
      best_fill = fill;
    }
  }
  return best;
}

void ParallelParse::work() noexcept {
  int idle = 0;
  while (!stop_.load(std::memory_order_relaxed)) {
    Stream* s = pick();
    if (s != nullptr && !s->claimed.exchange(true, std::memory_order_acquire)) {
      // A ring about to run dry gets its lines one by one (the merging
      // thread may be waiting for the next); one with lines to spare, a
      // batch parsed at once (TickParser::parse_lines, ~10 % less work).
      produce_batch(*s, kWorkerBatch,
                    s->ring.size_approx() < kBatchAhead ? TickFileReader::Lines::OneByOne
                                                        : TickFileReader::Lines::Batched);
      s->claimed.store(false, std::memory_order_release);
      // Dekker with next(): our pushes and release before its flag.
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (consumer_waiting_.load(std::memory_order_relaxed)) {
        produced_.fetch_add(1);
        produced_.notify_one();
      }
      idle = 0;
      continue;
    }
    if (++idle < kSpins) {
      cpu_relax();
      continue;
    }
    idle = 0;
    worker_sleeping_.store(true);  // seq_cst: before the re-check below
    const std::uint32_t seen = consumed_.load();
    if (pick() == nullptr && !stop_.load()) consumed_.wait(seen);
  }
}

void ParallelParse::next(std::size_t i, FileEvent& out) noexcept {
  Stream& s = *streams_[i];
  int spins = 0;
  for (;;) {
    if (s.ring.try_pop(out)) {
      // A sleeping worker is woken once this ring is down to half: it slept
      // because it was ahead, and waking it for every batch of room would
      // cost the merge a futex wake per kWorkerBatch events. If this check
      // misses its flag (store-load reordering), the next pop sees it.
      if (worker_sleeping_.load(std::memory_order_relaxed) &&
          s.ring.size_approx() <= s.ring.capacity() / 2 && worker_sleeping_.exchange(false)) {
        consumed_.fetch_add(1);
        consumed_.notify_all();
      }
      return;
    }
    // Empty. Nobody parsing this file: parse a few lines here, one by one:
    // a batch of lines parsed at once would hold the claim (and keep the
    // worker from this file) for several times as long.
    if (!s.claimed.load(std::memory_order_relaxed) &&
        !s.claimed.exchange(true, std::memory_order_acquire)) {
      produce_batch(s, kMergerBatch, TickFileReader::Lines::OneByOne);
      s.claimed.store(false, std::memory_order_release);
      continue;
    }
    // A worker holds it: its batch is on the way.
    if (++spins < kSpins) {
      cpu_relax();
      continue;
    }
    spins = 0;
    consumer_waiting_.store(true);  // seq_cst: before the re-check below
    const std::uint32_t seen = produced_.load();
    if (s.claimed.load() && s.ring.size_approx() == 0) produced_.wait(seen);
    consumer_waiting_.store(false, std::memory_order_relaxed);
  }
}

}  // namespace adrmon
