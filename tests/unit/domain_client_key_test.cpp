#include <gtest/gtest.h>

#include "domain/client_key.hpp"

namespace {

using seatd::client_key;

TEST(domain_client_key, ipv4_is_itself) {
  EXPECT_EQ(client_key("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(client_key("127.0.0.1"), "127.0.0.1");
}

TEST(domain_client_key, ipv6_is_grouped_by_its_64) {
  EXPECT_EQ(client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  // Any host in the same /64 is the same client, however it is spelled.
  EXPECT_EQ(client_key("2001:0db8:0001:0002::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(client_key("2001:DB8:1:2:ffff::"), "2001:db8:1:2::/64");
  EXPECT_NE(client_key("2001:db8:1:3::1"), client_key("2001:db8:1:2::1"));
  EXPECT_EQ(client_key("::1"), "0:0:0:0::/64");
  EXPECT_EQ(client_key("fe80::1%eth0"), "fe80:0:0:0::/64");
}

TEST(domain_client_key, ipv4_mapped_ipv6_is_the_ipv4_address) {
  EXPECT_EQ(client_key("::ffff:198.51.100.9"), "198.51.100.9");
}

TEST(domain_client_key, anything_else_is_kept_bounded) {
  EXPECT_EQ(client_key("unix"), "unix");
  EXPECT_EQ(client_key(""), "");
  EXPECT_LE(client_key(std::string(5000, 'x')).size(), 64u);
}

}  // namespace
