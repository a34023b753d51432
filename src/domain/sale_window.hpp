#pragma once
// When a trip may still be held, booked or cancelled: until its departure, and not inside the
// booking cut-off before it. Pure: the caller passes the departure and "now", both as local
// wall time of the departure city (the contract's times are naive local times; seatd runs in
// the operator's zone, see local_time.hpp), so a manual clock drives the tests.
#include <chrono>

#include "domain/errc.hpp"
#include "domain/local_time.hpp"

namespace seatd {

// True once the bus has left: departure <= now.
bool has_departed(local_time departure, local_time now);

// errc::trip_departed at or after departure; errc::booking_closed inside [departure - cutoff,
// departure); success otherwise. A cut-off of zero sells until the minute of departure.
boost::system::error_code sale_window(local_time departure, local_time now,
                                      std::chrono::minutes cutoff);

// The same, reading "now" from the injected clock.
boost::system::error_code sale_window(local_time departure, const clock& clk,
                                      std::chrono::minutes cutoff);

}  // namespace seatd
