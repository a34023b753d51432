// The waiting list's steps that do not touch the database (store/waitlist_rows.hpp); the
// store conformance suite runs them through both stores.
#include <gtest/gtest.h>

#include "store/waitlist_rows.hpp"

namespace seatd::rows {
namespace {

std::vector<int> lowest(const std::vector<int>& free, int count) {
  return {free.begin(), free.begin() + count};
}

TEST(waitlist_rows, seat_lists_round_trip) {
  EXPECT_EQ(format_seat_list({3, 4, 12}), "3,4,12");
  EXPECT_EQ(format_seat_list({}), "");
  EXPECT_EQ(parse_seat_list("3,4,12"), (std::vector<int>{3, 4, 12}));
  EXPECT_TRUE(parse_seat_list("").empty());
  EXPECT_THROW(parse_seat_list("3,,4"), store_error);
  EXPECT_THROW(parse_seat_list("3,x"), store_error);
}

TEST(waitlist_rows, sql_is_spelled_in_the_dialect) {
  EXPECT_EQ(waitlist_sql("a = @1 AND b = @2", '?'), "a = ?1 AND b = ?2");
  EXPECT_EQ(waitlist_sql("a = @1 AND b = @2", '$'), "a = $1 AND b = $2");
}

TEST(waitlist_rows, free_seats_leave_out_holds_and_running_offers) {
  EXPECT_EQ(waitlist_free_seats({1, 2, 3, 4, 5, 6}, {5}, {{1, "1,2", {}}, {2, "6", {}}}),
            (std::vector<int>{3, 4}));
  EXPECT_TRUE(waitlist_free_seats({}, {}, {}).empty());
}

// An offer whose seats are no longer held (the traveller released them, or Redis lost them)
// gives them back before its deadline; a young one may still be on its way to the engine.
TEST(waitlist_rows, an_offer_whose_holds_are_gone_is_abandoned_unless_it_is_young) {
  using namespace std::chrono_literals;
  const sys_ms now{std::chrono::milliseconds{1'800'000'000'000}};
  const auto window = std::chrono::milliseconds(300s);
  // Made 20 s ago (deadline = made + window).
  const sys_ms old_deadline = now - 20s + window;
  const sys_ms young_deadline = now - 2s + window;
  std::vector<running_offer> running = {
      {1, "3,4", old_deadline},   // seat 4 released: abandoned
      {2, "5", old_deadline},     // still held: runs on
      {3, "7", young_deadline},   // not held yet, but made 2 s ago: runs on
  };
  auto gone = abandoned_offers(running, {3, 5}, now, window);
  EXPECT_EQ(gone, std::vector<row_id>{1});
  ASSERT_EQ(running.size(), 2u);
  EXPECT_EQ(running[0].id, 2);
  EXPECT_EQ(running[1].id, 3);
  // The abandoned offer's seats are free again; the running ones' are not.
  EXPECT_EQ(waitlist_free_seats({3, 4, 5, 6, 7}, {3, 5}, running), (std::vector<int>{4, 6}));
}

TEST(waitlist_rows, the_first_whose_count_fits_is_offered_and_the_others_keep_their_place) {
  const std::vector<queued_entry> queue = {{1, 10, 3}, {2, 20, 1}, {3, 30, 2}, {4, 40, 1}};
  auto offers = choose_waitlist_offers({7, 9}, queue, lowest);
  ASSERT_EQ(offers.size(), 2u);
  EXPECT_EQ(offers[0].entry_id, 2);
  EXPECT_EQ(offers[0].user_id, 20);
  EXPECT_EQ(offers[0].seats, (std::vector<int>{7}));
  EXPECT_EQ(offers[1].entry_id, 4);  // 3 wants two, one is left
  EXPECT_EQ(offers[1].seats, (std::vector<int>{9}));

  offers = choose_waitlist_offers({1, 2, 3, 4, 5}, queue, lowest);
  ASSERT_EQ(offers.size(), 3u);  // 3 + 1 seats; 3 wants two of the one left
  EXPECT_EQ(offers[0].seats, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(offers[1].seats, (std::vector<int>{4}));
  EXPECT_EQ(offers[2].entry_id, 4);
  EXPECT_EQ(offers[2].seats, (std::vector<int>{5}));

  EXPECT_TRUE(choose_waitlist_offers({}, queue, lowest).empty());
}

TEST(waitlist_rows, a_chooser_answer_that_is_not_count_free_seats_does_not_fit) {
  const std::vector<queued_entry> queue = {{1, 10, 2}, {2, 20, 1}};
  // Seats outside free, too few, repeated: each passes the entry over.
  for (auto wrong : {std::vector<int>{1, 99}, std::vector<int>{1}, std::vector<int>{1, 1}}) {
    auto offers =
        choose_waitlist_offers({1, 2, 3}, queue, [&](const std::vector<int>& free, int count) {
          return count == 2 ? wrong : lowest(free, count);
        });
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_EQ(offers[0].entry_id, 2);
    EXPECT_EQ(offers[0].seats, (std::vector<int>{1}));
  }
  // An answer out of order is taken, ascending.
  auto offers = choose_waitlist_offers({1, 2, 3}, queue, [](const std::vector<int>&, int count) {
    return count == 2 ? std::vector<int>{3, 2} : std::vector<int>{1};
  });
  ASSERT_EQ(offers.size(), 2u);
  EXPECT_EQ(offers[0].seats, (std::vector<int>{2, 3}));
  EXPECT_EQ(offers[1].seats, (std::vector<int>{1}));
}

}  // namespace
}  // namespace seatd::rows
