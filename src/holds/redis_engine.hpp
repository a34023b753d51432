#pragma once
// The Redis hold engine: holds live in Redis, so any number of seatd instances share them.
//
// - Every operation is one Lua script on one trip's keys (redis_scripts.hpp, key layout in
//   redis_layout.hpp): atomic, and valid on Redis Cluster (one hash slot per script). `now`
//   comes from the injected clock, as an argument.
// - Each script increments the trip's seq and PUBLISHes the event itself, on one channel for
//   all trips. Every instance subscribes to it and feeds each event — its own included — to the
//   sink: one path, in Redis's order, so per trip in seq order and exactly once. One channel
//   rather than one per trip because every instance needs every event anyway: it keeps its
//   trip catalog current (SEAT_BOOKED / SEAT_RELEASED) and learns the deadlines it times from
//   SEAT_LOCKED; and a subscription never races a viewer's snapshot.
// - An operation returns once its own events reached the sink (or after delivery_wait if the
//   subscription is down), so a caller that acted sees its change in the room at once.
// - Expiry on time, exactly once: each instance keeps a deadline_index and one timer at the
//   earliest deadline; when it fires it runs the expire script for the trips due. Instances
//   race harmlessly: only a script that actually removes a hold publishes its expiry. Redis's
//   own `expired` events for the per-hold TTL keys trigger the same script (late, and lost
//   while disconnected, so only one trigger among these), and every script expires its trip's
//   due holds first.
// - Faults: while Redis is unreachable operations fail at once with errc::unavailable (503).
//   After every reconnect of either connection the engine reconciles: refreshes the epoch,
//   runs the expire script for every trip that has holds (the shard index sets, no keyspace
//   scan), and calls on_resync so every room resyncs its viewers (events published while the
//   subscription was down are lost). The same reconcile runs when Redis lost its data without
//   a disconnect: the epoch key checked every epoch_check_interval is gone or changed, or a
//   trip's event seq goes backwards.
// - epoch(): a random id stored once in Redis (SET NX), shared by all instances; a Redis that
//   lost its data starts a new seq space and gets a new epoch.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "domain/clock.hpp"
#include "holds/hold_engine.hpp"
#include "metrics/histogram.hpp"
#include "redis/config.hpp"

namespace seatd {

class redis_engine final : public hold_engine {
 public:
  struct options {
    redis::config redis;  // url, timeouts, reconnect pacing (see redis_engine_config)
    // How long a booking's pin keeps a hold from expiring. A finished booking ends its pin at
    // once; the lease only matters when an instance dies mid-booking.
    std::chrono::milliseconds pin_lease{std::chrono::seconds(60)};
    // start() waits this long for the first connection, subscription and reconcile.
    std::chrono::milliseconds startup_wait{std::chrono::seconds(5)};
    // An operation waits at most this long for its own events to come back from Redis.
    std::chrono::milliseconds delivery_wait{std::chrono::seconds(1)};
    // Expire scripts in flight at once (a burst of deadlines is pipelined, not unbounded).
    std::size_t expiry_concurrency = 64;
    // How often the epoch key is checked, to notice Redis losing its data without a
    // disconnect (FLUSHALL, eviction); 0: never (only reconnects and seqs going back tell).
    std::chrono::milliseconds epoch_check_interval{std::chrono::seconds(1)};
    // When set: how late each expiry timer fired after the deadline it was armed for.
    metrics::histogram* expiry_lag = nullptr;
  };

  // Settings for a hold store on the local network: short timeouts, so a Redis that stops
  // answering turns into 503s within a second, and quick reconnects.
  static redis::config redis_engine_config(std::string url);

  // on_resync: called (on an engine strand) after every reconnect, once the subscription is
  // back; the application makes every room resync its viewers. May be empty.
  redis_engine(boost::asio::any_io_executor ex, const clock& clk, hold_policy policy, options opts,
               event_sink sink, std::function<void()> on_resync = {});
  ~redis_engine() override;

  // Connects and waits (at most options::startup_wait) until Redis answers, the subscription
  // is confirmed and the first reconcile is done; if Redis is down, seatd still starts and
  // hold requests answer 503 until it is back. Must not be called on an I/O thread of `ex`.
  void start() override;
  // Stops timers and closes both connections; once it returns the sink is not called again.
  void stop() override;
  boost::asio::awaitable<result<hold>> take(row_id trip, int seat, row_id user) override;
  boost::asio::awaitable<result<bool>> release(row_id trip, int seat, row_id user) override;
  // One script (take_group), beside the account step as take: all new seats reserved under the
  // per-account cap at once (reserve_all), given back if the script refuses.
  boost::asio::awaitable<group_outcome> take_group(row_id trip, std::vector<int> seats,
                                                   row_id user) override;
  // The same script with its offer flag; no reserve step: the account key records the
  // offer's holds afterwards without the cap (the account script's "add"), so they count
  // against the user's later takes.
  boost::asio::awaitable<group_outcome> take_offer(row_id trip, std::vector<int> seats,
                                                   row_id user) override;
  boost::asio::awaitable<result<std::vector<hold>>> extend(row_id trip, row_id user) override;
  boost::asio::awaitable<result<std::vector<int>>> release_all(row_id trip,
                                                               row_id user) override;
  boost::asio::awaitable<pin_outcome> pin(row_id trip, std::vector<int> seats,
                                          row_id user) override;
  // A failure here (Redis down) is logged: the booking or cancellation is already in the
  // database; a pin then ends with its lease, and every instance reloads sold seats and
  // resyncs its viewers after the reconnect.
  boost::asio::awaitable<void> unpin(row_id trip, std::vector<int> seats, row_id user,
                                     bool booked) override;
  boost::asio::awaitable<void> announce_freed(row_id trip, std::vector<int> seats) override;
  boost::asio::awaitable<result<hold_snapshot>> snapshot(row_id trip) override;
  boost::asio::awaitable<result<std::vector<std::size_t>>> held_counts(
      std::vector<row_id> trips) override;
  std::string epoch() const override;
  std::size_t live_holds() override;
  // Both connections (commands and the event subscription) are up.
  bool backend_reachable() const override;

 private:
  class core;
  std::shared_ptr<core> core_;
};

}  // namespace seatd
