#pragma once
// Where seat events meet viewers: the hold engine's event sink. For each event it updates the
// trip catalog, serialises the message once, appends it to the trip's room, and wakes the
// room's viewers off the engine's critical section.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <atomic>
#include <memory>
#include <vector>
#include <mutex>
#include <unordered_map>

#include "metrics/counter.hpp"
#include "metrics/histogram.hpp"
#include "realtime/room.hpp"
#include "realtime/trip_catalog.hpp"

namespace seatd::realtime {

// The strand a viewer runs on, by its concrete type: posting to it and completing socket
// operations on it then needs no any_io_executor conversion, each of which allocated (a strand
// does not fit any_io_executor's inline storage) on every wake and every completed write.
using shard_executor = boost::asio::strand<boost::asio::io_context::executor_type>;

struct hub_instruments {
  // seatd_seat_events_total by seat_event_kind: the events published to this instance's rooms.
  std::array<metrics::counter*, 5> events{};
  metrics::counter* delivered = nullptr;  // event frames queued to viewers
  metrics::histogram* fanout = nullptr;   // a room's wake -> its viewers have the event queued
};

class seat_hub {
 public:
  // shards: how many strands viewers are spread over (one per I/O thread is right: each drain
  // pass then keeps one thread busy).
  // min_sweep_rooms: idle rooms are looked for after every max(min_sweep_rooms, kept / 2) new
  // rooms (kept: the rooms the last look left), so the cost is amortised over the rooms made.
  seat_hub(boost::asio::io_context::executor_type ex, trip_catalog& catalog,
           std::size_t shards = 1, std::size_t min_sweep_rooms = 256);
  // What the hub counts, when set (before the hub is used; the instruments outlive it).
  using instruments = hub_instruments;
  void set_instruments(const instruments& i) { instruments_ = i; }
  // Called by viewers: n event frames went into a viewer's queue.
  void count_delivered(std::size_t n) noexcept {
    if (instruments_.delivered) instruments_.delivered->inc(n);
  }

  // The engine's sink. Called in seq order per trip; does not block.
  void publish(const seat_event& e);
  // The room of a trip (created on first use). Rooms do not live for ever: one without
  // viewers and without events between two sweeps is dropped (a later viewer starts from a
  // snapshot in a new room, so nothing it needs was in the old one's history), which keeps a
  // server that runs for months with weekly schedules at the rooms it is using.
  std::shared_ptr<room> room_for(row_id trip);
  // room_for and room::join in one step under the hub's lock, so a sweep cannot drop the room
  // between them (the viewer would wait in a room no event reaches).
  std::shared_ptr<room> join(row_id trip, const std::shared_ptr<viewer>& v, std::size_t shard);
  std::size_t viewer_count();
  std::size_t room_count();
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
  std::shared_ptr<room> room_locked(row_id trip);  // under mutex_
  void sweep_locked();

  std::mutex mutex_;
  std::unordered_map<row_id, std::shared_ptr<room>> rooms_;
  std::size_t min_sweep_rooms_;
  std::size_t sweep_at_;  // the room count that triggers the next sweep
  instruments instruments_;
};

}  // namespace seatd::realtime
