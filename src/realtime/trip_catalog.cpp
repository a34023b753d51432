#include "realtime/trip_catalog.hpp"

#include <algorithm>

namespace seatd::realtime {

bool trip_facts::is_booked(int seat) const {
  return std::binary_search(booked.begin(), booked.end(), seat);
}

std::optional<trip_facts> trip_catalog::lookup(id_t trip) {
  std::lock_guard lock(mutex_);
  auto it = trips_.find(trip);
  if (it == trips_.end()) return std::nullopt;
  return trip_facts{it->second.total_seats, {it->second.booked.begin(), it->second.booked.end()}};
}

boost::asio::awaitable<std::optional<trip_facts>> trip_catalog::get(id_t trip) {
  if (auto f = lookup(trip)) co_return f;
  auto seats = co_await pool_.run([this, trip] { return db_.list_seats(trip); });
  if (seats.empty()) co_return std::nullopt;
  entry e;
  e.total_seats = int(seats.size());
  for (const auto& s : seats)
    if (s.is_booked) e.booked.insert(s.seat_number);
  {
    std::lock_guard lock(mutex_);
    // A concurrent load or an event may have filled it meanwhile; the first entry wins, the
    // events keep it current from then on.
    trips_.emplace(trip, std::move(e));
  }
  co_return lookup(trip);
}

void trip_catalog::forget_all() {
  std::lock_guard lock(mutex_);
  trips_.clear();
}

void trip_catalog::on_event(const seat_event& e) {
  if (e.kind != seat_event_kind::booked && e.kind != seat_event_kind::released) return;
  std::lock_guard lock(mutex_);
  auto it = trips_.find(e.trip);
  if (it == trips_.end()) return;  // loaded from the database when first needed
  for (int s : e.seats) {
    if (e.kind == seat_event_kind::booked)
      it->second.booked.insert(s);
    else
      it->second.booked.erase(s);
  }
}

}  // namespace seatd::realtime
