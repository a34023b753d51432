// The in-process engine's own lifetime: its expiry timer must not reach an engine that is gone.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/execution/blocking.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/require.hpp>

#include <atomic>
#include <thread>

#include "holds/memory_engine.hpp"

namespace seatd {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// The timer fires while the engine lives, its handler runs after the engine was destroyed
// (tests and shutdown destroy engines while I/O threads run). The handler used a raw `this`:
// it expired holds in freed memory and called the freed sink (ASan: heap-use-after-free).
TEST(memory_engine, a_timer_handler_that_runs_after_the_engine_is_gone_does_nothing) {
  asio::io_context ioc;  // run by hand, so the handler waits for us
  system_clock clk;
  std::atomic<int> calls_after{0};
  std::atomic<bool> gone{false};
  // blocking.never: a handler is always queued, never run inline, as with several I/O threads
  // where the strand is busy; so one poll step can fire the timer and leave its handler queued.
  auto ex = asio::require(ioc.get_executor(), asio::execution::blocking.never);
  auto engine = std::make_unique<memory_engine>(ex, clk, hold_policy{50ms, 6},
                                                [&](const seat_event&) {
                                                  if (gone) ++calls_after;
                                                });
  engine->start();
  asio::co_spawn(ioc, engine->take(1, 1, 100), asio::detached);
  ioc.poll();  // the take, and arming the timer for its deadline
  ASSERT_EQ(engine->size(), 1u);
  std::this_thread::sleep_for(150ms);  // the deadline passes: the timer is due
  // One step: the timer fires, and its handler is queued on the engine's strand (it does not
  // run yet: the strand runs it as a handler of its own).
  ASSERT_EQ(ioc.poll_one(), 1u);
  gone = true;
  engine.reset();  // no stop(): a destructor alone must be enough
  ioc.poll();      // the queued handler runs now, after the engine is gone
  EXPECT_EQ(calls_after.load(), 0);
}

// And with stop() first, as the application does: nothing is emitted after stop().
TEST(memory_engine, nothing_is_emitted_after_stop) {
  asio::io_context ioc;
  system_clock clk;
  std::atomic<int> calls_after{0};
  std::atomic<bool> stopped{false};
  auto ex = asio::require(ioc.get_executor(), asio::execution::blocking.never);
  memory_engine engine(ex, clk, hold_policy{50ms, 6}, [&](const seat_event&) {
    if (stopped) ++calls_after;
  });
  engine.start();
  asio::co_spawn(ioc, engine.take(1, 1, 100), asio::detached);
  ioc.poll();
  std::this_thread::sleep_for(150ms);
  ASSERT_EQ(ioc.poll_one(), 1u);  // fired, its handler queued on the strand
  stopped = true;
  engine.stop();
  ioc.poll();
  EXPECT_EQ(calls_after.load(), 0);
}

}  // namespace
}  // namespace seatd
