// [calendar.US] / [calendar.HK]: the TOML shapes; the calendar rules are
// check_calendar()'s (calendar_config.cpp).
#include <algorithm>
#include <utility>
#include <vector>

#include "adrmon/core/calendar_config.hpp"
#include "config_reader.hpp"

namespace adrmon::config_detail {

namespace {

// [calendar.US] / [calendar.HK]: optional, strict. The TOML shapes are
// checked here; the calendar rules (zone, names, dates, overlaps) by
// check_calendar(), whose problems become ConfigErrors like every other.
CalendarConfig read_calendar(const toml::table& table, const std::string& file, Venue venue) {
  CalendarConfig c;
  c.venue = venue;
  c.line = line_of(table);
  const std::string key = c.key();
  TableReader r(table, file, key,
                {"timezone", "live", "holidays", "half_days", "phases", "half_day_phases"});
  c.timezone = r.required_string("timezone");
  c.timezone_line = r.line("timezone");

  // Each element of an array, with the message for a wrong shape.
  const auto elements = [&](std::string_view k, const std::string& shape) {
    const toml::node* node = r.find(k);
    if (!node->is_array()) r.fail(k, line_of(*node), "must be " + shape);
    return node->as_array();
  };
  const std::string strings = "an array of phase names, e.g. [\"regular\"]";
  if (r.find("live") == nullptr) r.fail_missing("live");
  c.live_line = r.line("live");
  for (const toml::node& e : *elements("live", strings)) {
    if (!e.is_string()) r.fail("live", line_of(e), "must be " + strings);
    c.live.push_back({*e.value<std::string>(), line_of(e)});
  }
  const std::string dates = "an array of TOML local dates, e.g. [2026-12-25] (unquoted)";
  for (const std::string_view k : {"holidays", "half_days"}) {
    if (r.find(k) == nullptr) continue;
    std::vector<CalendarDate>& list = k == "holidays" ? c.holidays : c.half_days;
    for (const toml::node& e : *elements(k, dates)) {
      if (!e.is_date()) r.fail(k, line_of(e), "must be " + dates);
      const toml::date d = *e.value<toml::date>();
      list.push_back({LocalDate{d.year, d.month, d.day}, line_of(e)});
    }
  }

  const auto read_phases = [&](std::string_view k, std::vector<PhaseConfig>& out) {
    const toml::node* node = r.find(k);
    if (!node->is_table()) {
      r.fail(k, line_of(*node), "must be a table ([" + key + "." + std::string(k) + "])");
    }
    const std::string intervals = "an array of \"HH:MM-HH:MM\" local times, e.g. [\"09:30-16:00\"]";
    // toml++ iterates keys sorted; phase ids and errors follow the file.
    std::vector<std::pair<std::string_view, const toml::node*>> in_file_order;
    for (auto&& [name, value] : *node->as_table()) in_file_order.emplace_back(name.str(), &value);
    std::stable_sort(in_file_order.begin(), in_file_order.end(), [](const auto& x, const auto& y) {
      const toml::source_position a = x.second->source().begin;
      const toml::source_position b = y.second->source().begin;
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    for (const auto& [name, value_node] : in_file_order) {
      const toml::node& value = *value_node;
      const std::string phase_key = key + "." + std::string(k) + "." + std::string(name);
      PhaseConfig phase;
      phase.name = std::string(name);
      phase.line = line_of(value);
      if (!value.is_array())
        throw ConfigError(file, line_of(value), phase_key, "must be " + intervals);
      for (const toml::node& e : *value.as_array()) {
        if (!e.is_string()) throw ConfigError(file, line_of(e), phase_key, "must be " + intervals);
        const std::string text = *e.value<std::string>();
        SessionInterval interval;
        std::string why;
        if (!parse_session_interval(text, interval, why)) {
          throw ConfigError(file, line_of(e), phase_key, "\"" + text + "\" " + why);
        }
        interval.line = line_of(e);
        phase.intervals.push_back(interval);
      }
      out.push_back(std::move(phase));
    }
  };
  if (r.find("phases") == nullptr) r.fail_missing("phases");
  c.phases_line = r.line("phases");
  read_phases("phases", c.phases);
  if (r.find("half_day_phases") != nullptr) {
    c.has_half_day_phases = true;
    c.half_day_phases_line = r.line("half_day_phases");
    read_phases("half_day_phases", c.half_day_phases);
  }

  if (auto problem = check_calendar(c)) {
    throw ConfigError(file, problem->line, problem->key, problem->message);
  }
  return c;
}

}  // namespace

void read_calendars(const toml::table& root, const std::string& file, Config& config) {
  const toml::table* all = optional_table(root, "calendar", file);
  if (all == nullptr) return;
  for (auto&& [name, node] : *all) {
    const std::string key = "calendar." + std::string(name.str());
    Venue venue = Venue::Us;
    if (name.str() == "US") {
      venue = Venue::Us;
    } else if (name.str() == "HK") {
      venue = Venue::Hk;
    } else {
      throw ConfigError(file, line_of(node), key, "unknown venue (known: US, HK)");
    }
    if (!node.is_table()) {
      throw ConfigError(file, line_of(node), key, "must be a table ([" + key + "])");
    }
    config.calendar[static_cast<int>(venue)] = read_calendar(*node.as_table(), file, venue);
  }
}

}  // namespace adrmon::config_detail
