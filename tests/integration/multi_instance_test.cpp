// seatd as several instances behind a load balancer: three seatd processes sharing one real
// redis-server and one database. A viewer on one instance sees what travellers do through the
// others, exactly once and in seq order; a race for one seat through all instances has one
// winner; and Redis killed under load and restarted leaves every instance up and every viewer
// with the true seat map.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <mutex>
#include <random>
#include <thread>

#include "component/test_support.hpp"
#include "component/ws_client.hpp"
#include "integration/seat_map_model.hpp"
#include "integration/seatd_cluster.hpp"

namespace seatd::testing {
namespace {

using namespace std::chrono_literals;

std::uint64_t seq_of(const boost::json::object& m) {
  return m.at("seq").to_number<std::uint64_t>();
}

// Applies everything the viewer received until it stays quiet for `quiet`; returns the pongs.
int pump(ws_client& v, seat_map_model& model, std::chrono::milliseconds quiet = 300ms) {
  int pongs = 0;
  while (auto text = v.read(quiet)) {
    if (*text == "pong") {
      ++pongs;
      continue;
    }
    model.apply(boost::json::parse(*text).as_object());
  }
  return pongs;
}

// The seats GET /trips/{trip}/seats shows as locked.
std::set<int> locked_seats(http_client& c, int trip) {
  auto r = c.get("/trips/" + std::to_string(trip) + "/seats");
  EXPECT_EQ(r.status, 200) << r.body;
  std::set<int> out;
  if (r.status != 200) return out;
  auto seats = r.json();
  for (const auto& s : seats.as_array())
    if (s.at("is_locked").as_bool()) out.insert(int(s.at("seat_number").as_int64()));
  return out;
}

std::string describe(const std::set<int>& seats) {
  std::string s = "{";
  for (int x : seats) s += std::to_string(x) + " ";
  return s + "}";
}

TEST(multi_instance, a_viewer_sees_a_hold_its_expiry_and_a_booking_made_through_other_instances) {
  seatd_cluster::options opts;
  opts.seatd_args = {"--hold-ttl", "1"};
  seatd_cluster cluster(opts);
  http_client a(cluster.port(0)), b(cluster.port(1)), c(cluster.port(2));
  auto traveller = cluster.signup(b);
  auto other = cluster.signup(a);

  auto viewer = std::make_unique<ws_client>(cluster.port(0), "/ws/seats/1");
  auto init = viewer->read_json();
  ASSERT_TRUE(init);
  ASSERT_EQ(init->at("type"), "INITIAL_STATE");
  auto s0 = seq_of(*init);

  // A hold through B reaches the viewer on A.
  auto r = lock_seat(b, traveller.token, 1, 7);
  ASSERT_EQ(r.status, 200) << r.body;
  auto expires = r.json().at("expires_at").as_int64();
  auto locked = viewer->read_json();
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->at("type"), "SEAT_LOCKED");
  EXPECT_EQ(locked->at("seat_no"), 7);
  EXPECT_EQ(locked->at("user_id"), traveller.id);
  EXPECT_EQ(locked->at("expires_at"), expires);
  EXPECT_EQ(seq_of(*locked), s0 + 1);

  // Its expiry, at the deadline, whichever instance acted on it.
  auto expired = viewer->read_json(3s);
  auto seen = now_ms();
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->at("type"), "SEAT_UNLOCKED");
  EXPECT_EQ(expired->at("seat_no"), 7);
  EXPECT_EQ(expired->at("reason"), "expired");
  EXPECT_FALSE(expired->contains("user_id"));
  EXPECT_EQ(seq_of(*expired), s0 + 2);
  EXPECT_GE(seen, expires);

  // A hold through B, booked through C.
  ASSERT_EQ(lock_seat(b, traveller.token, 1, 8).status, 200);
  auto booked = book_seats(c, traveller.token, 1, {8});
  ASSERT_EQ(booked.status, 201) << booked.body;
  auto m3 = viewer->read_json();
  auto m4 = viewer->read_json();
  ASSERT_TRUE(m3 && m4);
  EXPECT_EQ(m3->at("type"), "SEAT_LOCKED");
  EXPECT_EQ(m3->at("seat_no"), 8);
  EXPECT_EQ(seq_of(*m3), s0 + 3);
  EXPECT_EQ(m4->at("type"), "SEAT_BOOKED");
  EXPECT_EQ(m4->at("seat_numbers"), boost::json::array{8});
  EXPECT_EQ(seq_of(*m4), s0 + 4);
  // Each once: nothing else follows.
  EXPECT_FALSE(viewer->read(800ms));
  EXPECT_FALSE(viewer->closed());

