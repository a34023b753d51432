// "Best available, together": the rule of domain/seat_picker.hpp on real coach layouts, and a
// property test against an independent brute force: every choice is a valid group of free
// seats, and no choice strands a seat when some valid group would not have.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>

#include "domain/seat_picker.hpp"

namespace seatd {
namespace {

using seats = std::vector<int>;

seat_availability all_free(int total) {
  seat_availability f(std::size_t(total) + 1, true);
  f[0] = false;
  return f;
}

seat_availability free_except(int total, const seats& taken) {
  auto f = all_free(total);
  for (int s : taken) f[std::size_t(s)] = false;
  return f;
}

seats picked(const coach_layout& c, const seat_availability& f, int n) {
  auto g = pick_together(c, f, n);
  return g ? g->seats : seats{};
}

TEST(seat_picker, a_pair_on_an_empty_coach_sits_side_by_side_at_the_front_window) {
  coach_layout c(40);
  EXPECT_EQ(picked(c, all_free(40), 2), (seats{1, 2}));
}

TEST(seat_picker, a_party_of_three_takes_the_back_row_rather_than_strand_a_seat) {
  // 1 2 3 across the aisle would leave 4 alone; 1 2 + 5 would leave 6 alone; the back row of
  // six takes three and leaves three together.
  coach_layout c(40);
  EXPECT_EQ(picked(c, all_free(40), 3), (seats{35, 36, 37}));
}

TEST(seat_picker, a_party_of_four_prefers_not_to_be_split_by_the_aisle) {
  coach_layout c(40);
  EXPECT_EQ(picked(c, all_free(40), 4), (seats{35, 36, 37, 38}));
  // Without the back row, a whole front row (across the aisle, stranding nobody) beats two
  // pairs one behind the other.
  coach_layout c36(36);
  EXPECT_EQ(picked(c36, all_free(36), 4), (seats{1, 2, 3, 4}));
}

TEST(seat_picker, a_single_traveller_takes_a_seat_that_is_already_alone) {
  coach_layout c(40);
  // 1 is sold: 2 is a single. Any other seat would leave its partner alone.
  EXPECT_EQ(picked(c, free_except(40, {1}), 1), (seats{2}));
  // On an empty coach every front seat would leave its partner alone: the back row's window
  // is the one seat that does not.
  EXPECT_EQ(picked(c, all_free(40), 1), (seats{35}));
  // Without a back row, a window at the front.
  EXPECT_EQ(picked(coach_layout(36), all_free(36), 1), (seats{1}));
}

TEST(seat_picker, two_rows_one_behind_the_other_when_no_row_has_room) {
  coach_layout c(36);
  // Every row has only its left pair free: a party of four sits in two rows, one pair behind
  // the other.
  seats taken;
  for (int row = 0; row < 9; ++row) {
    taken.push_back(row * 4 + 3);
    taken.push_back(row * 4 + 4);
  }
  EXPECT_EQ(picked(c, free_except(36, taken), 4), (seats{1, 2, 5, 6}));
  // Pairs on opposite sides of the aisle in adjacent rows do not sit together: 1 2 free in row 0,
  // only 7 8 in row 1 (columns 3 and 4) and nothing else.
  seats rest;
  for (int s = 1; s <= 36; ++s)
    if (s != 1 && s != 2 && s != 7 && s != 8) rest.push_back(s);
  EXPECT_FALSE(pick_together(c, free_except(36, rest), 4));
}

TEST(seat_picker, no_group_means_an_offer_of_the_best_split) {
  coach_layout c(36);
  // Free: 1, 6, 11 (alone in their rows, diagonal): no two of them together.
  seats taken;
  for (int s = 1; s <= 36; ++s)
    if (s != 1 && s != 6 && s != 11) taken.push_back(s);
  auto f = free_except(36, taken);
  EXPECT_FALSE(pick_together(c, f, 2));
  auto split = pick_split(c, f, 3);
  ASSERT_EQ(split.size(), 3u);
  seats all;
  for (auto& g : split) all.insert(all.end(), g.seats.begin(), g.seats.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (seats{1, 6, 11}));
  // Largest group first: two full rows hold eight, then six more.
  auto f2 = free_except(36, {3, 4, 5, 6, 7, 8});  // row 0 left pair free, rows 2.. full free
  auto split2 = pick_split(c, f2, 14);
  ASSERT_EQ(split2.size(), 2u);
  EXPECT_EQ(split2[0].seats.size(), 8u);
  EXPECT_EQ(split2[1].seats.size(), 6u);
  // Fewer seats free than asked: no offer at all.
  EXPECT_TRUE(pick_split(c, f, 4).empty());
}

TEST(seat_picker, counts_out_of_range_pick_nothing) {
  coach_layout c(40);
  EXPECT_FALSE(pick_together(c, all_free(40), 0));
  EXPECT_FALSE(pick_together(c, all_free(40), -1));
  EXPECT_FALSE(pick_together(c, all_free(40), max_group_seats + 1));
  EXPECT_TRUE(pick_split(c, all_free(40), 0).empty());
  // A short availability vector means the seats beyond it are taken.
  EXPECT_EQ(picked(c, seat_availability{false, true, true}, 2), (seats{1, 2}));
}

TEST(seat_picker, the_choice_is_the_same_for_the_same_map) {
  coach_layout c(40);
  auto f = free_except(40, {2, 7, 12, 19, 36});
  for (int n = 1; n <= 6; ++n) EXPECT_EQ(picked(c, f, n), picked(c, f, n));
}

// --- property test --------------------------------------------------------------------------

bool single_in(const coach_layout& c, const seat_availability& f, int s) {
  if (!f[std::size_t(s)]) return false;
  for (int b : c.beside(s))
    if (b && f[std::size_t(b)]) return false;
  return true;
}

// Seats that are alone after the group is taken and were not before (a whole-coach scan,
// independent of the picker's own neighbourhood count).
int stranded_by(const coach_layout& c, const seat_availability& f, const seats& group) {
  auto after = f;
  for (int s : group) after[std::size_t(s)] = false;
  int n = 0;
  for (int s = 1; s <= c.total_seats(); ++s) n += single_in(c, after, s) && !single_in(c, f, s);
  return n;
}

// A set of seats within rows r (and r + 1) is together when each row's share is a contiguous run
// of that row's seats and, with two rows, the shares' columns overlap.
bool together(const coach_layout& c, const seats& group) {
  int first = c.place(group.front()).row, last = first;
  for (int s : group) {
    first = std::min(first, c.place(s).row);
    last = std::max(last, c.place(s).row);
  }
  if (last - first > 1) return false;
  double lo[2] = {9, 9}, hi[2] = {-9, -9};
  for (int r = first; r <= last; ++r) {
    auto row = c.row_seats(r);
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < row.size(); ++i)
      if (std::find(group.begin(), group.end(), row[i]) != group.end()) at.push_back(i);
    if (at.empty()) return false;  // two rows named, one empty: really a one-row group
    if (at.back() - at.front() + 1 != at.size()) return false;
    lo[r - first] = c.place(row[at.front()]).x;
    hi[r - first] = c.place(row[at.back()]).x;
  }
  return last == first || (lo[0] <= hi[1] && lo[1] <= hi[0]);
}

// Every valid group of n free seats, by brute force over the seats of each pair of rows.
std::vector<seats> brute_force(const coach_layout& c, const seat_availability& f, int n) {
  std::vector<seats> out;
  for (int r = 0; r < c.rows(); ++r) {
    auto pool = c.row_seats(r);
    if (r + 1 < c.rows()) {
      auto next = c.row_seats(r + 1);
      pool.insert(pool.end(), next.begin(), next.end());
    }
    for (unsigned mask = 1; mask < (1u << pool.size()); ++mask) {
      if (std::popcount(mask) != n) continue;
      seats g;
      bool all_free = true;
      for (std::size_t i = 0; i < pool.size(); ++i)
        if (mask & (1u << i)) {
          g.push_back(pool[i]);
          all_free = all_free && f[std::size_t(pool[i])];
        }
      if (!all_free || !together(c, g)) continue;
      std::sort(g.begin(), g.end());
      if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(g);
    }
  }
  return out;
}

TEST(seat_picker, property_no_choice_strands_a_seat_when_another_would_not) {
  std::mt19937 rng(20261205);
  int checked = 0, with_choice = 0;
  for (int total : {40, 36, 38, 22, 41}) {
    coach_layout c(total);
    for (int round = 0; round < 15; ++round) {
      const double taken_share = std::uniform_real_distribution<double>(0.0, 0.8)(rng);
      auto f = all_free(total);
      for (int s = 1; s <= total; ++s)
        f[std::size_t(s)] = std::uniform_real_distribution<double>(0, 1)(rng) >= taken_share;
      for (int n = 1; n <= 5; ++n) {
        auto valid = brute_force(c, f, n);
        auto choice = pick_together(c, f, n);
        ++checked;
        ASSERT_EQ(choice.has_value(), !valid.empty()) << total << " seats, n=" << n;
        if (!choice) continue;
        ++with_choice;
        ASSERT_NE(std::find(valid.begin(), valid.end(), choice->seats), valid.end())
            << "not a valid group";
        ASSERT_EQ(choice->new_singles, stranded_by(c, f, choice->seats));
        const bool avoidable = std::any_of(valid.begin(), valid.end(), [&](const seats& g) {
          return stranded_by(c, f, g) == 0;
        });
        if (avoidable) {
          ASSERT_EQ(choice->new_singles, 0) << total << " seats, n=" << n;
        }
        // The picker sees every valid group (its enumeration is complete).
        ASSERT_EQ(together_groups(c, f, n).size(), valid.size()) << total << " seats, n=" << n;
      }
    }
  }
  EXPECT_GT(with_choice, checked / 2);  // the random maps exercised real choices
}

}  // namespace
}  // namespace seatd
