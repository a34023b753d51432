#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "ticket/errc.hpp"
#include "ticket/qr_code.hpp"

namespace {

using seatd::tickets::encode_qr;
using seatd::tickets::errc;
using seatd::tickets::max_qr_input;
using seatd::tickets::qr_level;

// Byte-mode capacities from ISO/IEC 18004 table 7: version 1-M holds 14 bytes, 1-Q 11 bytes,
// version 2-M 26 bytes. The symbol's side is 17 + 4 * version modules.
TEST(ticket_qr_code, fourteen_bytes_fit_version_1_at_level_m) {
  auto qr = encode_qr(std::string(14, 'a'), qr_level::medium);
  ASSERT_TRUE(qr) << qr.error().message();
  EXPECT_EQ(qr->size(), 21);
  EXPECT_EQ(qr->version(), 1);
}

TEST(ticket_qr_code, fifteen_bytes_need_version_2_at_level_m) {
  auto qr = encode_qr(std::string(15, 'a'), qr_level::medium);
  ASSERT_TRUE(qr);
  EXPECT_EQ(qr->size(), 25);
}

TEST(ticket_qr_code, level_q_needs_a_larger_symbol_for_the_same_bytes) {
  auto qr = encode_qr(std::string(12, 'a'), qr_level::quartile);
  ASSERT_TRUE(qr);
  EXPECT_EQ(qr->size(), 25);  // 1-Q holds 11 bytes
}

// A finder pattern: a dark 7x7 ring, a light 5x5 ring inside it, a dark 3x3 centre.
bool finder_at(const seatd::tickets::qr_matrix& qr, int ox, int oy) {
  for (int y = 0; y < 7; ++y) {
    for (int x = 0; x < 7; ++x) {
      const int ring = std::min(std::min(x, y), std::min(6 - x, 6 - y));
      if (qr.dark(ox + x, oy + y) != (ring != 1)) return false;
    }
  }
  return true;
}

TEST(ticket_qr_code, finder_patterns_sit_in_three_corners) {
  auto qr = encode_qr("SB1.ABC-1A2B3C.42.q9Yk3v0pS2m1Qz8Xc4b7Aw");
  ASSERT_TRUE(qr);
  const int n = qr->size();
  EXPECT_TRUE(finder_at(*qr, 0, 0));
  EXPECT_TRUE(finder_at(*qr, n - 7, 0));
  EXPECT_TRUE(finder_at(*qr, 0, n - 7));
  EXPECT_FALSE(finder_at(*qr, n - 7, n - 7));
}

TEST(ticket_qr_code, input_over_the_bound_is_refused) {
  auto ok = encode_qr(std::string(max_qr_input, 'x'));
  EXPECT_TRUE(ok);
  auto qr = encode_qr(std::string(max_qr_input + 1, 'x'));
  ASSERT_FALSE(qr);
  EXPECT_EQ(qr.error(), make_error_code(errc::qr_input_too_long));
}

TEST(ticket_qr_code, empty_input_is_refused) {
  auto qr = encode_qr("");
  ASSERT_FALSE(qr);
  EXPECT_EQ(qr.error(), make_error_code(errc::qr_encode_failed));
}

}  // namespace
