#include "adrmon/pipeline/reload_mailbox.hpp"

#include <cstdio>

namespace adrmon {

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string opt(const std::optional<double>& v) {
  return v ? num(*v) : std::string("-");
}

}  // namespace

std::vector<std::string> config_changes(const Config& running, const Config& next) {
  // (key, from, to) -> the pairs it applies to, in first-seen order, so a
  // [defaults] change reads as one line: "enter_bps 50 -> 55 (all 26 pairs)".
  std::vector<std::pair<std::string, std::vector<std::string>>> grouped;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < running.pairs.size() && i < next.pairs.size(); ++i) {
    const PairConfig& a = running.pairs[i];
    const PairConfig& b = next.pairs[i];
    const Thresholds& x = a.thresholds;
    const Thresholds& y = b.thresholds;
    const auto change = [&](const std::string& key, const std::string& from,
                            const std::string& to) {
      if (from == to) return;
      const std::string what = key + " " + from + " -> " + to;
      for (auto& [k, pairs] : grouped) {
        if (k == what) {
          pairs.push_back(a.name);
          return;
        }
      }
      grouped.push_back({what, {a.name}});
    };
    const auto ms = [](std::int64_t ns) { return num(static_cast<double>(ns) / 1e6); };
    change("enter_bps", num(x.enter_bps), num(y.enter_bps));
    change("exit_bps", num(x.exit_bps), num(y.exit_bps));
    change("max_age_ms", ms(x.max_age_ns), ms(y.max_age_ns));
    change("fx_max_age_ms", ms(x.fx_age_ns()), ms(y.fx_age_ns()));
    change("min_persist_ms", ms(x.min_persist_ns), ms(y.min_persist_ns));
    change("cost_bps", num(x.cost_bps), num(y.cost_bps));
    change("conversion_fee_usd", num(x.conversion_fee_usd), num(y.conversion_fee_usd));
    change("max_premium_bps", num(x.max_premium_bps), num(y.max_premium_bps));
    static constexpr const char* kSide[2] = {"sell_adr", "buy_adr"};
    for (int s = 0; s < 2; ++s) {
      change(std::string(kSide[s]) + "_enter_bps", opt(x.side_enter_bps[s]),
             opt(y.side_enter_bps[s]));
      change(std::string(kSide[s]) + "_exit_bps", opt(x.side_exit_bps[s]), opt(y.side_exit_bps[s]));
    }
    change("ratio", num(a.ratio), num(b.ratio));
    if (a.ratio_history != b.ratio_history) {
      out.push_back(a.name + " ratio_history changed (" + std::to_string(a.ratio_history.size()) +
                    " -> " + std::to_string(b.ratio_history.size()) + " entries)");
    }
  }
  std::vector<std::string> lines;
  for (const auto& [what, pairs] : grouped) {
    if (pairs.size() == running.pairs.size() && pairs.size() > 1) {
      lines.push_back(what + " (all " + std::to_string(pairs.size()) + " pairs)");
    } else {
      std::string names;
      for (const std::string& n : pairs) names += (names.empty() ? "" : ", ") + n;
      lines.push_back(names + " " + what);
    }
  }
  lines.insert(lines.end(), out.begin(), out.end());
  return lines;
}

std::optional<std::string> reload_incompatibility(const Config& running, const Config& next) {
  if (running.pairs.size() != next.pairs.size()) {
    return "the number of pairs changed (" + std::to_string(running.pairs.size()) + " -> " +
           std::to_string(next.pairs.size()) + "); restart to change the universe";
  }
  for (std::size_t i = 0; i < running.pairs.size(); ++i) {
    const PairConfig& a = running.pairs[i];
    const PairConfig& b = next.pairs[i];
    if (a.adr != b.adr || a.hk != b.hk) {
      return "pair " + std::to_string(i + 1) + " changed from " + a.name + " to " + b.name +
             "; restart to change the universe";
    }
    if (a.fungible != b.fungible) {
      return "pair " + std::to_string(i + 1) + " (" + a.name + ") key 'fungible' changed (" +
             (a.fungible ? "true" : "false") + " -> " + (b.fungible ? "true" : "false") +
             "); restart to change it";
    }
  }
  if (running.fx.pair != next.fx.pair || running.fx.min != next.fx.min ||
      running.fx.max != next.fx.max) {
    return "[fx] changed; restart to change the FX pair or band";
  }
  return std::nullopt;
}

}  // namespace adrmon
