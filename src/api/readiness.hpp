#pragma once
// Readiness, as a load balancer asks it (GET /readyz): may this instance be sent traffic now?
// Yes when the database answers a trivial query within a short timeout and its migrations are
// all applied, the hold engine's backend (Redis, when configured) is connected, and the
// instance is not draining for a shutdown. Liveness (GET /healthz) asks nothing of them.
//
// The database query runs on the worker pool, never on an I/O thread, and at most one runs at
// a time: load balancers polling every instance often, or a database that hangs, never pile
// up probes (a caller that arrives while one is out waits for that one's answer, up to the
// timeout).
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include "exec/worker_pool.hpp"
#include "holds/hold_engine.hpp"
#include "store/store.hpp"

namespace seatd::api {

// What the checks found.
struct readiness_checks {
  enum class database_state { ok, unreachable, timeout };
  database_state database = database_state::ok;
  std::optional<int> schema_version;  // nullopt: the database did not say
  int expected_schema_version = 0;    // the newest migration this build knows
  std::optional<bool> redis;          // nullopt: no Redis configured
  bool draining = false;
};

struct readiness_report {
  bool ready = false;
  boost::json::object body;  // {"status": ..., "checks": {...}}, one entry per check
};

// Pure: the verdict and the body naming each check.
readiness_report assess(const readiness_checks& checks);

class readiness {
 public:
  readiness(store& db, worker_pool& pool, const hold_engine& holds, bool redis_configured,
            std::chrono::milliseconds timeout = std::chrono::seconds(1));

  // From now on the instance reports itself not ready (a shutdown's drain). Thread-safe.
  void start_draining() noexcept { draining_.store(true); }
  bool draining() const noexcept { return draining_.load(); }

  // Runs the checks (the database one on the worker pool, bounded by the timeout).
  boost::asio::awaitable<readiness_report> check();

 private:
  struct probe_state;
  static boost::asio::awaitable<void> run_probe(std::shared_ptr<probe_state> state, store& db,
                                                worker_pool& pool);
  store& db_;
  worker_pool& pool_;
  const hold_engine& holds_;
  bool redis_configured_;
  std::chrono::milliseconds timeout_;
  std::atomic<bool> draining_{false};
  std::shared_ptr<probe_state> state_;
};

}  // namespace seatd::api
