#include "service/waitlist_service.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "domain/coach_layout.hpp"
#include "domain/ladies_seat_rule.hpp"
#include "domain/local_time.hpp"
#include "domain/seat_picker.hpp"

namespace seatd::service {

namespace asio = boost::asio;

namespace {

// The seats an offer gets: `count` of the free ones together when the coach has such a group
// (domain/seat_picker's rule, as "pick N seats together" chooses), else its best split. Seats
// "for women" (the ladies' seat rule) are passed over while enough others are free: nobody
// knows yet who will travel, and a man offered one could not book it.
std::vector<int> choose_seats(int total_seats, const std::vector<int>& free, int count,
                              const std::vector<bool>& for_women) {
  std::vector<int> open;
  for (int s : free)
    if (std::size_t(s) >= for_women.size() || !for_women[std::size_t(s)]) open.push_back(s);
  if (int(open.size()) >= count && open.size() < free.size())
    return choose_seats(total_seats, open, count, {});
  const coach_layout layout(total_seats);
  seat_availability available(std::size_t(layout.total_seats()) + 1, false);
  for (int s : free)
    if (s >= 1 && s <= layout.total_seats()) available[std::size_t(s)] = true;
  std::vector<int> seats;
  if (auto group = pick_together(layout, available, count)) {
    seats = group->seats;
  } else {
    for (const auto& part : pick_split(layout, available, count))
      seats.insert(seats.end(), part.seats.begin(), part.seats.end());
  }
  // A coach the picker does not know (more seats than it reasons about): the lowest free.
  if (int(seats.size()) != count)
    seats.assign(free.begin(), free.begin() + std::min<std::ptrdiff_t>(count, std::ptrdiff_t(free.size())));
  std::sort(seats.begin(), seats.end());
  return seats;
}

std::vector<int> held_seats(const hold_snapshot& snap) {
  std::vector<int> seats;
  seats.reserve(snap.holds.size());
  for (const auto& h : snap.holds) seats.push_back(h.seat);
  return seats;
}

}  // namespace

waitlist_service::waitlist_service(asio::any_io_executor ex, store& db, worker_pool& pool,
                                   hold_engine& holds, const clock& clk, waitlist_options options,
                                   std::function<void()> mail_due)
    : ex_(asio::make_strand(ex)),
      db_(db),
      pool_(pool),
      holds_(holds),
      clock_(clk),
      options_(options),
      mail_due_(std::move(mail_due)),
      sweep_timer_(ex_) {}

waitlist_service::~waitlist_service() = default;

void waitlist_service::start() { tasks_.spawn(ex_, sweep_loop(), "waitlist sweep"); }

bool waitlist_service::stop(std::chrono::steady_clock::time_point deadline) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  tasks_.stop();
  return tasks_.wait(deadline);
}

waitlist_service::counters waitlist_service::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

local_time waitlist_service::sale_closes_after(sys_ms now) const {
  // A trip whose sale has closed (departed, or inside the booking cut-off) is offered nothing:
  // its departure is compared with now + the cut-off, as the booking itself would be.
  return to_local(now) + options_.booking_cutoff;
}

void waitlist_service::remember(row_id trip) {
  std::lock_guard lock(mutex_);
  if (known_.size() < options_.max_known_trips) known_.insert(trip);
}

