#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "auth/jwt_codec.hpp"
#include "auth_test_support.hpp"
#include "domain/clock.hpp"
#include "domain/errc.hpp"

namespace {

using namespace std::chrono_literals;
using seatd::errc;
using seatd::manual_clock;
using seatd::auth::claims;
using seatd::auth::jwt_codec;
namespace t = seatd::auth::testing;

class auth_jwt : public ::testing::Test {
 protected:
  manual_clock clock_;
  jwt_codec codec_{t::test_secret};

  claims sample() const {
    claims c;
    c.sub = "rider@example.com";
    c.id = 42;
    c.iat = t::seconds_of(clock_.now());
    c.exp = c.iat + 3600;
    c.jti = "tok-123";
    return c;
  }

  void expect_forbidden(std::string_view token) const {
    auto r = codec_.verify(token, clock_.now());
    ASSERT_FALSE(r.has_value()) << "accepted: " << token;
    EXPECT_EQ(r.error(), make_error_code(errc::forbidden));
  }
  void expect_accepted(std::string_view token) const {
    auto r = codec_.verify(token, clock_.now());
    EXPECT_TRUE(r.has_value()) << "refused: " << token;
  }
};

TEST_F(auth_jwt, sign_verify_round_trip) {
  const claims c = sample();
  const std::string token = codec_.sign(c);
  auto r = codec_.verify(token, clock_.now());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->sub, c.sub);
  EXPECT_EQ(r->id, c.id);
  EXPECT_EQ(r->exp, c.exp);
  EXPECT_EQ(r->iat, c.iat);
  EXPECT_EQ(r->jti, c.jti);
}

TEST_F(auth_jwt, sign_emits_standard_header) {
  const std::string token = codec_.sign(sample());
  const auto dot = token.find('.');
  ASSERT_NE(dot, std::string::npos);
  EXPECT_EQ(seatd::auth::base64url_decode(token.substr(0, dot)),
            std::optional<std::string>(R"({"alg":"HS256","typ":"JWT"})"));
}

TEST_F(auth_jwt, matches_independent_implementation) {
  // Tokens computed with Python's hmac/base64 for the same claims: proves interoperability,
  // including a key longer than the SHA-256 block (hashed first by HMAC).
  claims c;
  c.sub = "a@b.co";
  c.id = 7;
  c.exp = 2000000000;
  c.iat = 1800000000;
  c.jti = "abc";
  const std::string body =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJzdWIiOiJhQGIuY28iLCJpZCI6NywiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjE4MDAwMDAwMDAsImp0aSI6ImFiYyJ9";
  EXPECT_EQ(jwt_codec("0123456789abcdef0123456789abcdef").sign(c),
            body + ".JJeVnJJTvRacz7viqcvYHWODKIFRkCPPsl4F7-uaysw");
  EXPECT_EQ(jwt_codec(std::string(100, 'k')).sign(c),
            body + ".IsxCoKdis997BMaqY88AIA3tWCxkNWSaVE7RgQKozn8");
}

TEST_F(auth_jwt, forge_helper_produces_accepted_tokens) {
  // Control for the hand-built tokens below: well-formed ones pass.
  expect_accepted(t::forge(t::std_header, t::good_payload()));
  expect_accepted(t::forge(R"({"alg":"HS256"})", t::good_payload()));  // typ is optional
  expect_accepted(t::forge(R"({"typ":"JWT","alg":"HS256","kid":"k1"})", t::good_payload()));
}

TEST_F(auth_jwt, expired_token_refused) {
  claims c = sample();
  c.exp = t::seconds_of(clock_.now()) + 60;
  const std::string token = codec_.sign(c);
  expect_accepted(token);
  clock_.advance(59s + 999ms);
  expect_accepted(token);
  clock_.advance(1ms);  // now == exp: expired
  expect_forbidden(token);
  clock_.advance(24h);
  expect_forbidden(token);
}

