#include <gtest/gtest.h>

#include <string>

#include "auth/base64url.hpp"

namespace {

using seatd::auth::base64url_decode;
using seatd::auth::base64url_encode;

TEST(auth_base64url, known_vectors_without_padding) {
  // RFC 4648 section 10 vectors, padding stripped.
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_decode("Zm9vYmE"), std::optional<std::string>("fooba"));
}

TEST(auth_base64url, uses_url_alphabet) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64url_decode("-_-_"), std::optional<std::string>(bytes));
}

TEST(auth_base64url, round_trips_every_length) {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    auto decoded = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(decoded.has_value()) << n;
    EXPECT_EQ(*decoded, bytes);
    bytes.push_back(static_cast<char>((n * 37 + 11) & 0xFF));
  }
}

TEST(auth_base64url, rejects_non_canonical_input) {
  EXPECT_FALSE(base64url_decode("Zg=="));   // padding
  EXPECT_FALSE(base64url_decode("Zm8="));   // padding
  EXPECT_FALSE(base64url_decode("+/+/"));   // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm9v Yg"));  // whitespace
  EXPECT_FALSE(base64url_decode("Zm9v\nYg"));
  EXPECT_FALSE(base64url_decode("Z"));      // 4n+1 characters
  EXPECT_FALSE(base64url_decode("Zm9vY"));
  EXPECT_FALSE(base64url_decode("Zh"));     // non-zero trailing bits ("Zg" is canonical)
  EXPECT_FALSE(base64url_decode("Zm9"));    // "Zm8" is canonical
  EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)));
  EXPECT_FALSE(base64url_decode("Zm\xc3\xa9v"));
}

}  // namespace
