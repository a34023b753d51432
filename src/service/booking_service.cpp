#include "service/booking_service.hpp"

#include <exception>

#include "auth/random.hpp"
#include "domain/local_time.hpp"

namespace seatd::service {

booking_service::booking_service(store& db, worker_pool& pool, hold_engine& holds,
                                 const clock& clk)
    : db_(db), pool_(pool), holds_(holds), clock_(clk) {}

boost::asio::awaitable<booking_outcome> booking_service::book(booking_request req) {
  booking_outcome outcome;
  auto pinned = co_await holds_.pin(req.trip_id, req.seat_numbers, req.user_id);
  if (pinned.code == errc::not_holder) {
    outcome.code = errc::not_holder;
    outcome.seat = pinned.seat;
    co_return outcome;
  }
  if (pinned.code) {
    outcome.code = errc::unavailable;
    co_return outcome;
  }
  req.now = clock_.now();
  req.created_at = to_local(req.now);
  // Whatever the database says, the pins end: booked seats become SEAT_BOOKED, the others are
  // held again (the buyer can retry). An exception is carried past the unpin, never lost.
  std::exception_ptr failure;
  try {
    outcome = co_await pool_.run(
        [this, &req] { return db_.create_booking(req, auth::random_booking_number); });
  } catch (...) {
    failure = std::current_exception();
  }
  const bool booked = !failure && !outcome.code;
  co_await holds_.unpin(req.trip_id, req.seat_numbers, req.user_id, booked);
  if (failure) std::rethrow_exception(failure);
  co_return outcome;
}

boost::asio::awaitable<result<ticket>> booking_service::cancel(std::string booking_number) {
  auto cancelled =
      co_await pool_.run([this, &booking_number] { return db_.cancel_booking(booking_number, clock_.now()); });
  if (cancelled) co_await holds_.announce_freed(cancelled->trip.id, cancelled->seats);
  co_return cancelled;
}

}  // namespace seatd::service