TEST_F(auth_jwt, tampered_payload_refused) {
  const std::string token = codec_.sign(sample());
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  claims evil = sample();
  evil.id = 1;  // try to become user 1
  const std::string other = codec_.sign(evil);
  const auto o1 = other.find('.');
  const auto o2 = other.find('.', o1 + 1);
  // Evil payload with the original signature.
  expect_forbidden(token.substr(0, d1 + 1) + other.substr(o1 + 1, o2 - o1 - 1) + token.substr(d2));
}

TEST_F(auth_jwt, tampered_signature_refused) {
  const std::string token = codec_.sign(sample());
  const auto d2 = token.rfind('.');
  for (std::size_t i = d2 + 1; i < token.size(); ++i) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    expect_forbidden(bad);
  }
  expect_forbidden(token.substr(0, d2 + 1));            // empty signature
  expect_forbidden(token.substr(0, token.size() - 4));  // truncated
  expect_forbidden(token + "AAAA");                     // extended
}

TEST_F(auth_jwt, wrong_secret_refused) {
  const std::string token = jwt_codec("another-secret-another-secret-xx").sign(sample());
  expect_forbidden(token);
  expect_forbidden(jwt_codec("").sign(sample()));
}

TEST_F(auth_jwt, alg_none_refused) {
  const std::string h = t::b64(R"({"alg":"none","typ":"JWT"})");
  const std::string p = t::b64(t::good_payload());
  expect_forbidden(h + "." + p + ".");
  expect_forbidden(h + "." + p);
  // Even with a genuine HS256 MAC over it, a header naming "none" is refused.
  expect_forbidden(t::forge(R"({"alg":"none","typ":"JWT"})", t::good_payload()));
  expect_forbidden(t::forge(R"({"alg":"None"})", t::good_payload()));
}

TEST_F(auth_jwt, other_algorithms_refused) {
  for (const char* header : {
           R"({"alg":"HS512","typ":"JWT"})",
           R"({"alg":"HS384","typ":"JWT"})",
           R"({"alg":"RS256","typ":"JWT"})",
           R"({"alg":"hs256","typ":"JWT"})",
           R"({"alg":"HS256 ","typ":"JWT"})",
           R"({"alg":"","typ":"JWT"})",
           R"({"alg":null,"typ":"JWT"})",
           R"({"alg":256,"typ":"JWT"})",
           R"({"alg":["HS256"],"typ":"JWT"})",
           R"({"typ":"JWT"})",
           R"({"alg":"HS256","typ":"jwt"})",
           R"({"alg":"HS256","typ":"JWS"})",
           R"({"alg":"HS256","typ":1})",
       }) {
    expect_forbidden(t::forge(header, t::good_payload()));
  }
}

TEST_F(auth_jwt, padding_refused) {
  const std::string token = codec_.sign(sample());
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  const std::string h = token.substr(0, d1);
  const std::string p = token.substr(d1 + 1, d2 - d1 - 1);
  // Padded segments, each correctly MACed as sent, so only the padding is at fault.
  expect_forbidden(t::forge_raw(h + "==", p));
  expect_forbidden(t::forge_raw(h, p + "="));
  expect_forbidden(t::forge_raw(h, p + "=="));
  // The 32-byte MAC encodes to 43 characters; standard padding would add one '='.
  expect_forbidden(token + "=");
  // A payload whose encoding needs padding, padded the standard way.
  std::string payload = t::good_payload();
  while (t::b64(payload).size() % 4 == 0) payload += " ";
  std::string padded = t::b64(payload);
  while (padded.size() % 4 != 0) padded += '=';
  expect_accepted(t::forge_raw(h, t::b64(payload)));
  expect_forbidden(t::forge_raw(h, padded));
}

