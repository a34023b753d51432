// The coach as the seat map draws it (web/js/seatmap.js): rows, blocks, windows, neighbours.
#include <gtest/gtest.h>

#include "domain/coach_layout.hpp"

namespace seatd {
namespace {

using seats = std::vector<int>;

TEST(coach_layout, forty_seats_have_a_middle_door_and_a_back_row_of_six) {
  coach_layout c(40);
  ASSERT_EQ(c.total_seats(), 40);
  ASSERT_EQ(c.rows(), 10);
  EXPECT_EQ(c.blocks(0), (std::vector<seats>{{1, 2}, {3, 4}}));
  EXPECT_EQ(c.blocks(3), (std::vector<seats>{{13, 14}, {15, 16}}));
  EXPECT_EQ(c.blocks(4), (std::vector<seats>{{17, 18}}));  // the door is on the left
  EXPECT_EQ(c.blocks(5), (std::vector<seats>{{19, 20}, {21, 22}}));
  EXPECT_EQ(c.blocks(8), (std::vector<seats>{{31, 32}, {33, 34}}));
  EXPECT_EQ(c.blocks(9), (std::vector<seats>{{35, 36, 37, 38, 39, 40}}));
  EXPECT_EQ(c.row_seats(0), (seats{1, 2, 3, 4}));
  EXPECT_EQ(c.place(17).x, 3);
  EXPECT_EQ(c.place(18).x, 4);
  EXPECT_EQ(c.place(40).x, 4);
  EXPECT_EQ(c.place(38).row, 9);
}

TEST(coach_layout, windows_are_the_outer_columns_and_the_back_rows_ends) {
  coach_layout c(40);
  seats windows;
  for (int s = 1; s <= 40; ++s)
    if (c.place(s).window) windows.push_back(s);
  EXPECT_EQ(windows, (seats{1, 4, 5, 8, 9, 12, 13, 16, 18, 19, 22, 23, 26, 27, 30, 31, 34, 35, 40}));
}

TEST(coach_layout, beside_is_the_same_side_of_the_aisle_only) {
  coach_layout c(40);
  EXPECT_EQ(c.beside(1), (std::array<int, 2>{0, 2}));
  EXPECT_EQ(c.beside(2), (std::array<int, 2>{1, 0}));  // 3 is across the aisle
  EXPECT_EQ(c.beside(3), (std::array<int, 2>{0, 4}));
  EXPECT_EQ(c.beside(17), (std::array<int, 2>{0, 18}));
  EXPECT_EQ(c.beside(37), (std::array<int, 2>{36, 38}));
  EXPECT_EQ(c.beside(40), (std::array<int, 2>{39, 0}));
  EXPECT_EQ(c.beside(0), (std::array<int, 2>{0, 0}));
  EXPECT_EQ(c.beside(41), (std::array<int, 2>{0, 0}));
}

TEST(coach_layout, other_counts_follow_the_seat_maps_rule) {
  // (36 - 6) % 4 != 0 and 36 % 4 == 0: nine full rows, no back row.
  coach_layout c36(36);
  EXPECT_EQ(c36.rows(), 9);
  EXPECT_EQ(c36.blocks(8), (std::vector<seats>{{33, 34}, {35, 36}}));
  // (38 - 6) % 4 == 0: eight rows and a back row of six.
  coach_layout c38(38);
  EXPECT_EQ(c38.rows(), 9);
  EXPECT_EQ(c38.blocks(8), (std::vector<seats>{{33, 34, 35, 36, 37, 38}}));
  // 41: ten rows and one back seat in the middle, beside nobody, not a window.
  coach_layout c41(41);
  EXPECT_EQ(c41.rows(), 11);
  EXPECT_EQ(c41.blocks(10), (std::vector<seats>{{41}}));
  EXPECT_EQ(c41.place(41).x, 2);
  EXPECT_FALSE(c41.place(41).window);
  EXPECT_EQ(c41.beside(41), (std::array<int, 2>{0, 0}));
  // 3 seats: (3 % 4) = 3 in the back row, no front rows.
  coach_layout c3(3);
  EXPECT_EQ(c3.rows(), 1);
  EXPECT_EQ(c3.blocks(0), (std::vector<seats>{{1, 2, 3}}));
}

TEST(coach_layout, every_count_numbers_each_seat_once_in_reading_order) {
  for (int total = 1; total <= coach_layout::max_seats; ++total) {
    coach_layout c(total);
    ASSERT_EQ(c.total_seats(), total);
    int expected = 1;
    for (int r = 0; r < c.rows(); ++r)
      for (int s : c.row_seats(r)) {
        ASSERT_EQ(s, expected++) << total;
        ASSERT_EQ(c.place(s).row, r);
        ASSERT_EQ(c.place(s).seat, s);
      }
    ASSERT_EQ(expected, total + 1);
  }
}

TEST(coach_layout, counts_out_of_range_have_no_seats) {
  EXPECT_EQ(coach_layout(0).total_seats(), 0);
  EXPECT_EQ(coach_layout(-5).total_seats(), 0);
  EXPECT_EQ(coach_layout(coach_layout::max_seats + 1).total_seats(), 0);
  EXPECT_FALSE(coach_layout(0).has_seat(1));
}

}  // namespace
}  // namespace seatd
