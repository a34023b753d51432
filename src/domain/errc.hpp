#pragma once
// Expected business outcomes, reported as error codes (never exceptions).
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <stdexcept>
#include <type_traits>

namespace seatd {

enum class errc {
  ok = 0,
  email_taken,         // signup with an email that exists
  bus_name_taken,      // unique bus name
  not_found,           // unknown id / booking / user
  invalid_seats,       // seat numbers not on the trip
  seat_booked,         // a seat is booked already
  seat_occupied,       // held by someone else
  not_holder,          // booking a seat the caller does not hold
  hold_limit,          // too many holds per user per trip
  forbidden,           // not the owner / not admin
  already_cancelled,   // cancelling a cancelled booking
  invalid_input,       // malformed import file or value
  unavailable,         // backend down (503)
  busy,                // worker pool saturated (503)
  account_hold_limit,  // too many holds per user across all trips
  hold_cooldown,       // re-taking a seat whose hold just lapsed
  trip_departed,       // holds, bookings, cancellations after departure
  booking_closed,      // inside the booking cut-off before departure
  booking_cancelled,   // checking in a cancelled booking
  wrong_trip,          // a boarding code for another trip's bus
  ladies_only,         // a seat beside one sold to a woman, booked for someone else
  seats_available,     // joining a trip's waiting list while enough seats are free
  waitlist_full,       // the trip's waiting list (or the account's) is at its bound
};

const boost::system::error_category& seatd_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), seatd_category()};
}

// A backend (database, worker pool, Redis) cannot serve right now. Not a bug and not the
// client's fault: the HTTP layer answers 503 with Retry-After.
class unavailable_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class T>
using result = boost::system::result<T, boost::system::error_code>;

}  // namespace seatd

namespace boost::system {
template <>
struct is_error_code_enum<seatd::errc> : std::true_type {};
}  // namespace boost::system
