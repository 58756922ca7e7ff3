// `adrmon check-config FILE`: load a config with the strict loader (the same
// load_config the daemon runs, so the same FILE:LINE: key '...' errors and
// exit code 2) and print the universe it would watch: pairs with ratios and
// ratio history, thresholds per side, calendars with their timezones and live
// phases, the index, pipeline, sources, sinks, dashboard and webhook. Secrets
// are never printed: a dashboard token shows as "set", a webhook URL as
// scheme://host:port only.
#pragma once

#include <cstdio>
#include <string>

#include "adrmon/core/config.hpp"

namespace adrmon {

struct CheckConfigOptions {
  std::string config;
};

// Writes the description of an already loaded config to `out`. Allocates;
// any thread; cold path.
void describe_config(const Config& config, std::FILE* out);

// Loads opt.config (throws ConfigError on a bad file), describes it on
// stdout and returns 0.
int run_check_config(const CheckConfigOptions& opt);

}  // namespace adrmon
