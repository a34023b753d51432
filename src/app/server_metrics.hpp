#pragma once
// Everything one seatd process reports to Prometheus, registered in one place: the instruments
// the components count into on their hot paths (handed to them at construction), and the
// readings taken at scrape time from what the components already keep (queue depths, open
// viewers, rooms, live holds, connection states, process figures). Metric names follow
// Prometheus's conventions: seatd_ prefix, base units (seconds, bytes), _total for counters.
#include <string_view>

#include "exec/worker_pool.hpp"
#include "holds/hold_engine.hpp"
#include "metrics/registry.hpp"
#include "realtime/seat_hub.hpp"
#include "redis/config.hpp"
#include "store/store.hpp"

namespace seatd {

class redis_engine;

class server_metrics {
  metrics::registry registry_;  // first: the references below point into it

 public:
  server_metrics();
  server_metrics(const server_metrics&) = delete;
  server_metrics& operator=(const server_metrics&) = delete;

  metrics::registry& registry() { return registry_; }

  // Instruments handed to components when they are built.
  metrics::histogram& expiry_lag;          // hold engines
  metrics::counter& slow_consumer_closes;  // WebSocket connections (net::websocket_options)
  realtime::seat_hub::instruments hub_instruments();
  // `c` with seatd's Redis instruments set (reconnects, command latency).
  redis::config instrumented(redis::config c);

  // Scrape-time readings of what components keep anyway. The components must outlive every
  // scrape (the application stops serving /metrics before it destroys them).
  void watch_pool(std::string_view name, const worker_pool& pool);
  void watch_hub(realtime::seat_hub& hub);
  void watch_engine(hold_engine& engine);
  void watch_redis(const redis_engine& engine);
  void watch_store(store& db);

 private:
  metrics::counter& reconnects_;
  metrics::histogram& redis_latency_;
};

}  // namespace seatd
