// Length: one parser for every source spec (file, follow, tcp, udp, itch, omdc
// and the venue network framings) and the factory that builds them.
// Source specs, stats, seq tracking, the Source thread lifecycle and the
// source factory.
#include "adrmon/feeds/source.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "adrmon/core/cpu_affinity.hpp"
#include "adrmon/core/host_port.hpp"
#include "file_sources.hpp"
#include "net_sources.hpp"
#include "venue_net_sources.hpp"

namespace adrmon {

namespace {

[[noreturn]] void bad_spec(const std::string& text, const std::string& why) {
  throw std::invalid_argument("source '" + text + "': " + why);
}

// HOST:PORT (core/host_port.hpp) into `host` and `port`.
void read_peer(const std::string& text, std::string_view value, std::string& host,
               std::uint16_t& port) {
  HostPort hp;
  std::string why;
  if (!adrmon::parse_host_port(value, hp, why)) bad_spec(text, why);
  host = std::move(hp.host);
  port = hp.port;
}

}  // namespace

namespace {

// A date from three all-digit fields of `s`: year, month and day at offsets
// `at` with lengths `len` (MMDDYYYY and YYYY-MM-DD alike).
bool date_fields(std::string_view s, const std::size_t (&at)[3], const std::size_t (&len)[3],
                 LocalDate& date) {
  unsigned v[3] = {};  // year, month, day
  for (int i = 0; i < 3; ++i) {
    const char* b = s.data() + at[i];
    const auto [end, ec] = std::from_chars(b, b + len[i], v[i]);
    if (ec != std::errc() || end != b + len[i]) return false;
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31) return false;
  date = LocalDate{static_cast<int>(v[0]), v[1], v[2]};
  return true;
}

bool parse_date(std::string_view s, LocalDate& date) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && date_fields(s, {0, 5, 8}, {4, 2, 2}, date);
}

}  // namespace

bool itch_date_from_name(std::string_view path, LocalDate& date) {
  const std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.size() >= 3 && name.substr(name.size() - 3) == ".gz") name.remove_suffix(3);
  constexpr std::string_view kSuffix = ".NASDAQ_ITCH50";
  if (name.size() != 8 + kSuffix.size() || name.substr(8) != kSuffix) return false;
  return date_fields(name, {4, 0, 2}, {4, 2, 2}, date);  // MMDDYYYY
}

namespace {

void read_speed(const std::string& text, std::string_view value, SourceSpec& spec) {
  if (value == "max") {
    spec.speed = 0;
    return;
  }
  double speed = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), speed);
  if (ec != std::errc() || end != value.data() + value.size() || !(speed > 0) ||
      !std::isfinite(speed)) {
    bad_spec(text, "speed must be a positive number or max");
  }
  spec.speed = speed;
}

// Calls option(key, value) for each item of "key=value&..." (empty items
// skipped; a key without '=' has an empty value).
template <class Option>
void for_each_option(std::string_view query, Option&& option) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    option(item.substr(0, eq), eq == std::string_view::npos ? "" : item.substr(eq + 1));
  }
}

// The query after '?' of `rest` ("" without one).
std::string_view query_of(std::string_view rest, std::size_t q) {
  return q == std::string_view::npos ? std::string_view{} : rest.substr(q + 1);
}

// PATH[?key=value&...] of a file-like spec; `option` handles one key.
template <class Option>
void read_path_query(const std::string& text, std::string_view rest, SourceSpec& spec,
                     Option&& option) {
  const std::size_t q = rest.find('?');
  spec.path = std::string(rest.substr(0, q));
  if (spec.path.empty()) bad_spec(text, "empty path");
  for_each_option(query_of(rest, q), option);
}

// The network specs: SCHEME://HOST:PORT[?key=value&...].
template <class Option>
void read_net_query(const std::string& text, std::string_view rest, SourceSpec& spec,
                    Option&& option) {
  const std::size_t q = rest.find('?');
  read_peer(text, rest.substr(0, q), spec.host, spec.port);
  for_each_option(query_of(rest, q), option);
}

template <class T>
T read_whole(const std::string& text, std::string_view key, std::string_view value, T lo, T hi) {
  T n{};
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < lo || n > hi) {
    bad_spec(text, std::string(key) + " must be a whole number from " + std::to_string(lo) +
                       " to " + std::to_string(hi));
  }
  return n;
}