  // Instance A learned the sale from the event stream, not from its own database read.
  auto again = lock_seat(a, other.token, 1, 8);
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.json(), boost::json::parse(R"({"detail":"Seat 8 already booked"})"));
  auto late = std::make_unique<ws_client>(cluster.port(2), "/ws/seats/1");
  auto state = late->read_json();
  ASSERT_TRUE(state);
  EXPECT_EQ(state->at("booked_seats"), boost::json::array{8});
  EXPECT_TRUE(state->at("locked_seats").as_array().empty());
  EXPECT_EQ(seq_of(*state), s0 + 4);
  EXPECT_EQ(state->at("epoch"), init->at("epoch"));  // one seq space for all instances
  viewer.reset();
  late.reset();
  for (int i = 0; i < cluster.size(); ++i) EXPECT_EQ(cluster.instance(i).stop(), 0);
}

TEST(multi_instance, a_hundred_travellers_racing_for_one_seat_through_three_instances) {
  seatd_cluster cluster({});
  constexpr int racers = 100;
  http_client setup(cluster.port(0));
  std::vector<seatd_cluster::traveller> users;
  for (int i = 0; i < racers; ++i) users.push_back(cluster.signup(setup));
  auto viewer = std::make_unique<ws_client>(cluster.port(1), "/ws/seats/2");
  seat_map_model model;
  pump(*viewer, model, 200ms);
  ASSERT_EQ(model.initial_states, 1);

  std::vector<std::unique_ptr<http_client>> clients;
  for (int i = 0; i < racers; ++i) {
    clients.push_back(std::make_unique<http_client>(cluster.port(i % cluster.size())));
    ASSERT_EQ(clients.back()->get("/trips/2").status, 200);  // connected before the start
  }
  std::barrier start(racers);
  std::vector<http_reply> replies(racers);
  std::vector<std::thread> threads;
  for (int i = 0; i < racers; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      replies[std::size_t(i)] =
          lock_seat(*clients[std::size_t(i)], users[std::size_t(i)].token, 2, 5);
    });
  for (auto& t : threads) t.join();

  std::int64_t winner = 0;
  int won = 0;
  for (int i = 0; i < racers; ++i) {
    const auto& r = replies[std::size_t(i)];
    if (r.status == 200) {
      ++won;
      winner = users[std::size_t(i)].id;
    } else {
      EXPECT_EQ(r.status, 400) << r.body;
      EXPECT_EQ(r.json(), boost::json::parse(R"({"detail":"Seat occupied"})"));
    }
  }
  EXPECT_EQ(won, 1);
  pump(*viewer, model, 500ms);
  EXPECT_TRUE(model.problems.empty()) << model.problems.front();
  EXPECT_EQ(model.locked, (std::map<int, std::int64_t>{{5, winner}}));
  for (int i = 0; i < cluster.size(); ++i) {
    http_client c(cluster.port(i));
    EXPECT_EQ(locked_seats(c, 2), std::set<int>{5});
  }
  viewer.reset();
  for (int i = 0; i < cluster.size(); ++i) EXPECT_EQ(cluster.instance(i).stop(), 0);
}

