#include "domain/hold_book.hpp"

#include <algorithm>

namespace seatd {

std::uint64_t hold_book::seq_of_forgotten(row_id trip) const {
  auto it = retired_.find(trip);
  return it != retired_.end() ? it->second : seq_floor_;
}

hold_book::trip_state& hold_book::state(row_id trip) {
  auto [it, fresh] = trips_.try_emplace(trip);
  if (fresh) it->second.seq = seq_of_forgotten(trip);
  return it->second;
}

void hold_book::tidy(row_id trip) {
  auto it = trips_.find(trip);
  if (it == trips_.end() || !it->second.holds.empty() || !it->second.sold.empty()) return;
  // An entry of a trip that came back stays in retired_ (stale) until the trip is forgotten
  // again and overwrites it, so each trip is in retired_order_ once.
  auto [r, fresh] = retired_.insert_or_assign(trip, it->second.seq);
  if (fresh) retired_order_.push_back(trip);
  trips_.erase(it);
  while (retired_.size() > std::max<std::size_t>(1, policy_.max_remembered)) {
    auto oldest = retired_.find(retired_order_.front());
    retired_order_.pop_front();
    seq_floor_ = std::max(seq_floor_, oldest->second);
    retired_.erase(oldest);
  }
}

seat_event hold_book::next_event(row_id trip, trip_state& t, seat_event_kind kind) {
  seat_event e;
  e.kind = kind;
  e.trip = trip;
  e.seq = ++t.seq;
  return e;
}

void hold_book::remove(row_id trip, trip_state& t, std::map<int, hold>::iterator it) {
  const hold& h = it->second;
  if (h.pinned) {
    --pinned_count_;
  } else {
    deadlines_.erase({h.expires_at, trip, h.seat});
  }
  if (auto u = t.per_user.find(h.user); u != t.per_user.end() && --u->second == 0)
    t.per_user.erase(u);
  if (auto a = per_account_.find(h.user); a != per_account_.end() && --a->second == 0)
    per_account_.erase(a);
  t.holds.erase(it);
}

void hold_book::remember(row_id trip, int seat, row_id user, cooldown_entry c) {
  if (policy_.cooldown.count() <= 0) return;
  auto [it, fresh] = cooldowns_.try_emplace({trip, seat, user}, c);
  if (!fresh) {
    cooldown_order_.erase({it->second.until, trip, seat, user});
    it->second = c;
  }
  cooldown_order_.insert({c.until, trip, seat, user});
}

void hold_book::lapse(row_id trip, trip_state& t, std::map<int, hold>::iterator it,
                      std::vector<seat_event>& events) {
  const int seat = it->first;
  const row_id user = it->second.user;
  // The cool-down counts from the deadline, not from when we noticed: expiry on access may
  // find the hold long after it lapsed.
  const sys_ms until = it->second.expires_at + policy_.cooldown;
  remove(trip, t, it);
  remember(trip, seat, user, {until, std::nullopt});
  auto e = next_event(trip, t, seat_event_kind::expired);
  e.seats = {seat};
  events.push_back(std::move(e));
}

void hold_book::prune(sys_ms now) {
  while (!sold_order_.empty() && (std::get<0>(*sold_order_.begin()) <= now ||
                                  sold_order_.size() > policy_.max_remembered)) {
    auto [until, trip, seat] = *sold_order_.begin();
    sold_order_.erase(sold_order_.begin());
    if (auto t = trips_.find(trip); t != trips_.end()) {
      t->second.sold.erase(seat);
      tidy(trip);
    }
  }
  while (!cooldown_order_.empty() && (std::get<0>(*cooldown_order_.begin()) <= now ||
                                      cooldown_order_.size() > policy_.max_remembered)) {
    auto [until, trip, seat, user] = *cooldown_order_.begin();
    cooldown_order_.erase(cooldown_order_.begin());
    cooldowns_.erase({trip, seat, user});
  }
}

void hold_book::expire_trip(row_id trip, trip_state& t, sys_ms now,
                            std::vector<seat_event>& events) {
  // Expiry on access: anything of this trip whose deadline passed is gone before we look.
  for (auto it = t.holds.begin(); it != t.holds.end();) {
    if (!it->second.pinned && it->second.expires_at <= now) {
      auto next = std::next(it);
      lapse(trip, t, it, events);
      it = next;
    } else {
      ++it;
    }
  }
}

result<hold> hold_book::take(row_id trip, int seat, row_id user, sys_ms now,
                             std::vector<seat_event>& events) {
  auto taken = take_group(trip, {seat}, user, now, nullptr, events);
  if (!taken) return taken.error();
  return taken->front();
}

void hold_book::emit_locked(row_id trip, trip_state& t, row_id user,
                            const std::vector<hold>& holds, std::vector<seat_event>& events,
                            bool offer) {
  std::map<sys_ms, std::vector<int>> by_deadline;
  for (const auto& h : holds) by_deadline[h.expires_at].push_back(h.seat);
  for (auto& [deadline, seats] : by_deadline) {
    std::sort(seats.begin(), seats.end());
    auto e = next_event(trip, t, seat_event_kind::locked);
    e.seats = std::move(seats);
    e.user = user;
    e.expires_at = deadline;
    e.offer = offer;
    events.push_back(std::move(e));
  }
}

result<std::vector<hold>> hold_book::take_group(row_id trip, const std::vector<int>& seats,
                                                row_id user, sys_ms now, int* bad_seat,
                                                std::vector<seat_event>& events) {
  return take_seats(trip, seats, user, now, bad_seat, events, false);
}

result<std::vector<hold>> hold_book::take_offer(row_id trip, const std::vector<int>& seats,
                                                row_id user, sys_ms now, int* bad_seat,
                                                std::vector<seat_event>& events) {
  return take_seats(trip, seats, user, now, bad_seat, events, true);
}

result<std::vector<hold>> hold_book::take_seats(row_id trip, const std::vector<int>& seats,
                                                row_id user, sys_ms now, int* bad_seat,
                                                std::vector<seat_event>& events, bool offer) {
  // Every due hold goes first, of every trip: the per-account cap counts the user's holds on
  // other trips too (cheap: only what is due is touched).
  expire_due(now, events);
  auto& t = state(trip);
  auto refuse = [&](errc e, int seat) -> result<std::vector<hold>> {
    if (bad_seat) *bad_seat = seat;
    tidy(trip);
    return e;
  };
  // First decide, changing nothing, so a refusal leaves every seat as it was.
  struct plan {
    int seat;
    bool renewal;
    sys_ms taken_at;
  };
  // A seat named twice is one seat (counting it twice would corrupt the per-user counts).
  std::vector<int> wanted = seats;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::vector<plan> plans;
  plans.reserve(wanted.size());
  int fresh = 0;
  for (int seat : wanted) {
    if (auto s = t.sold.find(seat); s != t.sold.end() && s->second > now)
      return refuse(errc::seat_booked, seat);
    if (auto it = t.holds.find(seat); it != t.holds.end()) {
      if (it->second.user != user || it->second.pinned) return refuse(errc::seat_occupied, seat);
      plans.push_back({seat, true, it->second.taken_at});
    } else {
      plans.push_back({seat, false, now});
      ++fresh;
    }
  }
  if (fresh > 0 && !offer) {
    auto u = t.per_user.find(user);
    if ((u != t.per_user.end() ? u->second : 0) + fresh > policy_.max_per_user)
      return refuse(errc::hold_limit, 0);
    auto a = per_account_.find(user);
    if ((a != per_account_.end() ? a->second : 0) + fresh > policy_.max_per_account)
      return refuse(errc::account_hold_limit, 0);
  }
  for (auto& p : plans) {
    if (p.renewal || offer) continue;  // an offer's new holds start afresh (taken_at = now)
    auto c = cooldowns_.find({trip, p.seat, user});
    if (c == cooldowns_.end() || c->second.until <= now) continue;
    // Lapsed: wait. Released: the new hold goes on with the old one's life, so unlock+lock
    // does not restart the max_lifetime clock; past that cap it is a lapse like any other.
    if (!c->second.taken_at || *c->second.taken_at + policy_.max_lifetime <= now)
      return refuse(errc::hold_cooldown, p.seat);
    p.taken_at = *c->second.taken_at;
  }

  std::vector<hold> out;
  out.reserve(plans.size());
  for (const auto& p : plans) {
    const sys_ms capped = std::min(now + policy_.ttl, p.taken_at + policy_.max_lifetime);
    if (p.renewal) {
      // Renewal by the holder: a new deadline, told to every viewer, but never past the hold's
      // whole-life bound (otherwise a script renewing every few minutes keeps a seat forever).
      hold& h = t.holds.at(p.seat);
      deadlines_.erase({h.expires_at, trip, p.seat});
      h.expires_at = std::max(h.expires_at, capped);
      deadlines_.insert({h.expires_at, trip, p.seat});
      out.push_back(h);
      continue;
    }
    if (auto c = cooldowns_.find({trip, p.seat, user}); c != cooldowns_.end()) {
      cooldown_order_.erase({c->second.until, trip, p.seat, user});
      cooldowns_.erase(c);
    }
    hold h{p.seat, user, capped, false, p.taken_at};
    t.holds.emplace(p.seat, h);
    ++t.per_user[user];
    ++per_account_[user];
    deadlines_.insert({h.expires_at, trip, p.seat});
    out.push_back(h);
  }
  emit_locked(trip, t, user, out, events, offer);
  return out;
}

std::vector<hold> hold_book::extend(row_id trip, row_id user, sys_ms now,
                                    std::vector<seat_event>& events) {
  std::vector<hold> out;
  auto found = trips_.find(trip);
  if (found == trips_.end()) return out;
  auto& t = found->second;
  expire_trip(trip, t, now, events);
  std::vector<hold> moved;
  for (auto& [seat, h] : t.holds) {
    if (h.user != user || h.pinned) continue;
    const sys_ms target = std::min(now + policy_.ttl, h.taken_at + policy_.max_lifetime);
    if (target > h.expires_at) {
      deadlines_.erase({h.expires_at, trip, seat});
      h.expires_at = target;
      deadlines_.insert({h.expires_at, trip, seat});
      moved.push_back(h);
    }
    out.push_back(h);
  }
  emit_locked(trip, t, user, moved, events);
  tidy(trip);
  return out;
}

std::vector<int> hold_book::release_all(row_id trip, row_id user, sys_ms now,
                                        std::vector<seat_event>& events) {
  std::vector<int> mine;
  if (auto found = trips_.find(trip); found != trips_.end())
    for (const auto& [seat, h] : found->second.holds)
      if (h.user == user && !h.pinned) mine.push_back(seat);
  std::vector<int> out;
  for (int seat : mine)
    if (release(trip, seat, user, now, events)) out.push_back(seat);
  return out;
}

bool hold_book::release(row_id trip, int seat, row_id user, sys_ms now,
                        std::vector<seat_event>& events) {
  prune(now);
  auto found = trips_.find(trip);
  if (found == trips_.end()) return false;
  auto& t = found->second;
  auto it = t.holds.find(seat);
  if (it == t.holds.end() || it->second.user != user || it->second.pinned) return false;
  if (it->second.expires_at <= now) {
    // Already past its deadline: it expired, whoever asks.
    lapse(trip, t, it, events);
    tidy(trip);
    return false;
  }
  const sys_ms taken = it->second.taken_at;
  remove(trip, t, it);
  remember(trip, seat, user, {now + policy_.cooldown, taken});
  auto e = next_event(trip, t, seat_event_kind::unlocked);
  e.seats = {seat};
  e.user = user;
  events.push_back(std::move(e));
  tidy(trip);
  prune(now);  // the remembered release counts against max_remembered at once
  return true;
}

boost::system::error_code hold_book::pin(row_id trip, const std::vector<int>& seats, row_id user,
                                         sys_ms now, int* bad_seat,
                                         std::vector<seat_event>& events) {
  prune(now);
  auto& t = state(trip);
  expire_trip(trip, t, now, events);
  for (int s : seats) {
    auto it = t.holds.find(s);
    if (it == t.holds.end() || it->second.user != user || it->second.pinned) {
      if (bad_seat) *bad_seat = s;
      tidy(trip);
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

void hold_book::unpin(row_id trip, const std::vector<int>& seats, row_id user, bool booked,
                      sys_ms now, std::vector<seat_event>& events) {
  prune(now);
  auto& t = state(trip);
  std::vector<int> done;
  if (booked) {
    const sys_ms until = now + policy_.sold_guard;
    for (int s : seats) {
      auto [it, fresh] = t.sold.try_emplace(s, until);
      if (!fresh) sold_order_.erase({it->second, trip, s});
      it->second = until;
      sold_order_.insert({until, trip, s});
    }
  }
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
  // Over the cap, the oldest sales are forgotten now (this one may be among them only if the
  // cap is tiny): prune() may erase this trip, so `t` is not used after it.
  prune(now);
  tidy(trip);
}

void hold_book::announce_freed(row_id trip, const std::vector<int>& seats,
                         std::vector<seat_event>& events) {
  auto& t = state(trip);
  for (int s : seats) {
    if (auto it = t.sold.find(s); it != t.sold.end()) {
      sold_order_.erase({it->second, trip, s});
      t.sold.erase(it);
    }
  }
  auto e = next_event(trip, t, seat_event_kind::released);
  e.seats = seats;
  events.push_back(std::move(e));
  tidy(trip);
}

void hold_book::expire_due(sys_ms now, std::vector<seat_event>& events) {
  while (!deadlines_.empty()) {
    auto [deadline, trip, seat] = *deadlines_.begin();
    if (deadline > now) break;
    auto& t = trips_.at(trip);  // a hold's trip is never forgotten while it has holds
    lapse(trip, t, t.holds.find(seat), events);
    tidy(trip);
  }
  prune(now);
}

hold_snapshot hold_book::snapshot(row_id trip, sys_ms now, std::vector<seat_event>& events) {
  hold_snapshot s;
  auto found = trips_.find(trip);
  if (found == trips_.end()) {
    // Nothing held: the seq a later event of the trip goes on from.
    s.seq = seq_of_forgotten(trip);
    return s;
  }
  auto& t = found->second;
  expire_trip(trip, t, now, events);
  s.seq = t.seq;
  for (auto& [seat, h] : t.holds) s.holds.push_back(h);
  tidy(trip);
  return s;
}

std::size_t hold_book::held_count(row_id trip, sys_ms now, std::vector<seat_event>& events) {
  auto found = trips_.find(trip);
  if (found == trips_.end()) return 0;
  expire_trip(trip, found->second, now, events);
  auto n = found->second.holds.size();
  tidy(trip);
  return n;
}

std::optional<sys_ms> hold_book::next_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return std::get<0>(*deadlines_.begin());
}

}  // namespace seatd
