#include <gtest/gtest.h>

#include <string>

#include "auth/base64url.hpp"
#include "ticket/boarding_code.hpp"
#include "ticket/errc.hpp"

namespace {

using seatd::tickets::boarding_claim;
using seatd::tickets::boarding_codec;
using seatd::tickets::errc;
using seatd::tickets::max_boarding_code_size;

constexpr std::string_view secret = "a-server-secret-of-at-least-32-characters!";

class ticket_boarding_code : public ::testing::Test {
 protected:
  boarding_codec codec_{secret};

  std::string issue(std::string_view booking = "ABC-1A2B3C", seatd::row_id trip = 42) const {
    auto code = codec_.issue(booking, trip);
    EXPECT_TRUE(code) << code.error().message();
    return code ? *code : std::string();
  }
  void expect_refused(std::string_view code, errc why) const {
    auto r = codec_.verify(code);
    ASSERT_FALSE(r) << "accepted: " << code;
    EXPECT_EQ(r.error(), make_error_code(why)) << code << ": " << r.error().message();
  }
};

TEST_F(ticket_boarding_code, round_trip_names_the_booking_and_the_trip) {
  const std::string code = issue("ABC-1A2B3C", 42);
  EXPECT_EQ(code.rfind("SB1.ABC-1A2B3C.42.", 0), 0U) << code;
  EXPECT_EQ(code.size(), std::string("SB1.ABC-1A2B3C.42.").size() + 22);
  auto claim = codec_.verify(code);
  ASSERT_TRUE(claim) << claim.error().message();
  EXPECT_EQ(*claim, (boarding_claim{"ABC-1A2B3C", 42}));
}

TEST_F(ticket_boarding_code, same_claim_same_code_and_another_secret_refuses_it) {
  EXPECT_EQ(issue(), issue());
  boarding_codec other{"another-secret-of-at-least-32-characters"};
  auto r = other.verify(issue());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(errc::code_forged));
}

TEST_F(ticket_boarding_code, the_key_is_derived_not_the_secret_itself) {
  // A code MAC'd directly with the secret as HMAC key (what a JWT-key reuse would give) is
  // not accepted: the codec signs under HMAC(secret, label).
  boarding_codec raw_key_codec{secret.substr(0, 32)};
  EXPECT_NE(raw_key_codec.issue("ABC-1A2B3C", 42).value(), issue());
}

TEST_F(ticket_boarding_code, spaces_around_a_scanned_code_are_ignored) {
  EXPECT_TRUE(codec_.verify("  " + issue() + " "));
}

TEST_F(ticket_boarding_code, another_trip_is_refused_as_forged) {
  std::string code = issue("ABC-1A2B3C", 42);
  code.replace(code.find(".42."), 4, ".43.");
  expect_refused(code, errc::code_forged);
}

TEST_F(ticket_boarding_code, another_booking_is_refused_as_forged) {
  std::string code = issue("ABC-1A2B3C", 42);
  code[code.find("1A2B3C")] = '2';
  expect_refused(code, errc::code_forged);
}

TEST_F(ticket_boarding_code, every_flipped_tag_character_is_refused) {
  const std::string code = issue();
  const std::size_t tag = code.rfind('.') + 1;
  for (std::size_t i = tag; i < code.size(); ++i) {
    std::string bad = code;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    auto r = codec_.verify(bad);
    ASSERT_FALSE(r) << bad;
    // The last character carries 2 unused bits: a change there may make a non-canonical
    // encoding (malformed) rather than another tag (forged); both are refused.
    EXPECT_TRUE(r.error() == make_error_code(errc::code_forged) ||
                r.error() == make_error_code(errc::code_malformed)) << r.error().message();
  }
}

TEST_F(ticket_boarding_code, a_truncated_code_is_refused_as_truncated) {
  const std::string code = issue();
  expect_refused(code.substr(0, code.size() - 4), errc::code_truncated);
  expect_refused(code.substr(0, code.rfind('.') + 1), errc::code_truncated);
  expect_refused(code.substr(0, code.rfind('.')), errc::code_truncated);
}

TEST_F(ticket_boarding_code, a_longer_tag_is_refused_as_malformed) {
  expect_refused(issue() + "AAAA", errc::code_malformed);
}

TEST_F(ticket_boarding_code, oversized_input_is_refused_before_parsing) {
  expect_refused(std::string(max_boarding_code_size + 1, 'A'), errc::code_oversized);
  expect_refused(issue() + std::string(max_boarding_code_size, ' '), errc::code_oversized);
}

TEST_F(ticket_boarding_code, empty_input_is_refused_as_empty) {
  expect_refused("", errc::code_empty);
  expect_refused("   ", errc::code_empty);
}

TEST_F(ticket_boarding_code, another_version_is_refused_as_unknown_version) {
  std::string code = issue();
  code[2] = '2';
  expect_refused(code, errc::code_unknown_version);
}

TEST_F(ticket_boarding_code, non_canonical_forms_are_refused_as_malformed) {
  const std::string code = issue("ABC-1A2B3C", 42);
  const std::string tag = code.substr(code.rfind('.'));
  expect_refused("ABC-1A2B3C", errc::code_malformed);                 // a booking number alone
  expect_refused("XY1.ABC-1A2B3C.42" + tag, errc::code_malformed);    // not our prefix
  expect_refused("SB1.ABC-1A2B3C.042" + tag, errc::code_malformed);   // leading zero
  expect_refused("SB1.ABC-1A2B3C.+42" + tag, errc::code_malformed);   // sign
  expect_refused("SB1.abc-1a2b3c.42" + tag, errc::code_malformed);    // lower case
  expect_refused("SB1..42" + tag, errc::code_malformed);              // no booking
  expect_refused("SB1.ABC-1A2B3C.0" + tag, errc::code_malformed);     // trip 0
  expect_refused("SB1.ABC-1A2B3C.99999999999999999999" + tag, errc::code_malformed);  // > int64
  expect_refused(code + ".x", errc::code_malformed);                  // a fifth part
  std::string padded = code.substr(0, code.size() - 2) + "==";
  expect_refused(padded, errc::code_malformed);                       // padding
  expect_refused("SB1.ABC\n1A2B3C.42" + tag, errc::code_malformed);   // control character
}

TEST_F(ticket_boarding_code, issue_refuses_what_could_not_be_read_back) {
  for (auto bad : {"", "abc-1", "ABC.1", "ABC 1", "ABC-1A2B3C-ABC-1A2B3C-ABC-1A2B3C-X"}) {
    auto r = codec_.issue(bad, 42);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), make_error_code(errc::invalid_booking_number));
  }
  EXPECT_FALSE(codec_.issue("ABC-1", 0));
  EXPECT_FALSE(codec_.issue("ABC-1", -5));
}

TEST_F(ticket_boarding_code, the_longest_code_issued_still_verifies) {
  const std::string booking(seatd::tickets::max_booking_number_size, 'Z');
  auto code = codec_.issue(booking, INT64_MAX);
  ASSERT_TRUE(code);
  EXPECT_LE(code->size(), max_boarding_code_size);
  auto claim = codec_.verify(*code);
  ASSERT_TRUE(claim);
  EXPECT_EQ(claim->trip_id, INT64_MAX);
}

TEST(ticket_boarding_codec, an_empty_secret_is_a_bug) {
  EXPECT_THROW(boarding_codec{""}, std::invalid_argument);
}

}  // namespace
