// The Redis engine beyond the shared conformance suite, against real redis-servers: several
// engines on one Redis (one event stream, each expiry exactly once), Redis's own expired-key
// events as a trigger, a booking pin's lease, fail-fast while Redis is down, and the reconcile
// after it returns (holds that fell due meanwhile, resync, a new epoch after data loss).
#include "holds/redis_engine.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <atomic>
#include <cstring>
#include <thread>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "holds/redis_layout.hpp"
#include "holds/redis_scripts.hpp"
#include "integration/redis_test_server.hpp"
#include "integration/redis_test_support.hpp"

namespace seatd {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::io_runner;
using test::redis_test_server;

struct collector {
  std::mutex m;
  std::condition_variable cv;
  std::vector<seat_event> events;
  void add(const seat_event& e) {
    std::lock_guard lock(m);
    events.push_back(e);
    cv.notify_all();
  }
  bool wait(const std::function<bool(const std::vector<seat_event>&)>& pred,
            std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, timeout, [&] { return pred(events); });
  }
  std::vector<seat_event> copy() {
    std::lock_guard lock(m);
    return events;
  }
};

std::size_t count_kind(const std::vector<seat_event>& ev, seat_event_kind k) {
  std::size_t n = 0;
  for (const auto& e : ev) n += e.kind == k;
  return n;
}

class redis_engine_test : public ::testing::Test {
 protected:
  std::unique_ptr<redis_engine> make(redis_test_server& server, hold_policy policy, collector& log,
                                     std::chrono::milliseconds pin_lease = 60s) {
    redis_engine::options opts;
    opts.redis = redis_engine::redis_engine_config(server.url());
    opts.pin_lease = pin_lease;
    auto e = std::make_unique<redis_engine>(
        io_.executor(), clk_, policy, opts, [&log](const seat_event& ev) { log.add(ev); },
        [this] { resyncs_.bump(); });
    e->start();
    return e;
  }
  template <class T>
  T run(asio::awaitable<T> a) {
    return io_.run(std::move(a));
  }

  io_runner io_{2};
  system_clock clk_;
  test::event_counter resyncs_;
};

// A crowd asking for one trip's snapshot at once (viewers opening a popular trip, or every
// viewer after a reconnect's resync) is answered by a couple of scripts, not one each, and
// every answer is at least as new as the call: a hold taken before the call is in it.
TEST_F(redis_engine_test, concurrent_snapshots_of_a_trip_share_scripts_and_stay_current) {
  redis_test_server server;
  collector log;
  auto engine = make(server, {300s, 6}, log);
  ASSERT_TRUE(run(engine->take(9, 1, 100)));
  auto calls = [&server] {
    auto info = server.command({"INFO", "commandstats"});
    // cmdstat_evalsha:calls=N,... (and cmdstat_eval when a script was not cached yet)
    long n = 0;
    for (const char* name : {"cmdstat_evalsha:calls=", "cmdstat_eval:calls="}) {
      auto at = info.str().find(name);
      if (at != std::string::npos) n += std::stol(info.str().substr(at + std::strlen(name)));
    }
    return n;
  };
  auto before = calls();
  constexpr int crowd = 200;
  std::atomic<int> answered{0}, with_hold{0};
  std::vector<std::thread> askers;
  for (int t = 0; t < 4; ++t)
    askers.emplace_back([&] {
      for (int i = 0; i < crowd / 4; ++i) {
        asio::co_spawn(io_.executor(),
                       [&]() -> asio::awaitable<void> {
                         auto s = co_await engine->snapshot(9);
                         if (s) {
                           ++answered;
                           if (s->holds.size() == 1 && s->holds[0].seat == 1) ++with_hold;
                         }
                       },
                       asio::detached);
      }
    });
  for (auto& t : askers) t.join();
  auto until = std::chrono::steady_clock::now() + 10s;
  while (answered < crowd && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(answered.load(), crowd);
  EXPECT_EQ(with_hold.load(), crowd);
  EXPECT_LT(calls() - before, crowd / 4) << "snapshots were not shared";

  // Taken after a crowd started asking, seen by the next call.
  ASSERT_TRUE(run(engine->take(9, 2, 100)));
  auto after = run(engine->snapshot(9));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->holds.size(), 2u);
  engine->stop();
}

