// redis:// URL parsing.
#include <gtest/gtest.h>

#include "redis/endpoint.hpp"
#include "redis/errc.hpp"

namespace seatd::redis {
namespace {

TEST(redis_endpoint, host_and_port) {
  auto ep = parse_url("redis://cache.internal:6380");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "cache.internal");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->db, 0);
  EXPECT_TRUE(ep->password.empty());
  EXPECT_TRUE(ep->username.empty());
}

TEST(redis_endpoint, defaults_port_and_db) {
  auto ep = parse_url("redis://localhost");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->port, 6379);
  EXPECT_EQ(ep->db, 0);
  EXPECT_TRUE(parse_url("redis://localhost/"));
}

TEST(redis_endpoint, password_user_and_db) {
  auto ep = parse_url("redis://:s3cret@10.0.0.5:6379/3");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->password, "s3cret");
  EXPECT_TRUE(ep->username.empty());
  EXPECT_EQ(ep->host, "10.0.0.5");
  EXPECT_EQ(ep->db, 3);

  auto acl = parse_url("redis://seatd:p%40ss%3Aw@host/1");
  ASSERT_TRUE(acl);
  EXPECT_EQ(acl->username, "seatd");
  EXPECT_EQ(acl->password, "p@ss:w");
}

TEST(redis_endpoint, bracketed_ipv6) {
  auto ep = parse_url("redis://[::1]:7000/2");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 7000);
  EXPECT_EQ(ep->db, 2);
  EXPECT_EQ(ep->redacted(), "redis://[::1]:7000/2");
}

TEST(redis_endpoint, redacted_hides_the_password) {
  auto ep = parse_url("redis://u:secret@h:1/4");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->redacted(), "redis://u:***@h:1/4");
}

TEST(redis_endpoint, rejects_malformed_urls) {
  for (const char* bad :
       {"", "http://h", "rediss://h:6379", "redis://", "redis://:6379", "redis://h:",
        "redis://h:0", "redis://h:65536", "redis://h:12ab", "redis://h/x", "redis://h/-1",
        "redis://h?db=1", "redis://nopassword@h", "redis://:%zz@h", "redis://:%4@h",
        "redis://[::1", "redis://[::1]x"}) {
    auto ep = parse_url(bad);
    ASSERT_FALSE(ep) << bad;
    EXPECT_EQ(ep.error(), errc::bad_url) << bad;
  }
}

}  // namespace
}  // namespace seatd::redis
