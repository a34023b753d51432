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

#include <algorithm>
#include <functional>
#include <vector>

#include "domain/errc.hpp"
#include "domain/hold_book.hpp"
#include "domain/seat_event.hpp"
#include "domain/seat_picker.hpp"

namespace seatd {

// What a pin came to: ok; errc::not_holder with `seat`, one the caller does not hold;
// errc::unavailable (the engine cannot answer).
struct pin_outcome {
  boost::system::error_code code;
  int seat = 0;
};

// What a group take came to: ok with the holds; or the refusal (take()'s codes, plus
// errc::invalid_seats for a group out of bounds) with `seat`, the first seat refused (0 when
// no one seat is the cause: a limit, the bounds). Like pin_outcome, it names the seat so the
// caller can say which one was taken.
struct group_outcome {
  boost::system::error_code code;
  int seat = 0;
  std::vector<hold> holds;  // by seat, when ok
  // The group's seats, ascending, and its earliest deadline: when the first of them lapses.
  std::vector<int> seat_nos() const {
    std::vector<int> out;
    for (const auto& h : holds) out.push_back(h.seat);
    return out;
  }
  sys_ms expires_at() const {
    sys_ms first{};
    for (const auto& h : holds)
      if (first == sys_ms{} || h.expires_at < first) first = h.expires_at;
    return first;
  }
};

// The seats of a group as every engine takes them: a seat named twice is one seat, ascending;
// errc::invalid_seats unless 1..max_group_seats distinct seats, each >= 1. (Whether the trip
// has them is the caller's to check: the engine knows no coach.)
inline result<std::vector<int>> group_seats(std::vector<int> seats) {
  std::sort(seats.begin(), seats.end());
  seats.erase(std::unique(seats.begin(), seats.end()), seats.end());
  if (seats.empty() || seats.size() > std::size_t(max_group_seats) || seats.front() < 1)
    return make_error_code(errc::invalid_seats);
  return seats;
}

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
  // Takes every listed seat for `user`, or none (group_seats() first), in one atomic step: a
  // seat the user holds already is renewed (never past its lifetime cap), the per-trip and
  // per-account caps count the group's new seats together. Viewers learn it as one
  // SEAT_LOCKED event listing the seats, with one seq (one per distinct deadline when some
  // renewals were capped by their lifetime).
  // Parameters by value: a coroutine must not keep references to its caller's objects
  // (C++ Core Guidelines CP.53).
  virtual boost::asio::awaitable<group_outcome> take_group(row_id trip, std::vector<int> seats,
                                                           row_id user) = 0;
  // A waiting-list offer (service/waitlist_service): take_group's atomic all-or-none step for
  // the queued user, without the per-trip and per-account caps and the re-take cool-down
  // (seatd makes the offer; the user asked for these seats by joining the queue). The event is
  // marked `offer` (seat_event::offer) on every instance. Same codes as take_group otherwise.
  virtual boost::asio::awaitable<group_outcome> take_offer(row_id trip, std::vector<int> seats,
                                                           row_id user) = 0;
  // "Extend at checkout": moves every unpinned hold of `user` on the trip to now + ttl, never
  // past its first take + the maximum lifetime. The holds by seat (empty: none held); viewers
  // get SEAT_LOCKED with the new expires_at for the seats whose deadline moved.
  virtual boost::asio::awaitable<result<std::vector<hold>>> extend(row_id trip, row_id user) = 0;
  // Releases every unpinned hold of `user` on the trip, as release() each (one SEAT_UNLOCKED
  // per seat): the seats released, ascending.
  virtual boost::asio::awaitable<result<std::vector<int>>> release_all(row_id trip,
                                                                       row_id user) = 0;
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
