#include <gtest/gtest.h>

#include <string>

#include "ticket/utf8_text.hpp"

namespace {

using namespace seatd::tickets;

TEST(ticket_utf8_text, malformed_utf8_is_repaired_and_controls_become_spaces) {
  EXPECT_EQ(single_line("a\r\nb\tc\x7f" "d"), "a  b c d");
  EXPECT_EQ(repaired_utf8("ok\xff\xc3"), "ok\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(repaired_utf8("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD");       // overlong '/'
  EXPECT_EQ(repaired_utf8("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(repaired_utf8("Zoë 🚌"), "Zoë 🚌");
  EXPECT_EQ(single_line("x\u2028y"), "x y");
}

TEST(ticket_utf8_text, code_points_round_trip_through_append_utf8) {
  const std::string s = "A\u00e9\u20ac\U0001F68C";
  const auto cps = utf8_code_points(s);
  ASSERT_EQ(cps, (std::vector<char32_t>{U'A', 0xE9, 0x20AC, 0x1F68C}));
  std::string back;
  for (char32_t cp : cps) append_utf8(back, cp);
  EXPECT_EQ(back, s);
  // A sequence cut off at the end of the text is one replacement per byte.
  EXPECT_EQ(utf8_code_points("\xe2\x82"), (std::vector<char32_t>{0xFFFD, 0xFFFD}));
}

}  // namespace
