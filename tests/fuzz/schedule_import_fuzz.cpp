// libFuzzer target: the schedule importer (importer/), .xlsx (zip + XML: libzip and expat under
// our limits) and .csv, with the limits the upload route uses. Input that starts like a zip is
// read as .xlsx, anything else as .csv. A hostile file is an error, never a crash, a hang or
// an unbounded allocation; an accepted file's rows obey the documented bounds.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "importer/schedule_import.hpp"

namespace {

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "schedule_import finding: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace im = seatd::importer;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const im::limits lim;  // the upload route's limits
  const bool zip = bytes.starts_with("PK");
  auto r = im::parse_schedule(zip ? "schedule.xlsx" : "schedule.csv", bytes, lim);
  if (r.error) {
    if (!r.rows.empty()) finding("rows returned with an error");
    (void)r.error->describe();
    return 0;
  }
  if (r.rows.size() > lim.max_rows) finding("more rows than max_rows");
  for (const auto& row : r.rows) {
    if (row.weekday < 0 || row.weekday > 6) finding("weekday out of range");
    if (row.departure_minutes < 0 || row.departure_minutes >= 24 * 60 ||
        row.arrival_minutes < 0 || row.arrival_minutes >= 24 * 60)
      finding("clock time out of range");
  }
  return 0;
}