TEST_F(auth_jwt, standard_alphabet_and_whitespace_refused) {
  const std::string token = codec_.sign(sample());
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  const std::string h = token.substr(0, d1);
  const std::string p = token.substr(d1 + 1, d2 - d1 - 1);
  expect_forbidden(t::forge_raw(h, p + " "));
  expect_forbidden(t::forge_raw(h, p.substr(0, 4) + "\n" + p.substr(4)));
  expect_forbidden(" " + token);
  expect_forbidden(token + "\n");
  // A payload with bytes that map to '+' / '/' in standard base64.
  const std::string json = R"({"sub":"a@b.co","id":7,"exp":1900000000,"jti":"j","x":"?>?"})";
  std::string std_b64 = t::b64(json);
  for (char& ch : std_b64) {
    if (ch == '-') ch = '+';
    if (ch == '_') ch = '/';
  }
  ASSERT_NE(std_b64, t::b64(json));
  expect_accepted(t::forge_raw(h, t::b64(json)));
  expect_forbidden(t::forge_raw(h, std_b64));
}

TEST_F(auth_jwt, non_canonical_trailing_bits_refused) {
  const std::string token = codec_.sign(sample());
  // 43rd signature character carries 2 unused bits; setting one keeps the MAC bytes but
  // makes the encoding non-canonical.
  std::string bad = token;
  char& last = bad.back();
  const std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  last = alphabet[alphabet.find(last) | 1];
  ASSERT_NE(bad, token);
  expect_forbidden(bad);
}

TEST_F(auth_jwt, wrong_segment_count_refused) {
  const std::string token = codec_.sign(sample());
  const auto d2 = token.rfind('.');
  expect_forbidden(token.substr(0, d2));            // 2 segments
  expect_forbidden(token + ".");                    // 4 segments, last empty
  expect_forbidden(token + "." + token.substr(d2 + 1));
  expect_forbidden(token.substr(0, d2) + "." + token.substr(0, d2));
  expect_forbidden("");
  expect_forbidden(".");
  expect_forbidden("..");
  expect_forbidden("...");
  expect_forbidden("abc");
  // 4 segments with a genuine MAC over the first three.
  const std::string h = t::b64(t::std_header);
  const std::string p = t::b64(t::good_payload());
  expect_forbidden(t::forge_raw(h, p + "." + p));
}

TEST_F(auth_jwt, non_json_header_refused) {
  for (const char* header : {"not json", "", "{", R"({"alg":"HS256")", R"(["alg","HS256"])",
                             R"("HS256")", "null", R"({"alg":"HS256"} x)",
                             R"({"alg":"HS256",})", R"({'alg':'HS256'})",
                             "{\"alg\":\"HS256\" /*c*/}"}) {
    expect_forbidden(t::forge(header, t::good_payload()));
  }
  // Invalid UTF-8 inside a string.
  expect_forbidden(t::forge("{\"alg\":\"HS256\",\"x\":\"\xff\"}", t::good_payload()));
}

TEST_F(auth_jwt, non_json_payload_refused) {
  for (const char* payload : {"", "not json", "[1,2]", "42", R"({"sub":"a@b.co","id":7)"}) {
    expect_forbidden(t::forge(t::std_header, payload));
  }
}

TEST_F(auth_jwt, id_must_be_positive_integer) {
  for (const char* payload : {
           R"({"sub":"a@b.co","id":"7","exp":1900000000})",
           R"({"sub":"a@b.co","id":0,"exp":1900000000})",
           R"({"sub":"a@b.co","id":-7,"exp":1900000000})",
           R"({"sub":"a@b.co","id":7.0,"exp":1900000000})",
           R"({"sub":"a@b.co","id":7e0,"exp":1900000000})",
           R"({"sub":"a@b.co","id":true,"exp":1900000000})",
           R"({"sub":"a@b.co","id":null,"exp":1900000000})",
           R"({"sub":"a@b.co","id":18446744073709551615,"exp":1900000000})",
           R"({"sub":"a@b.co","exp":1900000000})",
       }) {
    expect_forbidden(t::forge(t::std_header, payload));
  }
  auto r = codec_.verify(t::forge(t::std_header, R"({"sub":"a@b.co","id":9223372036854775807,"exp":1900000000,"jti":"j"})"),
                         clock_.now());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->id, 9223372036854775807LL);
}