// The UDP socket options of udp://, moldudp64:// and omdc-udp://; false when
// `key` is not one.
bool read_udp_option(const std::string& text, std::string_view key, std::string_view value,
                     SourceSpec& spec) {
  if (key == "iface") {
    spec.iface = std::string(value);
  } else if (key == "source") {
    spec.mcast_source = std::string(value);
  } else if (key == "rcvbuf") {
    spec.rcvbuf = read_whole<std::size_t>(text, key, value, 4096, std::size_t{1} << 30);
  } else {
    return false;
  }
  return true;
}

// date= and orders= of the ITCH network framings; false when `key` is not one.
bool read_itch_option(const std::string& text, std::string_view key, std::string_view value,
                      SourceSpec& spec) {
  if (key == "date") {
    if (!parse_date(value, spec.date)) bad_spec(text, "date must be YYYY-MM-DD");
    spec.dated = true;
  } else if (key == "orders") {
    spec.order_capacity = read_whole<std::size_t>(text, key, value, 1, std::size_t{1} << 30);
  } else {
    return false;
  }
  return true;
}

SourceSpec parse_venue_net_spec(const std::string& text) {
  SourceSpec spec;
  spec.text = text;
  const std::string_view s = text;
  auto unknown = [&](std::string_view key, const char* known) {
    bad_spec(text, "unknown option '" + std::string(key) + "' (" + known + ")");
  };
  if (s.rfind("moldudp64://", 0) == 0) {
    spec.kind = SourceSpec::Kind::MoldUdp64;
    read_net_query(text, s.substr(12), spec, [&](std::string_view key, std::string_view value) {
      if (key == "session") {
        if (value.empty() || value.size() > 10) bad_spec(text, "session: 1 to 10 characters");
        spec.session = std::string(value);
      } else if (key == "rerequest") {
        read_peer(text, value, spec.rerequest_host, spec.rerequest_port);
      } else if (key == "rerequest_timeout_ms") {
        spec.rerequest_timeout_ms = read_whole<std::uint32_t>(text, key, value, 1, 600000);
      } else if (!read_udp_option(text, key, value, spec) &&
                 !read_itch_option(text, key, value, spec)) {
        unknown(key,
                "session, rerequest, rerequest_timeout_ms, date, orders, iface, source, rcvbuf");
      }
    });
  } else if (s.rfind("soupbin://", 0) == 0) {
    spec.kind = SourceSpec::Kind::SoupBin;
    bool user = false;
    bool password = false;
    read_net_query(text, s.substr(10), spec, [&](std::string_view key, std::string_view value) {
      if (key == "user") {
        if (value.size() > 6) bad_spec(text, "user: at most 6 characters");
        spec.user = std::string(value);
        user = true;
      } else if (key == "password") {
        if (value.size() > 10) bad_spec(text, "password: at most 10 characters");
        spec.password = std::string(value);
        password = true;
      } else if (key == "session") {
        if (value.size() > 10) bad_spec(text, "session: at most 10 characters");
        spec.session = std::string(value);
      } else if (key == "seq") {
        spec.soup_seq =
            read_whole<std::uint64_t>(text, key, value, 0, std::uint64_t{9999999999999999999u});
      } else if (key == "heartbeat_ms") {
        spec.heartbeat_ms = read_whole<std::uint32_t>(text, key, value, 10, 600000);
      } else if (key == "timeout_ms") {
        spec.timeout_ms = read_whole<std::uint32_t>(text, key, value, 10, 600000);
      } else if (!read_itch_option(text, key, value, spec)) {
        unknown(key, "user, password, session, seq, heartbeat_ms, timeout_ms, date, orders");
      }
    });
    if (!user || !password) bad_spec(text, "user= and password= are required");
  } else {
    spec.kind = SourceSpec::Kind::OmdcUdp;
    read_net_query(text, s.substr(11), spec, [&](std::string_view key, std::string_view value) {
      if (key == "rts") {
        read_peer(text, value, spec.rts_host, spec.rts_port);
      } else if (key == "channel") {
        spec.rts_channel = read_whole<std::uint16_t>(text, key, value, 0, 65535);
      } else if (key == "rts_timeout_ms") {
        spec.rts_timeout_ms = read_whole<std::uint32_t>(text, key, value, 1, 600000);
      } else if (key == "rts_user") {
        if (value.empty() || value.size() > 12) bad_spec(text, "rts_user: 1 to 12 characters");
        spec.rts_user = std::string(value);
      } else if (!read_udp_option(text, key, value, spec)) {
        unknown(key, "rts, channel, rts_user, rts_timeout_ms, iface, source, rcvbuf");
      }
    });
  }
  return spec;
}
}  // namespace

