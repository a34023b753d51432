// parse_listen_address: SEATD_METRICS_LISTEN's HOST:PORT, IPv4 and bracketed IPv6, refused
// with a message when the port or the address is missing or wrong.
#include <gtest/gtest.h>

#include <stdexcept>

#include "net/listen_address.hpp"

namespace seatd::net {
namespace {

TEST(net_listen_address, ipv4_and_bracketed_ipv6_with_a_port) {
  auto a = parse_listen_address("127.0.0.1:9100");
  EXPECT_EQ(a.address().to_string(), "127.0.0.1");
  EXPECT_EQ(a.port(), 9100);
  auto b = parse_listen_address("[::1]:0");
  EXPECT_TRUE(b.address().is_v6());
  EXPECT_EQ(b.address().to_string(), "::1");
  EXPECT_EQ(b.port(), 0);
}

TEST(net_listen_address, refuses_what_cannot_be_bound_as_written) {
  for (const char* bad :
       {"", "127.0.0.1", "127.0.0.1:", ":9100", "localhost:9100", "127.0.0.1:65536", "127.0.0.1:-1",
        "127.0.0.1:9100x", "::1:9100", "[::1]", "300.0.0.1:1"})
    EXPECT_THROW(parse_listen_address(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace seatd::net
