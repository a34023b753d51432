#pragma once
// The hold engine: where live seat holds are kept and changed atomically. Two implementations
// satisfy it — memory_engine (in-process, the embedded default) and the Redis engine (many
// seatd instances) — and one conformance suite (tests/holds/holds_conformance_test.cpp) runs
// against both.
//
// Every change produces a seat_event with the trip's next seq; the engine hands events to the
// sink given at construction, in seq order per trip, exactly once per change (across instances
// for the Redis engine). The sink must not block: it appends to the trip's room.
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <vector>

#include "domain/errc.hpp"
#include "domain/hold_book.hpp"
#include "domain/seat_event.hpp"

namespace seatd {

// What a pin came to: ok; errc::not_holder with `seat`, one the caller does not hold;
// errc::unavailable (the engine cannot answer).
struct pin_outcome {
  boost::system::error_code code;
  int seat = 0;
};

using event_sink = std::function<void(const seat_event&)>;

class hold_engine {
 public:
  virtual ~hold_engine() = default;

  // Starts background work (expiry timers, listeners). Called once, before use.
  virtual void start() = 0;
  // Stops background work; pending operations complete or fail. Called once.
  virtual void stop() = 0;

  // errc::seat_occupied, errc::hold_limit, errc::seat_booked (sold since the caller's catalog
  // looked: with several instances, another one sold it moments ago), errc::unavailable
  // (backend down).
  virtual boost::asio::awaitable<result<hold>> take(row_id trip, int seat, row_id user) = 0;
  // true when the caller held the seat and it is now free.
  virtual boost::asio::awaitable<result<bool>> release(row_id trip, int seat, row_id user) = 0;
  // Pins the caller's holds on every listed seat for a booking, all or nothing:
  // errc::not_holder (with the seat) when one is not the caller's, errc::unavailable.
  virtual boost::asio::awaitable<pin_outcome> pin(row_id trip, std::vector<int> seats,
                                                  row_id user) = 0;
  // Ends a pin: booked -> the holds become SEAT_BOOKED; otherwise they are held again.
  virtual boost::asio::awaitable<void> unpin(row_id trip, std::vector<int> seats, row_id user,
                                             bool booked) = 0;
  // Tells viewers that seats became free for a reason outside the holds (a cancellation):
  // an announcement, not a query.
  virtual boost::asio::awaitable<void> announce_freed(row_id trip, std::vector<int> seats) = 0;
  // The trip's live holds and the seq they reflect.
  virtual boost::asio::awaitable<result<hold_snapshot>> snapshot(row_id trip) = 0;
  // Live hold counts, one per trip (for search results).
  virtual boost::asio::awaitable<result<std::vector<std::size_t>>> held_counts(
      std::vector<row_id> trips) = 0;
  // An identifier of this engine's seq space: clients resuming with ?since= must present the
  // same epoch (an in-process engine starts a new epoch with every process).
  virtual std::string epoch() const = 0;
  // Holds live now, as far as this instance knows (the Redis engine: the deadlines it learnt
  // from every instance's events). Thread-safe and cheap: read at each metrics scrape.
  virtual std::size_t live_holds() = 0;
  // Whether the engine's backend answers now (readiness checks; thread-safe, no I/O). An
  // in-process engine has no backend to lose.
  virtual bool backend_reachable() const { return true; }
};

}  // namespace seatd
