#include "component/test_paths.hpp"

namespace seatd::test {

std::string seatd_binary() { return SEATD_BINARY; }
std::string source_dir() { return SEATD_SOURCE_DIR; }

}  // namespace seatd::test
