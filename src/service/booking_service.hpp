#pragma once
// The booking sequence, seatd's core invariant, in one place for every entry point (the HTTP
// API today; an admin tool or the tickets' outbox later): a booking is made only of seats its
// buyer holds; the holds are pinned so they cannot lapse while the database writes; the
// database's unique constraint stays the final guard; then the pins end, as sold or as held
// again. A cancellation frees the seats in the database first and only then tells the viewers,
// so nobody sees a seat free that cannot be taken.
//
// Reading the request and the sale-window rules stay with the caller: they answer in the
// caller's words (an HTTP status, a CLI message) and need the trip's facts the caller has.
#include <boost/asio/awaitable.hpp>

#include <string>

#include "domain/clock.hpp"
#include "domain/errc.hpp"
#include "domain/model.hpp"
#include "exec/worker_pool.hpp"
#include "holds/hold_engine.hpp"
#include "store/store.hpp"

namespace seatd::service {

class booking_service {
 public:
  booking_service(store& db, worker_pool& pool, hold_engine& holds, const clock& clk);

  // req.seat_numbers: distinct, ascending and on the trip (the caller checked them against the
  // trip); req.created_at is set here from the clock. The outcome's code: errc::not_holder
  // (`seat`: one the buyer does not hold), errc::unavailable (the hold engine cannot answer),
  // errc::seat_booked (`seat`), errc::ladies_only (`seat`: the ladies' seat rule refuses it,
  // when req.ladies_rule), errc::invalid_seats, errc::not_found (no such trip); success
  // carries the booking number. The worker pool's pool_busy and a database failure are
  // exceptions, thrown after the pins have ended.
  boost::asio::awaitable<booking_outcome> book(booking_request req);

  // errc::not_found, errc::already_cancelled; on success the ticket as it was (its seats are
  // free now and the trip's viewers have been told).
  boost::asio::awaitable<result<ticket>> cancel(std::string booking_number);

 private:
  store& db_;
  worker_pool& pool_;
  hold_engine& holds_;
  const clock& clock_;
};

}  // namespace seatd::service
