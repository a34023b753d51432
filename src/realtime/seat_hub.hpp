#pragma once
// Where seat events meet viewers: the hold engine's event sink. For each event it updates the
// trip catalog, serialises the message once, appends it to the trip's room, and wakes the
// room's viewers off the engine's critical section.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <memory>
#include <vector>
#include <mutex>
#include <unordered_map>

#include "realtime/room.hpp"
#include "realtime/trip_catalog.hpp"

namespace seatd::realtime {

// The strand a viewer runs on, by its concrete type: posting to it and completing socket
// operations on it then needs no any_io_executor conversion, each of which allocated (a strand
// does not fit any_io_executor's inline storage) on every wake and every completed write.
using shard_executor = boost::asio::strand<boost::asio::io_context::executor_type>;

class seat_hub {
 public:
  // shards: how many strands viewers are spread over (one per I/O thread is right: each drain
  // pass then keeps one thread busy).
  seat_hub(boost::asio::io_context::executor_type ex, trip_catalog& catalog,
           std::size_t shards = 1);
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
  const shard_executor& shard(std::size_t k) const { return shards_.at(k); }

 private:
  std::vector<shard_executor> shards_;
  std::vector<boost::asio::any_io_executor> room_shards_;  // the same, as rooms take them
  std::atomic<std::size_t> next_shard_{0};
  trip_catalog& catalog_;
  std::mutex mutex_;
  std::unordered_map<id_t, std::shared_ptr<room>> rooms_;
};

}  // namespace seatd::realtime
