#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "auth/password.hpp"
#include "auth_test_support.hpp"

namespace {

using seatd::auth::hash_password;
using seatd::auth::test_cost;
using seatd::auth::verify_password;

TEST(auth_password, cost_presets) {
  EXPECT_EQ(seatd::auth::test_cost().ops, crypto_pwhash_OPSLIMIT_MIN);
  EXPECT_EQ(seatd::auth::test_cost().mem, crypto_pwhash_MEMLIMIT_MIN);
  EXPECT_EQ(seatd::auth::interactive_cost().ops, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(seatd::auth::interactive_cost().mem, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

TEST(auth_password, hash_is_argon2id_and_verifies) {
  const std::string h = hash_password("correct horse", test_cost());
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0U) << h;
  EXPECT_TRUE(verify_password(h, "correct horse"));
}

TEST(auth_password, wrong_password_refused) {
  const std::string h = hash_password("correct horse", test_cost());
  EXPECT_FALSE(verify_password(h, "correct horsf"));
  EXPECT_FALSE(verify_password(h, "correct hors"));
  EXPECT_FALSE(verify_password(h, ""));
  EXPECT_FALSE(verify_password(h, std::string("correct horse\0", 14)));
}

TEST(auth_password, salted_so_hashes_differ) {
  const std::string a = hash_password("same", test_cost());
  const std::string b = hash_password("same", test_cost());
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(a, "same"));
  EXPECT_TRUE(verify_password(b, "same"));
}

TEST(auth_password, empty_and_binary_passwords) {
  const std::string empty = hash_password("", test_cost());
  EXPECT_TRUE(verify_password(empty, ""));
  EXPECT_FALSE(verify_password(empty, " "));
  const std::string binary("p\0w\xff\xc3\xa9", 6);  // embedded NUL is part of the password
  const std::string h = hash_password(binary, test_cost());
  EXPECT_TRUE(verify_password(h, binary));
  EXPECT_FALSE(verify_password(h, "p"));
}

TEST(auth_password, malformed_hash_refused) {
  const std::string h = hash_password("pw", test_cost());
  EXPECT_FALSE(verify_password("", "pw"));
  EXPECT_FALSE(verify_password("garbage", "pw"));
  EXPECT_FALSE(verify_password("$argon2id$", "pw"));
  EXPECT_FALSE(verify_password(h.substr(0, h.size() - 5), "pw"));   // truncated
  EXPECT_FALSE(verify_password(h + std::string("\0", 1), "pw"));     // embedded NUL
  EXPECT_FALSE(verify_password(h + std::string(200, 'A'), "pw"));    // too long
  std::string flipped = h;
  flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_password(flipped, "pw"));                     // altered digest
}

TEST(auth_password, acceptable_passwords) {
  using seatd::auth::acceptable_password;
  EXPECT_TRUE(acceptable_password("secret"));
  EXPECT_TRUE(acceptable_password("  a   "));
  EXPECT_TRUE(acceptable_password(std::string(128, 'p')));
  EXPECT_FALSE(acceptable_password("      "));  // six spaces
  EXPECT_FALSE(acceptable_password(" \t\n\r \f"));
  EXPECT_FALSE(acceptable_password("12345"));
  EXPECT_FALSE(acceptable_password(std::string(129, 'p')));
}

// Parameters of an encoded Argon2id hash: "$argon2id$v=19$m=...,t=...,p=...$salt$hash".
std::string params_of(const std::string& encoded) {
  auto start = encoded.find("$m=");
  return encoded.substr(start, encoded.find('$', start + 1) - start);
}

// The decoy an unknown e-mail is checked against costs what a real hash costs (it used to be
// made with the test cost: ~1 ms against ~400 ms told which e-mails exist).
TEST(auth_password, decoy_has_the_cost_of_real_hashes) {
  using namespace seatd::auth;
  for (auto cost : {interactive_cost(), test_cost()}) {
    const std::string& decoy = decoy_hash(cost);
    EXPECT_EQ(params_of(decoy), params_of(hash_password("x", cost)));
    EXPECT_EQ(&decoy, &decoy_hash(cost));  // made once
    EXPECT_FALSE(verify_password(decoy, "not-a-password"));
  }
  EXPECT_NE(params_of(decoy_hash(interactive_cost())), params_of(decoy_hash(test_cost())));
}

}  // namespace
