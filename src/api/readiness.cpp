#include "api/readiness.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <mutex>

#include "store/migrations.hpp"

namespace seatd::api {

namespace asio = boost::asio;

readiness_report assess(const readiness_checks& c) {
  using db = readiness_checks::database_state;
  readiness_report out;
  boost::json::object checks;
  bool ok = true;
  switch (c.database) {
    case db::ok: checks["database"] = "ok"; break;
    case db::unreachable: checks["database"] = "unreachable"; ok = false; break;
    case db::timeout: checks["database"] = "timeout"; ok = false; break;
  }
  if (!c.schema_version) {
    checks["migrations"] = "unknown";
    ok = false;
  } else if (*c.schema_version < c.expected_schema_version) {
    checks["migrations"] = "pending";
    ok = false;
  } else {
    checks["migrations"] = "ok";
  }
  if (c.redis) {
    checks["redis"] = *c.redis ? "ok" : "unreachable";
    ok = ok && *c.redis;
  }
  checks["draining"] = c.draining;
  out.ready = ok && !c.draining;
  out.body["status"] = c.draining ? "draining" : (out.ready ? "ready" : "not_ready");
  out.body["checks"] = std::move(checks);
  return out;
}

// The one database probe in flight, and the last one's answer. `generation` counts finished
// probes, so a waiter knows a new answer came.
struct readiness::probe_state {
  std::mutex mutex;
  bool in_flight = false;
  std::uint64_t generation = 0;
  std::optional<int> version;  // nullopt: the last probe failed
};

// Detached: it outlives a caller that stopped waiting (the timeout), and keeps the state alive.
asio::awaitable<void> readiness::run_probe(std::shared_ptr<probe_state> state, store& db,
                                           worker_pool& pool) {
  std::optional<int> version;
  try {
    auto query = [&db] { return db.schema_version(); };
    version = co_await pool.run(query);
  } catch (const std::exception& e) {
    spdlog::warn("readiness: the database did not answer: {}", e.what());
  }
  std::lock_guard lock(state->mutex);
  state->version = version;
  state->in_flight = false;
  ++state->generation;
}

readiness::readiness(store& db, worker_pool& pool, const hold_engine& holds,
                     bool redis_configured, std::chrono::milliseconds timeout)
    : db_(db),
      pool_(pool),
      holds_(holds),
      redis_configured_(redis_configured),
      timeout_(timeout),
      state_(std::make_shared<probe_state>()) {}

asio::awaitable<readiness_report> readiness::check() {
  auto ex = co_await asio::this_coro::executor;
  std::uint64_t seen = 0;
  bool launch = false;
  {
    std::lock_guard lock(state_->mutex);
    seen = state_->generation;
    if (!state_->in_flight) state_->in_flight = launch = true;
  }
  if (launch) asio::co_spawn(ex, run_probe(state_, db_, pool_), asio::detached);

  // The probe finishes on a worker's completion, on any I/O thread: polled in short steps
  // rather than signalled, which keeps the waiters free of cross-thread timer cancels (a
  // readiness check is a few per second at most, each waiting a few milliseconds).
  readiness_checks c;
  c.expected_schema_version = migrations().back().version;
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  asio::steady_timer tick(ex);
  for (;;) {
    {
      std::lock_guard lock(state_->mutex);
      if (state_->generation != seen) {
        c.schema_version = state_->version;
        c.database = state_->version ? readiness_checks::database_state::ok
                                     : readiness_checks::database_state::unreachable;
        break;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      c.database = readiness_checks::database_state::timeout;
      break;
    }
    tick.expires_after(std::chrono::milliseconds(5));
    co_await tick.async_wait(asio::use_awaitable);
  }
  if (redis_configured_) c.redis = holds_.backend_reachable();
  c.draining = draining();
  co_return assess(c);
}

}  // namespace seatd::api
