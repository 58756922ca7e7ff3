// ReloadMailbox: a new config handed from the main thread (SIGHUP) to the
// engine thread, which applies it between ticks. One slot: a second reload
// before the engine took the first replaces it (the newest file wins).
// The engine's check is one relaxed load per idle round; the mutex is taken
// only when a config is waiting.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adrmon/core/config.hpp"

namespace adrmon {

class ReloadMailbox {
 public:
  // Main thread. Allocates (the config is moved in). Cold path.
  void post(Config next) {
    {
      std::lock_guard lock(mutex_);
      pending_ = std::make_unique<Config>(std::move(next));
    }
    waiting_.store(true, std::memory_order_release);
  }

  // Engine thread: is a config waiting? Cheap; never blocks.
  bool waiting() const noexcept { return waiting_.load(std::memory_order_relaxed); }

  // Engine thread: takes the waiting config (nullptr if none).
  std::unique_ptr<Config> take() {
    if (!waiting_.load(std::memory_order_acquire)) return nullptr;
    std::lock_guard lock(mutex_);
    waiting_.store(false, std::memory_order_relaxed);
    return std::move(pending_);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<Config> pending_;
  std::atomic<bool> waiting_{false};
};

// Why `next` cannot replace `running` without a restart (the universe:
// pairs, their symbols and fungibility, or the FX pair and band changed), or
// nullopt. Ratios may change in a reload only where ratio_history is still
// in the future: the engine checks that against event time and refuses the
// rest (EngineStage logs it). Cold path.
std::optional<std::string> reload_incompatibility(const Config& running, const Config& next);

// What a reload changes, one entry per (pair, key): "BABA/9988 enter_bps 50 ->
// 60" (a pair's effective thresholds after [defaults] and overrides; ratio
// and ratio_history too). Empty when nothing differs. Cold path.
std::vector<std::string> config_changes(const Config& running, const Config& next);

}  // namespace adrmon
