#pragma once
// Where the tests find the seatd binary and the source tree. Defined in one small translation
// unit (test_paths.cpp) so that no other test file's compile command carries an absolute path:
// a fresh clone elsewhere then reuses the compiler cache for everything else.
#include <string>

namespace seatd::test {

std::string seatd_binary();  // the seatd built beside the tests
std::string source_dir();    // the repository's root

}  // namespace seatd::test
