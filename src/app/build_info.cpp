#include "app/build_info.hpp"

// SEATD_VERSION comes from CMake's project(); SEATD_BUILD_COMMIT from a header written at build
// time (cmake/build_commit.cmake), so a new commit only recompiles this file.
#include "seatd_build_commit.h"

namespace seatd {
const char* version() noexcept { return SEATD_VERSION; }
const char* build_commit() noexcept { return SEATD_BUILD_COMMIT; }
const char* version_line() noexcept {
  return "seatd " SEATD_VERSION " (commit " SEATD_BUILD_COMMIT ")";
}
}  // namespace seatd
