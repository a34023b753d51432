// Expiry lag with 10,000+ live holds, Redis engine: from a hold's deadline to the moment a
// WebSocket viewer of its trip receives SEAT_UNLOCKED (seatd's deadline timers), next to the
// lag of Redis's own `expired` keyspace event for the same hold's TTL key (the seed's only
// trigger), in the same run. A measurement: it prints p50/p99/max (recorded in
// docs/performance.md) and asserts only correctness — every probe unlocked exactly once,
// never before its deadline, and no long hold touched.
//
// SEATD_LAG_BACKGROUND (default 10000) sets the long-TTL holds; SEATD_LAG_WINDOW_SECONDS
// (default 30) how long after the last deadline Redis's events are awaited.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "component/ws_client.hpp"
#include "holds/redis_engine.hpp"
#include "holds/redis_layout.hpp"
#include "integration/redis_test_support.hpp"
#include "integration/seat_map_model.hpp"
#include "integration/seatd_cluster.hpp"
#include "redis/subscriber.hpp"

namespace seatd::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

std::string schedule_with_trips(int trips) {
  std::string csv =
      "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service "
      "Type,Bus Type\n";
  for (int i = 0; i < trips; ++i)
    csv += "ABC,Monday,Bus " + std::to_string(i) + ",Chennai,Madurai,09:00 PM,06:00 AM,900," +
           "Sleeper,AC\n";
  return csv;
}

// p in (0, 1]; missing samples (nullopt: never arrived) sort last.
std::string percentile(std::vector<std::optional<std::int64_t>> v, double p) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    if (!a || !b) return bool(a) && !b;
    return *a < *b;
  });
  auto i = std::size_t(std::ceil(p * double(v.size()))) - 1;
  return v[i] ? std::to_string(*v[i]) + " ms" : std::string("not within the window");
}

struct arrival {
  std::string text;
  std::int64_t at;
};

