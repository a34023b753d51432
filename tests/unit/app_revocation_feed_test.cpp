// The wire form of a revocation between instances: what one encodes the others decode, and
// anything else on the channel is refused rather than trusted.
#include <gtest/gtest.h>

#include "app/revocation_feed.hpp"

namespace seatd {
namespace {

TEST(revocation_wire, round_trips) {
  auto r = decode_revocation(encode_revocation("k3J9-x_Q", 1790000000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->jti, "k3J9-x_Q");
  EXPECT_EQ(r->exp, 1790000000);
}

TEST(revocation_wire, refuses_malformed_messages) {
  for (const char* bad : {"", "1790000000", "1790000000 ", "abc k3J9", "-5 k3J9", "0 k3J9",
                          "17x0 k3J9", "1790000000 a b", "99999999999999999999999 k3J9"})
    EXPECT_FALSE(decode_revocation(bad)) << bad;
  EXPECT_FALSE(decode_revocation("1790000000 " + std::string(129, 'a')));
  EXPECT_TRUE(decode_revocation("1790000000 " + std::string(128, 'a')));
}

// Revocations re-read from the database (at startup, after every Redis resubscribe) keep their
// token's expiry, rounded up to the second; they used to get INT64_MAX and never leave.
TEST(revocation_wire, stored_revocations_keep_their_expiry) {
  using std::chrono::milliseconds;
  EXPECT_EQ(revocation_expiry_seconds({"j", sys_ms{milliseconds{1'790'000'000'000}}}),
            1'790'000'000);
  EXPECT_EQ(revocation_expiry_seconds({"j", sys_ms{milliseconds{1'790'000'000'001}}}),
            1'790'000'001);
  auth::revocation_list list;
  list.add("j", revocation_expiry_seconds({"j", sys_ms{milliseconds{1'790'000'000'000}}}));
  EXPECT_TRUE(list.contains("j", 1'789'999'999));
  EXPECT_FALSE(list.contains("j", 1'790'000'000));
  EXPECT_EQ(list.size(), 0u);
}

}  // namespace
}  // namespace seatd
