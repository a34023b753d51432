#include "api/schedule_loader.hpp"

#include <fmt/format.h>

#include "importer/schedule_import.hpp"

namespace seatd::api {

schedule_load_outcome load_schedule(store& db, std::string_view filename, std::string_view bytes,
                                    local_date today) {
  schedule_load_outcome out;
  auto parsed = importer::parse_schedule(filename, bytes);
  if (parsed.error) {
    out.message = parsed.error->describe();
    return out;
  }
  auto summary = db.import_schedule(parsed.rows, today);
  if (!summary) {
    out.message = fmt::format("Schedule rejected: {}", summary.error().message());
    return out;
  }
  out.ok = true;
  out.summary = *summary;
  out.rows = int(parsed.rows.size());
  out.message = fmt::format(
      "Imported {} trips ({} new buses) for the week starting {}", summary->trips_created,
      summary->buses_created, format_date(summary->week_start));
  return out;
}

}  // namespace seatd::api
