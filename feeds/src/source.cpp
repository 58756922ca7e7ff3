// Source specs, stats, seq tracking, the source factory and thread pinning.
#include "adrmon/feeds/source.hpp"

#include <pthread.h>
#include <sched.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "file_sources.hpp"
#include "net_sources.hpp"

namespace adrmon {

namespace {

[[noreturn]] void bad_spec(const std::string& text, const std::string& why) {
  throw std::invalid_argument("source '" + text + "': " + why);
}

void parse_host_port(const std::string& text, std::string_view rest, SourceSpec& spec) {
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) bad_spec(text, "expected HOST:PORT");
  spec.host = std::string(rest.substr(0, colon));
  const std::string_view port = rest.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    bad_spec(text, "port must be 1..65535");
  }
  spec.port = static_cast<std::uint16_t>(value);
}

}  // namespace

SourceSpec parse_source_spec(const std::string& text) {
  SourceSpec spec;
  spec.text = text;
  const std::string_view s = text;
  if (s.rfind("tcp://", 0) == 0) {
    spec.kind = SourceSpec::Kind::Tcp;
    parse_host_port(text, s.substr(6), spec);
    return spec;
  }
  if (s.rfind("udp://", 0) == 0) {
    spec.kind = SourceSpec::Kind::Udp;
    parse_host_port(text, s.substr(6), spec);
    return spec;
  }
  if (s.rfind("file:", 0) != 0)
    bad_spec(text, "expected file:PATH, tcp://HOST:PORT or udp://HOST:PORT");
  spec.kind = SourceSpec::Kind::File;
  std::string_view rest = s.substr(5);
  const std::size_t q = rest.find('?');
  spec.path = std::string(rest.substr(0, q));
  if (spec.path.empty()) bad_spec(text, "empty path");
  if (q == std::string_view::npos) return spec;
  std::string_view query = rest.substr(q + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const std::size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    if (key == "speed") {
      if (value == "max") {
        spec.speed = 0;
        continue;
      }
      double speed = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), speed);
      if (ec != std::errc() || end != value.data() + value.size() || !(speed > 0) ||
          !std::isfinite(speed)) {
        bad_spec(text, "speed must be a positive number or max");
      }
      spec.speed = speed;
    } else if (key == "follow") {
      if (value != "1" && value != "0" && value != "true" && value != "false") {
        bad_spec(text, "follow must be 1 or 0");
      }
      spec.follow = value == "1" || value == "true";
    } else {
      bad_spec(text, "unknown option '" + std::string(key) + "' (speed, follow)");
    }
  }
  return spec;
}

RejectCounts SourceStats::reject_counts() const noexcept {
  RejectCounts out;
  for (std::size_t i = 0; i < kRejectReasonCount; ++i) out.by_reason[i] = rejects[i].get();
  return out;
}

void SeqTracker::observe(const Tick& tick, SourceStats& stats) noexcept {
  if (!tick.has_seq()) return;
  const std::size_t lane = static_cast<std::size_t>(leg_of(tick.instrument));
  if (!seen_[lane]) {
    seen_[lane] = true;
    last_[lane] = tick.seq;
    return;
  }
  const std::uint64_t last = last_[lane];
  if (tick.seq == last + 1) {
    last_[lane] = tick.seq;
  } else if (tick.seq > last) {
    stats.seq_gaps.add();
    stats.seq_missing.add(tick.seq - last - 1);
    last_[lane] = tick.seq;
  } else {
    stats.seq_duplicates.add();
  }
}

bool pin_this_thread(int cpu) noexcept {
  if (cpu < 0) return true;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

std::vector<std::unique_ptr<Source>> make_sources(const std::vector<SourceSpec>& specs,
                                                  const Config& config,
                                                  const SourceOptions& options, Doorbell& bell) {
  std::vector<std::unique_ptr<Source>> sources;
  std::vector<std::string> group_paths;
  std::string group_name;
  double group_speed = -1;
  std::size_t group_slot = 0;
  for (const SourceSpec& spec : specs) {
    if (spec.kind == SourceSpec::Kind::File && !spec.follow) {
      if (group_speed >= 0 && spec.speed != group_speed) {
        throw std::invalid_argument("source '" + spec.text +
                                    "': all replayed files are merged into one timeline and "
                                    "must share one speed");
      }
      if (group_paths.empty()) {
        group_slot = sources.size();
        sources.emplace_back();  // the merged group takes the first file's place
      }
      group_speed = spec.speed;
      group_paths.push_back(spec.path);
      group_name += (group_name.empty() ? "" : "+") + spec.text;
      continue;
    }
    const auto index = static_cast<std::uint8_t>(sources.size());
    switch (spec.kind) {
      case SourceSpec::Kind::File:
        sources.push_back(make_follow_source(spec, config, options, bell, index));
        break;
      case SourceSpec::Kind::Tcp:
        sources.push_back(make_tcp_source(spec, config, options, bell, index));
        break;
      case SourceSpec::Kind::Udp:
        sources.push_back(make_udp_source(spec, config, options, bell, index));
        break;
    }
  }
  if (!group_paths.empty()) {
    sources[group_slot] =
        make_file_group_source(group_name, group_paths, group_speed, config, options, bell,
                               static_cast<std::uint8_t>(group_slot));
  }
  if (sources.size() > 255) throw std::invalid_argument("at most 255 sources");
  return sources;
}

}  // namespace adrmon
