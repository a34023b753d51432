#include "domain/hold_book.hpp"

namespace seatd {

seat_event hold_book::next_event(id_t trip, trip_state& t, seat_event_kind kind) {
  seat_event e;
  e.kind = kind;
  e.trip = trip;
  e.seq = ++t.seq;
  return e;
}

void hold_book::remove(id_t trip, trip_state& t, std::map<int, hold>::iterator it) {
  const hold& h = it->second;
  if (h.pinned) {
    --pinned_count_;
  } else {
    deadlines_.erase({h.expires_at, trip, h.seat});
  }
  if (auto u = t.per_user.find(h.user); u != t.per_user.end() && --u->second == 0)
    t.per_user.erase(u);
  t.holds.erase(it);
}

void hold_book::expire_trip(id_t trip, trip_state& t, sys_ms now,
                            std::vector<seat_event>& events) {
  // Expiry on access: anything of this trip whose deadline passed is gone before we look.
  for (auto it = t.holds.begin(); it != t.holds.end();) {
    if (!it->second.pinned && it->second.expires_at <= now) {
      int seat = it->first;
      auto next = std::next(it);
      remove(trip, t, it);
      auto e = next_event(trip, t, seat_event_kind::expired);
      e.seats = {seat};
      events.push_back(std::move(e));
      it = next;
    } else {
      ++it;
    }
  }
}

result<hold> hold_book::take(id_t trip, int seat, id_t user, sys_ms now,
                             std::vector<seat_event>& events) {
  auto& t = state(trip);
  // Expired holds of the trip (this seat, or the user's others counted by the cap) go first.
  expire_trip(trip, t, now, events);
  if (t.sold.contains(seat)) return errc::seat_booked;
  auto it = t.holds.find(seat);
  if (it != t.holds.end()) {
    hold& h = it->second;
    if (h.user != user || h.pinned) return errc::seat_occupied;
    // Renewal by the holder: a new deadline, told to every viewer.
    deadlines_.erase({h.expires_at, trip, seat});
    h.expires_at = now + policy_.ttl;
    deadlines_.insert({h.expires_at, trip, seat});
  } else {
    if (auto u = t.per_user.find(user); u != t.per_user.end() && u->second >= policy_.max_per_user)
      return errc::hold_limit;
    hold h{seat, user, now + policy_.ttl, false};
    it = t.holds.emplace(seat, h).first;
    ++t.per_user[user];
    deadlines_.insert({h.expires_at, trip, seat});
  }
  auto e = next_event(trip, t, seat_event_kind::locked);
  e.seats = {seat};
  e.user = user;
  e.expires_at = it->second.expires_at;
  events.push_back(std::move(e));
  return it->second;
}

bool hold_book::release(id_t trip, int seat, id_t user, sys_ms now,
                        std::vector<seat_event>& events) {
  auto& t = state(trip);
  auto it = t.holds.find(seat);
  if (it == t.holds.end() || it->second.user != user || it->second.pinned) return false;
  if (it->second.expires_at <= now) {
    // Already past its deadline: it expired, whoever asks.
    remove(trip, t, it);
    auto e = next_event(trip, t, seat_event_kind::expired);
    e.seats = {seat};
    events.push_back(std::move(e));
    return false;
  }
  remove(trip, t, it);
  auto e = next_event(trip, t, seat_event_kind::unlocked);
  e.seats = {seat};
  e.user = user;
  events.push_back(std::move(e));
  return true;
}

boost::system::error_code hold_book::pin(id_t trip, const std::vector<int>& seats, id_t user,
                                         sys_ms now, int* bad_seat,
                                         std::vector<seat_event>& events) {
  auto& t = state(trip);
  expire_trip(trip, t, now, events);
  for (int s : seats) {
    auto it = t.holds.find(s);
    if (it == t.holds.end() || it->second.user != user || it->second.pinned) {
      if (bad_seat) *bad_seat = s;
      return errc::not_holder;
    }
  }
  for (int s : seats) {
    hold& h = t.holds.at(s);
    deadlines_.erase({h.expires_at, trip, s});
    h.pinned = true;
    ++pinned_count_;
  }
  return {};
}

void hold_book::unpin(id_t trip, const std::vector<int>& seats, id_t user, bool booked,
                      sys_ms now, std::vector<seat_event>& events) {
  auto& t = state(trip);
  std::vector<int> done;
  if (booked) t.sold.insert(seats.begin(), seats.end());
  for (int s : seats) {
    auto it = t.holds.find(s);
    if (it == t.holds.end() || it->second.user != user || !it->second.pinned) continue;
    if (booked) {
      remove(trip, t, it);
      done.push_back(s);
    } else {
      it->second.pinned = false;
      --pinned_count_;
      deadlines_.insert({it->second.expires_at, trip, s});
    }
  }
  if (booked && !done.empty()) {
    auto e = next_event(trip, t, seat_event_kind::booked);
    e.seats = std::move(done);
    events.push_back(std::move(e));
  }
  if (!booked) expire_trip(trip, t, now, events);
}

void hold_book::released(id_t trip, const std::vector<int>& seats,
                         std::vector<seat_event>& events) {
  auto& t = state(trip);
  for (int s : seats) t.sold.erase(s);
  auto e = next_event(trip, t, seat_event_kind::released);
  e.seats = seats;
  events.push_back(std::move(e));
}

void hold_book::expire_due(sys_ms now, std::vector<seat_event>& events) {
  while (!deadlines_.empty()) {
    auto [deadline, trip, seat] = *deadlines_.begin();
    if (deadline > now) break;
    auto& t = state(trip);
    auto it = t.holds.find(seat);
    remove(trip, t, it);
    auto e = next_event(trip, t, seat_event_kind::expired);
    e.seats = {seat};
    events.push_back(std::move(e));
  }
}

hold_snapshot hold_book::snapshot(id_t trip, sys_ms now, std::vector<seat_event>& events) {
  auto& t = state(trip);
  expire_trip(trip, t, now, events);
  hold_snapshot s;
  s.seq = t.seq;
  for (auto& [seat, h] : t.holds) s.holds.push_back(h);
  return s;
}

std::size_t hold_book::held_count(id_t trip, sys_ms now, std::vector<seat_event>& events) {
  auto& t = state(trip);
  expire_trip(trip, t, now, events);
  return t.holds.size();
}

std::optional<sys_ms> hold_book::next_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return std::get<0>(*deadlines_.begin());
}

}  // namespace seatd
