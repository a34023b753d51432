#pragma once
namespace seatd {
// The version CMake's project() declares, e.g. "0.1.0".
const char* version() noexcept;
// The commit the binary was built from (`git describe --always --dirty`), "unknown" outside a
// git checkout.
const char* build_commit() noexcept;
// What `seatd --version` prints: "seatd 0.1.0 (commit 1a2b3c4d5e6f)".
const char* version_line() noexcept;
}  // namespace seatd