TEST_F(redis_engine_test, several_engines_one_event_stream_and_each_expiry_once) {
  redis_test_server server;
  collector logs[3];
  std::unique_ptr<redis_engine> engines[3];
  for (int i = 0; i < 3; ++i) engines[i] = make(server, {300ms, 100}, logs[i]);
  constexpr int holds = 60;
  for (int i = 0; i < holds; ++i)
    ASSERT_TRUE(run(engines[i % 3]->take(1 + i % 6, 1 + i / 6, 100 + i)));
  // Every engine sees every lock and every expiry, whoever took the hold and whoever expired it.
  for (auto& log : logs)
    ASSERT_TRUE(log.wait([](auto& ev) { return ev.size() >= 2 * holds; })) << log.copy().size();
  std::this_thread::sleep_for(300ms);  // a second expiry of any hold would show up by now
  auto reference = logs[0].copy();
  for (auto& log : logs) {
    auto ev = log.copy();
    ASSERT_EQ(ev.size(), std::size_t(2 * holds));
    EXPECT_EQ(count_kind(ev, seat_event_kind::expired), std::size_t(holds));
    std::map<row_id, std::uint64_t> seq;
    std::set<std::pair<row_id, int>> expired;
    for (std::size_t i = 0; i < ev.size(); ++i) {
      EXPECT_EQ(ev[i].seq, ++seq[ev[i].trip]) << "trip " << ev[i].trip;  // contiguous, ordered
      EXPECT_EQ(ev[i].trip, reference[i].trip);  // the same order on every instance
      EXPECT_EQ(ev[i].seq, reference[i].seq);
      if (ev[i].kind == seat_event_kind::expired) {
        EXPECT_TRUE(expired.insert({ev[i].trip, ev[i].seats.at(0)}).second);
      }
    }
  }
  for (auto& e : engines) e->stop();
}

TEST_F(redis_engine_test, redis_expired_events_trigger_the_expiry_too) {
  redis_test_server server;
  collector log;
  auto engine = make(server, {300s, 6}, log);
  auto flags = server.command({"CONFIG", "GET", "notify-keyspace-events"});
  ASSERT_TRUE(flags.is_array());
  EXPECT_NE(flags[1].str().find('E'), std::string::npos);
  EXPECT_NE(flags[1].str().find('x'), std::string::npos);

  // A hold whose SEAT_LOCKED went to another channel: the engine never learns its deadline,
  // so only Redis's expired event for its TTL key can tell it to act.
  auto k = redis_layout::keys_for(3);
  auto now = clk_.now();
  // KEYS: the trip's keys and the seat's TTL key; ARGV: trip, now, channel, seat, user, TTL ms,
  // holds allowed per user.
  std::vector<std::string> eval{"EVAL", redis_scripts::take(),
                                std::to_string(k.script_keys().size() + 1)};
  for (const auto& key : k.script_keys()) eval.push_back(key);
  eval.push_back(k.ttl(4));
  for (const std::string& arg :
       {std::string("3"), std::to_string(now.time_since_epoch().count()), std::string("elsewhere"),
        std::string("4"), std::string("77"), std::string("200"), std::string("6")})
    eval.push_back(arg);
  auto taken = server.command(eval);
  ASSERT_TRUE(taken.is_array()) << taken.debug_string();
  ASSERT_EQ(taken[3].str(), "OK");
  auto deadline = now + 200ms;
  ASSERT_TRUE(log.wait([](auto& ev) { return !ev.empty(); }, 10s));
  auto seen = clk_.now();
  auto ev = log.copy();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, seat_event_kind::expired);
  EXPECT_EQ(ev[0].trip, 3);
  EXPECT_EQ(ev[0].seats, std::vector<int>{4});
  EXPECT_EQ(ev[0].seq, 2u);
  EXPECT_GE(seen, deadline);
  engine->stop();
}

TEST_F(redis_engine_test, a_pin_lasts_a_lease_when_its_booking_never_finishes) {
  redis_test_server server;
  collector log;
  auto engine = make(server, {200ms, 6}, log, 400ms);
  auto start = clk_.now();
  ASSERT_TRUE(run(engine->take(1, 1, 10)));
  std::vector<int> seats{1};
  ASSERT_FALSE(run(engine->pin(1, seats, 10)).code);
  // Pinned past its own deadline: still held...
  std::this_thread::sleep_for(250ms);
  EXPECT_FALSE(run(engine->take(1, 1, 20)));
  // ...until the lease ends (an instance died mid-booking): then it expires.
  ASSERT_TRUE(log.wait([](auto& ev) { return ev.size() >= 2; }));
  EXPECT_GE(clk_.now(), start + 400ms);
  EXPECT_EQ(log.copy()[1].kind, seat_event_kind::expired);
  EXPECT_TRUE(run(engine->take(1, 1, 20)));
  engine->stop();

  // A hold whose own deadline is still ahead when the lease ends is an ordinary hold again.
  auto second = make(server, {10s, 6}, log, 200ms);
  ASSERT_TRUE(run(second->take(2, 5, 10)));
  std::vector<int> five{5};
  ASSERT_FALSE(run(second->pin(2, five, 10)).code);
  EXPECT_EQ(*run(second->release(2, 5, 10)), false);  // pinned
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(*run(second->release(2, 5, 10)), true);
  second->stop();
}

