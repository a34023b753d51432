#include "app/build_info.hpp"

namespace seatd {
const char* version() noexcept { return "0.1.0"; }
}  // namespace seatd
