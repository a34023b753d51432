// The Redis engine's pure parts: key layout, the event wire format, the deadline index.
#include <gtest/gtest.h>

#include "holds/deadline_index.hpp"
#include "holds/redis_event_wire.hpp"
#include "holds/recent_seqs.hpp"
#include "holds/redis_layout.hpp"

namespace seatd {
namespace {

using namespace std::chrono_literals;

sys_ms at(std::int64_t ms) { return sys_ms{std::chrono::milliseconds{ms}}; }

TEST(redis_layout, every_key_of_a_trip_shares_its_shard_hash_tag) {
  auto k = redis_layout::keys_for(42);
  EXPECT_EQ(k.holds, "seatd:{shard:42}:trip:42:holds");
  EXPECT_EQ(k.seq, "seatd:{shard:42}:trip:42:seq");
  EXPECT_EQ(k.deadlines, "seatd:{shard:42}:trip:42:deadlines");
  EXPECT_EQ(k.users, "seatd:{shard:42}:trip:42:users");
  EXPECT_EQ(k.index, "seatd:{shard:42}:trips");
  EXPECT_EQ(k.ttl(7), "seatd:{shard:42}:trip:42:ttl:7");
  auto far = redis_layout::keys_for(256 + 42);
  EXPECT_EQ(far.index, k.index);  // same shard, same index set
  EXPECT_EQ(far.holds, "seatd:{shard:42}:trip:298:holds");
  EXPECT_EQ(redis_layout::shard_of(-1), 255);
}

TEST(redis_layout, ttl_keys_name_their_trip) {
  EXPECT_EQ(redis_layout::trip_of_ttl_key("seatd:{shard:42}:trip:298:ttl:7"), 298);
  EXPECT_EQ(redis_layout::trip_of_ttl_key(redis_layout::keys_for(5).ttl(40)), 5);
  EXPECT_FALSE(redis_layout::trip_of_ttl_key("seatd:{shard:1}:trip:298:ttl:7"));  // wrong shard
  EXPECT_FALSE(redis_layout::trip_of_ttl_key("seatd:{shard:42}:trip:298:holds"));
  EXPECT_FALSE(redis_layout::trip_of_ttl_key("seatd:{shard:42}:trip:298:ttl:7x"));
  EXPECT_FALSE(redis_layout::trip_of_ttl_key("session:abc"));
  EXPECT_EQ(redis_layout::expired_channel(3), "__keyevent@3__:expired");
  EXPECT_EQ(redis_layout::event_channel(0), "seatd:events:0");
}

TEST(redis_event_wire, decodes_what_the_scripts_publish) {
  auto l = redis_event_wire::decode("L|42|17|7|100|1800000300000");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->kind, seat_event_kind::locked);
  EXPECT_EQ(l->trip, 42);
  EXPECT_EQ(l->seq, 17u);
  EXPECT_EQ(l->seats, std::vector<int>{7});
  EXPECT_EQ(l->user, 100);
  EXPECT_EQ(l->expires_at, at(1800000300000));
  // A group taken at once is one lock listing its seats (take_group, extend).
  auto g = redis_event_wire::decode("L|42|18|7,8,9|100|1800000300000");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->kind, seat_event_kind::locked);
  EXPECT_EQ(g->seats, (std::vector<int>{7, 8, 9}));
  EXPECT_EQ(redis_event_wire::encode(*g), "L|42|18|7,8,9|100|1800000300000");
  auto b = redis_event_wire::decode("B|1|3|3,4,12|0|0");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->kind, seat_event_kind::booked);
  EXPECT_EQ(b->seats, (std::vector<int>{3, 4, 12}));
  auto r = redis_event_wire::decode("R|1|4||0|0");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->seats.empty());
  EXPECT_EQ(redis_event_wire::decode("E|9|2|9|0|0")->kind, seat_event_kind::expired);
  EXPECT_EQ(redis_event_wire::decode("U|9|2|9|5|0")->user, 5);
  for (const auto& e : {*l, *b, *r}) {
    auto again = redis_event_wire::decode(redis_event_wire::encode(e));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->seats, e.seats);
    EXPECT_EQ(again->seq, e.seq);
    EXPECT_FALSE(again->offer);
  }
}

