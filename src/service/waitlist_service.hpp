#pragma once
// The waiting list of a sold-out trip (issue 16): join, see, leave; and the offers.
//
// The queue is in the store (one queue whichever instance a traveller reaches). When seats
// may have come free — a cancellation, a hold that lapsed or was released, an offer that ran
// out — the trip is matched: the hold engine's live holds are read, then the store's matching
// step (store::offer_waitlist_seats, one transaction under the trip's lock) gives the first in
// line whose count fits the free seats, and records the offer; then the seats are held for
// that traveller (hold_engine::take_offer: atomic, its event tells the traveller's own viewers
// WAITLIST_OFFER on every instance), and the offer's e-mail is written to the outbox. A take
// that loses a race for a seat withdraws the offer (the entry keeps its place) and matches
// again. An offer nobody answers ends with its hold: the hold's expiry matches the trip again,
// which lapses the entry and offers the seats to the next.
//
// Every instance runs the matching when it learns of a freed seat (the engine's events reach
// every instance); the store's lock makes the offers once and in order. A sweep every few
// seconds matches the trips the store says have a queue, so an event missed (an instance
// restarting, a full coalescing table) delays an offer by one sweep, never loses it.
//
// Bounded: matches run one at a time per trip (a burst of events for a trip costs one more
// run), at most max_pending trips at once (the rest wait for the sweep); the trips known to have
// a queue are at most max_known_trips (the filter that keeps a busy hold engine's expiries from
// each costing a database query). Threads: the state is under one mutex; blocking calls run on
// the worker pool; on_event is cheap and safe from any thread.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "domain/clock.hpp"
#include "domain/errc.hpp"
#include "domain/local_time.hpp"
#include "domain/model.hpp"
#include "domain/seat_event.hpp"
#include "exec/task_group.hpp"
#include "exec/worker_pool.hpp"
#include "holds/hold_engine.hpp"
#include "store/store.hpp"

namespace seatd::service {

struct waitlist_options {
  // How long an offer's seats are held; the hold engine's TTL (the offer is a hold).
  std::chrono::milliseconds offer_window{std::chrono::seconds(300)};
  int max_per_trip = 500;  // active entries in one trip's queue
  int max_per_user = 10;   // active entries of one account on trips still to depart
  std::chrono::milliseconds sweep_every{std::chrono::seconds(5)};
  int sweep_trips = 256;             // trips matched per sweep at most
  std::size_t max_pending = 1024;    // trips being matched (or due again) at once
  std::size_t max_known_trips = 4096;
  // A take lost to another traveller withdraws the offer and matches again, this many times
  // per run.
  int max_races = 3;
  // Bookings close this long before departure (SEATD_BOOKING_CUTOFF_MINUTES): no offer is
  // made inside it, since it could not be booked.
  std::chrono::minutes booking_cutoff{0};
  // SEATD_LADIES_SEAT_RULE: offers keep off seats "for women" while others are free.
  bool ladies_seat_rule = true;
};

struct waitlist_join {
  waitlist_entry entry;
  bool created = false;  // false: the user was in the queue already (answered as it is)
};

class waitlist_service {
 public:
  struct counters {
    std::uint64_t matches = 0;      // matching steps run
    std::uint64_t offers = 0;       // offers held and confirmed
    std::uint64_t withdrawn = 0;    // offers whose seats were taken first
    std::uint64_t dropped = 0;      // triggers left to the sweep (max_pending reached)
  };

  // mail_due: something was written to the outbox (may be empty). Every reference must
  // outlive this object.
  waitlist_service(boost::asio::any_io_executor ex, store& db, worker_pool& pool,
                   hold_engine& holds, const clock& clk, waitlist_options options,
                   std::function<void()> mail_due = {});
  waitlist_service(const waitlist_service&) = delete;
  waitlist_service& operator=(const waitlist_service&) = delete;
  ~waitlist_service();

  // Starts the sweep (its first pass at once: offers due from before a restart).
  void start();
  // Ends the sweep and the matches; waits for them until `deadline`.
  bool stop(std::chrono::steady_clock::time_point deadline);

  // Joins the trip's queue. errc::seats_available when `count` seats are free now (hold them
  // instead); errc::not_found, errc::invalid_input, errc::waitlist_full (store::join_waitlist);
  // errc::unavailable when the hold engine cannot say what is free. The caller checked the
  // sale window. The user's entry already there is answered as it is.
  boost::asio::awaitable<result<waitlist_join>> join(row_id trip, row_id user, int count);
  boost::asio::awaitable<std::optional<waitlist_entry>> find(row_id trip, row_id user);
  // Leaves the queue; an offer's seats still held for the user are released (their holds on
  // the trip that are the offer's seats). The entry as it was, nullopt when there was none.
  boost::asio::awaitable<std::optional<waitlist_entry>> leave(row_id trip, row_id user);

  // The hold engine's events (every instance gets every event): seats freed on a trip with a
  // queue start a match. Never blocks, and never calls the engine: the engine may call it
  // under its own lock.
  void on_event(const seat_event& e);
  // Matches the trip now (coalesced with a match already running for it).
  void schedule(row_id trip);
  // One matching run, awaited (the sweep, tests): the offers held.
  boost::asio::awaitable<int> match(row_id trip);

  counters stats() const;

 private:
  boost::asio::awaitable<void> run_matches(row_id trip);
  boost::asio::awaitable<void> sweep_loop();
  boost::asio::awaitable<bool> hold_offer(const waitlist_offer& offer);
  // The offer goes back (store::withdraw_waitlist_offer): waiting again, in its old place.
  boost::asio::awaitable<void> withdraw(const waitlist_offer& offer);
  local_time sale_closes_after(sys_ms now) const;
  void remember(row_id trip);

  boost::asio::any_io_executor ex_;
  store& db_;
  worker_pool& pool_;
  hold_engine& holds_;
  const clock& clock_;
  waitlist_options options_;
  std::function<void()> mail_due_;

  mutable std::mutex mutex_;
  std::unordered_map<row_id, bool> pending_;  // trip -> another run is due after this one
  std::unordered_set<row_id> known_;          // trips with a queue, as far as this instance knows
  bool stopping_ = false;
  counters stats_;

  boost::asio::steady_timer sweep_timer_;
  exec::task_group tasks_;
};

}  // namespace seatd::service
