// viewer_admission: the per-client cap on open live seat map viewers, and the key a client is
// counted under.
#include <gtest/gtest.h>

#include <vector>

#include "realtime/viewer_admission.hpp"

namespace seatd::realtime {
namespace {

using boost::asio::ip::make_address;

TEST(viewer_admission, refuses_past_the_cap_per_client_and_gives_places_back) {
  viewer_admission a(2);
  auto t1 = a.admit("10.0.0.1");
  auto t2 = a.admit("10.0.0.1");
  ASSERT_TRUE(t1);
  ASSERT_TRUE(t2);
  EXPECT_FALSE(a.admit("10.0.0.1"));
  EXPECT_TRUE(a.admit("10.0.0.2"));  // another client is not affected (and its ticket is gone)
  EXPECT_EQ(a.open("10.0.0.1"), 2u);
  t1.reset();
  EXPECT_EQ(a.open("10.0.0.1"), 1u);
  auto t3 = a.admit("10.0.0.1");
  EXPECT_TRUE(t3);
}

TEST(viewer_admission, the_map_holds_only_clients_with_a_viewer_open) {
  viewer_admission a(64);
  for (int i = 0; i < 10'000; ++i) {
    auto t = a.admit("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
    ASSERT_TRUE(t);
  }
  EXPECT_EQ(a.clients(), 0u);
  std::vector<viewer_admission::ticket> open;
  for (int i = 0; i < 3; ++i) open.push_back(std::move(*a.admit("c")));
  EXPECT_EQ(a.clients(), 1u);
  open.clear();
  EXPECT_EQ(a.clients(), 0u);
}

TEST(viewer_admission, zero_means_no_cap) {
  viewer_admission a(0);
  std::vector<viewer_admission::ticket> open;
  for (int i = 0; i < 1000; ++i) {
    auto t = a.admit("10.0.0.1");
    ASSERT_TRUE(t);
    open.push_back(std::move(*t));
  }
  EXPECT_EQ(a.open("10.0.0.1"), 1000u);
}

TEST(viewer_admission, a_moved_ticket_is_given_back_once) {
  viewer_admission a(1);
  {
    auto t = a.admit("x");
    ASSERT_TRUE(t);
    viewer_admission::ticket moved(std::move(*t));
    t.reset();
    EXPECT_EQ(a.open("x"), 1u);
    auto other = a.admit("y");
    ASSERT_TRUE(other);
    moved = std::move(*other);  // x's place is given back, y's is now held by `moved`
    EXPECT_EQ(a.open("x"), 0u);
    EXPECT_EQ(a.open("y"), 1u);
  }
  EXPECT_EQ(a.clients(), 0u);
}

TEST(client_key, ipv4_as_is_ipv6_by_its_slash_64) {
  EXPECT_EQ(client_key(make_address("192.0.2.7")), "192.0.2.7");
  EXPECT_EQ(client_key(make_address("::ffff:192.0.2.7")), "192.0.2.7");
  EXPECT_EQ(client_key(make_address("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            client_key(make_address("2001:db8:1:2::1")));
  EXPECT_NE(client_key(make_address("2001:db8:1:2::1")),
            client_key(make_address("2001:db8:1:3::1")));
}

}  // namespace
}  // namespace seatd::realtime
