#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "auth/jwt_codec.hpp"
#include "auth/revocation_list.hpp"
#include "auth/token_verifier.hpp"
#include "auth_test_support.hpp"
#include "domain/clock.hpp"
#include "domain/errc.hpp"

namespace {

using namespace std::chrono_literals;
using seatd::errc;
using seatd::manual_clock;
using seatd::auth::claims;
using seatd::auth::jwt_codec;
using seatd::auth::revocation_list;
using seatd::auth::token_verifier;
namespace t = seatd::auth::testing;

class auth_token_verifier : public ::testing::Test {
 protected:
  manual_clock clock_;
  jwt_codec codec_{t::test_secret};
  revocation_list revoked_;

  claims make(std::string jti, std::int64_t lifetime_s = 3600) const {
    claims c;
    c.sub = "rider@example.com";
    c.id = 42;
    c.iat = t::seconds_of(clock_.now());
    c.exp = c.iat + lifetime_s;
    c.jti = std::move(jti);
    return c;
  }
  static void expect_forbidden(const seatd::result<claims>& r) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(errc::forbidden));
  }
};

TEST_F(auth_token_verifier, accepts_and_remembers_a_valid_token) {
  token_verifier v(codec_, revoked_, 8);
  const std::string token = codec_.sign(make("j1"));
  for (int i = 0; i < 3; ++i) {
    auto r = v.verify(token, clock_.now());
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->sub, "rider@example.com");
    EXPECT_EQ(r->id, 42);
    EXPECT_EQ(r->jti, "j1");
  }
  EXPECT_EQ(v.size(), 1u);
}

TEST_F(auth_token_verifier, refuses_what_the_codec_refuses_and_never_caches_it) {
  token_verifier v(codec_, revoked_, 8);
  expect_forbidden(v.verify("", clock_.now()));
  expect_forbidden(v.verify("a.b", clock_.now()));
  expect_forbidden(v.verify(t::forge(t::std_header, t::good_payload(), "another-secret-0123456789abcdef"),
                            clock_.now()));
  expect_forbidden(v.verify(t::forge(R"({"alg":"none","typ":"JWT"})", t::good_payload()),
                            clock_.now()));
  EXPECT_EQ(v.size(), 0u);
}

TEST_F(auth_token_verifier, cached_token_still_expires_on_time) {
  token_verifier v(codec_, revoked_, 8);
  const std::string token = codec_.sign(make("j1", 10));
  ASSERT_TRUE(v.verify(token, clock_.now()).has_value());
  clock_.advance(9999ms);
  EXPECT_TRUE(v.verify(token, clock_.now()).has_value());  // cached, still valid
  clock_.advance(1ms);                                       // now == exp: lapsed
  expect_forbidden(v.verify(token, clock_.now()));
  EXPECT_EQ(v.size(), 0u);  // a lapsed entry is dropped when it is met
  expect_forbidden(v.verify(token, clock_.now()));
}

TEST_F(auth_token_verifier, revocation_takes_effect_immediately_on_a_cached_token) {
  token_verifier v(codec_, revoked_, 8);
  const auto c = make("to-revoke");
  const std::string token = codec_.sign(c);
  ASSERT_TRUE(v.verify(token, clock_.now()).has_value());
  ASSERT_TRUE(v.verify(token, clock_.now()).has_value());  // now served from the cache
  revoked_.add(c.jti, c.exp);
  expect_forbidden(v.verify(token, clock_.now()));
  // Another token of the same user is unaffected.
  EXPECT_TRUE(v.verify(codec_.sign(make("other")), clock_.now()).has_value());
}

TEST_F(auth_token_verifier, revoked_token_is_not_accepted_on_first_sight_either) {
  token_verifier v(codec_, revoked_, 8);
  const auto c = make("revoked-first");
  revoked_.add(c.jti, c.exp);
  expect_forbidden(v.verify(codec_.sign(c), clock_.now()));
  EXPECT_EQ(v.size(), 0u);
}

TEST_F(auth_token_verifier, same_signature_with_other_bytes_is_not_a_cache_hit) {
  token_verifier v(codec_, revoked_, 8);
  const std::string token = codec_.sign(make("j1"));
  ASSERT_TRUE(v.verify(token, clock_.now()).has_value());
  // The cached token's signature glued to another header and payload: the lookup key matches,
  // the bytes do not, and the full check refuses it.
  const auto sig = token.substr(token.rfind('.'));
  const std::string graft = t::b64(t::std_header) + "." +
                            t::b64(R"({"sub":"admin@example.com","id":1,"exp":1900000000})") + sig;
  expect_forbidden(v.verify(graft, clock_.now()));
  EXPECT_TRUE(v.verify(token, clock_.now()).has_value());
}

TEST_F(auth_token_verifier, stays_within_its_capacity_oldest_first) {
  constexpr std::size_t cap = 4;
  token_verifier v(codec_, revoked_, cap);
  std::vector<std::string> tokens;
  for (int i = 0; i < 10; ++i) tokens.push_back(codec_.sign(make("j" + std::to_string(i))));
  for (const auto& tok : tokens) {
    ASSERT_TRUE(v.verify(tok, clock_.now()).has_value());
    EXPECT_LE(v.size(), cap);
  }
  EXPECT_EQ(v.size(), cap);
  // Evicted tokens are still valid: they are checked in full again (and remembered again).
  for (const auto& tok : tokens) {
    EXPECT_TRUE(v.verify(tok, clock_.now()).has_value());
    EXPECT_LE(v.size(), cap);
  }
}

TEST_F(auth_token_verifier, capacity_holds_when_lapsed_entries_are_replaced) {
  // Entries dropped early (expired) leave their ring slot behind; re-filling must still not
  // exceed the bound.
  constexpr std::size_t cap = 3;
  token_verifier v(codec_, revoked_, cap);
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 3; ++i) {
      auto tok = codec_.sign(make("r" + std::to_string(round) + "-" + std::to_string(i), 1));
      ASSERT_TRUE(v.verify(tok, clock_.now()).has_value());
      ASSERT_TRUE(v.verify(tok, clock_.now()).has_value());
      EXPECT_LE(v.size(), cap);
    }
    clock_.advance(1s);
  }
}

}  // namespace
