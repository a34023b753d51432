// ctest's PostgreSQL fixture: `pg_test_fixture start <pointer>` starts one throwaway server for
// the whole test run and writes where it is to <pointer>; `pg_test_fixture stop <pointer>` stops
// it and removes its directory. The tests that need PostgreSQL find it through
// SEATD_TEST_PG_FIXTURE=<pointer> (tests/store/pg_test_server.hpp).
#include <cstdio>
#include <exception>
#include <string_view>

#include "store/pg_test_server.hpp"

int main(int argc, char** argv) {
  const std::string_view what = argc == 3 ? argv[1] : "";
  if (what != "start" && what != "stop") {
    std::fprintf(stderr, "usage: %s start|stop <pointer-file>\n", argv[0]);
    return 2;
  }
  try {
    if (what == "start") {
      seatd::test::pg_test_server::start_fixture(argv[2]);
      std::printf("PostgreSQL test server started (%s)\n", argv[2]);
    } else {
      seatd::test::pg_test_server::stop_fixture(argv[2]);
      std::printf("PostgreSQL test server stopped\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pg_test_fixture %s: %s\n", argv[1], e.what());
    return 1;
  }
  return 0;
}
