#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "auth/revocation_list.hpp"

namespace {

using seatd::auth::revocation_list;

TEST(auth_revocation, contains_until_expiry) {
  revocation_list r;
  r.add("jti-1", 1000);
  EXPECT_TRUE(r.contains("jti-1", 0));
  EXPECT_TRUE(r.contains("jti-1", 999));
  EXPECT_FALSE(r.contains("jti-1", 1000));  // the token itself has expired by now
  EXPECT_FALSE(r.contains("jti-1", 5000));
  EXPECT_FALSE(r.contains("jti-2", 0));
  EXPECT_FALSE(r.contains("", 0));
}

TEST(auth_revocation, re_add_keeps_later_expiry) {
  revocation_list r;
  r.add("j", 2000);
  r.add("j", 1000);
  EXPECT_TRUE(r.contains("j", 1500));
  r.add("j", 3000);
  EXPECT_TRUE(r.contains("j", 2500));
  EXPECT_EQ(r.size(), 1U);
}

TEST(auth_revocation, prunes_lapsed_entries_as_time_passes) {
  revocation_list r;
  r.add("a", 100);
  r.add("b", 200);
  r.add("c", 10'000);
  EXPECT_EQ(r.size(), 3U);
  EXPECT_TRUE(r.contains("c", 150));  // "a" lapsed and is gone
  EXPECT_EQ(r.size(), 2U);
  EXPECT_FALSE(r.contains("b", 205));
  EXPECT_EQ(r.size(), 1U);
  EXPECT_FALSE(r.contains("c", 10'000));
  EXPECT_EQ(r.size(), 0U);
}

TEST(auth_revocation, re_add_with_later_expiry_is_pruned_at_the_later_one) {
  revocation_list r;
  r.add("j", 100);
  r.add("j", 300);
  EXPECT_TRUE(r.contains("j", 150));
  EXPECT_EQ(r.size(), 1U);
  EXPECT_FALSE(r.contains("j", 300));
  EXPECT_EQ(r.size(), 0U);
}

// Entries re-read from the database used to get exp = INT64_MAX and never left; with real
// expiries a month of logouts does not pile up.
TEST(auth_revocation, stays_flat_while_tokens_come_and_go) {
  revocation_list r;
  std::int64_t now = 1'800'000'000;
  for (int hour = 0; hour < 24 * 30; ++hour) {
    for (int i = 0; i < 100; ++i) r.add(std::to_string(hour) + "-" + std::to_string(i), now + 3600);
    now += 3600;
    EXPECT_FALSE(r.contains("nobody", now));
  }
  EXPECT_LE(r.size(), 100U);
}

TEST(auth_revocation, bounded_dropping_the_one_that_lapses_soonest) {
  revocation_list r(3);
  EXPECT_EQ(r.capacity(), 3U);
  EXPECT_TRUE(r.add("late", 900));
  EXPECT_TRUE(r.add("soon", 200));
  EXPECT_TRUE(r.add("mid", 500));
  EXPECT_FALSE(r.add("new", 800));  // full: "soon" goes
  EXPECT_EQ(r.size(), 3U);
  EXPECT_FALSE(r.contains("soon", 100));
  EXPECT_TRUE(r.contains("late", 100));
  EXPECT_TRUE(r.contains("mid", 100));
  EXPECT_TRUE(r.contains("new", 100));
  for (int i = 0; i < 1000; ++i) r.add("x" + std::to_string(i), 1000 + i);
  EXPECT_EQ(r.size(), 3U);
}

TEST(auth_revocation, concurrent_use) {
  revocation_list r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        r.add(id, 1'000'000);
        EXPECT_TRUE(r.contains(id, i));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(r.size(), 2000U);
}

}  // namespace
