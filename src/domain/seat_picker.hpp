#pragma once
// "Best available, together": which N free seats a party gets when it asks for seats together
// rather than naming them. Pure: the caller passes the free seats it read and holds the choice
// atomically (a race lost to another traveller means reading again and choosing again).
//
// The rule, in order of importance:
//  1. Together means one row, or two adjacent rows with the two parts one behind the other
//     (their columns overlap). Within a row a part is a run of seats in the row's left-to-right
//     order; a run may cross the aisle.
//  2. Never strand a seat: a free seat whose neighbours on its side of the aisle are all taken
//     (a "single") is a seat no pair can use. Among the groups, those that leave the fewest new
//     singles win; so a group that strands none is always chosen when one exists. Among those,
//     the group that uses up more singles already there wins (a traveller alone fills the free
//     seat beside a sold one, leaving whole pairs for pairs).
//  3. Then: one row before two; not split by the aisle before split; two rows whose parts line
//     up before ragged ones.
//  4. Then: a window seat in the group; then nearer the front; then the lowest seat number (so
//     the same seats on the same map always give the same choice).
// When no group of N exists, `pick_split` offers the best split: the largest group the rule can
// find, then the largest from what is left, and so on.
#include <optional>
#include <vector>

#include "domain/coach_layout.hpp"

namespace seatd {

// free[seat] for seat 1..layout.total_seats() (index 0 unused); seats beyond the vector are
// taken.
using seat_availability = std::vector<bool>;

struct seat_group {
  std::vector<int> seats;  // ascending
  int rows = 0;            // 1 or 2
  int new_singles = 0;     // free seats the group leaves with no free neighbour beside them
  int fills = 0;           // seats of the group that were singles (no free seat beside them)
  int aisle_splits = 0;    // parts of the group that cross the aisle
  double misalignment = 0;  // two rows: how far the parts' column spans differ
  bool window = false;     // the group has a window seat
  int front_row = 0;
};

// The most seats one group may have (a party larger than two rows is always split).
inline constexpr int max_group_seats = 12;

// The best group of `count` free seats together, or nullopt when none exists (or count is out
// of 1..max_group_seats).
std::optional<seat_group> pick_together(const coach_layout& layout, const seat_availability& free,
                                        int count);

// Every group of `count` free seats the rule allows, in no particular order (tests and the
// split use it; bounded: at most a few thousand on the largest coach).
std::vector<seat_group> together_groups(const coach_layout& layout, const seat_availability& free,
                                        int count);

// `count` free seats as few groups as the rule finds, largest first; empty when fewer than
// `count` seats are free.
std::vector<seat_group> pick_split(const coach_layout& layout, const seat_availability& free,
                                   int count);

// Free seats that have no free seat beside them on their side of the aisle.
int count_singles(const coach_layout& layout, const seat_availability& free);

}  // namespace seatd
