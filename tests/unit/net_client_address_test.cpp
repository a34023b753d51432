#include <gtest/gtest.h>

#include <stdexcept>

#include "net/client_address.hpp"

namespace {

using seatd::net::client_address;
using seatd::net::trusted_proxies;
namespace ip = boost::asio::ip;

ip::address a(const char* s) { return ip::make_address(s); }

TEST(net_trusted_proxies, parses_ipv4_and_ipv6_ranges_and_single_addresses) {
  auto t = trusted_proxies::parse(" 10.0.0.0/8, 192.168.1.7 ,2001:db8::/32,::1, 172.16.0.0/12");
  EXPECT_TRUE(t.contains(a("10.255.1.2")));
  EXPECT_FALSE(t.contains(a("11.0.0.1")));
  EXPECT_TRUE(t.contains(a("192.168.1.7")));
  EXPECT_FALSE(t.contains(a("192.168.1.8")));
  EXPECT_TRUE(t.contains(a("2001:db8:ffff::1")));
  EXPECT_FALSE(t.contains(a("2001:db9::1")));
  EXPECT_TRUE(t.contains(a("::1")));
  EXPECT_TRUE(t.contains(a("172.31.255.255")));  // /12: a prefix inside a byte
  EXPECT_FALSE(t.contains(a("172.32.0.0")));
  EXPECT_TRUE(t.contains(a("::ffff:10.0.0.1")));  // what a dual-stack socket reports
}

TEST(net_trusted_proxies, empty_list_trusts_nobody) {
  EXPECT_TRUE(trusted_proxies::parse("").empty());
  EXPECT_TRUE(trusted_proxies::parse(" , ").empty());
  EXPECT_FALSE(trusted_proxies::parse("").contains(a("127.0.0.1")));
}

TEST(net_trusted_proxies, zero_prefix_matches_every_address_of_its_family) {
  auto t = trusted_proxies::parse("0.0.0.0/0");
  EXPECT_TRUE(t.contains(a("8.8.8.8")));
  EXPECT_FALSE(t.contains(a("2001:db8::1")));
}

TEST(net_trusted_proxies, bad_entries_are_rejected) {
  for (auto bad : {"10.0.0.0/33", "::/129", "10.0.0/8", "example.com", "10.0.0.0/", "10.0.0.0/x",
                   "10.0.0.0/8/8", "1.2.3.4, nonsense"})
    EXPECT_THROW(trusted_proxies::parse(bad), std::invalid_argument) << bad;
}

TEST(net_client_address, an_untrusted_peer_is_the_client_whatever_it_forwards) {
  auto t = trusted_proxies::parse("10.0.0.0/8");
  EXPECT_EQ(client_address(t, a("203.0.113.5"), "1.2.3.4"), "203.0.113.5");
  EXPECT_EQ(client_address(trusted_proxies{}, a("127.0.0.1"), "1.2.3.4"), "127.0.0.1");
}

TEST(net_client_address, behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client) {
  auto t = trusted_proxies::parse("10.0.0.0/8");
  // The client may write anything on the left; only what the proxies appended counts.
  EXPECT_EQ(client_address(t, a("10.0.0.2"), "6.6.6.6, 198.51.100.4, 10.0.0.9"), "198.51.100.4");
  EXPECT_EQ(client_address(t, a("10.0.0.2"), "198.51.100.4"), "198.51.100.4");
  EXPECT_EQ(client_address(t, a("10.0.0.2"), " 2001:db8::7 "), "2001:db8::7");
  EXPECT_EQ(client_address(t, a("10.0.0.2"), "[2001:db8::7]:4711"), "2001:db8::7");
  EXPECT_EQ(client_address(t, a("10.0.0.2"), "198.51.100.4:4711"), "198.51.100.4");
  EXPECT_EQ(client_address(t, a("::ffff:10.0.0.2"), "::ffff:198.51.100.4"), "198.51.100.4");
}

TEST(net_client_address, missing_or_unusable_forwarded_for_falls_back_to_the_last_trusted_hop) {
  auto t = trusted_proxies::parse("10.0.0.0/8");
  EXPECT_EQ(client_address(t, a("10.0.0.2"), ""), "10.0.0.2");
  EXPECT_EQ(client_address(t, a("10.0.0.2"), "garbage"), "10.0.0.2");
  EXPECT_EQ(client_address(t, a("10.0.0.2"), "198.51.100.4, garbage, 10.0.0.3"), "10.0.0.3");
  // Every hop trusted: the left-most is as far as anyone vouches.
  EXPECT_EQ(client_address(t, a("10.0.0.2"), "10.9.9.9, 10.0.0.3"), "10.9.9.9");
  EXPECT_EQ(client_address(t, a("10.0.0.2"), ",,198.51.100.4,,"), "198.51.100.4");
}

}  // namespace
