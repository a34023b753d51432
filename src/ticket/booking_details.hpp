#pragma once
// What a ticket shows of a booking, as plain text values the caller has already looked up
// and formatted: the boarding pass (boarding_pass_pdf) and the e-mails (booking_messages)
// render from the same struct, so they cannot disagree. No formatting of times or money here:
// the departure is given in the departure city's local time, already written out.
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"

namespace seatd::tickets {

using seatd::booking_status;  // the domain's: confirmed or cancelled

struct passenger_seat {
  int seat_no = 0;
  std::string name;                   // UTF-8, as the traveller typed it
  std::optional<int> age;             // shown when given
  std::optional<std::string> gender;  // shown when given
};

struct booking_details {
  std::string operator_name;  // e.g. "ABC Travels"
  std::string source;         // departure city
  std::string destination;
  std::string departure;      // local time of the departure city, e.g. "Sat 05 Dec 2026, 08:30"
  std::string bus_name;
  std::string bus_number;
  std::string booking_number;  // e.g. "ABC-1A2B3C"
  booking_status status = booking_status::confirmed;
  std::vector<passenger_seat> seats;  // in the order to show them
  std::string total_price;            // formatted with its currency by the caller; may be empty
};

}  // namespace seatd::tickets
