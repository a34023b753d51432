#pragma once
// The booking every ticket test renders, mails or scans: one place, so the unit, component and
// integration tests agree on what they expect to find.
#include <string>

#include "ticket/boarding_code.hpp"
#include "ticket/boarding_pass_pdf.hpp"
#include "ticket/booking_details.hpp"

namespace seatd::tickets::testing {

// Seats 17 (first_name, 34, F) and 18 (Ravi Rao, 36, M), booking ABC-1A2B3C, Mumbai to Pune.
inline booking_details sample_booking(std::string first_name = "Asha Rao") {
  booking_details b;
  b.operator_name = "ABC Travels";
  b.source = "Mumbai";
  b.destination = "Pune";
  b.departure = "Sat 05 Dec 2026, 08:30";
  b.bus_name = "Shivneri Express";
  b.bus_number = "MH-12-AB-1234";
  b.booking_number = "ABC-1A2B3C";
  b.total_price = "INR 900";
  b.seats = {{17, std::move(first_name), 34, "F"}, {18, "Ravi Rao", 36, "M"}};
  return b;
}

inline boarding_pass sample_pass(const boarding_codec& codec, std::string first_name = "Asha Rao",
                                 row_id trip_id = 42) {
  boarding_pass p;
  p.booking = sample_booking(std::move(first_name));
  p.boarding_code = codec.issue(p.booking.booking_number, trip_id).value();
  return p;
}

}  // namespace seatd::tickets::testing