asio::awaitable<result<waitlist_join>> waitlist_service::join(row_id trip, row_id user,
                                                              int count) {
  auto seats = co_await pool_.run([this, trip] { return db_.list_seats(trip); });
  if (seats.empty()) co_return make_error_code(errc::not_found);
  auto reading = holds_.snapshot(trip);
  auto snap = co_await std::move(reading);
  if (!snap) co_return make_error_code(errc::unavailable);
  const auto held = held_seats(*snap);
  int free = 0;
  for (const auto& s : seats)
    if (!s.is_booked && std::find(held.begin(), held.end(), s.seat_number) == held.end()) ++free;
  // A queue is for seats that cannot be had now. (An entry already there is answered by the
  // store even so: it keeps its place.)
  auto existing = co_await pool_.run([this, trip, user] { return db_.find_waitlist_entry(trip, user); });
  if (existing) co_return waitlist_join{*existing, false};
  if (free >= count) co_return make_error_code(errc::seats_available);
  const sys_ms now = clock_.now();
  auto joined = co_await pool_.run([this, trip, user, count, now] {
    return db_.join_waitlist(trip, user, count, now, to_local(now), options_.max_per_trip,
                             options_.max_per_user);
  });
  if (!joined) co_return joined.error();
  remember(trip);
  // Seats may be free, fewer than this entry wants but enough for someone ahead of it.
  if (free > 0) schedule(trip);
  // A join that raced another of the same user's got the entry that one made.
  co_return waitlist_join{*joined, joined->joined_at == now};
}

asio::awaitable<std::optional<waitlist_entry>> waitlist_service::find(row_id trip, row_id user) {
  co_return co_await pool_.run([this, trip, user] { return db_.find_waitlist_entry(trip, user); });
}

asio::awaitable<std::optional<waitlist_entry>> waitlist_service::leave(row_id trip, row_id user) {
  auto left = co_await pool_.run([this, trip, user] { return db_.leave_waitlist(trip, user); });
  if (left && left->status == waitlist_status::offered) {
    // The offer's seats go back: released one by one (the user's other holds on the trip, if
    // any, stay theirs). Each release is an event that matches the trip for the next in line.
    for (int seat : left->offered_seats) {
      auto releasing = holds_.release(trip, seat, user);
      (void)co_await std::move(releasing);
    }
  }
  co_return left;
}

void waitlist_service::on_event(const seat_event& e) {
  switch (e.kind) {
    case seat_event_kind::released:  // a cancellation: rare, always worth a look
      schedule(e.trip);
      return;
    case seat_event_kind::expired:
    case seat_event_kind::unlocked: {
      bool known;
      {
        std::lock_guard lock(mutex_);
        known = known_.contains(e.trip);
      }
      if (known) schedule(e.trip);
      return;
    }
    case seat_event_kind::locked:
    case seat_event_kind::booked:
      return;
  }
}

void waitlist_service::schedule(row_id trip) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  if (auto it = pending_.find(trip); it != pending_.end()) {
    it->second = true;  // runs once more when the current run ends
    return;
  }
  if (pending_.size() >= options_.max_pending) {
    ++stats_.dropped;  // the sweep will match it
    return;
  }
  pending_.emplace(trip, false);
  tasks_.spawn(ex_, run_matches(trip), "waitlist match");
}

asio::awaitable<void> waitlist_service::run_matches(row_id trip) {
  // co_spawn may start a task inline (a dispatch), and schedule() is called from the hold
  // engine's event sink, under the engine's lock: the match, which asks the engine for its
  // holds, must begin later, on its own turn.
  co_await asio::post(ex_, asio::use_awaitable);
  for (;;) {
    try {
      (void)co_await match(trip);
    } catch (const std::exception& e) {
      // The worker pool was full or the database failed: the sweep tries again.
      spdlog::warn("waitlist: matching trip {} failed: {}", trip, e.what());
    }
    std::lock_guard lock(mutex_);
    auto it = pending_.find(trip);
    if (it == pending_.end()) co_return;
    if (stopping_ || !it->second) {
      pending_.erase(it);
      co_return;
    }
    it->second = false;
  }
}

