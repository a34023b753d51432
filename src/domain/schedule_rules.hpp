#pragma once
// The original's rules for placing a weekly schedule on the calendar. Pure functions.
#include <optional>
#include <vector>

#include "domain/local_time.hpp"
#include "domain/model.hpp"

namespace seatd {

// Monday of the week containing d.
local_date week_monday(local_date d);

// Where an import places its week. An operator may choose it (`week_of`, any day of that week:
// "import this timetable for the week of 14 December"): its Monday. Otherwise the contract's
// rule: the current week (containing `today`) when no trips exist yet, else the week after the
// one holding the latest trip's departure.
local_date import_week_start(local_date today, std::optional<local_time> latest_departure,
                             std::optional<local_date> week_of = std::nullopt);

// How far ahead a chosen week may lie: two years of timetables is plenty for an operator, and
// the bound keeps hostile dates (year 9999) out of the database's four-digit-year timestamps.
inline constexpr std::chrono::days max_import_lead{7 * 104};

// A chosen week may be the current one or a later one up to max_import_lead ahead; a week that
// has ended is refused, since none of its trips could be sold.
bool import_week_allowed(local_date today, local_date week_of);

// One upload may place its timetable in up to this many consecutive weeks.
inline constexpr int max_import_weeks = 8;

// Where the demo puts the real schedule so that a newcomer finds buses for the days ahead,
// whatever the day (on a Sunday night the current week is all but over): from the current
// week's Monday, every week up to the one holding today + `days_ahead`, and at least the
// current and the next.
struct import_plan {
  local_date week_of;
  int weeks = 1;
};
import_plan demo_import_plan(local_date today, std::chrono::days days_ahead = std::chrono::days{7});

struct placed_trip {
  local_time departure;
  local_time arrival;  // the next day when the arrival clock time is earlier than departure
};

placed_trip place_trip(local_date week_start, const schedule_row& row);

}  // namespace seatd
