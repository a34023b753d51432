// coalesced_job: asks during a run fold into one more; failures retry after the pause; not
// ready or a run that throws ends the loop until the next ask; stop() cuts the pause.
#include "holds/coalesced_job.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "holds_test_loop.hpp"

namespace seatd {
namespace {

using namespace seatd::test;

struct fixture {
  explicit fixture(std::chrono::milliseconds pause = 10ms) {
    job = std::make_shared<coalesced_job>(
        io.get_executor(), pause, "test job", [this] { return ready; },
        [this] { return run(); });
  }
  asio::awaitable<bool> run() {
    ++calls;
    if (block) co_await gate.wait();
    if (throw_next) {
      throw_next = false;
      throw std::runtime_error("a bug");
    }
    co_return succeed_after <= calls;
  }

  asio::io_context io;
  gates gate{io};
  bool ready = true;
  bool block = false;
  bool throw_next = false;
  int succeed_after = 0;  // runs up to this many fail
  int calls = 0;
  std::shared_ptr<coalesced_job> job;
};

TEST(coalesced_job, asks_during_a_run_fold_into_one_more_run) {
  fixture f;
  f.block = true;
  f.job->request();
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 1; }));
  EXPECT_TRUE(f.job->running());
  f.job->request();
  f.job->request();
  f.job->request();
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return f.gate.waiting() == 1; }));
  f.gate.open_next();
  ASSERT_TRUE(run_until(f.io, [&] { return !f.job->running(); }));
  EXPECT_EQ(f.calls, 2) << "three asks during run 1: exactly one more run";
  run_for(f.io, 20ms);
  EXPECT_EQ(f.calls, 2);
}

TEST(coalesced_job, a_failed_run_is_tried_again_after_the_pause) {
  fixture f(5ms);
  f.succeed_after = 3;
  f.job->request();
  ASSERT_TRUE(run_until(f.io, [&] { return f.calls == 3 && !f.job->running(); }));
  run_for(f.io, 30ms);
  EXPECT_EQ(f.calls, 3) << "no run after the one that succeeded";
}

TEST(coalesced_job, stop_cuts_the_pause_and_ends_the_loop) {
  fixture f(std::chrono::hours(1));
  f.succeed_after = 1'000;
  f.job->request();
  ASSERT_TRUE(run_until(f.io, [&] { return f.calls == 1; }));
  EXPECT_TRUE(f.job->running()) << "paused before the retry";
  f.job->stop();
  ASSERT_TRUE(run_until(f.io, [&] { return !f.job->running(); }));
  EXPECT_EQ(f.calls, 1);
  f.job->request();
  run_for(f.io, 20ms);
  EXPECT_EQ(f.calls, 1) << "nothing runs after stop()";
}

// Two ways the loop ends without a success: not ready (no run), or a run that throws (a bug,
// logged). Either way nothing runs until the next ask, and that ask runs the job again.
TEST(coalesced_job, a_loop_ended_by_not_ready_or_a_throw_runs_again_at_the_next_ask) {
  struct ending {
    const char* what;
    bool ready, throws;
    int calls;  // runs before the loop ended
  };
  for (const ending e : {ending{"not ready", false, false, 0}, ending{"a run that throws", true, true, 1}}) {
    SCOPED_TRACE(e.what);
    fixture f;
    f.ready = e.ready;
    f.throw_next = e.throws;
    f.job->request();
    ASSERT_TRUE(run_until(f.io, [&] { return f.calls == e.calls && !f.job->running(); }));
    run_for(f.io, 20ms);
    EXPECT_EQ(f.calls, e.calls);
    EXPECT_FALSE(f.job->running());
    f.ready = true;  // whoever made it ready asks again
    f.job->request();
    ASSERT_TRUE(run_until(f.io, [&] { return f.calls == e.calls + 1 && !f.job->running(); }));
  }
}

}  // namespace
}  // namespace seatd
