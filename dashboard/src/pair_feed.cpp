// PairFeed (see pair_feed.hpp): pair views as JSON, deltas, history, alerts.
#include "pair_feed.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "adrmon/core/alert_json.hpp"
#include "adrmon/core/json_text.hpp"
#include "adrmon/dashboard/dashboard.hpp"
#include "adrmon/pipeline/board.hpp"

namespace adrmon::dashboard {

namespace {

constexpr std::size_t kSnapshotAlerts = 200;           // recent alerts in a snapshot
constexpr auto kClockEvery = std::chrono::seconds(1);  // empty "pairs" to move the clock

void append_leg(std::string& out, std::string_view prefix, const LegQuote& q) {
  const auto field = [&](std::string_view suffix, auto append_value) {
    out += ",\"";
    out += prefix;
    out += suffix;
    out += "\":";
    if (q.seen)
      append_value();
    else
      out += "null";
  };
  field("_bid", [&] { append_number(out, q.bid); });
  field("_ask", [&] { append_number(out, q.ask); });
  field("_ts", [&] { append_int(out, q.ts); });
}

void append_pair_json(std::string& out, const PairView& v, const PairName& n) {
  out += "{\"id\":";
  append_int(out, v.pair);
  out += ",\"pair\":";
  append_json_string(out, n.name);
  out += ",\"adr\":";
  append_json_string(out, n.adr);
  out += ",\"hk\":";
  append_json_string(out, n.hk);
  out += ",\"ratio\":";
  append_number(out, v.ratio);
  out += ",\"fungible\":";
  out += v.fungible ? "true" : "false";
  append_leg(out, "adr", v.adr);
  append_leg(out, "hk", v.hk);
  append_leg(out, "fx", v.fx);
  out += ",\"priced\":";
  out += v.priced ? "true" : "false";
  out += ",\"fresh\":";
  out += v.fresh ? "true" : "false";
  const auto num_if_priced = [&](std::string_view key, double x) {
    out += ",\"";
    out += key;
    out += "\":";
    if (v.priced)
      append_number(out, x);
    else
      out += "null";
  };
  num_if_priced("hk_equiv", v.hk_equiv_mid);
  num_if_priced("premium_bps", v.mid_premium_bps);
  num_if_priced("sell_adr_bps", v.edge_bps[0]);
  num_if_priced("buy_adr_bps", v.edge_bps[1]);
  for (int s = 0; s < kSideCount; ++s) {
    const std::string_view side = side_name(static_cast<Side>(s));
    out += ",\"open_";
    out += side;
    out += "\":";
    out += v.open[s] ? "true" : "false";
    if (v.open[s]) {
      out += ",\"open_ts_";
      out += side;
      out += "\":";
      append_int(out, v.open_ts[s]);
      out += ",\"peak_";
      out += side;
      out += "_bps\":";
      append_number(out, v.peak_edge_bps[s]);
    }
  }
  // Live or only indicative, and why (issue 9's gate), with both phases.
  out += ",\"live\":";
  out += v.gate == GateReason::None ? "true" : "false";
  out += ",\"why\":";
  if (v.gate == GateReason::None) {
    out += "null";
  } else {
    append_json_string(out, gate_reason_name(v.gate));
  }
  out += ",\"us_phase\":";
  append_json_string(out, {v.us_phase, ::strnlen(v.us_phase, kPhaseNameBytes)});
  out += ",\"hk_phase\":";
  append_json_string(out, {v.hk_phase, ::strnlen(v.hk_phase, kPhaseNameBytes)});
  out += ",\"max_age_ns\":";
  append_int(out, v.max_age_ns);
  out += ",\"as_of\":";
  append_int(out, v.as_of);
  out += '}';
}

bool same_leg(const LegQuote& a, const LegQuote& b) noexcept {
  return a.seen == b.seen && a.bid == b.bid && a.ask == b.ask && a.ts == b.ts;
}

// What a viewer would see change (as_of moves every publish and is sent on
// its own).
bool same_view(const PairView& a, const PairView& b) noexcept {
  return same_leg(a.adr, b.adr) && same_leg(a.hk, b.hk) && same_leg(a.fx, b.fx) &&
         a.priced == b.priced && a.fresh == b.fresh && a.open[0] == b.open[0] &&
         a.open[1] == b.open[1] && a.peak_edge_bps[0] == b.peak_edge_bps[0] &&
         a.peak_edge_bps[1] == b.peak_edge_bps[1] && a.max_age_ns == b.max_age_ns &&
         a.gate == b.gate && std::memcmp(a.us_phase, b.us_phase, kPhaseNameBytes) == 0 &&
         std::memcmp(a.hk_phase, b.hk_phase, kPhaseNameBytes) == 0;
}

}  // namespace

PairFeed::PairFeed(const Config& config, const PairBoard& board)
    : board_(board),
      config_(config),
      history_seconds_(config.dashboard.history_seconds),
      updates_per_second_(config.dashboard.updates_per_second) {
  const std::vector<std::string> names = pair_names(config);
  for (std::size_t i = 0; i < config.pairs.size(); ++i) {
    pairs_.push_back({names[i], config.pairs[i].adr, config.pairs[i].hk});
  }
  const std::size_t n = pairs_.size();
  sent_.resize(n);
  sent_at_.assign(n, Clock::time_point{});
  ever_sent_.assign(n, false);
  history_.resize(n);
  for (auto& h : history_) h.reserve(Dashboard::kHistoryPoints);
  history_head_.assign(n, 0);
  history_last_.assign(n, 0);
  history_step_ns_ = static_cast<std::int64_t>(history_seconds_ * 1e9 /
                                               static_cast<double>(Dashboard::kHistoryPoints));
  min_interval_ = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / updates_per_second_));
  poll_every_ = std::clamp<Clock::duration>(min_interval_, std::chrono::milliseconds(10),
                                            std::chrono::milliseconds(50));
}