SourceSpec parse_source_spec(const std::string& text) {
  SourceSpec spec;
  spec.text = text;
  const std::string_view s = text;
  if (s.rfind("tcp://", 0) == 0 || s.rfind("udp://", 0) == 0) {
    spec.kind = s[0] == 't' ? SourceSpec::Kind::Tcp : SourceSpec::Kind::Udp;
    read_net_query(text, s.substr(6), spec, [&](std::string_view key, std::string_view value) {
      if (key == "silence_ms") {
        spec.silence_ms = read_whole<std::int64_t>(text, key, value, 0, 86'400'000);
      } else if (spec.kind != SourceSpec::Kind::Udp || !read_udp_option(text, key, value, spec)) {
        bad_spec(text, "unknown option '" + std::string(key) + "' (" +
                           (spec.kind == SourceSpec::Kind::Udp ? "silence_ms, iface, source, rcvbuf"
                                                               : "silence_ms") +
                           ")");
      }
    });
    return spec;
  }
  if (s.rfind("nats://", 0) == 0) {
    spec.kind = SourceSpec::Kind::Nats;
    read_net_query(text, s.substr(7), spec, [&](std::string_view key, std::string_view value) {
      if (key == "durable") {
        // JetStream consumer names: no '.', '*', '>' or spaces.
        if (value.empty() || value.size() > 64 ||
            value.find_first_of(". *>\t") != std::string_view::npos) {
          bad_spec(text, "durable: 1 to 64 characters, none of '.', '*', '>' or space");
        }
        spec.durable = std::string(value);
      } else if (key == "silence_ms") {
        spec.silence_ms = read_whole<std::int64_t>(text, key, value, 0, 86'400'000);
      } else {
        bad_spec(text, "unknown option '" + std::string(key) + "' (durable, silence_ms)");
      }
    });
    return spec;
  }
  if (s.rfind("moldudp64://", 0) == 0 || s.rfind("soupbin://", 0) == 0 ||
      s.rfind("omdc-udp://", 0) == 0) {
    return parse_venue_net_spec(text);
  }
  if (s.rfind("itch:", 0) == 0) {
    spec.kind = SourceSpec::Kind::Itch;
    read_path_query(text, s.substr(5), spec, [&](std::string_view key, std::string_view value) {
      if (key == "speed") {
        read_speed(text, value, spec);
      } else if (!read_itch_option(text, key, value, spec)) {
        bad_spec(text, "unknown option '" + std::string(key) + "' (date, speed, orders)");
      }
    });
    if (!spec.dated && !itch_date_from_name(spec.path, spec.date)) {
      bad_spec(text,
               "no trading date: add ?date=YYYY-MM-DD (the file name is not "
               "MMDDYYYY.NASDAQ_ITCH50[.gz])");
    }
    return spec;
  }
  if (s.rfind("omdc:", 0) == 0) {
    spec.kind = SourceSpec::Kind::Omdc;
    read_path_query(text, s.substr(5), spec, [&](std::string_view key, std::string_view value) {
      if (key == "speed") {
        read_speed(text, value, spec);
      } else {
        bad_spec(text, "unknown option '" + std::string(key) + "' (speed)");
      }
    });
    return spec;
  }
  if (s.rfind("file:", 0) != 0) {
    bad_spec(text, "expected file:PATH, itch:PATH, omdc:PATH, tcp://HOST:PORT or udp://HOST:PORT");
  }
  spec.kind = SourceSpec::Kind::File;
  bool paced = false;
  read_path_query(text, s.substr(5), spec, [&](std::string_view key, std::string_view value) {
    if (key == "speed") {
      read_speed(text, value, spec);
      paced = true;
    } else if (key == "follow") {
      if (value != "1" && value != "0" && value != "true" && value != "false") {
        bad_spec(text, "follow must be 1 or 0");
      }
      spec.follow = value == "1" || value == "true";
    } else if (key == "silence_ms") {
      spec.silence_ms = read_whole<std::int64_t>(text, key, value, 0, 86'400'000);
    } else {
      bad_spec(text, "unknown option '" + std::string(key) + "' (speed, follow, silence_ms)");
    }
  });
  // A followed file is live: its ticks arrive as they are written, which is
  // already their pace; pacing by ts would only hold live ticks back (and a
  // backlog read from the start is better delivered at once than replayed).
  if (paced && spec.follow) {
    bad_spec(text,
             "speed is for replayed files; a followed file (follow=1) is read as it is "
             "written: drop speed= or follow=1");
  }
  if (spec.silence_ms >= 0 && !spec.follow) {
    bad_spec(text, "silence_ms is for live sources (follow=1, tcp://, udp://), not replayed files");
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

Source::~Source() {
  request_stop();
  join();
}

void Source::start() {
  if (polled_ || thread_.joinable() || stats_.done.get() != 0) return;
  // The thread watches the source's own stop_source (not the jthread's), so
  // a request_stop() from any thread, even before start(), is seen.
  thread_ = std::jthread([this, stop = stop_.get_token()] {
    pin_current_thread(cpu_);
    body_->run(stop);
    stats_.done.set(1);
    channel_.close();
  });
}

std::size_t Source::poll() noexcept {
  if (polled_done_) return 0;
  if (stop_.stop_requested() || body_->ended()) [[unlikely]] {
    body_->end_polled();
    polled_done_ = true;
    stats_.done.set(1);
    channel_.close();
    return 0;
  }
  return body_->poll();
}

void Source::join() {
  if (thread_.joinable()) thread_.join();
}

std::vector<std::unique_ptr<Source>> make_sources(const std::vector<SourceSpec>& specs,
                                                  const Config& config,
                                                  const SourceOptions& options, Doorbell& bell,
                                                  NatsBodyFactory nats_body) {
  std::vector<std::unique_ptr<Source>> sources;
  std::vector<std::string> group_paths;
  std::string group_name;
  double group_speed = -1;
  std::size_t group_slot = 0;
  for (const SourceSpec& spec : specs) {
    if (spec.is_replayed_file()) {
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
      // FileMerger reads a plain path as JSON Lines and a venue spec by its scheme.
      group_paths.push_back(spec.kind == SourceSpec::Kind::File ? spec.path : spec.text);
      group_name += (group_name.empty() ? "" : "+") + spec.text;
      continue;
    }
    const auto index = static_cast<std::uint8_t>(sources.size());
    // Files and TCP wait on a full queue (TCP flow control then slows the
    // sender); UDP drops and counts, since blocking only moves the loss into
    // the kernel where nobody counts it.
    // The venue framings likewise: MoldUDP64 and OMD-C UDP drop, SoupBinTCP waits.
    const bool datagrams = spec.kind == SourceSpec::Kind::Udp ||
                           spec.kind == SourceSpec::Kind::MoldUdp64 ||
                           spec.kind == SourceSpec::Kind::OmdcUdp;
    const Overflow policy = datagrams ? Overflow::DropNewest : Overflow::Backpressure;
    if (spec.kind == SourceSpec::Kind::Nats) {
      if (nats_body == nullptr) {
        throw std::invalid_argument("source '" + spec.text +
                                    "': nats:// needs the bus (adrmon run)");
      }
      // Backpressure: what the engine has not taken stays in the stream.
      sources.push_back(std::make_unique<Source>(
          spec.text, Overflow::Backpressure, options, bell,
          [&](const Source::Parts& parts) { return nats_body(parts, spec, config, index); }));
      sources.back()->set_liveness({true, true, spec.silence_ms});
      continue;
    }
    const auto make_body = spec.kind == SourceSpec::Kind::File        ? &make_follow_body
                           : spec.kind == SourceSpec::Kind::Tcp       ? &make_tcp_body
                           : spec.kind == SourceSpec::Kind::MoldUdp64 ? &make_moldudp64_body
                           : spec.kind == SourceSpec::Kind::SoupBin   ? &make_soupbin_body
                           : spec.kind == SourceSpec::Kind::OmdcUdp   ? &make_omdc_udp_body
                                                                      : &make_udp_body;
    sources.push_back(std::make_unique<Source>(
        spec.text, policy, options, bell,
        [&](const Source::Parts& parts) { return make_body(parts, spec, config, index); }));
    sources.back()->set_liveness({true, spec.kind != SourceSpec::Kind::File, spec.silence_ms});
  }
  if (!group_paths.empty()) {
    const auto index = static_cast<std::uint8_t>(group_slot);
    sources[group_slot] = std::make_unique<Source>(
        group_name, Overflow::Backpressure, options, bell, [&](const Source::Parts& parts) {
          return make_file_group_body(parts, group_paths, group_speed, config, index);
        });
  }
  if (sources.size() > 255) throw std::invalid_argument("at most 255 sources");
  return sources;
}

}  // namespace adrmon
