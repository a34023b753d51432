#include "realtime/trip_catalog.hpp"

#include <algorithm>

namespace seatd::realtime {

bool trip_facts::is_booked(int seat) const {
  return std::binary_search(booked.begin(), booked.end(), seat);
}

trip_facts trip_catalog::facts_of(const entry& e) {
  return trip_facts{e.total_seats, {e.booked.begin(), e.booked.end()}, e.departure};
}

void trip_catalog::touch(entry& e) { lru_.splice(lru_.begin(), lru_, e.lru); }

std::optional<trip_facts> trip_catalog::lookup_or_begin(row_id trip, load_ticket& ticket) {
  std::lock_guard lock(mutex_);
  if (auto it = trips_.find(trip); it != trips_.end()) {
    touch(it->second);
    return facts_of(it->second);
  }
  ++loading_[trip].loaders;
  ticket = load_ticket{trip, generation_};
  return std::nullopt;
}

std::optional<trip_facts> trip_catalog::finish_load(const load_ticket& ticket,
                                                    const std::vector<seat>* seats,
                                                    local_time departure) {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<bool, int>> ops;
  bool overflowed = false;
  if (auto it = loading_.find(ticket.trip); it != loading_.end()) {
    ops = it->second.ops;  // a copy: other loaders of the trip still need them
    overflowed = it->second.overflowed;
    if (--it->second.loaders == 0) loading_.erase(it);
  }
  if (!seats || seats->empty()) return std::nullopt;  // an error, or no such trip
  entry e;
  e.total_seats = int(seats->size());
  e.departure = departure;
  for (const auto& s : *seats)
    if (s.is_booked) e.booked.insert(s.seat_number);
  for (auto [booked, n] : ops) {
    if (booked)
      e.booked.insert(n);
    else
      e.booked.erase(n);
  }
  // The caller gets what it loaded, whatever happens to the cache: looking the trip up again
  // after caching answered "no such trip" when a forget_all() came in between.
  auto facts = facts_of(e);
  // Events may have been missed: answered, not cached.
  if (ticket.generation != generation_ || overflowed) return facts;
  if (auto it = trips_.find(ticket.trip); it != trips_.end()) {
    // A concurrent load finished first; events have kept that entry current since.
    touch(it->second);
    return facts_of(it->second);
  }
  lru_.push_front(ticket.trip);
  e.lru = lru_.begin();
  trips_.emplace(ticket.trip, std::move(e));
  while (trips_.size() > capacity_) {
    trips_.erase(lru_.back());
    lru_.pop_back();
  }
  return facts;
}

boost::asio::awaitable<std::optional<trip_facts>> trip_catalog::get(row_id trip) {
  load_ticket ticket;
  if (auto f = lookup_or_begin(trip, ticket)) co_return f;
  std::pair<std::vector<seat>, local_time> read;
  try {
    read = co_await pool_.run([this, trip] {
      std::pair<std::vector<seat>, local_time> out;
      auto t = db_.find_trip(trip);
      if (!t) return out;  // no such trip: no seats
      out.second = t->departure_time;
      out.first = db_.list_seats(trip);
      return out;
    });
  } catch (...) {
    finish_load(ticket, nullptr);  // no longer loading
    throw;
  }
  co_return finish_load(ticket, &read.first, read.second);
}

void trip_catalog::forget_all() {
  std::lock_guard lock(mutex_);
  trips_.clear();
  lru_.clear();
  ++generation_;
}

std::size_t trip_catalog::size() {
  std::lock_guard lock(mutex_);
  return trips_.size();
}

void trip_catalog::on_event(const seat_event& e) {
  if (e.kind != seat_event_kind::booked && e.kind != seat_event_kind::released) return;
  const bool booked = e.kind == seat_event_kind::booked;
  std::lock_guard lock(mutex_);
  if (auto l = loading_.find(e.trip); l != loading_.end()) {
    // Replayed onto the read when the load finishes: the read may predate it. A load lasts one
    // query, so this stays small; past the bound the load is answered but not cached.
    for (int s : e.seats) {
      if (l->second.ops.size() >= max_pending_ops) {
        l->second.overflowed = true;
        break;
      }
      l->second.ops.emplace_back(booked, s);
    }
  }
  auto it = trips_.find(e.trip);
  if (it == trips_.end()) return;  // loaded from the database when first needed
  for (int s : e.seats) {
    if (booked)
      it->second.booked.insert(s);
    else
      it->second.booked.erase(s);
  }
}

}  // namespace seatd::realtime
