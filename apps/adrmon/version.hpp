// The version of this build: `git describe --tags --always --dirty` of the
// source tree when CMake configured it (the project version when there was
// no git), and the Debian package version derived from it. The strings are
// generated into the build tree (version_info.hpp.in); only version.cpp
// includes them, so a new commit recompiles one file.
#pragma once

#include <string_view>

namespace adrmon {

// "de8d22d-dirty", "v0.2.0-3-g1a2b3c4", or "0.1.0" without git. Static storage.
std::string_view git_version() noexcept;

// The package version: "0.1.0+gde8d22d.dirty", "0.2.0+3.g1a2b3c4", "0.2.0"
// (Debian's rules: starts with a digit, no '-'). Static storage.
std::string_view package_version() noexcept;

// "adrmon 0.1.0+gde8d22d.dirty (git de8d22d-dirty)": what --version prints.
std::string_view version_line() noexcept;

}  // namespace adrmon
