#pragma once
namespace seatd {
// The version the build stamped (CMake project version).
const char* version() noexcept;
}  // namespace seatd