TEST_F(redis_engine_test, fails_fast_while_down_then_expires_what_fell_due_meanwhile) {
  // Persistence on: the holds survive the crash, as with a production Redis.
  redis_test_server server(
      redis_test_server::options{{}, {"--appendonly", "yes", "--appendfsync", "always"}});
  collector log;
  auto engine = make(server, {1s, 6}, log);
  auto epoch = engine->epoch();
  ASSERT_TRUE(resyncs_.wait_for(1, 1s));
  auto held = run(engine->take(1, 5, 10));
  ASSERT_TRUE(held);
  ASSERT_TRUE(run(engine->take(1, 6, 10)));
  server.kill();

  for (int i = 0; i < 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = run(engine->take(1, 7, 10));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::unavailable);
    EXPECT_FALSE(run(engine->snapshot(1)));
    EXPECT_FALSE(run(engine->release(1, 6, 10)));
    std::vector<row_id> trips{1};
    EXPECT_FALSE(run(engine->held_counts(trips)));
    std::vector<int> seats{6};
    EXPECT_EQ(run(engine->pin(1, seats, 10)).code, errc::unavailable);
    EXPECT_LT(test::since(t0), 500ms);
  }

  // Both holds fall due while Redis is away; no instance is there to see it.
  std::this_thread::sleep_until(std::chrono::system_clock::time_point(held->expires_at) + 200ms);
  int before = resyncs_.value();
  server.start();
  ASSERT_TRUE(resyncs_.wait_for(before + 1, 5s));  // the reconcile asked every room to resync
  ASSERT_TRUE(log.wait([](auto& ev) { return count_kind(ev, seat_event_kind::expired) >= 2; }));
  std::this_thread::sleep_for(200ms);
  auto ev = log.copy();
  ASSERT_EQ(ev.size(), 4u);  // two locks, then each expiry exactly once
  EXPECT_EQ(ev[2].seq, 3u);
  EXPECT_EQ(ev[3].seq, 4u);
  EXPECT_EQ(engine->epoch(), epoch);  // same data, same seq space
  auto snap = run(engine->snapshot(1));
  ASSERT_TRUE(snap);
  EXPECT_TRUE(snap->holds.empty());
  EXPECT_EQ(snap->seq, 4u);
  EXPECT_TRUE(run(engine->take(1, 7, 10)));
  engine->stop();
}

TEST_F(redis_engine_test, a_redis_that_lost_its_data_is_a_new_epoch) {
  redis_test_server server;  // no persistence
  collector log;
  auto engine = make(server, {300s, 6}, log);
  ASSERT_TRUE(run(engine->take(4, 1, 10)));
  auto epoch = engine->epoch();
  int before = resyncs_.value();
  server.restart();
  ASSERT_TRUE(resyncs_.wait_for(before + 1, 5s));
  EXPECT_NE(engine->epoch(), epoch);  // clients resuming with ?since= must rebuild
  auto snap = run(engine->snapshot(4));
  ASSERT_TRUE(snap);
  EXPECT_TRUE(snap->holds.empty());
  EXPECT_EQ(snap->seq, 0u);
  ASSERT_TRUE(run(engine->take(4, 1, 20)));
  ASSERT_TRUE(log.wait([](auto& ev) { return ev.size() >= 2; }));
  EXPECT_EQ(log.copy()[1].seq, 1u);
  engine->stop();
}

// Issue 11 item 1: Redis lost its data without a disconnect (FLUSHALL, eviction). Nothing told
// the engine: no new epoch, no resync, and the next events (seq 1 again) were dropped by the
// rooms as duplicates.
TEST_F(redis_engine_test, a_flush_without_a_disconnect_is_noticed_by_the_epoch_key) {
  redis_test_server server;
  collector log;
  auto engine = make(server, {300s, 6}, log);
  ASSERT_TRUE(run(engine->take(4, 1, 10)));
  const auto epoch = engine->epoch();
  const int before = resyncs_.value();
  server.command({"FLUSHALL"});
  // No event follows: the epoch check alone finds it.
  ASSERT_TRUE(resyncs_.wait_for(before + 1, 10s));
  EXPECT_NE(engine->epoch(), epoch);
  auto stored = server.command({std::string_view("GET"), redis_layout::epoch_key});
  ASSERT_TRUE(stored.is_string());
  EXPECT_EQ(stored.str(), engine->epoch());  // the new epoch is the one every instance reads
  engine->stop();
}

TEST_F(redis_engine_test, a_seq_going_backwards_is_noticed_at_once) {
  redis_test_server server;
  collector log;
  redis_engine::options opts;
  opts.redis = redis_engine::redis_engine_config(server.url());
  opts.epoch_check_interval = 0ms;  // only the event can tell
  auto engine = std::make_unique<redis_engine>(
      io_.executor(), clk_, hold_policy{300s, 6}, opts,
      [&log](const seat_event& ev) { log.add(ev); }, [this] { resyncs_.bump(); });
  engine->start();
  ASSERT_TRUE(run(engine->take(4, 1, 10)));
  ASSERT_TRUE(run(engine->release(4, 1, 10)));
  const auto epoch = engine->epoch();
  const int before = resyncs_.value();
  server.command({"FLUSHALL"});
  ASSERT_TRUE(run(engine->take(4, 2, 10)));  // seq 1 again
  ASSERT_TRUE(resyncs_.wait_for(before + 1, 10s));
  EXPECT_NE(engine->epoch(), epoch);
  engine->stop();
}

}  // namespace
}  // namespace seatd
