// seat_hub: events reach the trip's room, resync_all restarts every room, and rooms nobody
// uses are dropped so the hub's memory stays flat over months of schedules.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "realtime/seat_hub.hpp"

namespace seatd::realtime {
namespace {

struct counting_viewer : viewer {
  int drains = 0;
  void wake() override {}
  void drain() override { ++drains; }
};

seat_event locked(row_id trip, int seat, std::uint64_t seq) {
  seat_event e;
  e.kind = seat_event_kind::locked;
  e.trip = trip;
  e.seats = {seat};
  e.user = 9;
  e.seq = seq;
  return e;
}

class seat_hub_test : public ::testing::Test {
 protected:
  boost::asio::io_context io_;
  std::unique_ptr<store> db_ = open_store("sqlite://:memory:");
  worker_pool pool_{1, 16};
  trip_catalog catalog_{*db_, pool_};
};

TEST_F(seat_hub_test, publish_appends_to_the_trips_room_and_wakes_its_viewers) {
  seat_hub hub(io_.get_executor(), catalog_, 2);
  auto v = std::make_shared<counting_viewer>();
  auto r = hub.join(1, v, 1);
  hub.publish(locked(1, 5, 1));
  hub.publish(locked(2, 5, 1));  // another trip's room
  EXPECT_EQ(r->last_seq(), 1u);
  EXPECT_EQ(hub.room_for(1), r);
  EXPECT_EQ(hub.viewer_count(), 1u);
  io_.run();
  EXPECT_EQ(v->drains, 1);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Issue 16: a group lock is one change (one seq, one history entry); viewers of protocol v2
// read it as one SEATS_LOCKED, v1 viewers as one SEAT_LOCKED per seat, each with that seq.
TEST_F(seat_hub_test, a_group_lock_is_one_message_for_v2_and_one_per_seat_for_v1) {
  seat_hub hub(io_.get_executor(), catalog_);
  auto group = locked(1, 7, 1);
  group.seats = {7, 8, 9};
  group.expires_at = sys_ms{std::chrono::milliseconds{1795000000000}};
  hub.publish(group);
  hub.publish(locked(1, 3, 2));
  auto r = hub.room_for(1);
  std::vector<frame> v1, v2;
  ASSERT_TRUE(r->read(1, v1, 10));
  ASSERT_TRUE(r->read(1, v2, 10, protocol::v2));
  ASSERT_EQ(v1.size(), 2u);
  ASSERT_EQ(v2.size(), 2u);
  EXPECT_NE(v2[0]->find(R"({"type":"SEATS_LOCKED","seat_nos":[7,8,9],"user_id":9,)"
                        R"("expires_at":1795000000000,"seq":1})"),
            std::string::npos)
      << *v2[0];
  EXPECT_EQ(occurrences(*v2[0], "\"type\""), 1u);
  EXPECT_EQ(occurrences(*v1[0], R"("type":"SEAT_LOCKED")"), 3u);
  EXPECT_EQ(occurrences(*v1[0], R"("seq":1})"), 3u);
  for (const char* seat : {R"("seat_no":7,)", R"("seat_no":8,)", R"("seat_no":9,)"})
    EXPECT_EQ(occurrences(*v1[0], seat), 1u) << seat;
  EXPECT_EQ(v1[1], v2[1]);  // one seat: the same shared frame for both versions
}

TEST_F(seat_hub_test, resync_all_starts_every_room_over) {
  seat_hub hub(io_.get_executor(), catalog_);
  hub.publish(locked(1, 5, 7));
  auto r = hub.room_for(1);
  const auto g = r->generation();
  hub.resync_all();
  EXPECT_NE(r->generation(), g);
  EXPECT_EQ(r->last_seq(), 0u);  // a restarted seq space is accepted from its first event
}

// Issue 11: a room was created for every trip ever viewed or changed and lived for ever.
TEST_F(seat_hub_test, rooms_without_viewers_or_events_are_dropped) {
  seat_hub hub(io_.get_executor(), catalog_, 1, 4);
  auto v = std::make_shared<counting_viewer>();
  auto watched = hub.join(1, v, 0);
  std::uint64_t seq = 0;
  for (row_id trip = 100; trip < 10'100; ++trip) {
    hub.publish(locked(trip, 1, 1));   // a trip changes once, then nobody looks at it again
    hub.publish(locked(2, 1, ++seq));  // a busy trip nobody watches
  }
  EXPECT_LE(hub.room_count(), 16u);
  EXPECT_EQ(hub.room_for(1), watched);  // watched: kept
  EXPECT_EQ(hub.room_for(2)->last_seq(), seq);  // busy: kept, its history whole
  // A dropped trip gets a new room, which events and viewers reach as before.
  auto fresh = hub.room_for(100);
  EXPECT_EQ(fresh->last_seq(), 0u);
  hub.publish(locked(100, 2, 2));
  EXPECT_EQ(hub.room_for(100)->last_seq(), 2u);
}

TEST_F(seat_hub_test, a_room_whose_viewers_left_is_dropped_after_a_quiet_sweep) {
  seat_hub hub(io_.get_executor(), catalog_, 1, 2);
  auto v = std::make_shared<counting_viewer>();
  auto r = hub.join(1, v, 0);
  r->leave(v.get(), 0);
  for (row_id trip = 10; trip < 20; ++trip) hub.room_for(trip);
  EXPECT_NE(hub.room_for(1), r);
}

TEST_F(seat_hub_test, shards_are_handed_out_in_turn) {
  seat_hub hub(io_.get_executor(), catalog_, 3);
  EXPECT_EQ(hub.pick_shard(), 0u);
  EXPECT_EQ(hub.pick_shard(), 1u);
  EXPECT_EQ(hub.pick_shard(), 2u);
  EXPECT_EQ(hub.pick_shard(), 0u);
}

// A sale reaches the catalog before the room, so a lock right after SEAT_BOOKED is refused.
TEST_F(seat_hub_test, publish_keeps_the_catalogs_sold_seats_current) {
  seat_hub hub(io_.get_executor(), catalog_);
  std::vector<seat> seats;
  for (int i = 1; i <= 4; ++i) seats.push_back(seat{i, 1, i, false});
  trip_catalog::load_ticket t;
  ASSERT_FALSE(catalog_.lookup_or_begin(1, t));
  ASSERT_TRUE(catalog_.finish_load(t, &seats));
  seat_event sold = locked(1, 3, 1);
  sold.kind = seat_event_kind::booked;
  hub.publish(sold);
  auto facts = catalog_.lookup_or_begin(1, t);
  ASSERT_TRUE(facts);
  EXPECT_TRUE(facts->is_booked(3));
  EXPECT_EQ(hub.room_for(1)->last_seq(), 1u);
}

TEST_F(seat_hub_test, resync_all_forgets_sold_seats_and_wakes_every_rooms_viewers) {
  seat_hub hub(io_.get_executor(), catalog_);
  std::vector<seat> seats{seat{1, 1, 1, true}};
  trip_catalog::load_ticket t;
  catalog_.lookup_or_begin(1, t);
  catalog_.finish_load(t, &seats);
  ASSERT_EQ(catalog_.size(), 1u);
  auto a = std::make_shared<counting_viewer>();
  auto b = std::make_shared<counting_viewer>();
  hub.join(1, a, 0);
  hub.join(2, b, 0);
  hub.resync_all();
  EXPECT_EQ(catalog_.size(), 0u);  // the next use reloads from the database
  io_.run();
  EXPECT_EQ(a->drains, 1);  // each drains, sees the new generation and resyncs
  EXPECT_EQ(b->drains, 1);
}

TEST_F(seat_hub_test, viewer_count_sums_every_room) {
  seat_hub hub(io_.get_executor(), catalog_, 2);
  auto a = std::make_shared<counting_viewer>();
  auto b = std::make_shared<counting_viewer>();
  auto c = std::make_shared<counting_viewer>();
  hub.join(1, a, 0);
  hub.join(1, b, 1);
  auto r2 = hub.join(2, c, 0);
  EXPECT_EQ(hub.viewer_count(), 3u);
  r2->leave(c.get(), 0);
  EXPECT_EQ(hub.viewer_count(), 2u);
}

}  // namespace
}  // namespace seatd::realtime
