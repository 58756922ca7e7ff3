// The daemon's sections: [pipeline], [[source]], [sinks], [liveness],
// [dashboard] (and [webhook] through config_webhook.cpp). All optional.
#include <sstream>

#include "config_reader.hpp"

namespace adrmon::config_detail {

// [pipeline], [[source]], [sinks], [webhook]: all optional, all strict.
// Paths (file sources, the alert log) resolve against `dir`.
namespace {

// file:PATH[?...], itch:PATH[?...], omdc:PATH[?...] with PATH resolved;
// any other spec (network) as written.
std::string resolve_source_spec(const std::string& dir, const std::string& spec) {
  for (const std::string_view scheme : {"file:", "itch:", "omdc:"}) {
    if (spec.rfind(scheme, 0) != 0) continue;
    const std::size_t q = spec.find('?');
    const std::string path =
        spec.substr(scheme.size(), q == std::string::npos ? q : q - scheme.size());
    if (path.empty()) return spec;  // parse_source_spec names the problem
    return std::string(scheme) + resolve_path(dir, path) +
           (q == std::string::npos ? std::string() : spec.substr(q));
  }
  return spec;
}

}  // namespace

std::string resolve_path(const std::string& dir, const std::string& path) {
  if (dir.empty() || path.empty() || path.front() == '/') return path;
  return dir + "/" + path;
}

void read_daemon_sections(const toml::table& root, const std::string& file, const std::string& dir,
                          Config& config) {
  if (const toml::table* t = optional_table(root, "pipeline", file)) {
    TableReader r(*t, file, "pipeline",
                  {"design", "busy_poll_us", "wait", "sink_wait", "queue_capacity",
                   "alert_queue_capacity", "engine_cpu", "feed_cpu", "status_interval_s"});
    PipelineConfig& p = config.pipeline;
    if (auto design = r.string("design")) {
      if (*design == "auto") {
        p.design = PipelineDesign::Auto;
      } else if (*design == "staged") {
        p.design = PipelineDesign::Staged;
      } else if (*design == "inline") {
        p.design = PipelineDesign::Inline;
      } else {
        r.fail("design", r.line("design"), "must be \"auto\", \"staged\" or \"inline\"");
      }
    }
    const auto read_wait = [&](std::string_view key, WaitStrategy fallback) {
      const auto text = r.string(key);
      if (!text) return fallback;
      if (*text == "spin") return WaitStrategy::Spin;
      if (*text == "yield") return WaitStrategy::Yield;
      if (*text != "block") r.fail(key, r.line(key), "must be \"spin\", \"yield\" or \"block\"");
      return WaitStrategy::Block;
    };
    p.wait = read_wait("wait", p.wait);
    p.sink_wait = read_wait("sink_wait", p.wait);
    auto whole = [&](std::string_view key, double fallback, double lo, double hi) {
      const double v = r.number(key).value_or(fallback);
      if (v < lo || v > hi || v != std::floor(v)) {
        std::ostringstream msg;
        msg << "must be a whole number in [" << lo << ", " << hi << "]";
        r.fail(key, r.line(key), msg.str());
      }
      return static_cast<std::int64_t>(v);
    };
    p.queue_capacity = static_cast<std::size_t>(
        whole("queue_capacity", static_cast<double>(p.queue_capacity), 16, 1 << 24));
    p.alert_queue_capacity = static_cast<std::size_t>(
        whole("alert_queue_capacity", static_cast<double>(p.alert_queue_capacity), 16, 1 << 24));
    p.busy_poll_us = whole("busy_poll_us", static_cast<double>(p.busy_poll_us), 0, 10'000'000);
    p.engine_cpu = static_cast<int>(whole("engine_cpu", -1, -1, 4095));
    p.feed_cpu = static_cast<int>(whole("feed_cpu", -1, -1, 4095));
    p.status_interval_s = r.number("status_interval_s").value_or(0);
    if (p.status_interval_s < 0)
      r.fail("status_interval_s", r.line("status_interval_s"), "must be >= 0");
  }
  if (const toml::node* sources = root.get("source")) {
    if (!sources->is_array_of_tables()) {
      throw ConfigError(file, line_of(*sources), "source",
                        "must be an array of tables ([[source]])");
    }
    std::size_t index = 0;
    for (const toml::node& node : *sources->as_array()) {
      TableReader r(*node.as_table(), file, "source[" + std::to_string(++index) + "]", {"spec"});
      config.sources.push_back(resolve_source_spec(dir, r.required_string("spec")));
    }
  }
  if (const toml::table* t = optional_table(root, "sinks", file)) {
    TableReader r(*t, file, "sinks", {"alerts", "stdout"});
    config.sinks.alerts_path = resolve_path(dir, r.string("alerts").value_or(""));
    config.sinks.stdout_human = r.boolean("stdout").value_or(true);
  }
  if (const toml::table* t = optional_table(root, "liveness", file)) {
    TableReader r(*t, file, "liveness",
                  {"silence_ms", "us_silence_ms", "hk_silence_ms", "fx_silence_ms"});
    const auto ms = [&](std::string_view key) -> std::int64_t {
      const auto v = r.number(key);
      if (!v) return -1;
      if (*v < 0 || *v > 86'400'000 || *v != std::floor(*v)) {
        r.fail(key, r.line(key), "must be a whole number of ms in [0, 86400000] (0: off)");
      }
      return static_cast<std::int64_t>(*v);
    };
    LivenessConfig& l = config.liveness;
    l.silence_ms = ms("silence_ms");
    l.us_silence_ms = ms("us_silence_ms");
    l.hk_silence_ms = ms("hk_silence_ms");
    l.fx_silence_ms = ms("fx_silence_ms");
  }
  read_webhooks(root, file, dir, config);
  if (const toml::table* t = optional_table(root, "dashboard", file)) {
    TableReader r(*t, file, "dashboard",
                  {"listen", "token", "updates_per_second", "history_seconds"});
    DashboardConfig& d = config.dashboard;
    d.listen = r.required_string("listen");
    const std::size_t colon = d.listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == d.listen.size()) {
      r.fail("listen", r.line("listen"), "must be HOST:PORT, e.g. \"127.0.0.1:8480\"");
    }
    d.token = r.string("token").value_or("");
    d.updates_per_second = r.number("updates_per_second").value_or(d.updates_per_second);
    if (!(d.updates_per_second > 0 && d.updates_per_second <= 1000)) {
      r.fail("updates_per_second", r.line("updates_per_second"), "must be in (0, 1000]");
    }
    d.history_seconds = r.number("history_seconds").value_or(d.history_seconds);
    if (!(d.history_seconds >= 1 && d.history_seconds <= 86400)) {
      r.fail("history_seconds", r.line("history_seconds"), "must be in [1, 86400]");
    }
  }
}

}  // namespace adrmon::config_detail
