// Redis losing its data under a running seatd (issue 11 item 1): killed and restarted without
// persistence, or flushed while connected. A viewer must get a small, bounded number of fresh
// INITIAL_STATEs under the new epoch and then every new event in order — not an endless stream
// of INITIAL_STATEs (one viewer got 12,598 in 3 s), not new events silently dropped as
// duplicates of the old seq space, not stale history after a fresh INITIAL_STATE.
#include <gtest/gtest.h>

#include <thread>

#include "component/test_support.hpp"
#include "component/ws_client.hpp"
#include "integration/seat_map_model.hpp"
#include "integration/seatd_cluster.hpp"

namespace seatd::testing {
namespace {

using namespace std::chrono_literals;

// Applies what the viewer receives until it stays quiet for `quiet`, but at most `max`
// messages (a viewer in a resync loop never goes quiet). Returns the messages applied.
int pump(ws_client& v, seat_map_model& model, std::chrono::milliseconds quiet = 500ms,
         int max = 1000) {
  int n = 0;
  while (n < max) {
    auto text = v.read(quiet);
    if (!text) break;
    if (*text == "pong") continue;
    model.apply(boost::json::parse(*text).as_object());
    ++n;
  }
  return n;
}

// Waits until seatd answers hold requests again (its Redis connection is back), with a hold on
// trip 2 that is released at once: trip 1, which the tests watch, is not touched.
void wait_for_holds(http_client& c, const std::string& token) {
  for (int i = 0; i < 200; ++i) {
    auto r = lock_seat(c, token, 2, 40);
    if (r.status == 200) {
      EXPECT_EQ(unlock_seat(c, token, 2, 40).status, 200);
      return;
    }
    std::this_thread::sleep_for(50ms);
  }
  FAIL() << "holds never came back";
}

// A viewer of trip 1 that has its INITIAL_STATE (seatd may still be reconnecting: 1013).
std::unique_ptr<ws_client> open_viewer(unsigned short port, seat_map_model& model) {
  for (int i = 0; i < 100; ++i) {
    auto v = std::make_unique<ws_client>(port, "/ws/seats/1");
    if (auto m = v->read_json()) {
      model.apply(*m);
      return v;
    }
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "no INITIAL_STATE";
  return nullptr;
}

seatd_cluster::options one_instance() {
  seatd_cluster::options opts;
  opts.instances = 1;
  return opts;
}

TEST(redis_data_loss, restarted_without_persistence_a_new_viewer_resyncs_once_and_follows) {
  seatd_cluster cluster(one_instance());
  http_client c(cluster.port(0));
  auto t = cluster.signup(c);
  ASSERT_EQ(lock_seat(c, t.token, 1, 1).status, 200);
  ASSERT_EQ(unlock_seat(c, t.token, 1, 1).status, 200);
  seat_map_model before;
  auto v0 = open_viewer(cluster.port(0), before);
  ASSERT_TRUE(v0);
  EXPECT_EQ(before.seq, 2u);

  cluster.redis().restart();  // kill -9 and start again: an empty Redis
  wait_for_holds(c, t.token);

  seat_map_model fresh;
  auto v = open_viewer(cluster.port(0), fresh);
  ASSERT_TRUE(v);
  pump(*v, fresh);
  pump(*v0, before);
  EXPECT_LE(fresh.initial_states, 3);
  EXPECT_LE(before.initial_states, 4);
  EXPECT_NE(fresh.epoch, "");
  EXPECT_EQ(before.epoch, fresh.epoch);

  ASSERT_EQ(lock_seat(c, t.token, 1, 5).status, 200);
  pump(*v, fresh);
  pump(*v0, before);
  for (auto* m : {&fresh, &before}) {
    EXPECT_EQ(m->locked_seats(), (std::set<int>{5}));
    EXPECT_TRUE(m->problems.empty()) << m->problems.front();
  }
  EXPECT_LE(fresh.initial_states, 3);
  EXPECT_LE(before.initial_states, 4);
}

TEST(redis_data_loss, flushed_while_connected_viewers_resync_under_a_new_epoch_and_follow) {
  seatd_cluster cluster(one_instance());
  http_client c(cluster.port(0));
  auto t = cluster.signup(c);
  seat_map_model open_before;
  auto v0 = open_viewer(cluster.port(0), open_before);
  ASSERT_TRUE(v0);
  ASSERT_EQ(lock_seat(c, t.token, 1, 1).status, 200);
  ASSERT_EQ(unlock_seat(c, t.token, 1, 1).status, 200);
  ASSERT_EQ(lock_seat(c, t.token, 1, 2).status, 200);
  pump(*v0, open_before);
  ASSERT_EQ(open_before.seq, 3u);
  const std::string old_epoch = open_before.epoch;

  cluster.redis().command({"FLUSHALL"});  // no disconnect: nothing tells the subscription

  // A new viewer right away, before seatd noticed: whatever it is shown, stale history of the
  // old seq space must not follow its INITIAL_STATE.
  seat_map_model early;
  auto v1 = open_viewer(cluster.port(0), early);
  ASSERT_TRUE(v1);

  // An event of the new seq space (seq 1): it must reach the viewers, not be taken for a
  // duplicate of the old seq 1.
  ASSERT_EQ(lock_seat(c, t.token, 1, 3).status, 200);
  for (int i = 0; i < 40 && open_before.epoch == old_epoch; ++i) pump(*v0, open_before, 100ms);
  pump(*v0, open_before);
  pump(*v1, early);
  for (auto* m : {&open_before, &early}) {
    EXPECT_NE(m->epoch, old_epoch);
    EXPECT_EQ(m->locked_seats(), (std::set<int>{3}));  // seat 2's hold went with the data
    EXPECT_LE(m->initial_states, 4);
  }

  ASSERT_EQ(lock_seat(c, t.token, 1, 4).status, 200);
  pump(*v0, open_before);
  pump(*v1, early);
  for (auto* m : {&open_before, &early}) {
    EXPECT_EQ(m->locked_seats(), (std::set<int>{3, 4}));
    EXPECT_TRUE(m->problems.empty()) << m->problems.front();
    EXPECT_LE(m->initial_states, 4);
  }
}

TEST(redis_data_loss, flushed_with_no_event_after_it_a_new_viewer_gets_no_stale_history) {
  seatd_cluster cluster(one_instance());
  http_client c(cluster.port(0));
  auto t = cluster.signup(c);
  ASSERT_EQ(lock_seat(c, t.token, 1, 1).status, 200);
  ASSERT_EQ(unlock_seat(c, t.token, 1, 1).status, 200);
  seat_map_model first;
  auto v0 = open_viewer(cluster.port(0), first);
  ASSERT_TRUE(v0);
  const std::string old_epoch = first.epoch;

  cluster.redis().command({"FLUSHALL"});
  // seatd notices the loss by its epoch key alone (a sold-out trip may never get an event):
  // the open viewer is sent a fresh INITIAL_STATE under a new epoch.
  for (int i = 0; i < 40 && first.epoch == old_epoch; ++i) pump(*v0, first, 100ms);
  EXPECT_NE(first.epoch, old_epoch);
  EXPECT_EQ(first.seq, 0u);
  EXPECT_LE(first.initial_states, 3);

  seat_map_model later;
  auto v1 = open_viewer(cluster.port(0), later);
  ASSERT_TRUE(v1);
  pump(*v1, later);
  EXPECT_EQ(later.epoch, first.epoch);
  EXPECT_EQ(later.seq, 0u);
  EXPECT_EQ(later.initial_states, 1);
  EXPECT_TRUE(later.problems.empty()) << later.problems.front();  // no stale seq 1, 2

  ASSERT_EQ(lock_seat(c, t.token, 1, 6).status, 200);
  pump(*v0, first);
  pump(*v1, later);
  for (auto* m : {&first, &later}) {
    EXPECT_EQ(m->locked_seats(), (std::set<int>{6}));
    EXPECT_EQ(m->seq, 1u);
    EXPECT_LE(m->initial_states, 3);
    EXPECT_TRUE(m->problems.empty()) << m->problems.front();
  }
}

}  // namespace
}  // namespace seatd::testing
