// worker_pool: the bounded pool that runs blocking work off the I/O threads. When more jobs
// wait than its queue bound, run() answers busy at once (the HTTP layer's 503) instead of
// queueing; a job's value and exception reach the awaiting coroutine; after stop() no job runs
// and a caller left waiting is freed with the pool, not leaked. No timed assertion: jobs are
// held on a future the test releases.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "exec/worker_pool.hpp"

namespace seatd {
namespace {

namespace asio = boost::asio;

TEST(exec_worker_pool, beyond_the_queue_bound_run_answers_busy_at_once) {
  asio::io_context io;
  worker_pool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  int done = 0;
  auto held = [&]() -> asio::awaitable<void> {
    co_await pool.run([&] { gate.wait(); });
    ++done;
  };
  asio::co_spawn(io, held(), asio::detached);
  asio::co_spawn(io, held(), asio::detached);
  io.poll();  // both callers are now in run(): one job on the worker, one waiting
  EXPECT_EQ(pool.pending(), 2u);
  EXPECT_THROW((void)pool.run([] {}), pool_busy);
  EXPECT_EQ(pool.pending(), 2u);  // the refused job holds no place

  release.set_value();
  io.run();
  EXPECT_EQ(done, 2);
  EXPECT_EQ(pool.pending(), 0u);

  // The bound is of jobs waiting now, not of jobs ever run: there is room again.
  bool ran = false;
  io.restart();
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { co_await pool.run([&] { ran = true; }); },
                 asio::detached);
  io.run();
  EXPECT_TRUE(ran);
}

TEST(exec_worker_pool, busy_is_unavailable_so_the_http_layer_answers_503) {
  worker_pool pool(1, 0);
  try {
    (void)pool.run([] {});
    FAIL() << "a pool with no room took a job";
  } catch (const unavailable_error&) {
  }
  EXPECT_EQ(pool.pending(), 0u);
}

TEST(exec_worker_pool, a_jobs_value_and_exception_reach_the_awaiting_coroutine) {
  asio::io_context io;
  worker_pool pool(2, 16);
  std::string value;
  std::string error;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        value = co_await pool.run([] { return std::string("from a worker"); });
        try {
          co_await pool.run([]() -> int { throw std::runtime_error("job failed"); });
        } catch (const std::runtime_error& e) {
          error = e.what();
        }
      },
      asio::detached);
  io.run();
  EXPECT_EQ(value, "from a worker");
  EXPECT_EQ(error, "job failed");
  EXPECT_EQ(pool.pending(), 0u);
}

TEST(exec_worker_pool, the_caller_resumes_on_its_own_thread_not_the_workers) {
  asio::io_context io;
  worker_pool pool(1, 16);
  std::thread::id job_thread;
  std::thread::id resumed_on;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await pool.run([&] { job_thread = std::this_thread::get_id(); });
        resumed_on = std::this_thread::get_id();
      },
      asio::detached);
  io.run();
  EXPECT_NE(job_thread, std::this_thread::get_id());
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

// Shutdown stops the pool before the store it works on is destroyed: a job submitted after
// that must never run (it would touch the destroyed store). Its caller is never resumed; it
// stays suspended (and keeps its io_context's work count, as any pending operation does) until
// the pool is destroyed, which frees its coroutine frame rather than leaking it.
TEST(exec_worker_pool, after_stop_no_job_runs_and_the_waiting_caller_is_freed_with_the_pool) {
  asio::io_context io;
  auto pool = std::make_unique<worker_pool>(1, 16);
  pool->stop();
  bool ran = false;
  bool resumed = false;
  auto frame_alive = std::make_shared<int>(0);
  std::weak_ptr<int> frame_watch = frame_alive;
  asio::co_spawn(
      io,
      [&, keep = std::move(frame_alive)]() -> asio::awaitable<void> {
        auto held = keep;  // lives as long as the coroutine
        co_await pool->run([&] { ran = true; });
        resumed = true;
      },
      asio::detached);
  io.poll();  // the caller is now suspended in run(); the job is queued on the stopped pool
  EXPECT_FALSE(ran);
  EXPECT_FALSE(resumed);
  EXPECT_FALSE(frame_watch.expired());
  pool.reset();
  // Asio unwinds an abandoned coroutine through its own executor: one more turn frees it.
  io.poll();
  EXPECT_FALSE(ran);
  EXPECT_FALSE(resumed);
  EXPECT_TRUE(frame_watch.expired());
  EXPECT_EQ(io.run(), 0u);  // and nothing is left to keep the io_context running
}

}  // namespace
}  // namespace seatd
