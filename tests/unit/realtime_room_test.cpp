// room: the per-trip history viewers read from. Gaps, duplicates, resets, generations and a
// seq space that restarts (Redis lost its data), without sockets.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "realtime/room.hpp"

namespace seatd::realtime {
namespace {

frame f(std::uint64_t seq) { return std::make_shared<const std::string>(std::to_string(seq)); }

std::vector<std::string> texts(const std::vector<frame>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(*x);
  return out;
}

struct counting_viewer : viewer {
  int drains = 0;
  void wake() override {}
  void drain() override { ++drains; }
};

class room_test : public ::testing::Test {
 protected:
  boost::asio::io_context io_;
  std::shared_ptr<room> make(std::size_t keep = 1024, std::size_t shards = 1) {
    std::vector<boost::asio::any_io_executor> ex(shards, boost::asio::any_io_executor(io_.get_executor()));
    return std::make_shared<room>(ex, keep);
  }
};

TEST_F(room_test, reads_from_any_kept_seq_and_nothing_new_past_the_last) {
  auto r = make();
  for (std::uint64_t s = 1; s <= 5; ++s) r->append(s, f(s));
  std::vector<frame> out;
  ASSERT_TRUE(r->read(3, out, 100));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"3", "4", "5"}));
  out.clear();
  ASSERT_TRUE(r->read(6, out, 100));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(r->read(1, out, 2));  // at most max
  EXPECT_EQ(texts(out), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(r->last_seq(), 5u);
}

TEST_F(room_test, keeps_a_bounded_history) {
  auto r = make(4);
  for (std::uint64_t s = 1; s <= 10; ++s) r->append(s, f(s));
  std::vector<frame> out;
  EXPECT_FALSE(r->read(6, out, 100));  // older than kept: resync
  ASSERT_TRUE(r->read(7, out, 100));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"7", "8", "9", "10"}));
}

TEST_F(room_test, the_last_seq_again_is_a_duplicate) {
  auto r = make();
  r->append(1, f(1));
  r->append(2, f(2));
  const auto g = r->generation();
  r->append(2, std::make_shared<const std::string>("again"));
  std::vector<frame> out;
  ASSERT_TRUE(r->read(1, out, 100));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(r->generation(), g);
}

TEST_F(room_test, a_gap_starts_the_history_afresh) {
  auto r = make();
  r->append(1, f(1));
  r->append(2, f(2));
  r->append(5, f(5));  // 3 and 4 were lost upstream
  std::vector<frame> out;
  EXPECT_FALSE(r->read(3, out, 100));  // a viewer that needed them resyncs
  ASSERT_TRUE(r->read(5, out, 100));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"5"}));
}

// Issue 11 item 1: after a reset the room kept its last seq, so a viewer that resynced from a
// snapshot of a restarted seq space (seq 0 after Redis lost its data) could never read: every
// read failed, the viewer resynced again, forever.
TEST_F(room_test, after_a_reset_a_snapshot_at_any_seq_reads_cleanly) {
  auto r = make();
  for (std::uint64_t s = 1; s <= 10; ++s) r->append(s, f(s));
  const auto g = r->generation();
  r->reset();
  EXPECT_NE(r->generation(), g);
  std::vector<frame> out;
  // A viewer synced at seq 0 (the new seq space) waits for seq 1: nothing to read, no failure.
  EXPECT_TRUE(r->read(1, out, 100));
  EXPECT_TRUE(out.empty());
  // The new space's events then reach it in order.
  r->append(1, f(1));
  r->append(2, f(2));
  ASSERT_TRUE(r->read(1, out, 100));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"1", "2"}));
  // A viewer synced at a later seq than the room has seen since the reset waits as well.
  out.clear();
  EXPECT_TRUE(r->read(40, out, 100));
  EXPECT_TRUE(out.empty());
}

TEST_F(room_test, after_a_reset_the_history_starts_at_the_next_seq_whatever_it_is) {
  auto r = make();
  for (std::uint64_t s = 1; s <= 3; ++s) r->append(s, f(s));
  r->reset();
  r->append(42, f(42));  // the seq space went on (Redis kept its data): no gap to the reset
  std::vector<frame> out;
  ASSERT_TRUE(r->read(42, out, 100));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"42"}));
  EXPECT_EQ(r->last_seq(), 42u);
}

// Issue 11 item 1: Redis lost its data without a disconnect; the trip's seq starts again at 1.
// The room dropped every such event as a duplicate until the old seq was passed.
TEST_F(room_test, a_seq_going_backwards_starts_a_new_generation) {
  auto r = make();
  for (std::uint64_t s = 1; s <= 10; ++s) r->append(s, f(s));
  const auto g = r->generation();
  r->append(1, std::make_shared<const std::string>("new 1"));
  EXPECT_NE(r->generation(), g);  // every viewer of the old space resyncs
  EXPECT_EQ(r->last_seq(), 1u);
  r->append(2, std::make_shared<const std::string>("new 2"));
  std::vector<frame> out;
  ASSERT_TRUE(r->read(1, out, 100));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"new 1", "new 2"}));
}

