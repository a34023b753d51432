#include "realtime/seat_hub.hpp"

#include <boost/asio/strand.hpp>

#include <algorithm>

namespace seatd::realtime {

seat_hub::seat_hub(boost::asio::io_context::executor_type ex, trip_catalog& catalog,
                   std::size_t shards)
    : catalog_(catalog) {
  for (std::size_t k = 0; k < std::max<std::size_t>(shards, 1); ++k) {
    shards_.emplace_back(ex);
    room_shards_.emplace_back(shards_.back());
  }
}

std::size_t seat_hub::pick_shard() { return next_shard_++ % shards_.size(); }

std::shared_ptr<room> seat_hub::room_for(id_t trip) {
  std::lock_guard lock(mutex_);
  auto& r = rooms_[trip];
  if (!r) r = std::make_shared<room>(room_shards_);
  return r;
}

void seat_hub::publish(const seat_event& e) {
  catalog_.on_event(e);
  auto r = room_for(e.trip);
  r->append(e.seq, event_frame(e));
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
