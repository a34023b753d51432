#include "domain/schedule_rules.hpp"

#include <algorithm>

namespace seatd {

local_date week_monday(local_date d) {
  // weekday::iso_encoding: Monday = 1 .. Sunday = 7
  unsigned iso = std::chrono::weekday{d}.iso_encoding();
  return d - std::chrono::days{iso - 1};
}

local_date import_week_start(local_date today, std::optional<local_time> latest_departure,
                             std::optional<local_date> week_of) {
  if (week_of) return week_monday(*week_of);
  if (!latest_departure) return week_monday(today);
  return week_monday(std::chrono::floor<std::chrono::days>(*latest_departure)) +
         std::chrono::days{7};
}

bool import_week_allowed(local_date today, local_date week_of) {
  const local_date chosen = week_monday(week_of), current = week_monday(today);
  return chosen >= current && chosen <= current + max_import_lead;
}

import_plan demo_import_plan(local_date today, std::chrono::days days_ahead) {
  const local_date first = week_monday(today), last = week_monday(today + days_ahead);
  const int weeks = int((last - first).count() / 7) + 1;
  return {first, std::clamp(weeks, 2, max_import_weeks)};
}

placed_trip place_trip(local_date week_start, const schedule_row& row) {
  local_date day = week_start + std::chrono::days{row.weekday};
  local_time dep = local_time{day} + std::chrono::minutes{row.departure_minutes};
  local_time arr = local_time{day} + std::chrono::minutes{row.arrival_minutes};
  if (row.arrival_minutes < row.departure_minutes) arr += std::chrono::days{1};
  return {dep, arr};
}

}  // namespace seatd
