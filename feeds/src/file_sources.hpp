// File-backed sources: the merged, paced replay group and the follow source.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adrmon/feeds/source.hpp"

namespace adrmon {

std::unique_ptr<Source> make_file_group_source(const std::string& name,
                                               const std::vector<std::string>& paths, double speed,
                                               const Config& config, const SourceOptions& options,
                                               Doorbell& bell, std::uint8_t index);

std::unique_ptr<Source> make_follow_source(const SourceSpec& spec, const Config& config,
                                           const SourceOptions& options, Doorbell& bell,
                                           std::uint8_t index);

}  // namespace adrmon