// Issue 16: fifty travellers race for overlapping groups of three seats through three
// instances. Every seat is held by at most one, every group is held whole or not at all, and
// every instance's viewer (protocol v2) sees each winning group once, as one SEATS_LOCKED, in
// seq order.
TEST(multi_instance, fifty_travellers_racing_for_overlapping_groups_through_three_instances) {
  seatd_cluster cluster({});
  constexpr int racers = 50;
  http_client setup(cluster.port(0));
  std::vector<seatd_cluster::traveller> users;
  for (int i = 0; i < racers; ++i) users.push_back(cluster.signup(setup));
  std::vector<std::unique_ptr<ws_client>> viewers;
  std::vector<seat_map_model> models(std::size_t(cluster.size()));
  for (int i = 0; i < cluster.size(); ++i) {
    viewers.push_back(std::make_unique<ws_client>(cluster.port(i), "/ws/seats/2?v=2"));
    pump(*viewers.back(), models[std::size_t(i)], 200ms);
    ASSERT_EQ(models[std::size_t(i)].initial_states, 1);
  }
  // Traveller i wants seats b, b+1, b+2 with b = 1 + 2i mod 36: each group overlaps its
  // neighbours' on one or two seats.
  auto group_of = [](int i) {
    const int b = 1 + (2 * i) % 36;
    return std::vector<int>{b, b + 1, b + 2};
  };
  std::vector<std::unique_ptr<http_client>> clients;
  for (int i = 0; i < racers; ++i) {
    clients.push_back(std::make_unique<http_client>(cluster.port(i % cluster.size())));
    ASSERT_EQ(clients.back()->get("/trips/2").status, 200);  // connected before the start
  }
  std::barrier start(racers);
  std::vector<http_reply> replies(racers);
  std::vector<std::thread> threads;
  for (int i = 0; i < racers; ++i)
    threads.emplace_back([&, i] {
      boost::json::array seats;
      for (int s : group_of(i)) seats.push_back(s);
      start.arrive_and_wait();
      replies[std::size_t(i)] = clients[std::size_t(i)]->post_json(
          "/bookings/holds", {{"trip_id", 2}, {"seat_nos", seats}}, users[std::size_t(i)].token);
    });
  for (auto& t : threads) t.join();

  std::map<int, std::int64_t> truth;  // seat -> the winner holding it
  int won = 0;
  for (int i = 0; i < racers; ++i) {
    const auto& r = replies[std::size_t(i)];
    if (r.status != 200) {
      EXPECT_EQ(r.status, 409) << r.body;
      continue;
    }
    ++won;
    std::vector<int> held;
    const auto answer = r.json();
    for (const auto& s : answer.at("seat_nos").as_array()) held.push_back(int(s.as_int64()));
    EXPECT_EQ(held, group_of(i));  // the whole group
    for (int s : held) {
      EXPECT_FALSE(truth.count(s)) << "seat " << s << " held by two";
      truth[s] = users[std::size_t(i)].id;
    }
  }
  EXPECT_GE(won, 1);
  std::set<int> held_seats;
  for (const auto& [seat, user] : truth) held_seats.insert(seat);
  for (int i = 0; i < cluster.size(); ++i) {
    http_client c(cluster.port(i));
    EXPECT_EQ(locked_seats(c, 2), held_seats) << "instance " << i;  // no loser's seat held
    auto& model = models[std::size_t(i)];
    pump(*viewers[std::size_t(i)], model, 500ms);
    EXPECT_TRUE(model.problems.empty()) << model.problems.front();
    EXPECT_EQ(model.locked, truth) << "instance " << i;
    EXPECT_EQ(model.seq, models[0].seq) << "one change per winning group, everywhere";
  }
  viewers.clear();
  for (int i = 0; i < cluster.size(); ++i) EXPECT_EQ(cluster.instance(i).stop(), 0);
}

