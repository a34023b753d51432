// expiry_scheduler: due holds sweep their trip once; not-yet-due ones wait; the bound on sweeps
// in flight; stop() ends the timer and the queue.
#include "holds/expiry_scheduler.hpp"

#include <gtest/gtest.h>

#include <map>

#include "holds_test_loop.hpp"

namespace seatd {
namespace {

using namespace seatd::test;

struct fixture {
  explicit fixture(std::size_t concurrency = 4, bool block = false) : block_sweeps(block) {
    scheduler = std::make_shared<expiry_scheduler>(
        io.get_executor(), clk, concurrency, [this](row_id trip) { return sweep(trip); });
  }
  asio::awaitable<void> sweep(row_id trip) {
    ++started[trip];
    if (block_sweeps) co_await gate.wait();
    ++finished[trip];
  }
  int total(const std::map<row_id, int>& m) const {
    int n = 0;
    for (auto& [t, c] : m) n += c;
    return n;
  }

  asio::io_context io;
  manual_clock clk;
  gates gate{io};
  bool block_sweeps;
  std::map<row_id, int> started, finished;
  std::shared_ptr<expiry_scheduler> scheduler;
};

TEST(expiry_scheduler, due_holds_sweep_their_trip_once) {
  fixture f;
  f.scheduler->learn(1, 4, f.clk.now() - 1ms);
  f.scheduler->learn(1, 5, f.clk.now());
  f.scheduler->learn(2, 4, f.clk.now() + 1h);
  ASSERT_TRUE(run_until(f.io, [&] { return f.finished[1] == 1; }));
  run_for(f.io, 20ms);
  EXPECT_EQ(f.finished[1], 1) << "two seats of one trip due together: one sweep";
  EXPECT_EQ(f.started.count(2), 0u) << "trip 2 is not due for an hour";
  EXPECT_EQ(f.scheduler->known(), 1u);
}

TEST(expiry_scheduler, an_earlier_deadline_moves_the_armed_timer) {
  fixture f;
  f.scheduler->learn(1, 1, f.clk.now() + 1h);  // the timer waits an hour
  f.scheduler->learn(2, 1, f.clk.now());       // due now: must not wait behind it
  ASSERT_TRUE(run_until(f.io, [&] { return f.finished[2] == 1; }));
  EXPECT_EQ(f.started.count(1), 0u);
  // Time passes (the clock is injected): the hour-long wait is re-armed from the new now.
  f.clk.advance(2h);
  f.scheduler->learn(3, 1, f.clk.now() + 1h);
  f.scheduler->learn(4, 1, f.clk.now() - 1ms);
  ASSERT_TRUE(run_until(f.io, [&] { return f.finished[1] == 1 && f.finished[4] == 1; }));
  EXPECT_EQ(f.started.count(3), 0u);
}

TEST(expiry_scheduler, a_forgotten_or_replaced_deadline_does_not_sweep) {
  fixture f;
  f.scheduler->learn(1, 1, f.clk.now() + 1h);
  f.scheduler->forget(1, 1);
  f.scheduler->learn(2, 1, f.clk.now());
  f.scheduler->learn(2, 1, f.clk.now() + 1h);  // renewed before the timer ran
  run_for(f.io, 30ms);
  EXPECT_EQ(f.total(f.started), 0);
  EXPECT_EQ(f.scheduler->known(), 1u);
}

TEST(expiry_scheduler, at_most_the_bound_of_sweeps_run_and_a_queued_trip_is_queued_once) {
  fixture f(2, /*block=*/true);
  for (row_id t = 1; t <= 5; ++t) f.scheduler->enqueue(t);
  f.scheduler->enqueue(4);  // already queued
  f.scheduler->enqueue(5);
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 2; }));
  EXPECT_EQ(f.scheduler->in_flight(), 2u);
  EXPECT_EQ(f.scheduler->queued(), 3u);
  while (f.total(f.finished) < 5) {
    ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() > 0; }));
    EXPECT_LE(f.scheduler->in_flight(), 2u);
    f.gate.open_next();
    run_for(f.io, 5ms);
  }
  for (row_id t = 1; t <= 5; ++t) EXPECT_EQ(f.finished[t], 1) << "trip " << t;
  EXPECT_EQ(f.scheduler->in_flight(), 0u);
  EXPECT_EQ(f.scheduler->queued(), 0u);
}

TEST(expiry_scheduler, a_trip_can_be_queued_again_while_its_sweep_runs) {
  // An expired-key notice that arrives during the sweep may be for a hold the sweep missed.
  fixture f(1, /*block=*/true);
  f.scheduler->enqueue(7);
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 1; }));
  f.scheduler->enqueue(7);
  EXPECT_EQ(f.scheduler->queued(), 1u);
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 1; }));
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return f.finished[7] == 2; }));
}

TEST(expiry_scheduler, stop_ends_the_timer_and_the_queue) {
  fixture f(1, /*block=*/true);
  f.scheduler->enqueue(1);
  f.scheduler->enqueue(2);
  f.scheduler->learn(9, 1, f.clk.now() + 10ms);
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 1; }));
  f.scheduler->stop();
  EXPECT_EQ(f.scheduler->queued(), 0u);
  f.gate.open_next();  // the sweep in flight ends normally
  f.clk.advance(1h);
  run_for(f.io, 50ms);
  EXPECT_EQ(f.finished[1], 1);
  EXPECT_EQ(f.started.count(2), 0u);
  EXPECT_EQ(f.started.count(9), 0u);
  f.scheduler->enqueue(3);
  f.scheduler->learn(4, 1, f.clk.now());
  run_for(f.io, 20ms);
  EXPECT_EQ(f.total(f.started), 1) << "nothing starts after stop()";
}

}  // namespace
}  // namespace seatd
