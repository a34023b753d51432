#include "service/schedule_loader.hpp"

#include <fmt/format.h>

#include "domain/schedule_rules.hpp"
#include "importer/schedule_import.hpp"

namespace seatd::service {

schedule_load_outcome load_schedule(store& db, std::string_view filename, std::string_view bytes,
                                    local_date today, std::optional<local_date> week_of) {
  schedule_load_outcome out;
  if (week_of && !import_week_allowed(today, *week_of)) {
    const local_date current = week_monday(today);
    out.message =
        week_monday(*week_of) < current
            ? fmt::format("The week of {} has already ended: choose the current week (from {}) "
                          "or a later one",
                          format_date(week_monday(*week_of)), format_date(current))
            : fmt::format("The week of {} is too far ahead: choose a week up to {} weeks from "
                          "now (the last one starts {})",
                          format_date(week_monday(*week_of)), max_import_lead.count() / 7,
                          format_date(current + max_import_lead));
    return out;
  }
  auto parsed = importer::parse_schedule(filename, bytes);
  if (parsed.error) {
    out.message = parsed.error->describe();
    return out;
  }
  auto summary = db.import_schedule(parsed.rows, today, week_of);
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

}  // namespace seatd::service
