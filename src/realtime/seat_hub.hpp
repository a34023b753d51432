#pragma once
// Where seat events meet viewers: the hold engine's event sink. For each event it updates the
// trip catalog, serialises the message once, appends it to the trip's room, and wakes the
// room's viewers off the engine's critical section.
#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <memory>
#include <vector>
#include <mutex>
#include <unordered_map>

#include "realtime/room.hpp"
#include "realtime/trip_catalog.hpp"

namespace seatd::realtime {

class seat_hub {
 public:
  // shards: how many strands viewers are spread over (one per I/O thread is right: each drain
  // pass then keeps one thread busy).
  seat_hub(boost::asio::any_io_executor ex, trip_catalog& catalog, std::size_t shards = 1);
  // The engine's sink. Called in seq order per trip; does not block.
  void publish(const seat_event& e);
  // The room of a trip (created on first use; rooms live as long as the hub: one per trip).
  std::shared_ptr<room> room_for(id_t trip);
  std::size_t viewer_count();
  // Every viewer of every room starts over from a fresh INITIAL_STATE, and sold seats are
  // reloaded from the database: for when events may have been missed (the hold engine's event
  // stream was interrupted). Does not block.
  void resync_all();
  // Where a new viewer runs: shards are handed out in turn.
  std::size_t pick_shard();
  const boost::asio::any_io_executor& shard(std::size_t k) const { return shards_.at(k); }

 private:
  boost::asio::any_io_executor ex_;
  std::vector<boost::asio::any_io_executor> shards_;
  std::atomic<std::size_t> next_shard_{0};
  trip_catalog& catalog_;
  std::mutex mutex_;
  std::unordered_map<id_t, std::shared_ptr<room>> rooms_;
};

}  // namespace seatd::realtime
