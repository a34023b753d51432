// New seat holds per client address: a token bucket per key, bounded in keys.
#include <gtest/gtest.h>

#include "domain/rate_limiter.hpp"

namespace seatd {
namespace {

using namespace std::chrono_literals;

TEST(rate_limiter, a_burst_then_the_rate_with_retry_after) {
  manual_clock clk;
  rate_limiter lim({60, 60, 1000});
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(lim.try_take("10.0.0.1", clk.now())) << i;
  std::chrono::seconds retry{0};
  EXPECT_FALSE(lim.try_take("10.0.0.1", clk.now(), &retry));
  EXPECT_EQ(retry, 1s);
  EXPECT_TRUE(lim.try_take("10.0.0.2", clk.now()));  // another client has its own bucket
  clk.advance(1s);                                   // one token a second
  EXPECT_TRUE(lim.try_take("10.0.0.1", clk.now()));
  EXPECT_FALSE(lim.try_take("10.0.0.1", clk.now()));
  clk.advance(10min);  // refills up to the burst, not beyond
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(lim.try_take("10.0.0.1", clk.now()));
  EXPECT_FALSE(lim.try_take("10.0.0.1", clk.now()));
}

TEST(rate_limiter, retry_after_says_when_the_next_token_comes) {
  manual_clock clk;
  rate_limiter lim({6, 1, 1000});  // one every 10 s
  EXPECT_TRUE(lim.try_take("a", clk.now()));
  std::chrono::seconds retry{0};
  EXPECT_FALSE(lim.try_take("a", clk.now(), &retry));
  EXPECT_EQ(retry, 10s);
  clk.advance(4s);
  EXPECT_FALSE(lim.try_take("a", clk.now(), &retry));
  EXPECT_EQ(retry, 6s);
}

TEST(rate_limiter, keys_are_bounded_least_recently_used_out) {
  manual_clock clk;
  rate_limiter lim({60, 2, 100});
  for (int i = 0; i < 10000; ++i) lim.try_take("client-" + std::to_string(i), clk.now());
  EXPECT_EQ(lim.size(), 100u);
  // A client in use stays (it is the most recently used), its bucket intact.
  ASSERT_TRUE(lim.try_take("busy", clk.now()));
  ASSERT_TRUE(lim.try_take("busy", clk.now()));
  for (int i = 0; i < 50; ++i) lim.try_take("other-" + std::to_string(i), clk.now());
  EXPECT_FALSE(lim.try_take("busy", clk.now()));
  EXPECT_EQ(lim.size(), 100u);
}

TEST(rate_limiter, zero_means_no_limit) {
  manual_clock clk;
  rate_limiter lim({0, 0, 10});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(lim.try_take("x", clk.now()));
  EXPECT_EQ(lim.size(), 0u);
}

}  // namespace
}  // namespace seatd