// A waiting-list offer is a lock with the flags field "O"; the six-field messages (every
// other event, and those of instances from before offers) are not offers.
TEST(redis_event_wire, carries_the_offer_flag) {
  EXPECT_FALSE(redis_event_wire::decode("L|42|18|7,8|100|1800000300000")->offer);
  auto o = redis_event_wire::decode("L|42|19|7,8|100|1800000300000|O");
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->offer);
  EXPECT_EQ(o->kind, seat_event_kind::locked);
  EXPECT_EQ(o->seats, (std::vector<int>{7, 8}));
  EXPECT_EQ(o->user, 100);
  EXPECT_EQ(o->expires_at, at(1800000300000));
  EXPECT_EQ(redis_event_wire::encode(*o), "L|42|19|7,8|100|1800000300000|O");
  o->offer = false;
  EXPECT_EQ(redis_event_wire::encode(*o), "L|42|19|7,8|100|1800000300000");
  // A flag this reader does not know is ignored (a later one must not drop events).
  auto later = redis_event_wire::decode("L|42|20|7|100|1800000300000|XO");
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->offer);
  EXPECT_FALSE(redis_event_wire::decode("L|42|20|7|100|1800000300000|X")->offer);
  for (const char* bad : {"L|1|2|3|4|5|", "L|1|2|3|4|5|O|O", "L|1|2|3|4|5|o", "L|1|2|3|4|5|1",
                          "U|1|2|3|4|5|O", "B|1|2|3|0|0|O"})
    EXPECT_FALSE(redis_event_wire::decode(bad)) << bad;
}

TEST(redis_event_wire, rejects_malformed_payloads) {
  for (const char* bad :
       {"", "L", "L|1|2|3|4", "L|1|2|3|4|5|6", "X|1|2|3|4|5", "L|1|2||4|5", "U|1|2|3,4|4|5", "E|1|2|3,4|0|0",
        "B|1|2|3,|0|0", "B|1|2|,3|0|0", "L|a|2|3|4|5", "L|1|2|3|4|5x", "U|1|-|3|4|5"})
    EXPECT_FALSE(redis_event_wire::decode(bad)) << bad;
}

TEST(deadline_index, due_trips_once_in_deadline_order) {
  deadline_index idx;
  EXPECT_FALSE(idx.earliest());
  idx.set(1, 7, at(300));
  idx.set(2, 1, at(100));
  idx.set(1, 8, at(200));
  idx.set(3, 1, at(900));
  EXPECT_EQ(idx.earliest(), at(100));
  idx.set(2, 1, at(250));  // renewed: replaces the old deadline
  EXPECT_EQ(idx.earliest(), at(200));
  EXPECT_EQ(idx.size(), 4u);
  EXPECT_EQ(idx.take_due(at(199)), std::vector<row_id>{});
  EXPECT_EQ(idx.take_due(at(300)), (std::vector<row_id>{1, 2}));  // trip 1 once
  EXPECT_EQ(idx.size(), 1u);
  idx.erase(3, 1);
  idx.erase(3, 1);
  EXPECT_FALSE(idx.earliest());
  EXPECT_TRUE(idx.take_due(at(10'000)).empty());
}

// Issue 11: the engine's last-delivered seq per trip grew with every trip ever changed.
TEST(recent_seqs, bounded_and_keeps_the_recent_trips) {
  recent_seqs r(8);
  for (row_id trip = 1; trip <= 100'000; ++trip) {
    r.set(trip, std::uint64_t(trip));
    ASSERT_LE(r.size(), 8u);
    EXPECT_EQ(r.get(trip), std::uint64_t(trip));  // the trip just delivered is always found
  }
  EXPECT_FALSE(r.get(1));  // long gone
  r.set(7, 3);
  r.set(7, 1);  // assigned, not maxed: a restarted seq space goes back
  EXPECT_EQ(r.get(7), 1u);
  EXPECT_LE(r.size(), 8u);
}

TEST(recent_seqs, a_busy_trip_stays_while_others_come_and_go) {
  recent_seqs r(8);
  std::uint64_t busy = 0;
  for (row_id trip = 100; trip < 10'000; ++trip) {
    r.set(1, ++busy);
    r.set(trip, 1);
    ASSERT_EQ(r.get(1), busy);
  }
}

}  // namespace
}  // namespace seatd
