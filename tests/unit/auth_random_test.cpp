#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "auth/random.hpp"
#include "util/random_secret.hpp"
#include "auth/base64url.hpp"
#include "auth_test_support.hpp"

namespace {

// Plain character checks rather than std::regex: GCC 12 emits -Wmaybe-uninitialized false
// positives inside <regex> in optimised builds, which -Werror turns into failures.
bool all_of_chars(std::string_view s, std::string_view allowed) {
  return s.find_first_not_of(allowed) == std::string_view::npos;
}
constexpr std::string_view upper_hex = "0123456789ABCDEF";
constexpr std::string_view lower_hex = "0123456789abcdef";
constexpr std::string_view url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

TEST(auth_random, booking_number_format) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string n = seatd::auth::random_booking_number();
    ASSERT_EQ(n.size(), 10U) << n;
    EXPECT_EQ(n.substr(0, 4), "ABC-") << n;
    EXPECT_TRUE(all_of_chars(n.substr(4), upper_hex)) << n;
    seen.insert(n);
  }
  // 2^24 possibilities: 1000 draws collide a few times at most (expected ~0.03).
  EXPECT_GE(seen.size(), 995U);
}

TEST(auth_random, token_id_is128_bit_base64url) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = seatd::auth::random_token_id();
    EXPECT_EQ(id.size(), 22U) << id;
    EXPECT_TRUE(all_of_chars(id, url_alphabet)) << id;
    const auto raw = seatd::auth::base64url_decode(id);
    ASSERT_TRUE(raw.has_value());
    EXPECT_EQ(raw->size(), 16U);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000U);
}

TEST(auth_random, secret_is_hex) {
  const std::string s = seatd::random_secret(32);
  EXPECT_EQ(s.size(), 64U);
  EXPECT_TRUE(all_of_chars(s, lower_hex)) << s;
  EXPECT_NE(s, seatd::random_secret(32));
  EXPECT_EQ(seatd::random_secret(0), "");
  EXPECT_EQ(seatd::random_secret(1).size(), 2U);
}

}  // namespace