asio::awaitable<int> waitlist_service::match(row_id trip) {
  int held = 0;
  for (int round = 0; round <= options_.max_races; ++round) {
    auto reading = holds_.snapshot(trip);
    auto snap = co_await std::move(reading);
    if (!snap) co_return held;  // the engine is away: the sweep comes back
    const auto busy = held_seats(*snap);
    const sys_ms now = clock_.now();
    auto offers = co_await pool_.run([this, trip, &busy, now] {
      const auto seats = db_.list_seats(trip);
      const int total = int(seats.size());
      std::vector<bool> for_women;
      if (options_.ladies_seat_rule) {
        std::vector<seat_occupant> sold;
        for (const auto& s : seats)
          if (s.is_booked) sold.push_back({s.seat_number, s.booked_for_woman});
        for_women = seats_for_women(coach_layout(total), sold);
      }
      return db_.offer_waitlist_seats(
          trip, busy, now, sale_closes_after(now), options_.offer_window,
          [total, &for_women](const std::vector<int>& free, int count) {
            return choose_seats(total, free, count, for_women);
          });
    });
    {
      std::lock_guard lock(mutex_);
      ++stats_.matches;
    }
    // Held in queue order. When one loses its race for a seat, the offers behind it in the
    // queue are withdrawn too, untaken: the next run offers again from the front of the line,
    // so a later entry never keeps seats an earlier one could have had.
    bool lost = false;
    for (const auto& offer : offers) {
      if (lost) {
        co_await withdraw(offer);
        continue;
      }
      if (co_await hold_offer(offer))
        ++held;
      else
        lost = true;
    }
    if (!lost) break;  // a lost race: the seats are read again and offered again
  }
  co_return held;
}

asio::awaitable<bool> waitlist_service::hold_offer(const waitlist_offer& offer) {
  auto taking = holds_.take_offer(offer.trip_id, offer.seats, offer.user_id);
  auto taken = co_await std::move(taking);
  if (taken.code) {
    // Taken by someone in the moment between reading the holds and holding them: the entry
    // goes back to its place, and the trip is matched again.
    co_await withdraw(offer);
    co_return false;
  }
  const sys_ms now = clock_.now();
  const bool confirmed = co_await pool_.run([this, &offer, now] {
    return db_.confirm_waitlist_offer(offer.entry_id, offer.expires_at, now);
  });
  if (!confirmed) {
    // The traveller left the queue while the seats were being held: they go back.
    for (int seat : offer.seats) {
      auto releasing = holds_.release(offer.trip_id, seat, offer.user_id);
      (void)co_await std::move(releasing);
    }
    co_return true;  // not a race: nothing to match again for
  }
  spdlog::info("waitlist: trip {}: seats {} offered to user {} (entry {})", offer.trip_id,
               fmt::join(offer.seats, ","), offer.user_id, offer.entry_id);
  if (mail_due_) mail_due_();
  std::lock_guard lock(mutex_);
  ++stats_.offers;
  co_return true;
}

asio::awaitable<void> waitlist_service::withdraw(const waitlist_offer& offer) {
  co_await pool_.run(
      [this, &offer] { return db_.withdraw_waitlist_offer(offer.entry_id, offer.expires_at); });
  std::lock_guard lock(mutex_);
  ++stats_.withdrawn;
}

asio::awaitable<void> waitlist_service::sweep_loop() {
  for (;;) {
    try {
      const sys_ms now = clock_.now();
      auto trips = co_await pool_.run([this, now] {
        return db_.trips_to_match(now, sale_closes_after(now), options_.sweep_trips);
      });
      {
        std::lock_guard lock(mutex_);
        known_.clear();
        for (row_id t : trips)
          if (known_.size() < options_.max_known_trips) known_.insert(t);
      }
      for (row_id t : trips) schedule(t);
    } catch (const std::exception& e) {
      spdlog::warn("waitlist: sweep failed: {}", e.what());
    }
    sweep_timer_.expires_after(options_.sweep_every);
    boost::system::error_code ec;
    co_await sweep_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    {
      std::lock_guard lock(mutex_);
      if (stopping_) co_return;
    }
    if (ec) co_return;
  }
}

}  // namespace seatd::service
