// trip_catalog: a load from the database racing the events that keep it current, forget_all()
// during a load, and its bound. Driven through the load steps get() runs, without a database.
#include <gtest/gtest.h>

#include <algorithm>

#include "realtime/trip_catalog.hpp"

namespace seatd::realtime {
namespace {

std::vector<seat> seats_of(row_id trip, int n, std::vector<int> booked = {}) {
  std::vector<seat> out;
  for (int i = 1; i <= n; ++i) {
    bool b = std::find(booked.begin(), booked.end(), i) != booked.end();
    out.push_back(seat{i, trip, i, b});
  }
  return out;
}

seat_event event(seat_event_kind k, row_id trip, std::vector<int> seats, std::uint64_t seq = 1) {
  seat_event e;
  e.kind = k;
  e.trip = trip;
  e.seats = std::move(seats);
  e.seq = seq;
  return e;
}

class trip_catalog_test : public ::testing::Test {
 protected:
  std::unique_ptr<store> db_ = open_store("sqlite://:memory:");
  worker_pool pool_{1, 16};
  trip_catalog make(std::size_t capacity = trip_catalog::default_capacity) {
    return trip_catalog(*db_, pool_, capacity);
  }
  static std::optional<trip_facts> finish(trip_catalog& c, const trip_catalog::load_ticket& t,
                                          std::vector<seat> s) {
    return c.finish_load(t, &s);
  }
  // A whole load with nothing in between.
  static std::optional<trip_facts> load(trip_catalog& c, row_id trip, const std::vector<seat>& s) {
    trip_catalog::load_ticket t;
    if (auto f = c.lookup_or_begin(trip, t)) return f;
    return c.finish_load(t, &s);
  }
};

TEST_F(trip_catalog_test, loads_once_then_events_keep_it_current) {
  auto c = make();
  auto f = load(c, 1, seats_of(1, 10, {3}));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->total_seats, 10);
  EXPECT_EQ(f->booked, (std::vector<int>{3}));
  c.on_event(event(seat_event_kind::booked, 1, {4, 5}));
  c.on_event(event(seat_event_kind::released, 1, {3}));
  c.on_event(event(seat_event_kind::locked, 1, {6}));  // not a sale
  trip_catalog::load_ticket t;
  auto cached = c.lookup_or_begin(1, t);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->booked, (std::vector<int>{4, 5}));
}

TEST_F(trip_catalog_test, no_seats_is_no_such_trip_and_is_not_cached) {
  auto c = make();
  EXPECT_FALSE(load(c, 7, {}));
  EXPECT_EQ(c.size(), 0u);
}

// Issue 11: a SEAT_BOOKED that arrived while the trip was loading was lost, and the older read
// was cached: every later INITIAL_STATE showed the sold seat free until a restart.
TEST_F(trip_catalog_test, a_sale_during_the_load_is_applied_to_what_the_load_read) {
  auto c = make();
  trip_catalog::load_ticket t;
  ASSERT_FALSE(c.lookup_or_begin(1, t));
  c.on_event(event(seat_event_kind::booked, 1, {7}));  // after the read, before it is cached
  auto f = finish(c, t, seats_of(1, 10));  // the read predates the sale
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->is_booked(7));
  trip_catalog::load_ticket again;
  auto cached = c.lookup_or_begin(1, again);
  ASSERT_TRUE(cached);
  EXPECT_TRUE(cached->is_booked(7));
}

TEST_F(trip_catalog_test, events_during_the_load_replay_in_order_whatever_the_read_saw) {
  auto c = make();
  trip_catalog::load_ticket t;
  ASSERT_FALSE(c.lookup_or_begin(1, t));
  c.on_event(event(seat_event_kind::booked, 1, {2}));
  c.on_event(event(seat_event_kind::released, 1, {2}));  // cancelled again
  c.on_event(event(seat_event_kind::released, 1, {5}));
  // The read may have seen the first sale (and not its cancellation) and seat 5 still sold.
  auto f = finish(c, t, seats_of(1, 10, {2, 5}));
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->booked.empty());
}

TEST_F(trip_catalog_test, concurrent_loads_of_a_trip_keep_the_first_entry_current) {
  auto c = make();
  trip_catalog::load_ticket t1, t2;
  ASSERT_FALSE(c.lookup_or_begin(1, t1));
  ASSERT_FALSE(c.lookup_or_begin(1, t2));
  auto f1 = finish(c, t1, seats_of(1, 10));
  ASSERT_TRUE(f1);
  c.on_event(event(seat_event_kind::booked, 1, {1}));
  auto f2 = finish(c, t2, seats_of(1, 10));  // read before the sale
  ASSERT_TRUE(f2);
  EXPECT_TRUE(f2->is_booked(1));
}

