#include "service/schedule_loader.hpp"

#include <fmt/format.h>

#include "domain/city_names.hpp"
#include "domain/schedule_rules.hpp"
#include "importer/schedule_import.hpp"

namespace seatd::service {

schedule_load_outcome load_schedule(store& db, std::string_view filename, std::string_view bytes,
                                    local_date today, std::optional<local_date> week_of,
                                    import_options options) {
  schedule_load_outcome out;
  if (options.weeks < 1 || options.weeks > max_import_weeks) {
    out.message = fmt::format("Choose from 1 to {} weeks", max_import_weeks);
    return out;
  }
  // The last week must be allowed too (not too far ahead); the first must not have ended.
  if (week_of && import_week_allowed(today, *week_of) &&
      !import_week_allowed(today, *week_of + std::chrono::days{7 * (options.weeks - 1)})) {
    out.message = fmt::format(
        "{} weeks from the week of {} reach too far ahead: the last week may start on {} at the "
        "latest",
        options.weeks, format_date(week_monday(*week_of)),
        format_date(week_monday(today) + max_import_lead));
    return out;
  }
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
  // One city, one spelling: a row naming a city by an alias of a stored one (Bengaluru where
  // the schedule says Bangalore), or of one seen earlier in this file, takes that spelling, so
  // search, routes and the calendar do not split it in two. A trip from a city to itself is
  // a mistake in the file.
  std::vector<std::string> known = db.list_cities();
  auto spelled = [&known](std::string& city) {
    if (auto s = schedule_spelling(city, known)) city = *s;
    else known.push_back(city);
  };
  for (auto& row : parsed.rows) {
    spelled(row.source);
    spelled(row.destination);
    if (row.source == row.destination) {
      out.message = fmt::format("Row {}: the source and the destination are the same city ({})",
                                row.line, row.source);
      return out;
    }
  }
  auto summary = db.import_schedule(parsed.rows, today, week_of, options);
  if (!summary) {
    out.message = fmt::format("Schedule rejected: {}", summary.error().message());
    return out;
  }
  out.ok = true;
  out.summary = *summary;
  out.rows = int(parsed.rows.size());
  const std::string weeks =
      options.weeks == 1 ? std::string("the week") : fmt::format("the {} weeks", options.weeks);
  out.message = fmt::format("{} {} trips ({} new buses) for {} starting {}",
                            options.dry_run ? "Would import" : "Imported", summary->trips_created,
                            summary->buses_created, weeks, format_date(summary->week_start));
  out.trips_skipped = out.rows * int(summary->weeks.size()) - summary->trips_created;
  if (const int n = out.trips_skipped; n > 0)
    out.message += fmt::format("; {} trip{} already scheduled (the same bus at the same time) "
                               "{} skipped",
                               n, n == 1 ? "" : "s", n == 1 ? "was" : "were");
  if (!summary->already_scheduled.empty()) {
    std::string which;
    for (local_date w : summary->already_scheduled)
      which += (which.empty() ? "" : ", ") + format_date(w);
    out.message += fmt::format("; the week{} of {} already had trips",
                               summary->already_scheduled.size() == 1 ? "" : "s", which);
  }
  return out;
}

}  // namespace seatd::service