TEST_F(room_test, wake_all_runs_one_drain_pass_per_occupied_shard_coalesced) {
  auto r = make(1024, 2);
  auto a = std::make_shared<counting_viewer>();
  auto b = std::make_shared<counting_viewer>();
  r->join(a, 0);
  r->join(b, 0);
  EXPECT_EQ(r->viewer_count(), 2u);
  r->wake_all();
  r->wake_all();  // before the pass ran: the same pass
  io_.run();
  EXPECT_EQ(a->drains, 1);
  EXPECT_EQ(b->drains, 1);
  r->leave(a.get(), 0);
  io_.restart();
  r->wake_all();
  io_.run();
  EXPECT_EQ(a->drains, 1);
  EXPECT_EQ(b->drains, 2);
  EXPECT_EQ(r->viewer_count(), 1u);
}

TEST_F(room_test, touched_by_events_and_joins_until_taken) {
  auto r = make();
  EXPECT_TRUE(r->take_touched());  // a new room counts as used
  EXPECT_FALSE(r->take_touched());
  r->append(1, f(1));
  EXPECT_TRUE(r->take_touched());
  auto v = std::make_shared<counting_viewer>();
  r->join(v, 0);
  EXPECT_TRUE(r->take_touched());
  EXPECT_FALSE(r->take_touched());
}

// A gap loses only the missing events: a viewer already past them reads on in the same
// generation (only a seq going backwards or a reset makes every viewer resync).
TEST_F(room_test, a_gap_keeps_the_generation_and_a_caught_up_viewer_reads_on) {
  auto r = make();
  r->append(1, f(1));
  r->append(2, f(2));
  const auto g = r->generation();
  r->append(5, f(5));
  r->append(6, f(6));
  EXPECT_EQ(r->generation(), g);
  std::vector<frame> out;
  ASSERT_TRUE(r->read(6, out, 100));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"6"}));
}

TEST_F(room_test, a_duplicate_after_a_gap_is_still_a_duplicate) {
  auto r = make();
  r->append(1, f(1));
  r->append(5, f(5));
  r->append(5, std::make_shared<const std::string>("again"));
  std::vector<frame> out;
  ASSERT_TRUE(r->read(5, out, 100));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"5"}));
  EXPECT_EQ(r->last_seq(), 5u);
}

// Each reset is a new generation, so a viewer that synced between two resets still resyncs.
TEST_F(room_test, every_reset_is_a_new_generation) {
  auto r = make();
  const auto g0 = r->generation();
  r->reset();
  const auto g1 = r->generation();
  r->reset();
  EXPECT_NE(g0, g1);
  EXPECT_NE(g1, r->generation());
  EXPECT_NE(g0, r->generation());
}

// A reader asks for at most `max` frames in the vector it fills, counting what is already
// there: the viewer appends straight to its write queue and bounds the batch that way.
TEST_F(room_test, read_appends_after_what_the_caller_holds_up_to_max_in_total) {
  auto r = make();
  for (std::uint64_t s = 1; s <= 5; ++s) r->append(s, f(s));
  std::vector<frame> out{std::make_shared<const std::string>("queued")};
  ASSERT_TRUE(r->read(2, out, 3));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"queued", "2", "3"}));
}

TEST_F(room_test, wake_all_without_viewers_posts_nothing) {
  auto r = make(1024, 2);
  r->append(1, f(1));
  r->wake_all();
  EXPECT_EQ(io_.run(), 0u);
}

// A viewer whose session ended without leaving (the room holds it weakly) is skipped, not
// drained after its end.
TEST_F(room_test, a_viewer_gone_without_leaving_is_skipped_by_the_drain_pass) {
  auto r = make();
  auto stays = std::make_shared<counting_viewer>();
  auto gone = std::make_shared<counting_viewer>();
  r->join(stays, 0);
  r->join(gone, 0);
  std::weak_ptr<counting_viewer> watch = gone;
  gone.reset();
  EXPECT_TRUE(watch.expired());  // the room does not keep a viewer alive
  r->wake_all();
  io_.run();
  EXPECT_EQ(stays->drains, 1);
}

// Only the shards that have viewers of the room get a pass, each draining only its viewers.
TEST_F(room_test, wake_all_drains_each_shards_viewers_on_that_shard) {
  boost::asio::io_context other;
  std::vector<boost::asio::any_io_executor> ex{io_.get_executor(), other.get_executor()};
  auto r = std::make_shared<room>(ex);
  auto on0 = std::make_shared<counting_viewer>();
  auto on1 = std::make_shared<counting_viewer>();
  r->join(on0, 0);
  r->join(on1, 1);
  r->wake_all();
  io_.run();
  EXPECT_EQ(on0->drains, 1);
  EXPECT_EQ(on1->drains, 0);  // its shard has not run yet
  other.run();
  EXPECT_EQ(on1->drains, 1);
}

}  // namespace
}  // namespace seatd::realtime
