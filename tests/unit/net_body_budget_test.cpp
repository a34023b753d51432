#include <gtest/gtest.h>

#include "net/body_budget.hpp"

namespace {

using seatd::net::body_budget;

TEST(net_body_budget, refuses_what_does_not_fit_and_takes_it_back_on_release) {
  body_budget b(1000);
  auto x = b.try_reserve(600);
  ASSERT_TRUE(x);
  EXPECT_EQ(b.in_use(), 600u);
  EXPECT_FALSE(b.try_reserve(401));
  auto y = b.try_reserve(400);
  ASSERT_TRUE(y);
  EXPECT_FALSE(b.try_reserve(1));
  x.reset();
  EXPECT_EQ(b.in_use(), 400u);
  EXPECT_TRUE(b.try_reserve(600));  // released again at once (a temporary)
  EXPECT_EQ(b.in_use(), 400u);
}

TEST(net_body_budget, a_request_larger_than_the_budget_never_fits) {
  body_budget b(1000);
  EXPECT_FALSE(b.try_reserve(1001));
  EXPECT_FALSE(b.try_reserve(std::size_t(-1)));  // no overflow
  EXPECT_EQ(b.in_use(), 0u);
}

TEST(net_body_budget, a_moved_lease_is_released_once) {
  body_budget b(1000);
  body_budget::lease held;
  {
    auto l = b.try_reserve(300);
    ASSERT_TRUE(l);
    held = std::move(*l);
  }
  EXPECT_EQ(b.in_use(), 300u);
  body_budget::lease other(std::move(held));
  EXPECT_EQ(b.in_use(), 300u);
  other = body_budget::lease{};
  EXPECT_EQ(b.in_use(), 0u);
}

}  // namespace