TEST(expiry_lag, ten_thousand_live_holds_redis_engine) {
  const int background = env_int("SEATD_LAG_BACKGROUND", 10000);
  const int window_s = env_int("SEATD_LAG_WINDOW_SECONDS", 30);
  constexpr int probe_trips = 5, seats = 40;
  constexpr auto probe_ttl = 4s;  // longer than taking them all: none is due before the last

  seatd_cluster::options opts;
  opts.instances = 1;
  opts.schedule_csv = schedule_with_trips(probe_trips);
  seatd_cluster cluster(opts);
  test::io_runner io(2);
  system_clock clk;
  auto url = cluster.redis().url();

  // Redis's own expired events for the probes' TTL keys, stamped on arrival.
  std::mutex mutex;
  std::map<std::pair<row_id, int>, std::int64_t> redis_seen;
  redis::config sub_cfg;
  sub_cfg.url = url;
  redis::subscriber sub(io.executor(), sub_cfg);
  sub.on_message([&](const redis::message& m) {
    auto at = now_ms();
    auto trip = redis_layout::trip_of_ttl_key(m.payload);
    if (!trip || *trip > probe_trips) return;
    int seat = std::atoi(m.payload.substr(m.payload.rfind(':') + 1).c_str());
    std::lock_guard lock(mutex);
    redis_seen.try_emplace({*trip, seat}, at);
  });
  sub.start();
  for (auto until = std::chrono::steady_clock::now() + 5s;
       !sub.connected() && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(io.run(sub.subscribe(redis_layout::expired_channel(0))));

  redis_engine::options engine_opts;
  engine_opts.redis = redis_engine::redis_engine_config(url);
  auto nothing = [](const seat_event&) {};
  // One account takes every hold here: the anti-hoarding cap across trips does not apply.
  auto policy = [](std::chrono::milliseconds ttl, int per_trip) {
    hold_policy p{ttl, per_trip};
    p.max_per_account = 1'000'000;
    return p;
  };

  // The background: long holds on trips nobody watches, taken by another instance that then
  // goes away (seatd learned their deadlines from the event stream).
  auto t0 = std::chrono::steady_clock::now();
  {
    redis_engine bg(io.executor(), clk, policy(1h, 1000), engine_opts, nothing);
    bg.start();
    constexpr int lanes = 50;
    std::atomic<int> failed{0};
    std::vector<std::future<void>> done;
    for (int lane = 0; lane < lanes; ++lane)
      done.push_back(asio::co_spawn(
          io.executor(),
          [&, lane]() -> asio::awaitable<void> {
            for (int k = lane; k < background; k += lanes) {
              auto h = co_await bg.take(1000 + k / 50, 1 + k % 50, 1);
              if (!h) ++failed;
            }
          },
          asio::use_future));
    for (auto& f : done) f.get();
    ASSERT_EQ(failed.load(), 0);
    bg.stop();
  }
  std::printf("[ lag      ] %d background holds taken in %lld ms\n", background,
              static_cast<long long>(test::since(t0).count()));

  // Viewers of the probe trips, each read by its own thread.
  std::vector<std::vector<arrival>> received(probe_trips);
  std::atomic<bool> stop{false};
  std::atomic<int> ready{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < probe_trips; ++t)
    readers.emplace_back([&, t] {
      ws_client v(cluster.port(0), "/ws/seats/" + std::to_string(t + 1));
      bool counted = false;
      while (!stop) {
        auto text = v.read(20ms);
        if (!text) {
          if (v.closed()) break;
          continue;
        }
        received[std::size_t(t)].push_back({*text, now_ms()});
        if (!counted) {
          counted = true;
          ++ready;
        }
      }
    });
  while (ready < probe_trips) std::this_thread::sleep_for(10ms);

  // The probes: short holds, deadlines spread over two seconds, taken by an instance that goes
  // away before the first falls due (seatd learned their deadlines from the event stream).
  std::map<std::pair<row_id, int>, std::int64_t> deadline;
  {
    redis_engine probe(io.executor(), clk, policy(probe_ttl, seats), engine_opts, nothing);
    probe.start();
    for (int seat = 1; seat <= seats; ++seat) {
      for (int t = 1; t <= probe_trips; ++t) {
        auto h = io.run(probe.take(t, seat, 7));
        ASSERT_TRUE(h);
        deadline[{t, seat}] = h->expires_at.time_since_epoch().count();
      }
      std::this_thread::sleep_for(50ms);
    }
    probe.stop();
  }
  const auto probes = deadline.size();
  std::int64_t last_deadline = 0;
  for (auto& [k, d] : deadline) last_deadline = std::max(last_deadline, d);

  auto unlocked = [&] {
    std::size_t n = 0;
    for (auto& r : received)
      for (auto& a : r) n += a.text.find("\"SEAT_UNLOCKED\"") != std::string::npos;
    return n;
  };
  while (unlocked() < probes && now_ms() < last_deadline + 10'000)
    std::this_thread::sleep_for(20ms);
  std::this_thread::sleep_for(500ms);  // a duplicate would arrive by now
  stop = true;
  for (auto& r : readers) r.join();

  // seatd: each probe unlocked exactly once, never early, in seq order.
  std::vector<std::optional<std::int64_t>> seatd_lag;
  std::map<std::pair<row_id, int>, int> unlocks;
  for (int t = 0; t < probe_trips; ++t) {
    seat_map_model model;
    for (const auto& a : received[std::size_t(t)]) {
      auto m = boost::json::parse(a.text).as_object();
      model.apply(m);
      if (m.at("type") != "SEAT_UNLOCKED") continue;
      std::pair<row_id, int> key{t + 1, int(m.at("seat_no").as_int64())};
      EXPECT_EQ(m.at("reason"), "expired");
      ++unlocks[key];
      auto due = deadline.at(key);
      EXPECT_GE(a.at, due) << "trip " << key.first << " seat " << key.second << " unlocked early";
      seatd_lag.push_back(a.at - due);
    }
    EXPECT_TRUE(model.problems.empty()) << model.problems.front();
    EXPECT_TRUE(model.locked.empty());
  }
  ASSERT_EQ(unlocks.size(), probes);
  for (auto& [key, n] : unlocks) EXPECT_EQ(n, 1) << key.first << "/" << key.second;

  // Redis's own events for the same keys: as many as arrive within the window.
  while (now_ms() < last_deadline + window_s * 1000) {
    {
      std::lock_guard lock(mutex);
      if (redis_seen.size() >= probes) break;
    }
    std::this_thread::sleep_for(100ms);
  }
  std::vector<std::optional<std::int64_t>> redis_lag;
  std::size_t arrived = 0;
  {
    std::lock_guard lock(mutex);
    for (auto& [key, due] : deadline) {
      auto it = redis_seen.find(key);
      if (it == redis_seen.end()) {
        redis_lag.push_back(std::nullopt);
      } else {
        ++arrived;
        redis_lag.push_back(it->second - due);
      }
    }
  }
  sub.stop();

  // The long holds are all still there.
  std::int64_t live = 0;
  for (int trip = 1000; trip < 1000 + (background + 49) / 50; ++trip)
    live += cluster.redis().command({"HLEN", redis_layout::keys_for(trip).holds}).integer();
  EXPECT_EQ(live, background);

  std::printf(
      "[ lag      ] %d live holds + %zu probes (TTL %lld s), deadline -> viewer's SEAT_UNLOCKED: "
      "p50 %s, p99 %s, max %s\n",
      background, probes, static_cast<long long>(probe_ttl.count()),
      percentile(seatd_lag, 0.5).c_str(), percentile(seatd_lag, 0.99).c_str(),
      percentile(seatd_lag, 1.0).c_str());
  std::printf(
      "[ lag      ] Redis's own expired events for the probes' keys: %zu of %zu within %d s of "
      "the last deadline; p50 %s, p99 %s, max %s\n",
      arrived, probes, window_s, percentile(redis_lag, 0.5).c_str(),
      percentile(redis_lag, 0.99).c_str(), percentile(redis_lag, 1.0).c_str());
  EXPECT_EQ(cluster.instance(0).stop(), 0);
}

}  // namespace
}  // namespace seatd::testing
