#pragma once
// Where seat events meet viewers: the hold engine's event sink. For each event it updates the
// trip catalog, serialises the message once, appends it to the trip's room, and wakes the
// room's viewers off the engine's critical section.
#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <mutex>
#include <unordered_map>

#include "realtime/room.hpp"
#include "realtime/trip_catalog.hpp"

namespace seatd::realtime {

class seat_hub {
 public:
  seat_hub(boost::asio::any_io_executor ex, trip_catalog& catalog)
      : ex_(std::move(ex)), catalog_(catalog) {}
  // The engine's sink. Called in seq order per trip; does not block.
  void publish(const seat_event& e);
  // The room of a trip (created on first use; rooms live as long as the hub: one per trip).
  std::shared_ptr<room> room_for(id_t trip);
  std::size_t viewer_count();
  // Every viewer of every room starts over from a fresh INITIAL_STATE, and sold seats are
  // reloaded from the database: for when events may have been missed (the hold engine's event
  // stream was interrupted). Does not block.
  void resync_all();

 private:
  boost::asio::any_io_executor ex_;
  trip_catalog& catalog_;
  std::mutex mutex_;
  std::unordered_map<id_t, std::shared_ptr<room>> rooms_;
};

}  // namespace seatd::realtime
