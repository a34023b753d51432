#include <gtest/gtest.h>

#include <string>

#include "auth/email.hpp"

namespace {

using seatd::auth::valid_email;

TEST(auth_email, accepts_ordinary_addresses) {
  for (const char* e : {
           "a@b.co",
           "rider@example.com",
           "First.Last@Example.COM",
           "user+tag@mail.example.org",
           "o'brien@example.ie",
           "x_y-z!#$%&*=?^`{|}~@sub-domain.example.travel",
           "1234@123.example.io",
           "a@xn--bcher-kva.example",
       }) {
    EXPECT_TRUE(valid_email(e)) << e;
  }
}

TEST(auth_email, rejects_malformed_addresses) {
  for (const char* e : {
           "",
           "plain",
           "@example.com",           // empty local part
           "user@",                  // empty domain
           "user@@example.com",
           "a@b@example.com",        // two '@'
           "user@localhost",         // no dot
           "user@example.c",         // 1-letter TLD
           "user@example.c0m",       // TLD not letters
           "user@example.123",
           "user@.example.com",      // empty label
           "user@example..com",
           "user@example.com.",      // trailing dot
           "user@-example.com",      // label starts with '-'
           "user@example-.com",      // label ends with '-'
           "user@exa_mple.com",      // '_' not allowed in host names
           "us er@example.com",      // space
           "user@exa mple.com",
           " user@example.com",
           "user@example.com ",
           "\"user\"@example.com",   // quoted local part
           "us(er)@example.com",
           "us,er@example.com",
           "us:er@example.com",
           "us;er@example.com",
           "us<er>@example.com",
           "us[er]@example.com",
           "us\\er@example.com",
           "us\ter@example.com",
           "us\xc3\xa9r@example.com",  // non-ASCII
           "user@ex\xc3\xa4mple.com",
           "user@[127.0.0.1]",
       }) {
    EXPECT_FALSE(valid_email(e)) << e;
  }
  EXPECT_FALSE(valid_email(std::string("us\0er@example.com", 17)));
}

TEST(auth_email, length_limits) {
  const std::string local64(64, 'l');
  EXPECT_TRUE(valid_email(local64 + "@example.com"));
  EXPECT_FALSE(valid_email(local64 + "l@example.com"));

  const std::string label63(63, 'd');
  EXPECT_TRUE(valid_email("u@" + label63 + ".com"));
  EXPECT_FALSE(valid_email("u@" + label63 + "d.com"));

  // 254 characters in all is the limit: u@ + 4 labels of 61 + dots + "com".
  std::string domain;
  for (int i = 0; i < 4; ++i) domain += std::string(61, 'a' + i) + ".";
  domain += "com";  // 4*62 + 3 = 251
  ASSERT_EQ(("u@" + domain).size(), 253U);
  EXPECT_TRUE(valid_email("u@" + domain));
  EXPECT_TRUE(valid_email("uu@" + domain));   // 254
  EXPECT_FALSE(valid_email("uuu@" + domain));  // 255
}

}  // namespace
