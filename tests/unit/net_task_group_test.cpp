#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

#include "exec/task_group.hpp"

namespace {

namespace asio = boost::asio;
using seatd::exec::task_group;

asio::awaitable<void> fails() {
  co_await asio::post(asio::use_awaitable);
  throw std::runtime_error("boom");
}

asio::awaitable<void> waits_long(bool& cancelled) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::hours(1));
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  cancelled = ec == asio::error::operation_aborted;
}

TEST(exec_task_group, an_exception_is_reported_not_swallowed) {
  asio::io_context ioc;
  task_group g;
  std::string seen;
  g.spawn(ioc.get_executor(), fails(), "failing", [&](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      seen = ex.what();
    }
  });
  EXPECT_EQ(g.running(), 1u);
  ioc.run();
  EXPECT_EQ(seen, "boom");
  EXPECT_EQ(g.running(), 0u);
  EXPECT_TRUE(g.wait(std::chrono::steady_clock::now()));
}

TEST(exec_task_group, stop_cancels_what_a_task_awaits_and_wait_sees_it_end) {
  asio::io_context ioc;
  task_group g;
  bool cancelled = false;
  g.spawn(ioc.get_executor(), waits_long(cancelled), "sleeper");
  ioc.poll();  // the task starts and waits on its timer
  EXPECT_EQ(g.running(), 1u);
  g.stop();
  ioc.run();  // returns only because the timer wait was cancelled
  EXPECT_TRUE(cancelled);
  EXPECT_TRUE(g.wait(std::chrono::steady_clock::now()));
}

}  // namespace
