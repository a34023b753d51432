// The outbox's retry rules (domain/delivery_policy): exponential backoff capped, full jitter
// inside [0, ceiling], and when a failed message is given up.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "domain/delivery_policy.hpp"

namespace seatd {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

delivery_policy policy() {
  delivery_policy p;
  p.retry_base = 5s;
  p.retry_cap = 15min;
  p.max_attempts = 8;
  return p;
}

TEST(delivery_policy, ceiling_doubles_from_the_base) {
  const auto p = policy();
  EXPECT_EQ(backoff_ceiling(p, 1), ms(5s));
  EXPECT_EQ(backoff_ceiling(p, 2), ms(10s));
  EXPECT_EQ(backoff_ceiling(p, 3), ms(20s));
  EXPECT_EQ(backoff_ceiling(p, 4), ms(40s));
  EXPECT_EQ(backoff_ceiling(p, 8), ms(640s));
}

TEST(delivery_policy, ceiling_stops_at_the_cap_and_never_overflows) {
  const auto p = policy();
  EXPECT_EQ(backoff_ceiling(p, 9), ms(15min));  // 1280 s capped at 900 s
  EXPECT_EQ(backoff_ceiling(p, 64), ms(15min));
  EXPECT_EQ(backoff_ceiling(p, 1'000'000), ms(15min));
  EXPECT_EQ(backoff_ceiling(p, std::numeric_limits<int>::max()), ms(15min));
}

TEST(delivery_policy, attempt_below_one_counts_as_the_first) {
  const auto p = policy();
  EXPECT_EQ(backoff_ceiling(p, 0), ms(5s));
  EXPECT_EQ(backoff_ceiling(p, -3), ms(5s));
}

TEST(delivery_policy, base_above_the_cap_is_the_cap) {
  auto p = policy();
  p.retry_base = 1h;
  EXPECT_EQ(backoff_ceiling(p, 1), ms(15min));
}

TEST(delivery_policy, full_jitter_spans_zero_to_the_ceiling) {
  EXPECT_EQ(full_jitter(10s, 0.0), ms(0));
  EXPECT_EQ(full_jitter(10s, 0.5), ms(5000));
  EXPECT_EQ(full_jitter(10s, 0.999999999), ms(10s));  // the top of the window is reachable
  EXPECT_EQ(full_jitter(0s, 0.7), ms(0));
}

TEST(delivery_policy, full_jitter_clamps_a_bad_draw) {
  EXPECT_EQ(full_jitter(10s, -0.5), ms(0));
  EXPECT_EQ(full_jitter(10s, 1.0), ms(10s));
  EXPECT_EQ(full_jitter(10s, 7.0), ms(10s));
  EXPECT_EQ(full_jitter(10s, std::numeric_limits<double>::quiet_NaN()), ms(0));
}

// Many draws: all inside the window, and they spread over it (not bunched at one end).
TEST(delivery_policy, jittered_retries_stay_in_the_window_and_spread) {
  const auto p = policy();
  const sys_ms now{1'800'000'000'000ms};
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int attempt = 1; attempt < p.max_attempts; ++attempt) {
    const auto ceiling = backoff_ceiling(p, attempt);
    int low = 0, high = 0;
    for (int i = 0; i < 2000; ++i) {
      auto at = retry_at(p, attempt, true, now, u(rng));
      ASSERT_TRUE(at) << "attempt " << attempt;
      const auto delay = *at - now;
      ASSERT_GE(delay, ms(0));
      ASSERT_LE(delay, ceiling);
      (delay < ceiling / 2 ? low : high)++;
    }
    EXPECT_GT(low, 800) << "attempt " << attempt;
    EXPECT_GT(high, 800) << "attempt " << attempt;
  }
}

TEST(delivery_policy, retryable_failures_retry_until_the_last_attempt) {
  const auto p = policy();
  const sys_ms now{1'800'000'000'000ms};
  for (int attempt = 1; attempt < 8; ++attempt)
    EXPECT_TRUE(retry_at(p, attempt, true, now, 0.5)) << attempt;
  EXPECT_FALSE(retry_at(p, 8, true, now, 0.5));  // the eighth failure gives up
  EXPECT_FALSE(retry_at(p, 9, true, now, 0.5));  // a row claimed again after crashes, too
  EXPECT_EQ(*retry_at(p, 3, true, now, 0.5), now + 10s);
}

TEST(delivery_policy, permanent_failures_give_up_at_once) {
  const auto p = policy();
  const sys_ms now{1'800'000'000'000ms};
  EXPECT_FALSE(retry_at(p, 1, false, now, 0.5));
  EXPECT_FALSE(retry_at(p, 5, false, now, 0.0));
}

TEST(delivery_policy, one_attempt_allowed_means_no_retry) {
  auto p = policy();
  p.max_attempts = 1;
  EXPECT_FALSE(retry_at(p, 1, true, sys_ms{}, 0.5));
}

}  // namespace
}  // namespace seatd
