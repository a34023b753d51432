#pragma once
// The contract's date-times are ISO 8601 local times without a zone ("2026-11-30T21:00:00").
// seatd keeps them as naive seconds (a local_seconds) and converts "now" to local once.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace seatd {

using local_time = std::chrono::local_seconds;
using local_date = std::chrono::local_days;

// "YYYY-MM-DDTHH:MM:SS"
std::string format_iso(local_time t);
// "YYYY-MM-DD"
std::string format_date(local_date d);
// Strict parse of "YYYY-MM-DDTHH:MM:SS" (also accepts a space instead of 'T').
std::optional<local_time> parse_iso(std::string_view s);
// Strict parse of "YYYY-MM-DD" with a valid calendar date.
std::optional<local_date> parse_date(std::string_view s);
// The server's local wall time for an instant (uses the process time zone, TZ).
local_time to_local(sys_ms t);
// Three-letter English weekday name, "Mon".."Sun".
std::string_view weekday_short(local_date d);

}  // namespace seatd
