#pragma once
// The rules of seat holds, as pure logic over an injected "now": no I/O, no threads, no timers.
// The in-process hold engine wraps one hold_book with a mutex and a timer; the unit tests drive
// it with a manual clock.
//
// A hold is (trip, seat, holder, deadline). A hold whose deadline is <= now no longer exists:
// every operation first expires what is due where it looks (as Redis expires on access), and
// expire_due() sweeps the rest at their deadlines.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "domain/errc.hpp"
#include "domain/seat_event.hpp"

namespace seatd {

struct hold {
  int seat = 0;
  id_t user = 0;
  sys_ms expires_at{};
  bool pinned = false;  // being booked: neither expires nor can be released until finished
};

struct hold_snapshot {
  std::uint64_t seq = 0;
  std::vector<hold> holds;  // ordered by seat
};

struct hold_policy {
  std::chrono::milliseconds ttl{std::chrono::seconds(300)};
  int max_per_user = 6;  // per trip
};

class hold_book {
 public:
  explicit hold_book(hold_policy policy) : policy_(policy) {}

  // Takes the seat for `user`, or renews the user's own hold. errc::seat_booked when a booking
  // sold it (unpin with booked, until released()), errc::seat_occupied when another
  // user holds it, errc::hold_limit when the user already holds max_per_user seats of the trip.
  // On success `events` gets SEAT_LOCKED (plus any expiries found on the way).
  result<hold> take(id_t trip, int seat, id_t user, sys_ms now, std::vector<seat_event>& events);

  // Releases the user's own hold; false (and no event) when the user does not hold it.
  bool release(id_t trip, int seat, id_t user, sys_ms now, std::vector<seat_event>& events);

  // Pins every listed hold of `user` for a booking, all or nothing. errc::not_holder when a seat
  // is not held by the user (its number in *bad_seat). Pinned holds do not expire.
  boost::system::error_code pin(id_t trip, const std::vector<int>& seats, id_t user, sys_ms now,
                                int* bad_seat, std::vector<seat_event>& events);
  // Ends a pin: booked -> the holds are removed and SEAT_BOOKED is emitted; otherwise the holds
  // are unpinned (and expire at once if their deadline passed meanwhile).
  void unpin(id_t trip, const std::vector<int>& seats, id_t user, bool booked, sys_ms now,
             std::vector<seat_event>& events);

  // A change the hold rules do not own (a cancellation freeing seats): emits SEAT_RELEASED and
  // lets the seats be taken again.
  void released(id_t trip, const std::vector<int>& seats, std::vector<seat_event>& events);

  // Removes every unpinned hold whose deadline is <= now, emitting one expiry each.
  void expire_due(sys_ms now, std::vector<seat_event>& events);

  hold_snapshot snapshot(id_t trip, sys_ms now, std::vector<seat_event>& events);
  std::size_t held_count(id_t trip, sys_ms now, std::vector<seat_event>& events);
  // The earliest deadline of an unpinned hold, if any.
  std::optional<sys_ms> next_deadline() const;
  std::size_t size() const { return deadlines_.size() + pinned_count_; }

 private:
  struct trip_state {
    std::uint64_t seq = 0;
    std::map<int, hold> holds;                    // by seat
    std::unordered_map<id_t, int> per_user;       // holds per user
    std::set<int> sold;                           // booked through unpin, not released since
  };
  using deadline_key = std::tuple<sys_ms, id_t, int>;  // (deadline, trip, seat)

  trip_state& state(id_t trip) { return trips_[trip]; }
  void expire_trip(id_t trip, trip_state& t, sys_ms now, std::vector<seat_event>& events);
  void remove(id_t trip, trip_state& t, std::map<int, hold>::iterator it);
  seat_event next_event(id_t trip, trip_state& t, seat_event_kind kind);

  hold_policy policy_;
  std::unordered_map<id_t, trip_state> trips_;
  std::set<deadline_key> deadlines_;  // unpinned holds only
  std::size_t pinned_count_ = 0;
};

}  // namespace seatd
