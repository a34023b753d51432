#pragma once
// The rules of seat holds, as pure logic over an injected "now": no I/O, no threads, no timers.
// The in-process hold engine wraps one hold_book with a mutex and a timer; the unit tests drive
// it with a manual clock.
//
// A hold is (trip, seat, holder, deadline). A hold whose deadline is <= now no longer exists:
// every operation first expires what is due where it looks (as Redis expires on access), and
// expire_due() sweeps the rest at their deadlines.
//
// Against hoarding (one account renewing holds forever, or a few accounts holding a whole bus):
// a hold lives at most max_lifetime from when it was first taken (renewals stop there), an
// account holds at most max_per_account seats across all trips, and an account whose hold
// lapsed may not take that seat again for `cooldown` (it has to let others have a go).
// Releasing does not restart the life either: a holder that releases its own hold and takes the
// same seat again within `cooldown` of the release gets the old hold's life back (its taken_at,
// so the same cap; refused with hold_cooldown if that cap has passed). Otherwise unlock+lock
// every few minutes would hold a seat forever. A deselect-by-mistake-and-reselect still works,
// anyone else may take a released seat at once, and after `cooldown` the holder starts afresh
// (no better than letting the hold lapse at its cap and waiting out the cool-down).
//
// Memory stays bounded for months: a trip with no holds and no recent sale is forgotten but
// for its seq (kept for the max_remembered most recently forgotten trips, then folded into one
// floor, below), sales are remembered for sold_guard only, and cool-downs for their length,
// each with a hard cap (max_remembered). Departed trips take no new holds (sale_window), so
// they are forgotten once their last hold ends.
#include <chrono>
#include <cstdint>
#include <deque>
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
  row_id user = 0;
  sys_ms expires_at{};
  bool pinned = false;  // being booked: neither expires nor can be released until finished
  // When the holder first took it: renewals never move the deadline past taken_at +
  // max_lifetime (a later "extend at checkout" must obey the same bound).
  sys_ms taken_at{};
};

struct hold_snapshot {
  std::uint64_t seq = 0;
  std::vector<hold> holds;  // ordered by seat
};

struct hold_policy {
  std::chrono::milliseconds ttl{std::chrono::seconds(300)};
  int max_per_user = 6;      // per trip
  int max_per_account = 12;  // across all trips
  // A hold's whole life, renewals included (3 x the default ttl).
  std::chrono::milliseconds max_lifetime{std::chrono::seconds(900)};
  // After a hold lapses, its holder may not take the same seat again for this long.
  std::chrono::milliseconds cooldown{std::chrono::seconds(30)};
  // How long after a sale take() itself refuses the seat: only until every trip catalog has
  // the SEAT_BOOKED (the catalog and the database are the lasting guards), as in Redis.
  std::chrono::milliseconds sold_guard{std::chrono::seconds(60)};
  // Hard cap on remembered sales, on remembered cool-downs and on the seqs of forgotten trips
  // (each): beyond it the oldest are dropped early, which only loosens a soft rule (or, for a
  // seq, makes a viewer of that trip resync once).
  std::size_t max_remembered = 100'000;
};

class hold_book {
 public:
  explicit hold_book(hold_policy policy) : policy_(policy) {}

  // Takes the seat for `user`, or renews the user's own hold (never past taken_at +
  // max_lifetime). errc::seat_booked when a booking sold it (unpin with booked, for sold_guard
  // or until announce_freed()), errc::seat_occupied when another user holds it, errc::hold_limit
  // when the user already holds max_per_user seats of the trip, errc::account_hold_limit when
  // max_per_account across trips, errc::hold_cooldown when the user's hold on this seat
  // lapsed less than `cooldown` ago, or when the user released it less than `cooldown` ago
  // and that hold's taken_at + max_lifetime has passed (within that window a new hold keeps
  // the released one's taken_at).
  // On success `events` gets SEAT_LOCKED (plus any expiries found on the way).
  result<hold> take(row_id trip, int seat, row_id user, sys_ms now, std::vector<seat_event>& events);

  // Takes every listed seat for `user`, or none: each seat as take() would (a seat the user
  // already holds is renewed), the per-trip and per-account limits counting the group's new
  // seats together (a seat named twice counts once). On refusal the error is take()'s for the
  // first seat refused (its number in *bad_seat; 0 for a limit, which no one seat causes) and
  // nothing changed. On success: the holds by seat, and one SEAT_LOCKED event per
  // distinct deadline (one event for the group unless some seats were renewals capped by
  // their lifetime), so a viewer sees the group change at once.
  result<std::vector<hold>> take_group(row_id trip, const std::vector<int>& seats, row_id user,
                                       sys_ms now, int* bad_seat, std::vector<seat_event>& events);

  // A waiting-list offer (hold_engine::take_offer): take_group's all-or-none step without the
  // per-trip and per-account limits and without the cool-down (seatd offers the seats; the
  // user did not grab them). A new hold starts a fresh life (taken_at = now, any remembered
  // lapse or release of the seat by the user forgotten); the user's own hold is renewed as in
  // take_group. The holds still count towards the user's limits for later takes. The
  // SEAT_LOCKED events are marked `offer`.
  result<std::vector<hold>> take_offer(row_id trip, const std::vector<int>& seats, row_id user,
                                       sys_ms now, int* bad_seat, std::vector<seat_event>& events);

  // Moves every unpinned hold of `user` on the trip to now + ttl, never past its taken_at +
  // max_lifetime ("extend at checkout": the renewal cap is the same rule). Returns the holds
  // (by seat; empty when the user holds none) and emits SEAT_LOCKED per distinct new deadline
  // for the seats whose deadline moved.
  std::vector<hold> extend(row_id trip, row_id user, sys_ms now, std::vector<seat_event>& events);