// Issue 11: a forget_all() between the load and the lookup that followed it made a real trip
// answer "no such trip" (404 / close 4404, which the UI treats as final).
TEST_F(trip_catalog_test, forget_all_during_a_load_still_answers_the_caller_without_caching) {
  auto c = make();
  trip_catalog::load_ticket t;
  ASSERT_FALSE(c.lookup_or_begin(1, t));
  c.forget_all();  // events may have been missed before the read: not cached
  auto f = finish(c, t, seats_of(1, 10, {4}));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->total_seats, 10);
  EXPECT_EQ(c.size(), 0u);
  trip_catalog::load_ticket again;
  EXPECT_FALSE(c.lookup_or_begin(1, again));  // the next caller reads the database again
  ASSERT_TRUE(finish(c, again, seats_of(1, 10, {4})));
  EXPECT_EQ(c.size(), 1u);
}

TEST_F(trip_catalog_test, a_failed_load_leaves_nothing_behind) {
  auto c = make();
  trip_catalog::load_ticket t;
  ASSERT_FALSE(c.lookup_or_begin(1, t));
  EXPECT_FALSE(c.finish_load(t, nullptr));
  c.on_event(event(seat_event_kind::booked, 1, {1}));  // nobody loading: not recorded
  auto f = load(c, 1, seats_of(1, 10));
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->is_booked(1));  // the database is the truth: the read above did not have it
}

// Issue 11: the catalog grew for the life of the process (weekly schedules for months).
TEST_F(trip_catalog_test, keeps_at_most_capacity_trips_least_recently_used_first) {
  auto c = make(3);
  for (row_id trip = 1; trip <= 3; ++trip) ASSERT_TRUE(load(c, trip, seats_of(trip, 4)));
  trip_catalog::load_ticket t;
  ASSERT_TRUE(c.lookup_or_begin(1, t));  // 1 is used again: 2 is now the oldest
  ASSERT_TRUE(load(c, 4, seats_of(4, 4)));
  EXPECT_EQ(c.size(), 3u);
  EXPECT_TRUE(c.lookup_or_begin(1, t));
  EXPECT_TRUE(c.lookup_or_begin(3, t));
  EXPECT_TRUE(c.lookup_or_begin(4, t));
  EXPECT_FALSE(c.lookup_or_begin(2, t));  // dropped: reloaded when needed
  EXPECT_TRUE(finish(c, t, seats_of(2, 4)));
  for (row_id trip = 10; trip < 1000; ++trip) ASSERT_TRUE(load(c, trip, seats_of(trip, 4)));
  EXPECT_EQ(c.size(), 3u);
}

TEST_F(trip_catalog_test, a_load_flooded_with_events_is_answered_but_not_cached) {
  auto c = make();
  trip_catalog::load_ticket t;
  ASSERT_FALSE(c.lookup_or_begin(1, t));
  for (int i = 0; i < 5000; ++i) c.on_event(event(seat_event_kind::booked, 1, {1 + i % 10}));
  auto f = finish(c, t, seats_of(1, 10));
  ASSERT_TRUE(f);
  EXPECT_EQ(c.size(), 0u);
}

// The sale window is checked against the cached departure on every hold: it must be the one
// the load read, and survive the events that keep the entry current.
TEST_F(trip_catalog_test, the_departure_the_load_read_is_kept_with_the_entry) {
  auto c = make();
  const local_time departure{std::chrono::seconds(1'800'000'000)};
  trip_catalog::load_ticket t;
  ASSERT_FALSE(c.lookup_or_begin(1, t));
  auto s = seats_of(1, 4);
  ASSERT_TRUE(c.finish_load(t, &s, departure));
  c.on_event(event(seat_event_kind::booked, 1, {2}));
  auto cached = c.lookup_or_begin(1, t);
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->departure, departure);
  EXPECT_EQ(cached->total_seats, 4);
}

// After a resync every trip is read again: sold seats missed meanwhile come from the database.
TEST_F(trip_catalog_test, forget_all_drops_every_cached_trip) {
  auto c = make();
  ASSERT_TRUE(load(c, 1, seats_of(1, 4)));
  ASSERT_TRUE(load(c, 2, seats_of(2, 4)));
  c.forget_all();
  EXPECT_EQ(c.size(), 0u);
  trip_catalog::load_ticket t;
  EXPECT_FALSE(c.lookup_or_begin(1, t));
  auto f = finish(c, t, seats_of(1, 4, {3}));  // a sale the catalog never heard of
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->is_booked(3));
}

TEST_F(trip_catalog_test, one_trips_events_leave_the_others_alone) {
  auto c = make();
  ASSERT_TRUE(load(c, 1, seats_of(1, 4)));
  ASSERT_TRUE(load(c, 2, seats_of(2, 4)));
  c.on_event(event(seat_event_kind::booked, 2, {1}));
  c.on_event(event(seat_event_kind::booked, 3, {1}));  // neither cached nor loading: ignored
  trip_catalog::load_ticket t;
  EXPECT_TRUE(c.lookup_or_begin(1, t)->booked.empty());
  EXPECT_EQ(c.lookup_or_begin(2, t)->booked, (std::vector<int>{1}));
  EXPECT_EQ(c.size(), 2u);
}

}  // namespace
}  // namespace seatd::realtime
