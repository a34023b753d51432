#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "domain/clock.hpp"
#include "domain/login_throttle.hpp"

namespace {

using namespace std::chrono_literals;
using seatd::login_throttle;
using seatd::manual_clock;
using seatd::sys_ms;
using seatd::throttle_policy;

constexpr std::chrono::milliseconds window = 60s;

throttle_policy hard(int max) {
  return {.max_attempts = max, .window = window, .free_attempts = max};
}

class domain_login_throttle : public ::testing::Test {
 protected:
  // n attempts that all failed (reserved and never refunded).
  void fail_n(login_throttle& t, const std::string& key, int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(t.acquire(key, clock.now())) << "attempt " << i;
  }
  manual_clock clock;  // starts at 1'800'000'000'000 ms
  login_throttle throttle{hard(3)};
};

TEST_F(domain_login_throttle, unknown_key_is_allowed) {
  EXPECT_TRUE(throttle.acquire("a@b.co", clock.now()));
}

TEST_F(domain_login_throttle, refused_after_max_attempts_for_the_rest_of_the_window) {
  fail_n(throttle, "k", 3);
  auto a = throttle.acquire("k", clock.now());
  EXPECT_FALSE(a);
  EXPECT_EQ(a.retry_after, window);
  clock.advance(window - 1ms);
  a = throttle.acquire("k", clock.now());
  EXPECT_FALSE(a);
  EXPECT_EQ(a.retry_after, 1ms);
  clock.advance(1ms);
  EXPECT_TRUE(throttle.acquire("k", clock.now()));
}

TEST_F(domain_login_throttle, refused_attempts_are_not_counted) {
  fail_n(throttle, "k", 3);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(throttle.acquire("k", clock.now()));
  clock.advance(window);
  fail_n(throttle, "k", 3);  // a full set again, not 100 behind
}

// The reported bypass: many concurrent attempts all passed a check made before any failure
// was recorded. A reservation counts at once, so exactly max_attempts get through.
TEST_F(domain_login_throttle, concurrent_attempts_cannot_exceed_the_limit) {
  login_throttle t{hard(10)};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 60; ++i)
    threads.emplace_back([&] {
      if (t.acquire("victim@x.co", clock.now())) ++admitted;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(admitted.load(), 10);
}

TEST_F(domain_login_throttle, refund_gives_an_attempt_back) {
  fail_n(throttle, "k", 3);
  throttle.refund("k");
  EXPECT_TRUE(throttle.acquire("k", clock.now()));
  EXPECT_FALSE(throttle.acquire("k", clock.now()));
  throttle.refund("unknown");  // harmless
}

TEST_F(domain_login_throttle, reset_forgets_the_key) {
  fail_n(throttle, "k", 3);
  throttle.reset("k");
  fail_n(throttle, "k", 3);
  EXPECT_FALSE(throttle.acquire("k", clock.now()));
}

TEST_F(domain_login_throttle, keys_are_independent) {
  fail_n(throttle, "10.0.0.1|a@b.co", 3);
  EXPECT_FALSE(throttle.acquire("10.0.0.1|a@b.co", clock.now()));
  // The owner of a@b.co, from another client, is not locked out.
  EXPECT_TRUE(throttle.acquire("10.0.0.2|a@b.co", clock.now()));
}

TEST_F(domain_login_throttle, progressive_delays_after_the_free_attempts) {
  login_throttle t{{.max_attempts = 100, .window = 10min, .free_attempts = 2,
                    .first_delay = 1s, .max_delay = 4s}};
  fail_n(t, "c", 2);
  EXPECT_TRUE(t.acquire("c", clock.now()));  // 3rd: allowed, the next must wait 1 s
  auto a = t.acquire("c", clock.now());
  EXPECT_FALSE(a);
  EXPECT_EQ(a.retry_after, 1s);
  clock.advance(1s);
  EXPECT_TRUE(t.acquire("c", clock.now()));  // 4th: next waits 2 s
  clock.advance(1999ms);
  EXPECT_EQ(t.acquire("c", clock.now()).retry_after, 1ms);
  clock.advance(1ms);
  EXPECT_TRUE(t.acquire("c", clock.now()));  // 5th: 4 s
  clock.advance(4s);
  EXPECT_TRUE(t.acquire("c", clock.now()));  // 6th: capped at 4 s
  clock.advance(3999ms);
  EXPECT_FALSE(t.acquire("c", clock.now()));
  clock.advance(1ms);
  EXPECT_TRUE(t.acquire("c", clock.now()));
}

TEST_F(domain_login_throttle, the_map_is_bounded_and_forgets_the_least_recently_used) {
  login_throttle t{{.max_attempts = 1, .window = window, .free_attempts = 1, .max_keys = 3}};
  for (int i = 0; i < 1000; ++i) t.acquire("spray" + std::to_string(i), clock.now());
  EXPECT_EQ(t.size(), 3u);
  login_throttle u{{.max_attempts = 1, .window = window, .free_attempts = 1, .max_keys = 2}};
  ASSERT_TRUE(u.acquire("a", clock.now()));
  ASSERT_TRUE(u.acquire("b", clock.now()));
  EXPECT_FALSE(u.acquire("a", clock.now()));  // touches a: b is now the oldest
  ASSERT_TRUE(u.acquire("c", clock.now()));   // evicts b
  EXPECT_EQ(u.size(), 2u);
  EXPECT_FALSE(u.acquire("a", clock.now()));  // a kept its count
  EXPECT_TRUE(u.acquire("b", clock.now()));   // b was forgotten
}

TEST_F(domain_login_throttle, lapsed_keys_are_pruned) {
  for (int i = 0; i < 50; ++i) throttle.acquire("k" + std::to_string(i), clock.now());
  EXPECT_EQ(throttle.size(), 50u);
  clock.advance(window);
  throttle.acquire("fresh", clock.now());
  EXPECT_EQ(throttle.size(), 1u);
}

TEST_F(domain_login_throttle, window_counts_from_the_first_attempt) {
  fail_n(throttle, "k", 1);
  clock.advance(50s);
  fail_n(throttle, "k", 2);
  EXPECT_FALSE(throttle.acquire("k", clock.now()));
  clock.advance(10s);  // 60 s after the first attempt
  EXPECT_TRUE(throttle.acquire("k", clock.now()));
}

}  // namespace
