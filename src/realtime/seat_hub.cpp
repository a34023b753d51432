#include "realtime/seat_hub.hpp"

#include <boost/asio/strand.hpp>

#include <algorithm>
#include <tuple>

namespace seatd::realtime {

seat_hub::seat_hub(boost::asio::io_context::executor_type ex, trip_catalog& catalog,
                   std::size_t shards, std::size_t min_sweep_rooms)
    : catalog_(catalog),
      min_sweep_rooms_(std::max<std::size_t>(min_sweep_rooms, 1)),
      sweep_at_(min_sweep_rooms_) {
  for (std::size_t k = 0; k < std::max<std::size_t>(shards, 1); ++k) {
    shards_.emplace_back(ex);
    room_shards_.emplace_back(shards_.back());
  }
}

std::size_t seat_hub::pick_shard() { return next_shard_++ % shards_.size(); }

std::shared_ptr<room> seat_hub::room_for(row_id trip) {
  std::lock_guard lock(mutex_);
  return room_locked(trip);
}

std::shared_ptr<room> seat_hub::join(row_id trip, const std::shared_ptr<viewer>& v,
                                     std::size_t shard) {
  std::lock_guard lock(mutex_);
  auto r = room_locked(trip);
  r->join(v, shard);
  return r;
}

std::shared_ptr<room> seat_hub::room_locked(row_id trip) {
  if (auto it = rooms_.find(trip); it != rooms_.end()) return it->second;
  if (rooms_.size() >= sweep_at_) sweep_locked();
  auto r = std::make_shared<room>(room_shards_, room::default_keep, instruments_.fanout);
  rooms_.emplace(trip, r);
  return r;
}

void seat_hub::sweep_locked() {
  // Second chance: a room is dropped when it has no viewers and was not touched (no event, no
  // join) since the previous sweep. Viewers join under this lock, so none is joining now. An
  // event racing a drop lands in the dropped room, which nobody reads: a viewer of the trip
  // joins the new room and starts from a snapshot, which already includes it.
  for (auto it = rooms_.begin(); it != rooms_.end();) {
    auto& r = it->second;
    const bool touched = r->take_touched();
    if (!touched && r->viewer_count() == 0)
      it = rooms_.erase(it);
    else
      ++it;
  }
  // The next sweep after half as many new rooms again (at least min_sweep_rooms_): amortised
  // O(1) per room created, and the rooms kept stay near twice those in use (a threshold that
  // doubled with the rooms kept let one-off rooms, touched when made, accumulate).
  sweep_at_ = rooms_.size() + std::max(min_sweep_rooms_, rooms_.size() / 2);
}

std::size_t seat_hub::room_count() {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

static_assert(std::size_t(seat_event_kind::released) + 1 ==
              std::tuple_size_v<decltype(seat_hub::instruments::events)>);

void seat_hub::publish(const seat_event& e) {
  if (auto* c = instruments_.events[std::size_t(e.kind)]) c->inc();
  catalog_.on_event(e);
  auto r = room_for(e.trip);
  // Serialised once per protocol that differs: a group lock has a v2 message of its own.
  frame v2 = differs_for_v2(e) ? event_frame(e, protocol::v2) : frame{};
  // A waiting-list offer's own message, built once (offers are rare) and read only by the
  // offered user's viewers: every other viewer reads the same shared lock frames as ever.
  frame offer = is_offer(e) ? waitlist_offer_frame(e) : frame{};
  r->append(e.seq, event_frame(e, protocol::v1), std::move(v2), std::move(offer),
            is_offer(e) ? e.user : 0);
  // Waking thousands of viewers is done off the engine's lock: this only posts one drain pass
  // per shard (coalesced, so a burst of events costs one pass), which runs on the I/O threads.
  r->wake_all();
}

void seat_hub::resync_all() {
  // Missed SEAT_BOOKED / SEAT_RELEASED events also left the catalog's sold seats stale.
  catalog_.forget_all();
  std::vector<std::shared_ptr<room>> rooms;
  {
    std::lock_guard lock(mutex_);
    rooms.reserve(rooms_.size());
    for (auto& [t, r] : rooms_) rooms.push_back(r);
  }
  for (auto& r : rooms) {
    r->reset();
    r->wake_all();
  }
}

std::size_t seat_hub::viewer_count() {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (auto& [t, r] : rooms_) n += r->viewer_count();
  return n;
}

}  // namespace seatd::realtime
