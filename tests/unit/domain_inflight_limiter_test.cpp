#include "domain/inflight_limiter.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace seatd {
namespace {

TEST(inflight_limiter, a_key_gets_its_share_and_no_more) {
  inflight_limiter lim(2);
  auto a = lim.try_enter("10.0.0.1");
  auto b = lim.try_enter("10.0.0.1");
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_FALSE(lim.try_enter("10.0.0.1"));
  // Another client is not affected by the first one's share.
  EXPECT_TRUE(lim.try_enter("10.0.0.2"));
  EXPECT_EQ(lim.in_flight("10.0.0.1"), 2u);
}

TEST(inflight_limiter, a_place_comes_back_when_its_ticket_ends) {
  inflight_limiter lim(1);
  {
    auto a = lim.try_enter("c");
    ASSERT_TRUE(a);
    EXPECT_FALSE(lim.try_enter("c"));
    auto moved = std::move(a);  // a moved ticket still holds the place, once
    EXPECT_FALSE(lim.try_enter("c"));
  }
  EXPECT_EQ(lim.in_flight("c"), 0u);
  EXPECT_TRUE(lim.try_enter("c"));
}

TEST(inflight_limiter, keys_are_forgotten_when_idle_and_bounded_meanwhile) {
  inflight_limiter lim(1, 3);
  std::vector<inflight_limiter::ticket> held;
  for (const char* k : {"a", "b", "c"}) held.push_back(lim.try_enter(k));
  EXPECT_EQ(lim.keys(), 3u);
  EXPECT_FALSE(lim.try_enter("d"));  // the map is full: refused, not grown
  held.clear();
  EXPECT_EQ(lim.keys(), 0u);
  EXPECT_TRUE(lim.try_enter("d"));
}

TEST(inflight_limiter, zero_means_no_limit) {
  inflight_limiter lim(0);
  std::vector<inflight_limiter::ticket> held;
  for (int i = 0; i < 100; ++i) {
    held.push_back(lim.try_enter("c"));
    ASSERT_TRUE(held.back());
  }
  EXPECT_EQ(lim.keys(), 0u);
}

}  // namespace
}  // namespace seatd
