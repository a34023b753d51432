#include "app/server_metrics.hpp"

#include <spdlog/spdlog.h>

#include <limits>
#include <string>

#include "app/build_info.hpp"
#include "holds/redis_engine.hpp"
#include "metrics/process_metrics.hpp"

namespace seatd {

namespace {

// Redis commands take well under a millisecond on a local network; the low buckets matter.
std::vector<double> redis_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2};
}

}  // namespace

server_metrics::server_metrics()
    : expiry_lag(registry_.add_histogram(
          "seatd_hold_expiry_lag_seconds",
          "How late an expiry pass ran after the earliest hold deadline it was set for.",
          {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})),
      slow_consumer_closes(registry_.add_counter(
          "seatd_ws_slow_consumer_closes_total",
          "WebSocket viewers closed with 1008 because their unsent events passed the bound.")),
      reconnects_(registry_.add_counter(
          "seatd_redis_reconnects_total",
          "Reconnects of the hold engine's Redis connections (commands and events) after a loss.")),
      redis_latency_(registry_.add_histogram(
          "seatd_redis_command_duration_seconds",
          "Time from queueing a Redis command of the hold engine to its reply.", redis_buckets())) {
  registry_
      .add_gauge("seatd_build_info", "The version and commit seatd was built from (always 1).",
                 {{"version", version()}, {"commit", build_commit()}})
      .set(1);
  metrics::add_process_metrics(registry_);
}

realtime::seat_hub::instruments server_metrics::hub_instruments() {
  static constexpr const char* kinds[] = {"locked", "unlocked", "expired", "booked", "released"};
  realtime::seat_hub::instruments i;
  for (std::size_t k = 0; k < i.events.size(); ++k)
    i.events[k] = &registry_.add_counter(
        "seatd_seat_events_total",
        "Seat events this instance received from the hold engine and published to its rooms, by "
        "kind (locked: a hold taken or renewed; unlocked: released by its holder; expired; "
        "booked; released: a cancelled booking's seats). With Redis, every instance receives "
        "every instance's events.",
        {{"kind", kinds[k]}});
  i.delivered = &registry_.add_counter("seatd_ws_events_delivered_total",
                                       "Event frames queued to live seat map viewers.");
  i.fanout = &registry_.add_histogram(
      "seatd_ws_fanout_seconds",
      "Time from an event's publish to the viewers of one shard having it queued.",
      {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1});
  return i;
}

redis::config server_metrics::instrumented(redis::config c) {
  c.reconnects = &reconnects_;
  c.command_latency = &redis_latency_;
  return c;
}

void server_metrics::watch_pool(std::string_view name, const worker_pool& pool) {
  const metrics::label_set lane{{"pool", std::string(name)}};
  registry_.add_gauge_callback("seatd_pool_queue_depth",
                               "Jobs waiting for or running on a worker pool.", lane,
                               [&pool] { return double(pool.pending()); });
  registry_.add_gauge_callback("seatd_pool_queue_limit",
                               "Jobs a worker pool takes before it refuses more.", lane,
                               [&pool] { return double(pool.queue_limit()); });
  registry_.add_counter_callback(
      "seatd_pool_rejections_total",
      "Jobs a worker pool refused because its queue was full (answered 503).", lane,
      [&pool] { return double(pool.rejected()); });
}

void server_metrics::watch_hub(realtime::seat_hub& hub) {
  registry_.add_gauge_callback("seatd_ws_viewers", "Open live seat map viewers.", {},
                               [&hub] { return double(hub.viewer_count()); });
  registry_.add_gauge_callback("seatd_ws_rooms", "Trips with a room (viewers or recent events).",
                               {}, [&hub] { return double(hub.room_count()); });
}

void server_metrics::watch_engine(hold_engine& engine) {
  registry_.add_gauge_callback(
      "seatd_holds_live",
      "Seat holds live now, as this instance knows them (with Redis: every instance's).", {},
      [&engine] { return double(engine.live_holds()); });
}

void server_metrics::watch_redis(const redis_engine& engine) {
  registry_.add_gauge_callback(
      "seatd_redis_connected",
      "1 when the hold engine's Redis connections (commands and events) are both up.", {},
      [&engine] { return engine.backend_reachable() ? 1.0 : 0.0; });
}

void server_metrics::watch_store(store& db) {
  registry_.add_counter_callback("seatd_db_pool_waits_total",
                                 "Database calls that found no free connection and waited for one.",
                                 {}, [&db] { return double(db.connection_pool_stats().waits); });
  registry_.add_counter_callback(
      "seatd_db_pool_timeouts_total",
      "Database calls that gave up waiting for a connection (answered 503).", {},
      [&db] { return double(db.connection_pool_stats().timeouts); });
  registry_.add_counter_callback(
      "seatd_db_connect_errors_total", "Database connections that could not be opened.", {},
      [&db] { return double(db.connection_pool_stats().open_failures); });
  registry_.add_gauge_callback("seatd_db_pool_connections", "Open database connections.", {},
                               [&db] { return double(db.connection_pool_stats().open); });
  registry_.add_gauge_callback("seatd_db_pool_max_connections",
                               "The most database connections the pool opens.", {},
                               [&db] { return double(db.connection_pool_stats().max_size); });
  // Read at scrape time on the metrics lane (never an I/O thread): one COUNT of the outbox.
  // A database that does not answer leaves a gap in the graph, not a failed scrape.
  registry_.add_gauge_callback(
      "seatd_outbox_backlog",
      "E-mails in the outbox waiting to be sent (pending, including the ones being sent).", {},
      [&db] {
        try {
          return double(db.count_outbox().pending);
        } catch (const std::exception& e) {
          spdlog::debug("metrics: outbox backlog unavailable: {}", e.what());
          return std::numeric_limits<double>::quiet_NaN();
        }
      });
}

}  // namespace seatd
