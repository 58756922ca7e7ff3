// File-backed source bodies: the merged, paced replay group and the follow
// source. make_sources (source.cpp) wraps each in a Source.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adrmon/feeds/source.hpp"

namespace adrmon {

// Opens every file now: throws std::runtime_error naming one that cannot be.
std::unique_ptr<Source::Body> make_file_group_body(const Source::Parts& parts,
                                                   const std::vector<std::string>& paths,
                                                   double speed, const Config& config,
                                                   std::uint8_t index);

// Opens spec.path now: throws std::runtime_error when it cannot.
std::unique_ptr<Source::Body> make_follow_body(const Source::Parts& parts, const SourceSpec& spec,
                                               const Config& config, std::uint8_t index);

}  // namespace adrmon