Message PairFeed::poll(Clock::time_point now) {
  const std::uint64_t v = board_.read(latest_);
  if (latest_.size() != pairs_.size()) return nullptr;  // nothing published yet
  const bool moved = v != board_version_;
  if (moved) {
    board_version_ = v;
    full_cache_.reset();
    for (const PairView& p : latest_) {
      if (p.as_of > as_of_) as_of_ = p.as_of;
      sample_history(p);
    }
  } else if (!throttled_ && now - last_pairs_msg_ < kClockEvery) {
    return nullptr;
  }
  std::string msg;
  std::size_t changed = 0;
  throttled_ = false;
  for (std::size_t i = 0; i < latest_.size(); ++i) {
    const PairView& p = latest_[i];
    if (ever_sent_[i]) {
      if (same_view(p, sent_[i])) continue;
      if (now - sent_at_[i] < min_interval_) {  // throttled: goes at a later poll
        throttled_ = true;
        continue;
      }
    }
    msg += changed == 0 ? "" : ",";
    append_pair_json(msg, p, pairs_[p.pair]);
    sent_[i] = p;
    sent_at_[i] = now;
    ever_sent_[i] = true;
    ++changed;
  }
  if (changed == 0 && now - last_pairs_msg_ < kClockEvery) return nullptr;
  std::string framed = "{\"type\":\"pairs\",\"as_of\":";
  append_int(framed, as_of_);
  framed += ",\"pairs\":[";
  framed += msg;
  framed += "]}";
  last_pairs_msg_ = now;
  return std::make_shared<const std::string>(std::move(framed));
}

void PairFeed::sample_history(const PairView& p) {
  if (!p.priced) return;
  const std::size_t i = p.pair;
  if (history_last_[i] != 0 && p.as_of - history_last_[i] < history_step_ns_) return;
  history_last_[i] = p.as_of;
  auto& h = history_[i];
  const std::pair<std::int64_t, float> point{p.as_of, static_cast<float>(p.mid_premium_bps)};
  if (h.size() < Dashboard::kHistoryPoints) {
    h.push_back(point);
  } else {
    h[history_head_[i]] = point;
    history_head_[i] = (history_head_[i] + 1) % Dashboard::kHistoryPoints;
  }
}

