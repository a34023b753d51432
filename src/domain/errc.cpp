#include "domain/errc.hpp"

#include <string>

namespace seatd {
namespace {
class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "seatd"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::ok: return "ok";
      case errc::email_taken: return "Email already Exists";
      case errc::bus_name_taken: return "Bus name already exists";
      case errc::not_found: return "Not found";
      case errc::invalid_seats: return "Invalid seat numbers";
      case errc::seat_booked: return "Seat already booked";
      case errc::seat_occupied: return "Seat occupied";
      case errc::not_holder: return "Seat is not held by you";
      case errc::hold_limit: return "Hold limit reached";
      case errc::forbidden: return "Not allowed";
      case errc::already_cancelled: return "Booking already cancelled";
      case errc::invalid_input: return "Invalid input";
      case errc::unavailable: return "Service unavailable";
      case errc::busy: return "Server busy";
      case errc::account_hold_limit: return "Hold limit across trips reached";
      case errc::hold_cooldown: return "Seat recently held by you";
      case errc::trip_departed: return "Trip has already departed";
      case errc::booking_closed: return "Booking closed for this trip";
      case errc::booking_cancelled: return "This booking was cancelled";
      case errc::wrong_trip: return "This ticket is for another trip";
      case errc::ladies_only: return "Seat is beside a seat booked for a woman: for women only";
      case errc::seats_available: return "Seats are free on this trip: hold them instead";
      case errc::waitlist_full: return "The waiting list is full";
    }
    return "unknown seatd error";
  }
};
}  // namespace

const boost::system::error_category& seatd_category() noexcept {
  static const category instance;
  return instance;
}
}  // namespace seatd
