// PairFeed: the state every client shares — what the pairs look like now,
// what the WebSocket clients were last sent, a premium history per pair and
// the recent alerts — and the JSON messages built from it (chat-multi's
// "shared state", without the sessions: the Server fans the messages out).
//
// Each poll reads the PairBoard; when its version moved, it samples the
// premium history and diffs every pair against what the clients last got.
// Changed pairs whose throttle (updates_per_second per pair) has expired go
// into one "pairs" message; the others wait for a later poll, so the newest
// state is always sent. With nothing changed, an empty "pairs" message at
// least once a second moves the page's clock. A message is serialised once
// and shared by every client (Message = shared_ptr<const std::string>).
//
// Dashboard thread only. Every function may allocate (messages are strings).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/config.hpp"
#include "adrmon/pipeline/pair_board.hpp"

namespace adrmon::dashboard {

using Clock = std::chrono::steady_clock;
using Message = std::shared_ptr<const std::string>;

// A pair's names as the page shows them ("BABA/9988", "BABA", "9988").
struct PairName {
  std::string name, adr, hk;
};

class PairFeed {
 public:
  // `board` must outlive the feed. Reads pair names and [dashboard] rates
  // from `config`. Cold path.
  PairFeed(const Config& config, const PairBoard& board);

  // How often the server should call poll(): 1/updates_per_second, clamped
  // to 10..50 ms.
  Clock::duration poll_every() const noexcept { return poll_every_; }

  // Reads the board. Returns the "pairs" delta to send every client, or
  // null when nothing is due (no change, or throttled, and the clock message
  // is not due).
  Message poll(Clock::time_point now);

  // {"type":"pairs","full":true,...}: every pair as it is now, for a client
  // that skipped deltas. Built at most once per board version.
  Message full_pairs_message();

  // {"type":"snapshot",...}: rates, every pair, the last kSnapshotAlerts
  // alerts and the premium history of every pair. The first message a
  // WebSocket client gets.
  std::string snapshot_message();

  // The indicative board at the newest views' event time (/api/board):
  // {"at":T,"pairs":[board lines],"index":{index line}} (pipeline/board.hpp).
  std::string board_json();

  // Reads the board into a scratch vector: the newest views, by pair id
  // (empty before the first publish). Valid until the next call that reads
  // the board (board_json, append_pairs_array, full_pairs_message).
  const std::vector<PairView>& newest_views();
  // Every pair's names, by pair id.
  const std::vector<PairName>& names() const noexcept { return pairs_; }

  // The JSON array of every pair's newest view (/api/pairs).
  void append_pairs_array(std::string& out);

  // Keeps `alert` in the recent-alerts ring (Dashboard::kRecentAlerts).
  // Returns its {"type":"alert",...} frame when `framed` is set, else null.
  Message add_alert(const Alert& alert, bool framed);

  // The JSON array of recent alerts with ts_event > since (/api/alerts).
  std::string alerts_since(std::int64_t since) const;

 private:
  struct StoredAlert {
    std::int64_t ts;
    std::string json;  // the alert contract's JSON, without the newline
  };

  void sample_history(const PairView& p);

  const PairBoard& board_;
  Config config_;  // names and index weights for the board
  double history_seconds_, updates_per_second_;
  std::vector<PairName> pairs_;
  Clock::duration min_interval_{};
  Clock::duration poll_every_{};

  std::vector<PairView> latest_;   // last board read
  std::vector<PairView> scratch_;  // for /api/pairs and full refreshes
  std::uint64_t board_version_ = 0;
  bool throttled_ = false;  // a changed pair is waiting for its throttle
  std::int64_t as_of_ = 0;
  std::vector<PairView> sent_;  // what the clients last got, per pair
  std::vector<Clock::time_point> sent_at_;
  std::vector<bool> ever_sent_;
  Clock::time_point last_pairs_msg_{};
  Message full_cache_;

  // Premium history: one ring of (as_of, premium_bps) per pair, one point
  // per history_seconds / kHistoryPoints of event time at most.
  std::vector<std::vector<std::pair<std::int64_t, float>>> history_;
  std::vector<std::size_t> history_head_;
  std::vector<std::int64_t> history_last_;
  std::int64_t history_step_ns_ = 1;

  std::deque<StoredAlert> recent_;
};

}  // namespace adrmon::dashboard