Message PairFeed::full_pairs_message() {
  if (full_cache_) return full_cache_;
  std::string out = "{\"type\":\"pairs\",\"full\":true,\"as_of\":";
  append_int(out, as_of_);
  out += ",\"pairs\":";
  append_pairs_array(out);
  out += '}';
  full_cache_ = std::make_shared<const std::string>(std::move(out));
  return full_cache_;
}

const std::vector<PairView>& PairFeed::newest_views() {
  board_.read(scratch_);
  return scratch_;
}

std::string PairFeed::board_json() {
  board_.read(scratch_);
  const std::int64_t at = scratch_.empty() ? 0 : scratch_.front().as_of;
  std::string out = "{\"at\":" + std::to_string(at) + ",\"pairs\":[";
  for (std::size_t i = 0; i < scratch_.size(); ++i) {
    if (i != 0) out += ',';
    out += board_pair_json(scratch_[i], pairs_[scratch_[i].pair].name, at);
  }
  out += "],\"index\":";
  out += board_index_json(config_, scratch_, at);
  out += '}';
  return out;
}

void PairFeed::append_pairs_array(std::string& out) {
  out += '[';
  board_.read(scratch_);  // the newest views, not the last poll's
  for (std::size_t i = 0; i < scratch_.size(); ++i) {
    if (i != 0) out += ',';
    append_pair_json(out, scratch_[i], pairs_[scratch_[i].pair]);
  }
  out += ']';
}

std::string PairFeed::snapshot_message() {
  std::string out = "{\"type\":\"snapshot\",\"as_of\":";
  append_int(out, as_of_);
  out += ",\"history_seconds\":";
  append_number(out, history_seconds_);
  out += ",\"updates_per_second\":";
  append_number(out, updates_per_second_);
  out += ",\"pairs\":";
  append_pairs_array(out);
  out += ",\"alerts\":[";
  const std::size_t first = recent_.size() > kSnapshotAlerts ? recent_.size() - kSnapshotAlerts : 0;
  for (std::size_t i = first; i < recent_.size(); ++i) {
    if (i != first) out += ',';
    out += recent_[i].json;
  }
  out += "],\"history\":{";
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    if (i != 0) out += ',';
    append_json_string(out, pairs_[i].name);
    out += ":[";
    const auto& h = history_[i];
    for (std::size_t k = 0; k < h.size(); ++k) {
      const auto& [ts, prem] = h[(history_head_[i] + k) % h.size()];
      if (k != 0) out += ',';
      out += '[';
      append_int(out, ts);
      out += ',';
      char buf[16];
      out.append(buf, static_cast<std::size_t>(std::snprintf(buf, sizeof buf, "%.1f", prem)));
      out += ']';
    }
    out += ']';
  }
  out += "}}";
  return out;
}

Message PairFeed::add_alert(const Alert& a, bool framed) {
  char buf[kMaxAlertJsonBytes];
  std::size_t len = format_alert_json(a, a.pair < pairs_.size() ? pairs_[a.pair].name : "?", buf);
  if (len > 0 && buf[len - 1] == '\n') --len;
  StoredAlert stored{a.ts_event, std::string(buf, len)};
  Message frame;
  if (framed) {
    std::string text = "{\"type\":\"alert\",\"alert\":";
    text += stored.json;
    text += '}';
    frame = std::make_shared<const std::string>(std::move(text));
  }
  recent_.push_back(std::move(stored));
  if (recent_.size() > Dashboard::kRecentAlerts) recent_.pop_front();
  return frame;
}

std::string PairFeed::alerts_since(std::int64_t since) const {
  std::string out = "[";
  bool first = true;
  for (const StoredAlert& a : recent_) {
    if (a.ts <= since) continue;
    if (!first) out += ',';
    first = false;
    out += a.json;
  }
  out += ']';
  return out;
}

}  // namespace adrmon::dashboard
