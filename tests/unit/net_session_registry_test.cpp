#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "net/session_registry.hpp"

namespace {

using seatd::net::session_registry;
using seatd::net::stoppable;

struct counting_session : stoppable {
  std::atomic<int> stops{0};
  void stop() override { ++stops; }
};

TEST(net_session_registry, stop_all_stops_every_live_session) {
  session_registry r;
  auto a = std::make_shared<counting_session>();
  auto b = std::make_shared<counting_session>();
  r.add(a);
  auto id = r.add(b);
  r.stop_all();
  EXPECT_EQ(a->stops, 1);
  EXPECT_EQ(b->stops, 1);
  r.remove(id);
  EXPECT_EQ(r.size(), 1u);
}

// A connection accepted between the listener's stop and stop_all() registers late: it must be
// stopped too, or shutdown waits its whole deadline for it.
TEST(net_session_registry, a_session_added_after_stop_all_is_stopped_at_once) {
  session_registry r;
  r.stop_all();
  auto late = std::make_shared<counting_session>();
  auto id = r.add(late);
  EXPECT_EQ(late->stops, 1);
  r.remove(id);
  EXPECT_TRUE(r.wait_empty(std::chrono::steady_clock::now()));
}

TEST(net_session_registry, a_session_added_before_stop_all_is_not_stopped_early) {
  session_registry r;
  auto s = std::make_shared<counting_session>();
  r.add(s);
  EXPECT_EQ(s->stops, 0);
}

// Shutdown's wait reports a session that did not end, so the caller can log it and exit.
TEST(net_session_registry, wait_empty_is_false_while_a_session_remains) {
  session_registry r;
  auto s = std::make_shared<counting_session>();
  auto id = r.add(s);
  EXPECT_FALSE(r.wait_empty(std::chrono::steady_clock::now()));
  r.remove(id);
  EXPECT_TRUE(r.wait_empty(std::chrono::steady_clock::now()));
}

// The registry owns no session: one destroyed without removing itself is skipped by
// stop_all(), not kept alive or called.
TEST(net_session_registry, holds_sessions_weakly_and_skips_one_already_gone) {
  session_registry r;
  auto live = std::make_shared<counting_session>();
  auto gone = std::make_shared<counting_session>();
  r.add(live);
  r.add(gone);
  std::weak_ptr<counting_session> watch = gone;
  gone.reset();
  EXPECT_TRUE(watch.expired());
  r.stop_all();
  EXPECT_EQ(live->stops, 1);
}

TEST(net_session_registry, ids_are_distinct_and_removing_one_twice_is_harmless) {
  session_registry r;
  auto s = std::make_shared<counting_session>();
  auto a = r.add(s);
  auto b = r.add(s);
  EXPECT_NE(a, b);
  r.remove(a);
  r.remove(a);
  EXPECT_EQ(r.size(), 1u);
  r.remove(b);
  EXPECT_EQ(r.size(), 0u);
}

}  // namespace
