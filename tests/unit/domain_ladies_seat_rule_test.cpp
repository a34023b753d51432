// The ladies' seat rule: a seat beside one sold to a woman is for women.
#include <gtest/gtest.h>

#include "domain/ladies_seat_rule.hpp"

namespace seatd {
namespace {

std::vector<int> marked(const std::vector<bool>& for_women) {
  std::vector<int> out;
  for (std::size_t s = 0; s < for_women.size(); ++s)
    if (for_women[s]) out.push_back(int(s));
  return out;
}

TEST(ladies_seat_rule, the_seat_beside_a_woman_is_for_women_across_the_aisle_is_not) {
  coach_layout c(40);
  EXPECT_EQ(marked(seats_for_women(c, {{2, true}})), (std::vector<int>{1}));
  EXPECT_EQ(marked(seats_for_women(c, {{37, true}})), (std::vector<int>{36, 38}));
  EXPECT_EQ(marked(seats_for_women(c, {{17, true}})), (std::vector<int>{18}));
  // A man's seat marks nothing; a sold seat is never marked.
  EXPECT_TRUE(marked(seats_for_women(c, {{2, false}})).empty());
  EXPECT_TRUE(marked(seats_for_women(c, {{1, true}, {2, true}})).empty());
}

TEST(ladies_seat_rule, a_man_cannot_book_beside_a_woman_a_woman_can) {
  coach_layout c(40);
  std::vector<seat_occupant> sold{{2, true}, {10, false}};
  EXPECT_EQ(refused_by_ladies_rule(c, sold, {{1, false}}), 1);
  EXPECT_EQ(refused_by_ladies_rule(c, sold, {{1, true}}), std::nullopt);
  // Across the aisle, or beside a man: allowed.
  EXPECT_EQ(refused_by_ladies_rule(c, sold, {{3, false}}), std::nullopt);
  EXPECT_EQ(refused_by_ladies_rule(c, sold, {{9, false}}), std::nullopt);
  // The first refused seat of a party is named.
  EXPECT_EQ(refused_by_ladies_rule(c, {{2, true}, {6, true}}, {{3, false}, {5, false}, {1, false}}), 5);
}

TEST(ladies_seat_rule, a_party_booked_together_does_not_restrict_itself) {
  coach_layout c(40);
  // A couple books 1 and 2 together: nothing sold before, so nothing refuses.
  EXPECT_EQ(refused_by_ladies_rule(c, {}, {{1, true}, {2, false}}), std::nullopt);
}

TEST(ladies_seat_rule, only_female_counts_as_female) {
  EXPECT_TRUE(is_female(std::string_view("Female")));
  EXPECT_FALSE(is_female(std::string_view("Male")));
  EXPECT_FALSE(is_female(std::string_view("Other")));
  EXPECT_FALSE(is_female(std::string_view("female ")));
  EXPECT_FALSE(is_female(std::nullopt));
}

TEST(ladies_seat_rule, seats_outside_the_coach_are_ignored) {
  coach_layout c(40);
  EXPECT_TRUE(marked(seats_for_women(c, {{0, true}, {41, true}, {-3, true}})).empty());
  EXPECT_EQ(refused_by_ladies_rule(c, {{2, true}}, {{0, false}, {99, false}}), std::nullopt);
}

}  // namespace
}  // namespace seatd
