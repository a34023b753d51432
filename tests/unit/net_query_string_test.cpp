#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "net/query_string.hpp"

namespace {

using seatd::net::percent_decode;
using seatd::net::query_value;

// ---- query_value ---------------------------------------------------------------------------

TEST(net_query_value, finds_a_simple_value) {
  EXPECT_EQ(query_value("a=1&b=2&c=3", "a"), "1");
  EXPECT_EQ(query_value("a=1&b=2&c=3", "b"), "2");
  EXPECT_EQ(query_value("a=1&b=2&c=3", "c"), "3");
}

TEST(net_query_value, first_match_wins) {
  EXPECT_EQ(query_value("a=1&a=2", "a"), "1");
  EXPECT_EQ(query_value("b=0&a=first&b=x&a=second", "a"), "first");
}

TEST(net_query_value, absent_key) {
  EXPECT_EQ(query_value("a=1&b=2", "c"), std::nullopt);
  EXPECT_EQ(query_value("ab=1", "a"), std::nullopt);  // no prefix match
  EXPECT_EQ(query_value("a=1", "ab"), std::nullopt);
  EXPECT_EQ(query_value("xa=1", "a"), std::nullopt);
}

TEST(net_query_value, key_names_are_case_sensitive) {
  EXPECT_EQ(query_value("Date=2026-11-30", "date"), std::nullopt);
  EXPECT_EQ(query_value("Date=2026-11-30", "Date"), "2026-11-30");
}

TEST(net_query_value, empty_query) {
  EXPECT_EQ(query_value("", "a"), std::nullopt);
  EXPECT_EQ(query_value("", ""), std::nullopt);
}

TEST(net_query_value, key_without_equals_is_empty_string) {
  auto v = query_value("flag&a=1", "flag");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, "");
  EXPECT_EQ(query_value("a=1&flag", "flag"), "");
}

TEST(net_query_value, key_with_empty_value) {
  auto v = query_value("a=&b=2", "a");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, "");
}

TEST(net_query_value, value_may_contain_equals) {
  EXPECT_EQ(query_value("token=abc==&x=1", "token"), "abc==");
}

TEST(net_query_value, empty_pairs_are_skipped) {
  EXPECT_EQ(query_value("&&a=1&&", "a"), "1");
  EXPECT_EQ(query_value("a=1&", "b"), std::nullopt);
}

TEST(net_query_value, plus_is_a_space) {
  EXPECT_EQ(query_value("q=New+York", "q"), "New York");
  EXPECT_EQ(query_value("q=++", "q"), "  ");
}

TEST(net_query_value, percent_20_is_a_space) {
  EXPECT_EQ(query_value("q=New%20York", "q"), "New York");
}

TEST(net_query_value, percent_2b_is_a_literal_plus) {
  EXPECT_EQ(query_value("q=1%2B1", "q"), "1+1");
  EXPECT_EQ(query_value("q=1%2b1", "q"), "1+1");  // lower-case hex
}

TEST(net_query_value, other_escapes) {
  EXPECT_EQ(query_value("q=a%26b%3Dc", "q"), "a&b=c");  // encoded '&' and '=' stay in the value
  EXPECT_EQ(query_value("q=%25", "q"), "%");
  EXPECT_EQ(query_value("q=%C3%A9", "q"), "\xC3\xA9");  // UTF-8 bytes pass through
  EXPECT_EQ(query_value("q=%00", "q"), std::string(1, '\0'));
}

TEST(net_query_value, escape_at_the_very_end_of_the_value) {
  EXPECT_EQ(query_value("q=ab%41", "q"), "abA");
  EXPECT_EQ(query_value("q=%41", "q"), "A");
  EXPECT_EQ(query_value("q=%41&r=1", "q"), "A");
}

TEST(net_query_value, malformed_escape_is_nullopt) {
  EXPECT_EQ(query_value("q=%G1", "q"), std::nullopt);
  EXPECT_EQ(query_value("q=%1G", "q"), std::nullopt);
  EXPECT_EQ(query_value("q=abc%", "q"), std::nullopt);
  EXPECT_EQ(query_value("q=%4", "q"), std::nullopt);
  EXPECT_EQ(query_value("q=%", "q"), std::nullopt);
  EXPECT_EQ(query_value("q=%4&r=1", "q"), std::nullopt);  // the escape stops at '&'
  EXPECT_EQ(query_value("q=% 1", "q"), std::nullopt);
}

TEST(net_query_value, malformed_value_does_not_fall_back_to_a_later_match) {
  EXPECT_EQ(query_value("q=%G1&q=ok", "q"), std::nullopt);
}

TEST(net_query_value, malformed_other_pairs_do_not_matter) {
  EXPECT_EQ(query_value("x=%G1&q=ok", "q"), "ok");
  EXPECT_EQ(query_value("%zz=1&q=ok", "q"), "ok");
}

TEST(net_query_value, percent_encoded_key) {
  EXPECT_EQ(query_value("travel%5Fdate=2026-11-30", "travel_date"), "2026-11-30");
  EXPECT_EQ(query_value("my+key=v", "my key"), "v");
  EXPECT_EQ(query_value("%61=v", "a"), "v");
}

TEST(net_query_value, realistic_search_query) {
  const std::string_view q = "source=Chennai&destination=Bangalore+City&date=2026-11-30";
  EXPECT_EQ(query_value(q, "source"), "Chennai");
  EXPECT_EQ(query_value(q, "destination"), "Bangalore City");
  EXPECT_EQ(query_value(q, "date"), "2026-11-30");
}

TEST(net_query_value, view_that_is_not_nul_terminated) {
  // The decoder must stop at the view's end, not at a NUL (the reason it replaced Boost.URL).
  const std::string backing = "q=%41%42XYZ";
  const std::string_view q(backing.data(), 6);  // "q=%41%"
  EXPECT_EQ(query_value(q, "q"), std::nullopt);
  const std::string_view q2(backing.data(), 8);  // "q=%41%42"
  EXPECT_EQ(query_value(q2, "q"), "AB");
}

// ---- percent_decode ------------------------------------------------------------------------

TEST(net_percent_decode, plus_handling_depends_on_the_flag) {
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
}

TEST(net_percent_decode, empty_input) {
  auto v = percent_decode("", true);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, "");
}

TEST(net_percent_decode, mixed_case_hex) { EXPECT_EQ(percent_decode("%4a%4A%fF", false), "JJ\xff"); }

TEST(net_percent_decode, malformed) {
  EXPECT_EQ(percent_decode("%", false), std::nullopt);
  EXPECT_EQ(percent_decode("%a", false), std::nullopt);
  EXPECT_EQ(percent_decode("%xy", false), std::nullopt);
  EXPECT_EQ(percent_decode("ok%-1", false), std::nullopt);
}

}  // namespace