TEST_F(auth_jwt, sub_must_be_non_empty_string) {
  for (const char* payload : {
           R"({"id":7,"exp":1900000000})",
           R"({"sub":"","id":7,"exp":1900000000})",
           R"({"sub":5,"id":7,"exp":1900000000})",
           R"({"sub":["a@b.co"],"id":7,"exp":1900000000})",
       }) {
    expect_forbidden(t::forge(t::std_header, payload));
  }
}

TEST_F(auth_jwt, exp_must_be_present_integer) {
  for (const char* payload : {
           R"({"sub":"a@b.co","id":7})",
           R"({"sub":"a@b.co","id":7,"exp":"1900000000"})",
           R"({"sub":"a@b.co","id":7,"exp":1.9e9})",
           R"({"sub":"a@b.co","id":7,"exp":null})",
           R"({"sub":"a@b.co","id":7,"exp":18446744073709551615})",
       }) {
    expect_forbidden(t::forge(t::std_header, payload));
  }
}

TEST_F(auth_jwt, iat_is_optional_jti_is_required) {
  auto r = codec_.verify(
      t::forge(t::std_header, R"({"sub":"a@b.co","id":7,"exp":1900000000,"jti":"j1"})"),
      clock_.now());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->iat, 0);
  EXPECT_EQ(r->jti, "j1");
  // A token without a jti could never be revoked by a logout: refused.
  expect_forbidden(t::forge(t::std_header, R"({"sub":"a@b.co","id":7,"exp":1900000000})"));
  expect_forbidden(
      t::forge(t::std_header, R"({"sub":"a@b.co","id":7,"exp":1900000000,"jti":""})"));
  claims c = sample();
  c.jti.clear();
  expect_forbidden(codec_.sign(c));
  expect_forbidden(
      t::forge(t::std_header, R"({"sub":"a@b.co","id":7,"exp":1900000000,"iat":"1"})"));
  expect_forbidden(
      t::forge(t::std_header, R"({"sub":"a@b.co","id":7,"exp":1900000000,"jti":12})"));
  expect_forbidden(
      t::forge(t::std_header, R"({"sub":"a@b.co","id":7,"exp":1900000000,"jti":null})"));
}

TEST_F(auth_jwt, oversized_token_refused) {
  // Grow the jti until the signed token passes 4096 characters: the largest token within
  // the limit verifies, the next one (still correctly signed) does not.
  claims c = sample();
  std::string last_ok;
  std::string too_big;
  for (std::size_t n = 2800; n < 3200; ++n) {
    c.sub.assign(n, 'j');
    std::string token = codec_.sign(c);
    if (token.size() <= 4096) {
      last_ok = std::move(token);
    } else {
      too_big = std::move(token);
      break;
    }
  }
  ASSERT_FALSE(last_ok.empty());
  ASSERT_FALSE(too_big.empty());
  expect_accepted(last_ok);
  expect_forbidden(too_big);
  expect_forbidden(std::string(1 << 20, 'A'));
}

TEST_F(auth_jwt, garbage_never_throws) {
  const std::string token = codec_.sign(sample());
  // Every single-byte substitution of a valid token is refused, without throwing.
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char ch : {'\0', '.', '=', '\xff', 'x'}) {
      std::string bad = token;
      if (bad[i] == ch) continue;
      bad[i] = ch;
      EXPECT_NO_THROW({
        auto r = codec_.verify(bad, clock_.now());
        EXPECT_FALSE(r.has_value()) << i;
      });
    }
  }
  // Deeply nested JSON in a correctly signed header.
  expect_forbidden(t::forge(std::string(1000, '[') + std::string(1000, ']'), t::good_payload()));
}

}  // namespace
