// Waiting-list offers on the seat map (issue 16): the WAITLIST_OFFER and AUTH answer frames,
// and the room handing an offer's extra frame to the offered user's viewers only, right after
// the offer's shared lock frame(s), without changing what anyone else reads.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "realtime/event_json.hpp"
#include "realtime/seat_hub.hpp"

namespace seatd::realtime {
namespace {

// The JSON text of a server frame (the frames here are short: a 2-byte header).
std::string text_of(const frame& f) {
  EXPECT_LT(f->size(), 126u + 2u);
  return f->substr(2);
}

seat_event lock_event(row_id trip, std::vector<int> seats, row_id user, std::uint64_t seq,
                      bool offer) {
  seat_event e;
  e.kind = seat_event_kind::locked;
  e.trip = trip;
  e.seats = std::move(seats);
  e.user = user;
  e.seq = seq;
  e.expires_at = sys_ms{std::chrono::milliseconds{1795000000000}};
  e.offer = offer;
  return e;
}

TEST(waitlist_offer_frame, names_the_trip_seats_deadline_and_seq) {
  auto e = lock_event(4, {7, 8}, 12, 46, true);
  EXPECT_TRUE(is_offer(e));
  EXPECT_EQ(text_of(waitlist_offer_frame(e)),
            R"({"type":"WAITLIST_OFFER","trip_id":4,"seat_nos":[7,8],)"
            R"("expires_at":1795000000000,"seq":46})");
  // expires_at in the very format of the lock's own message.
  EXPECT_NE(text_of(event_frame(lock_event(4, {7}, 12, 46, true)))
                .find(R"("expires_at":1795000000000)"),
            std::string::npos);
  EXPECT_EQ((*waitlist_offer_frame(e))[0], char(0x81));  // a final text frame
}

TEST(waitlist_offer_frame, only_a_lock_marked_offer_to_a_user_is_one) {
  EXPECT_FALSE(is_offer(lock_event(4, {7}, 12, 1, false)));
  EXPECT_FALSE(is_offer(lock_event(4, {7}, 0, 1, true)));  // nobody to tell
  auto unlocked = lock_event(4, {7}, 12, 1, true);
  unlocked.kind = seat_event_kind::unlocked;
  EXPECT_FALSE(is_offer(unlocked));
}

TEST(auth_frames, ok_names_the_user_and_failed_escapes_its_detail) {
  EXPECT_EQ(text_of(auth_ok_frame(12)), R"({"type":"AUTH_OK","user_id":12})");
  EXPECT_EQ(text_of(auth_failed_frame("invalid or expired token")),
            R"({"type":"AUTH_FAILED","detail":"invalid or expired token"})");
  EXPECT_EQ(text_of(auth_failed_frame(R"(expected {"type":"AUTH"})")),
            R"({"type":"AUTH_FAILED","detail":"expected {\"type\":\"AUTH\"}"})");
}

class offer_room_test : public ::testing::Test {
 protected:
  boost::asio::io_context io_;
  std::unique_ptr<store> db_ = open_store("sqlite://:memory:");
  worker_pool pool_{1, 16};
  trip_catalog catalog_{*db_, pool_};
  seat_hub hub_{io_.get_executor(), catalog_};
};

// Room-level: an offer event published through the hub reaches only the queue of a viewer
// identified as the offered user; everyone reads the same shared lock frames as for any hold.
TEST_F(offer_room_test, an_offer_reaches_only_the_identified_users_viewers) {
  hub_.publish(lock_event(1, {3}, 50, 1, false));
  hub_.publish(lock_event(1, {7, 8}, 12, 2, true));
  hub_.publish(lock_event(1, {9}, 50, 3, false));
  auto r = hub_.room_for(1);

  std::vector<frame> anonymous, other, mine, mine_v2;
  std::uint64_t next_anonymous = 0, next_other = 0, next_mine = 0, next_v2 = 0;
  ASSERT_TRUE(r->read(1, anonymous, 100, protocol::v1, 0, &next_anonymous));
  ASSERT_TRUE(r->read(1, other, 100, protocol::v1, 50, &next_other));
  ASSERT_TRUE(r->read(1, mine, 100, protocol::v1, 12, &next_mine));
  ASSERT_TRUE(r->read(1, mine_v2, 100, protocol::v2, 12, &next_v2));
  for (auto next : {next_anonymous, next_other, next_mine, next_v2}) EXPECT_EQ(next, 4u);

  ASSERT_EQ(anonymous.size(), 3u);
  EXPECT_EQ(other, anonymous);  // the same shared frames, nothing more
  ASSERT_EQ(mine.size(), 4u);
  EXPECT_EQ(mine[0], anonymous[0]);
  EXPECT_EQ(mine[1], anonymous[1]);  // the offer's SEAT_LOCKEDs (v1: one per seat), shared
  EXPECT_EQ(text_of(mine[2]), R"({"type":"WAITLIST_OFFER","trip_id":1,"seat_nos":[7,8],)"
                              R"("expires_at":1795000000000,"seq":2})");
  EXPECT_EQ(mine[3], anonymous[2]);
  ASSERT_EQ(mine_v2.size(), 4u);
  EXPECT_NE(mine_v2[1]->find(R"("type":"SEATS_LOCKED")"), std::string::npos);
  EXPECT_EQ(mine_v2[2], mine[2]);  // one offer frame for every viewer of the user, v1 or v2
  for (const auto& f : anonymous) EXPECT_EQ(f->find("WAITLIST_OFFER"), std::string::npos);
}

// The offer's frame never gets split from its event by the batch bound, and the caller's next
// seq counts events, not frames.
TEST_F(offer_room_test, a_batch_ends_after_an_offer_and_next_counts_seqs) {
  hub_.publish(lock_event(1, {7}, 12, 1, true));
  hub_.publish(lock_event(1, {9}, 50, 2, false));
  auto r = hub_.room_for(1);
  std::vector<frame> out;
  std::uint64_t next = 0;
  ASSERT_TRUE(r->read(1, out, 1, protocol::v1, 12, &next));
  EXPECT_EQ(out.size(), 2u);  // the lock and its offer
  EXPECT_EQ(next, 2u);
  ASSERT_TRUE(r->read(next, out, out.size() + 1, protocol::v1, 12, &next));
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(next, 3u);
  out.clear();
  ASSERT_TRUE(r->read(3, out, 10, protocol::v1, 12, &next));  // nothing new
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(next, 3u);
}

// A viewer that identifies itself after reading an offer (a resume's replay comes before its
// AUTH) gets the offers to its user among what it read.
TEST_F(offer_room_test, offers_lists_a_users_offers_in_a_range) {
  hub_.publish(lock_event(1, {7}, 12, 1, true));
  hub_.publish(lock_event(1, {9}, 50, 2, true));
  hub_.publish(lock_event(1, {4, 5}, 12, 3, true));
  auto r = hub_.room_for(1);
  std::vector<frame> out;
  r->offers(1, 3, 12, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0]->find(R"("seq":1)"), std::string::npos);
  EXPECT_NE(out[1]->find(R"("seat_nos":[4,5])"), std::string::npos);
  out.clear();
  r->offers(2, 100, 12, out);  // clamped to what is kept
  EXPECT_EQ(out.size(), 1u);
  out.clear();
  r->offers(1, 3, 0, out);  // anonymous: none
  r->offers(1, 0, 12, out);  // an empty range
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace seatd::realtime
