#pragma once
// The original's rules for placing a weekly schedule on the calendar. Pure functions.
#include <optional>
#include <vector>

#include "domain/local_time.hpp"
#include "domain/model.hpp"

namespace seatd {

// Monday of the week containing d.
local_date week_monday(local_date d);

// Where an import places its week: the current week (containing `today`) when no trips exist
// yet, otherwise the week after the one holding the latest trip's departure.
local_date import_week_start(local_date today, std::optional<local_time> latest_departure);

struct placed_trip {
  local_time departure;
  local_time arrival;  // the next day when the arrival clock time is earlier than departure
};

placed_trip place_trip(local_date week_start, const schedule_row& row);

}  // namespace seatd