  // Releases every unpinned hold of `user` on the trip; returns the seats released (one
  // SEAT_UNLOCKED each, as release()).
  std::vector<int> release_all(row_id trip, row_id user, sys_ms now,
                               std::vector<seat_event>& events);

  // Releases the user's own hold; false (and no event) when the user does not hold it. The
  // hold's taken_at is remembered for `cooldown` (see take()).
  bool release(row_id trip, int seat, row_id user, sys_ms now, std::vector<seat_event>& events);

  // Pins every listed hold of `user` for a booking, all or nothing. errc::not_holder when a seat
  // is not held by the user (its number in *bad_seat). Pinned holds do not expire.
  boost::system::error_code pin(row_id trip, const std::vector<int>& seats, row_id user, sys_ms now,
                                int* bad_seat, std::vector<seat_event>& events);
  // Ends a pin: booked -> the holds are removed and SEAT_BOOKED is emitted; otherwise the holds
  // are unpinned (and expire at once if their deadline passed meanwhile).
  void unpin(row_id trip, const std::vector<int>& seats, row_id user, bool booked, sys_ms now,
             std::vector<seat_event>& events);

  // A change the hold rules do not own (a cancellation freeing seats): emits SEAT_RELEASED and
  // lets the seats be taken again.
  void announce_freed(row_id trip, const std::vector<int>& seats, std::vector<seat_event>& events);

  // Removes every unpinned hold whose deadline is <= now, emitting one expiry each.
  void expire_due(sys_ms now, std::vector<seat_event>& events);

  hold_snapshot snapshot(row_id trip, sys_ms now, std::vector<seat_event>& events);
  std::size_t held_count(row_id trip, sys_ms now, std::vector<seat_event>& events);
  // The earliest deadline of an unpinned hold, if any.
  std::optional<sys_ms> next_deadline() const;
  std::size_t size() const { return deadlines_.size() + pinned_count_; }

  // What is remembered, for the tests of the bounds.
  std::size_t trip_count() const { return trips_.size(); }
  std::size_t sold_count() const { return sold_order_.size(); }
  std::size_t cooldown_count() const { return cooldown_order_.size(); }
  std::size_t account_count() const { return per_account_.size(); }
  std::size_t retired_count() const { return retired_.size(); }

 private:
  struct trip_state {
    std::uint64_t seq = 0;
    std::map<int, hold> holds;                    // by seat
    std::unordered_map<row_id, int> per_user;       // holds per user
    std::map<int, sys_ms> sold;                   // seat -> refused until (sold_guard)
  };
  using deadline_key = std::tuple<sys_ms, row_id, int>;  // (deadline, trip, seat)
  using cooldown_key = std::tuple<row_id, int, row_id>;    // (trip, seat, user)
  // A lapse (no taken_at: refused until `until`) or a voluntary release (taken_at of the
  // released hold: a take before `until` continues its life).
  struct cooldown_entry {
    sys_ms until{};
    std::optional<sys_ms> taken_at;
  };

  trip_state& state(row_id trip);
  // Drops the trip when nothing of it is left to remember (no holds, no recent sale).
  void tidy(row_id trip);
  void expire_trip(row_id trip, trip_state& t, sys_ms now, std::vector<seat_event>& events);
  // A hold lapsed (not released, not sold): removes it, starts its holder's cool-down.
  void lapse(row_id trip, trip_state& t, std::map<int, hold>::iterator it,
             std::vector<seat_event>& events);
  void remove(row_id trip, trip_state& t, std::map<int, hold>::iterator it);
  void remember(row_id trip, int seat, row_id user, cooldown_entry c);
  seat_event next_event(row_id trip, trip_state& t, seat_event_kind kind);
  // One SEAT_LOCKED per distinct deadline among `holds` (of one user), seats ascending.
  void emit_locked(row_id trip, trip_state& t, row_id user, const std::vector<hold>& holds,
                   std::vector<seat_event>& events, bool offer = false);
  // take_group and take_offer: `offer` skips the limits and the cool-down, marks the events.
  result<std::vector<hold>> take_seats(row_id trip, const std::vector<int>& seats, row_id user,
                                       sys_ms now, int* bad_seat, std::vector<seat_event>& events,
                                       bool offer);
  // Forgets sales and cool-downs that ended (and the oldest beyond max_remembered).
  void prune(sys_ms now);

  hold_policy policy_;
  std::unordered_map<row_id, trip_state> trips_;
  std::set<deadline_key> deadlines_;  // unpinned holds only
  std::size_t pinned_count_ = 0;
  std::unordered_map<row_id, int> per_account_;  // holds per user, all trips
  std::set<deadline_key> sold_order_;          // (refused until, trip, seat)
  std::map<cooldown_key, cooldown_entry> cooldowns_;
  std::set<std::tuple<sys_ms, row_id, int, row_id>> cooldown_order_;
  // A forgotten trip's seq, so that when it is seen again its seq goes on from there: a seq
  // that went backwards would make viewers drop the events as duplicates. Bounded: the oldest
  // entry out first, its seq folded into seq_floor_, where every trip not in retired_ starts
  // (at worst above its old seq: a gap, and its viewers resync once).
  std::uint64_t seq_of_forgotten(row_id trip) const;
  std::unordered_map<row_id, std::uint64_t> retired_;
  std::deque<row_id> retired_order_;
  std::uint64_t seq_floor_ = 0;
};

}  // namespace seatd