TEST(multi_instance, redis_killed_under_load_and_restarted_every_viewer_converges) {
  seatd_cluster::options opts;
  opts.seatd_args = {"--hold-ttl", "3", "--max-holds", "40"};
  // Persistence as in production: the holds survive the crash, and those that fell due while
  // Redis was away must be unlocked when it returns.
  opts.redis.extra_args = {"--appendonly", "yes", "--appendfsync", "always"};
  seatd_cluster cluster(opts);
  const int n = cluster.size();
  http_client setup(cluster.port(0));
  auto early = cluster.signup(setup);
  auto late = cluster.signup(setup);
  std::vector<seatd_cluster::traveller> lockers;
  for (int i = 0; i < 6; ++i) lockers.push_back(cluster.signup(setup));

  std::vector<std::unique_ptr<ws_client>> viewers;
  std::vector<seat_map_model> models(std::size_t(n), seat_map_model{});
  for (int i = 0; i < n; ++i) {
    viewers.push_back(std::make_unique<ws_client>(cluster.port(i), "/ws/seats/1"));
    pump(*viewers.back(), models[std::size_t(i)], 200ms);
    ASSERT_EQ(models[std::size_t(i)].initial_states, 1);
  }

  // Holds that will fall due while Redis is away.
  std::int64_t early_deadline = 0;
  for (int seat = 1; seat <= 4; ++seat) {
    http_client c(cluster.port(seat % n));
    auto r = lock_seat(c, early.token, 1, seat);
    ASSERT_EQ(r.status, 200) << r.body;
    early_deadline = std::max(early_deadline, r.json().at("expires_at").as_int64());
  }

  // Travellers keep locking seats 5..38 through every instance.
  struct grant {
    int seat;
    std::int64_t user, sent, received, expires;
  };
  std::mutex mutex;
  std::vector<grant> grants;
  std::vector<std::int64_t> refusal_ms;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < int(lockers.size()); ++i)
    threads.emplace_back([&, i] {
      http_client c(cluster.port(i % n));
      std::mt19937 rng{unsigned(i)};
      const auto& who = lockers[std::size_t(i)];
      while (!stop) {
        int seat = 5 + int(rng() % 34);
        auto sent = now_ms();
        auto r = lock_seat(c, who.token, 1, seat);
        auto received = now_ms();
        {
          std::lock_guard lock(mutex);
          if (r.status == 200)
            grants.push_back({seat, who.id, sent, received, r.json().at("expires_at").as_int64()});
          else if (r.status == 503)
            refusal_ms.push_back(received - sent);
        }
        std::this_thread::sleep_for(20ms);
      }
    });
  std::this_thread::sleep_for(400ms);

  cluster.redis().kill();
  std::this_thread::sleep_for(100ms);
  // Redis is down: holds answer 503 at once; reads and open WebSockets stay up.
  for (int i = 0; i < n; ++i) {
    http_client c(cluster.port(i));
    EXPECT_EQ(c.get("/").status, 200);
    EXPECT_EQ(c.get("/trips/1").status, 200);
    EXPECT_EQ(c.get("/trips/1/seats").status, 200);
    auto t0 = std::chrono::steady_clock::now();
    auto r = lock_seat(c, late.token, 1, 40);
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.headers["Retry-After"], "1");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    viewers[std::size_t(i)]->send_text("ping");
    EXPECT_GE(pump(*viewers[std::size_t(i)], models[std::size_t(i)], 200ms), 1);
    EXPECT_FALSE(viewers[std::size_t(i)]->closed());
  }
  // Down past the early holds' deadline.
  while (now_ms() < early_deadline + 500) std::this_thread::sleep_for(50ms);

  cluster.redis().start();  // same port, same data (AOF)
  auto restarted = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    http_client c(cluster.port(i));
    int status = 503;
    while (status == 503 && std::chrono::steady_clock::now() - restarted < 10s) {
      status = lock_seat(c, late.token, 1, 40).status;
      if (status == 503) std::this_thread::sleep_for(50ms);
    }
    EXPECT_EQ(status, 200) << "instance " << i << " did not reconnect";
  }
  std::printf("[ fault    ] every instance serving holds again %lld ms after the restart\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - restarted)
                                         .count()));
  std::this_thread::sleep_for(1s);  // load continues after the recovery
  stop = true;
  for (auto& t : threads) t.join();

  // Converged: every viewer's map (INITIAL_STATE + events, as a browser applies them) equals
  // the seat list, while holds are live (a fresh one of `late`'s among them).
  ASSERT_EQ(lock_seat(setup, late.token, 1, 40).status, 200);
  bool converged = false;
  std::set<int> truth;
  auto give_up = std::chrono::steady_clock::now() + 5s;
  while (!converged && std::chrono::steady_clock::now() < give_up) {
    for (int i = 0; i < n; ++i) pump(*viewers[std::size_t(i)], models[std::size_t(i)], 100ms);
    truth = locked_seats(setup, 1);
    converged = truth.contains(40);
    for (const auto& m : models) converged = converged && m.locked_seats() == truth;
  }
  for (int i = 0; i < n; ++i) {
    const auto& m = models[std::size_t(i)];
    EXPECT_EQ(describe(m.locked_seats()), describe(truth)) << "viewer on instance " << i;
    EXPECT_GE(m.initial_states, 2) << "viewer on instance " << i << " was not resynced";
    EXPECT_TRUE(m.problems.empty()) << "viewer on instance " << i << ": " << m.problems.front();
    for (int seat = 1; seat <= 4; ++seat) EXPECT_FALSE(m.locked.contains(seat)) << seat;
    EXPECT_FALSE(viewers[std::size_t(i)]->closed());
  }
  EXPECT_TRUE(converged);

  // Nothing double-granted: a grant to another traveller never fell inside a live hold.
  std::lock_guard lock(mutex);
  for (const auto& x : grants) {
    for (const auto& y : grants) {
      if (x.seat == y.seat && x.user != y.user && x.received < y.sent) {
        EXPECT_GE(y.received, x.expires)
            << "seat " << x.seat << " granted to " << y.user << " while " << x.user << " held it";
      }
    }
  }
  ASSERT_FALSE(refusal_ms.empty());
  EXPECT_LT(*std::max_element(refusal_ms.begin(), refusal_ms.end()), 1000);
  for (int i = 0; i < n; ++i) EXPECT_TRUE(cluster.instance(i).running());
  if (::testing::Test::HasFailure()) {
    for (int i = 0; i < n; ++i)
      std::printf("---- seatd instance %d\n%s\n", i, cluster.instance(i).log_text().c_str());
  }
  viewers.clear();
  for (int i = 0; i < n; ++i) EXPECT_EQ(cluster.instance(i).stop(), 0);  // a clean shutdown
}

}  // namespace
}  // namespace seatd::testing
