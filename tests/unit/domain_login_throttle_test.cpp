#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "domain/clock.hpp"
#include "domain/login_throttle.hpp"

namespace {

using namespace std::chrono_literals;
using seatd::login_throttle;
using seatd::manual_clock;
using seatd::sys_ms;

constexpr int max_failures = 3;
constexpr std::chrono::milliseconds window = 60s;

class DomainLoginThrottle : public ::testing::Test {
 protected:
  void fail_n(const std::string& key, int n) {
    for (int i = 0; i < n; ++i) throttle.record_failure(key, clock.now());
  }
  manual_clock clock;  // starts at 1'800'000'000'000 ms
  login_throttle throttle{max_failures, window};
};

TEST_F(DomainLoginThrottle, unknown_key_is_allowed) {
  EXPECT_TRUE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, allowed_until_max_failures) {
  for (int i = 0; i < max_failures; ++i) {
    EXPECT_TRUE(throttle.allowed("a@b.co", clock.now())) << "after " << i << " failures";
    throttle.record_failure("a@b.co", clock.now());
    clock.advance(1s);
  }
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, stays_blocked_for_the_rest_of_the_window) {
  fail_n("a@b.co", max_failures);
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));
  clock.advance(window - 1ms);
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, further_failures_while_blocked_keep_it_blocked) {
  fail_n("a@b.co", max_failures + 5);
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, allowed_again_once_the_window_has_passed) {
  fail_n("a@b.co", max_failures);
  clock.advance(window);
  EXPECT_TRUE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, window_counts_from_the_first_failure) {
  throttle.record_failure("a@b.co", clock.now());  // window starts here
  clock.advance(50s);
  fail_n("a@b.co", max_failures - 1);
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));
  clock.advance(10s);  // 60 s after the first failure, 10 s after the last
  EXPECT_TRUE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, failures_in_a_lapsed_window_do_not_count) {
  fail_n("a@b.co", max_failures - 1);
  clock.advance(window + 1s);
  // A new window: one failure now is the first, not the max-th.
  throttle.record_failure("a@b.co", clock.now());
  EXPECT_TRUE(throttle.allowed("a@b.co", clock.now()));
  fail_n("a@b.co", max_failures - 1);
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, after_the_window_a_full_set_of_failures_is_available_again) {
  fail_n("a@b.co", max_failures);
  clock.advance(window);
  ASSERT_TRUE(throttle.allowed("a@b.co", clock.now()));
  fail_n("a@b.co", max_failures - 1);
  EXPECT_TRUE(throttle.allowed("a@b.co", clock.now()));
  fail_n("a@b.co", 1);
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, success_resets_the_failures) {
  fail_n("a@b.co", max_failures - 1);
  throttle.record_success("a@b.co");
  fail_n("a@b.co", max_failures - 1);
  EXPECT_TRUE(throttle.allowed("a@b.co", clock.now()));
  fail_n("a@b.co", 1);
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, success_unblocks_a_blocked_key) {
  fail_n("a@b.co", max_failures);
  ASSERT_FALSE(throttle.allowed("a@b.co", clock.now()));
  throttle.record_success("a@b.co");
  EXPECT_TRUE(throttle.allowed("a@b.co", clock.now()));
}

TEST_F(DomainLoginThrottle, success_for_an_unknown_key_is_harmless) {
  throttle.record_success("nobody");
  EXPECT_TRUE(throttle.allowed("nobody", clock.now()));
}

TEST_F(DomainLoginThrottle, keys_are_independent) {
  fail_n("a@b.co", max_failures);
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));
  EXPECT_TRUE(throttle.allowed("c@d.co", clock.now()));
  EXPECT_TRUE(throttle.allowed("10.0.0.1", clock.now()));
  fail_n("c@d.co", max_failures - 1);
  EXPECT_TRUE(throttle.allowed("c@d.co", clock.now()));
  throttle.record_success("c@d.co");
  EXPECT_FALSE(throttle.allowed("a@b.co", clock.now()));  // other key's success changes nothing
}

TEST_F(DomainLoginThrottle, keys_are_case_sensitive_exact_strings) {
  fail_n("a@b.co", max_failures);
  EXPECT_TRUE(throttle.allowed("A@B.CO", clock.now()));
  EXPECT_TRUE(throttle.allowed("a@b.co ", clock.now()));
}

TEST_F(DomainLoginThrottle, pruning_other_keys_does_not_unblock_a_live_key) {
  // A first call arms the pruning schedule; later calls prune lapsed entries only.
  fail_n("old", max_failures);
  clock.advance(window / 2);
  fail_n("live", max_failures);
  clock.advance(window / 2 + 1ms);  // "old" lapsed, "live" has window/2 - 1 ms left
  EXPECT_TRUE(throttle.allowed("old", clock.now()));
  EXPECT_FALSE(throttle.allowed("live", clock.now()));
  clock.advance(window / 2);
  EXPECT_TRUE(throttle.allowed("live", clock.now()));
}

TEST_F(DomainLoginThrottle, max_failures_of_one_blocks_after_a_single_failure) {
  login_throttle strict{1, 10s};
  const sys_ms t0 = clock.now();
  EXPECT_TRUE(strict.allowed("k", t0));
  strict.record_failure("k", t0);
  EXPECT_FALSE(strict.allowed("k", t0 + 9999ms));
  EXPECT_TRUE(strict.allowed("k", t0 + 10s));
}

TEST_F(DomainLoginThrottle, works_with_explicit_times_near_the_epoch) {
  // Times are plain values: a throttle fed sys_ms near zero behaves the same.
  login_throttle t{2, 1s};
  const sys_ms t0{std::chrono::milliseconds{5}};
  t.record_failure("k", t0);
  t.record_failure("k", t0);
  EXPECT_FALSE(t.allowed("k", t0 + 999ms));
  EXPECT_TRUE(t.allowed("k", t0 + 1s));
}

}  // namespace
