#include "realtime/seat_hub.hpp"

#include <boost/asio/post.hpp>

namespace seatd::realtime {

std::shared_ptr<room> seat_hub::room_for(id_t trip) {
  std::lock_guard lock(mutex_);
  auto& r = rooms_[trip];
  if (!r) r = std::make_shared<room>();
  return r;
}

void seat_hub::publish(const seat_event& e) {
  catalog_.on_event(e);
  auto r = room_for(e.trip);
  r->append(e.seq, event_frame(e));
  // Waking thousands of viewers is done outside the engine's lock: one posted task per event,
  // and each viewer coalesces wakes, so a burst of events costs one drain per viewer.
  boost::asio::post(ex_, [r] { r->wake_all(); });
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
    boost::asio::post(ex_, [r] { r->wake_all(); });
  }
}

std::size_t seat_hub::viewer_count() {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (auto& [t, r] : rooms_) n += r->viewer_count();
  return n;
}

}  // namespace seatd::realtime
