#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "auth/auth.hpp"

namespace {

using seatd::auth::revocation_list;

TEST(AuthRevocation, ContainsUntilExpiry) {
  revocation_list r;
  r.add("jti-1", 1000);
  EXPECT_TRUE(r.contains("jti-1", 0));
  EXPECT_TRUE(r.contains("jti-1", 999));
  EXPECT_FALSE(r.contains("jti-1", 1000));  // the token itself has expired by now
  EXPECT_FALSE(r.contains("jti-1", 5000));
  EXPECT_FALSE(r.contains("jti-2", 0));
  EXPECT_FALSE(r.contains("", 0));
}

TEST(AuthRevocation, ReAddKeepsLaterExpiry) {
  revocation_list r;
  r.add("j", 2000);
  r.add("j", 1000);
  EXPECT_TRUE(r.contains("j", 1500));
  r.add("j", 3000);
  EXPECT_TRUE(r.contains("j", 2500));
  EXPECT_EQ(r.size(), 1U);
}

TEST(AuthRevocation, PrunesLapsedEntriesAtMostOncePerMinute) {
  revocation_list r;
  r.add("a", 100);
  r.add("b", 200);
  r.add("c", 10'000);
  EXPECT_EQ(r.size(), 3U);
  EXPECT_TRUE(r.contains("c", 150));  // first call prunes "a"
  EXPECT_EQ(r.size(), 2U);
  EXPECT_TRUE(r.contains("c", 205));  // within 60 s of the last prune: "b" stays stored
  EXPECT_EQ(r.size(), 2U);
  EXPECT_FALSE(r.contains("b", 205));  // ...but is no longer reported
  EXPECT_TRUE(r.contains("c", 210));  // 60 s after the prune at 150
  EXPECT_EQ(r.size(), 1U);
  EXPECT_FALSE(r.contains("c", 10'000));
  EXPECT_EQ(r.size(), 0U);
}

TEST(AuthRevocation, ConcurrentUse) {
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
