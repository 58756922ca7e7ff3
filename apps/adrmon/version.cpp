// The generated version strings behind version.hpp.
#include "version.hpp"

#include "version_info.hpp"

namespace adrmon {

std::string_view git_version() noexcept {
  return ADRMON_GIT_VERSION;
}

std::string_view package_version() noexcept {
  return ADRMON_PACKAGE_VERSION;
}

std::string_view version_line() noexcept {
  return "adrmon " ADRMON_PACKAGE_VERSION " (git " ADRMON_GIT_VERSION ")";
}

}  // namespace adrmon
