#include <gtest/gtest.h>

#include "net/accept_pacing.hpp"

namespace {

using namespace std::chrono_literals;
using seatd::net::accept_backoff;
using seatd::net::default_max_connections;
using seatd::net::log_throttle;

TEST(net_accept_pacing, default_cap_leaves_a_reserve_below_the_descriptor_limit) {
  for (std::uint64_t limit : {1024u, 4096u, 20000u, 65536u, 1048576u}) {
    auto cap = default_max_connections(limit);
    EXPECT_LT(cap + 64, limit) << limit;
    EXPECT_GT(cap, limit / 2) << limit;
  }
  EXPECT_EQ(default_max_connections(20000), 20000u - 64 - 1000);
  EXPECT_GE(default_max_connections(32), 1u);  // a tiny limit still serves someone
}

TEST(net_accept_pacing, backoff_doubles_up_to_a_second) {
  auto d = accept_backoff(0ms);
  EXPECT_EQ(d, 10ms);
  std::vector<std::chrono::milliseconds> seen;
  for (int i = 0; i < 10; ++i) seen.push_back(d = accept_backoff(d));
  EXPECT_EQ(seen[0], 20ms);
  EXPECT_EQ(seen[1], 40ms);
  EXPECT_EQ(seen.back(), 1000ms);
  EXPECT_EQ(accept_backoff(1000ms), 1000ms);
}

TEST(net_accept_pacing, warnings_are_one_line_per_period_with_a_count) {
  log_throttle t(10s);
  std::chrono::steady_clock::time_point now{};
  now += 1h;
  EXPECT_EQ(t.note(now), 1u);  // the first is logged at once
  for (int i = 0; i < 199; ++i) EXPECT_EQ(t.note(now + 50ms * i), 0u);  // 20 per second
  EXPECT_EQ(t.note(now + 10s), 200u);  // the next line carries every suppressed one
  EXPECT_EQ(t.note(now + 11s), 0u);
  EXPECT_EQ(t.note(now + 25s), 2u);
}

}  // namespace
