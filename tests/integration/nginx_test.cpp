// seatd behind a real nginx running the shipped configuration (deploy/nginx/seatd.conf): three
// instances on PostgreSQL and Redis, the live-seat scenario through nginx — viewers watching a
// trip over WebSocket, travellers holding, releasing and booking seats — and one instance
// stopped with SIGTERM mid-run (its drain, then its graceful stop).
//
// Pass: no request fails, except answers a client is told to retry (503 with Retry-After),
// which it retries; the viewers the stopped instance closed (1001) reconnect through nginx and
// resume with since= (no new INITIAL_STATE), and every viewer ends with the same seat map as a
// fresh one; every booking announced with a 201 is in the database once, and nothing else is.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <chrono>
#include <thread>

#include "component/ws_client.hpp"
#include "integration/nginx_test_server.hpp"
#include "integration/seat_map_model.hpp"
#include "integration/seatd_cluster.hpp"
#include "store/pg_test_server.hpp"

namespace seatd::testing {
namespace {

using namespace std::chrono_literals;

constexpr int trip = 1;
constexpr int viewers = 9;
constexpr int travellers = 6;
constexpr int stopped = 1;  // the instance that gets SIGTERM

// A client that follows the contract: a 503 with Retry-After is sent again after that long
// (at most a few times); any other answer is the answer.
http_reply with_retries(int& retries, const std::function<http_reply()>& send) {
  for (int attempt = 0;; ++attempt) {
    auto r = send();
    auto after = r.headers[http::field::retry_after];
    if (r.status != 503 || after.empty() || attempt == 10) return r;
    ++retries;
    std::this_thread::sleep_for(std::chrono::seconds(std::min(2, std::stoi(std::string(after)))));
  }
}

struct traveller_log {
  std::int64_t user_id = 0;
  std::string token;
  std::map<std::string, std::vector<int>> booked;  // 201s: booking number -> seats
  int refusals = 0;
  int retries = 0;
  std::vector<std::string> problems;  // answers outside the contract, failed requests
};

// Until the trip is sold out (or `give_up`): look at the seat map, hold one or two free seats,
// think, then book them — or, every other round, change its mind and release them.
void travel(unsigned short port, int index, traveller_log& log, std::atomic<int>& bookings,
            std::chrono::steady_clock::time_point give_up) {
  http_client c(port);
  std::mt19937 rng{unsigned(index) * 7919u + 3u};
  auto think = [&rng](int from_ms, int to_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(from_ms + int(rng() % unsigned(to_ms - from_ms))));
  };
  auto problem = [&log](const std::string& what, const http_reply& r) {
    log.problems.push_back(what + ": " + std::to_string(r.status) + " " + r.body);
  };
  while (std::chrono::steady_clock::now() < give_up) {
    auto map = with_retries(log.retries, [&] { return c.get("/trips/1/seats"); });
    if (map.status != 200) return problem("seat map", map);
    std::vector<int> open;
    bool sold_out = true;
    const auto seats = map.json();
    for (const auto& s : seats.as_array()) {
      if (s.at("is_booked").as_bool()) continue;
      sold_out = false;
      if (!s.at("is_locked").as_bool()) open.push_back(int(s.at("seat_number").as_int64()));
    }
    if (sold_out) return;
    std::shuffle(open.begin(), open.end(), rng);
    open.resize(std::min<std::size_t>(open.size(), 1 + rng() % 2));
    std::sort(open.begin(), open.end());
    std::vector<int> held;
    for (int s : open) {
      auto r = with_retries(log.retries, [&] { return lock_seat(c, log.token, trip, s); });
      if (r.status == 200)
        held.push_back(s);
      else if (is_booking_refusal(r))
        ++log.refusals;
      else
        problem("lock " + std::to_string(s), r);
    }
    if (held.empty()) {
      think(20, 80);
      continue;
    }
    think(150, 400);
    if (rng() % 2 == 0) {
      for (int s : held) {
        auto r = with_retries(log.retries, [&] { return unlock_seat(c, log.token, trip, s); });
        if (r.status != 200) problem("unlock " + std::to_string(s), r);
      }
      continue;
    }
    auto r = with_retries(log.retries, [&] { return book_seats(c, log.token, trip, held); });
    if (r.status == 201) {
      log.booked[std::string(r.json().at("booking_number").as_string())] = held;
      ++bookings;
    } else if (is_booking_refusal(r)) {
      ++log.refusals;
      for (int s : held) (void)unlock_seat(c, log.token, trip, s);
    } else {
      problem("book", r);
    }
    think(50, 200);
  }
  log.problems.push_back("did not finish in time");
}

struct viewer_log {
  std::mutex mutex;  // the test reads the model while the viewer applies messages
  seat_map_model model;
  int going_away = 0;     // closes with 1001: its instance shut down
  int dropped = 0;        // the connection ended without a close frame
  int other_closes = 0;
  int reconnects = 0;     // handshakes after the first
  int resumed = 0;        // reconnects answered with the missed events, not an INITIAL_STATE
  std::vector<std::string> problems;
};

// A browser's live seat map: applies what arrives; on a close, reconnects through nginx with
// since= and epoch= of the last event it applied.
void view(unsigned short port, viewer_log& log, const std::atomic<bool>& done) {
  std::unique_ptr<ws_client> ws;
  bool first_after_reconnect = false;
  while (!done) {
    if (!ws) {
      std::string target = "/ws/seats/" + std::to_string(trip);
      {
        std::lock_guard lock(log.mutex);
        if (log.model.initial_states > 0)
          target += "?since=" + std::to_string(log.model.seq) + "&epoch=" + log.model.epoch;
      }
      try {
        ws = std::make_unique<ws_client>(port, target);
      } catch (const std::exception&) {
        std::this_thread::sleep_for(100ms);  // nginx had no instance for it: retry
        continue;
      }
      std::lock_guard lock(log.mutex);
      if (log.model.initial_states > 0) {
        ++log.reconnects;
        first_after_reconnect = true;
      }
    }
    std::optional<std::string> text;
    try {
      text = ws->read(100ms);
    } catch (const std::exception& e) {
      std::lock_guard lock(log.mutex);
      log.problems.push_back(std::string("read failed: ") + e.what());
      ws.reset();
      continue;
    }
    if (!text) {
      if (ws->closed()) {
        std::lock_guard lock(log.mutex);
        const auto code = ws->close_reason().code;
        (code == 1001 ? log.going_away : code == 0 ? log.dropped : log.other_closes)++;
        ws.reset();
      }
      continue;
    }
    if (*text == "pong") continue;
    auto message = boost::json::parse(*text).as_object();
    std::lock_guard lock(log.mutex);
    if (first_after_reconnect && message.at("type") != "INITIAL_STATE") ++log.resumed;
    first_after_reconnect = false;
    log.model.apply(message);
  }
}

// What a viewer connecting now is told: booked seats and held seats.
std::pair<std::set<int>, std::set<int>> fresh_view(unsigned short port) {
  seat_map_model m;
  ws_client v(port, "/ws/seats/" + std::to_string(trip));
  auto first = v.wait_for("INITIAL_STATE");
  if (first) m.apply(*first);
  return {m.booked, m.locked_seats()};
}

TEST(nginx, live_seats_through_nginx_survive_an_instance_stopped_mid_run) {
  auto& pg = test::pg_test_server::shared();
  const std::string url = pg.fresh_database_url();
  seatd_cluster::options opts;
  opts.database_url = url;
  // nginx is the trusted proxy; a short drain keeps the test short (the default is 5 s).
  opts.env = {{"SEATD_TRUSTED_PROXIES", "127.0.0.1"}, {"SEATD_DRAIN_SECONDS", "1"}};
  seatd_cluster cluster(opts);
  test::nginx_test_server nginx({cluster.port(0), cluster.port(1), cluster.port(2)});
  const auto front = nginx.port();

  // Through nginx: the proxy's request id comes back, and the answer names an instance.
  {
    http_client c(front);
    auto r = c.get("/readyz");
    ASSERT_EQ(r.status, 200) << r.body << nginx.error_log();
    auto id = std::string(r.headers["X-Request-Id"]);
    EXPECT_EQ(id.size(), 32u) << id;
    // nginx writes its access line in the log phase, after the answer has left: wait for it.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (nginx.access_log().find(id) == std::string::npos &&
           std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_NE(nginx.access_log().find(id), std::string::npos)
        << "the same id in nginx's access log:\n" << nginx.access_log();
    // The instances' metrics are not published through the public site.
    EXPECT_EQ(c.get("/metrics").status, 404);
  }

  std::vector<traveller_log> tlogs(travellers);
  {
    http_client c(front);
    for (auto& l : tlogs) {
      auto who = cluster.signup(c);
      l.user_id = who.id;
      l.token = who.token;
      ASSERT_FALSE(l.token.empty());
    }
  }

  std::atomic<bool> viewing_done{false};
  std::vector<std::unique_ptr<viewer_log>> vlogs;
  std::vector<std::thread> viewer_threads;
  for (int i = 0; i < viewers; ++i) {
    vlogs.push_back(std::make_unique<viewer_log>());
    viewer_threads.emplace_back([&, i] { view(front, *vlogs[std::size_t(i)], viewing_done); });
  }
  // Every viewer has its INITIAL_STATE before the travellers start.
  for (int i = 0; i < 200; ++i) {
    int ready = 0;
    for (auto& v : vlogs) {
      std::lock_guard lock(v->mutex);
      ready += v->model.initial_states > 0;
    }
    if (ready == viewers) break;
    std::this_thread::sleep_for(50ms);
  }

  const auto give_up = std::chrono::steady_clock::now() + 60s;
  std::atomic<int> booked_so_far{0};
  std::vector<std::thread> traveller_threads;
  for (int i = 0; i < travellers; ++i)
    traveller_threads.emplace_back([&, i] {
      try {
        travel(front, i, tlogs[std::size_t(i)], booked_so_far, give_up);
      } catch (const std::exception& e) {
        tlogs[std::size_t(i)].problems.push_back(std::string("request failed: ") + e.what());
      }
    });

  // Mid-run: SIGTERM to one instance once the sale is under way.
  for (int i = 0; i < 400 && booked_so_far < 3; ++i) std::this_thread::sleep_for(25ms);
  cluster.instance(stopped).signal(SIGTERM);
  {
    // Its /readyz turns 503 at once (what a polling balancer would act on).
    http_client direct(cluster.port(stopped));
    http_reply r;
    for (int i = 0; i < 100; ++i) {
      r = direct.get("/readyz");
      if (r.status == 503) break;
      std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(r.status, 503) << r.body;
  }
  EXPECT_EQ(cluster.instance(stopped).wait(15s), 0);  // drain, then the graceful stop

  for (auto& t : traveller_threads) t.join();

  // The viewers settle on what a fresh viewer sees.
  const auto final_view = fresh_view(front);
  for (int i = 0; i < 100; ++i) {
    bool all = true;
    for (auto& v : vlogs) {
      std::lock_guard lock(v->mutex);
      all = all && v->model.booked == final_view.first &&
            v->model.locked_seats() == final_view.second;
    }
    if (all) break;
    std::this_thread::sleep_for(50ms);
  }
  viewing_done = true;
  for (auto& t : viewer_threads) t.join();

  // Travellers: nothing failed beyond retried 503s; the trip sold out.
  std::map<int, std::string> sold;
  int bookings = 0, refusals = 0, retries = 0;
  for (const auto& l : tlogs) {
    for (const auto& p : l.problems) ADD_FAILURE() << "traveller " << l.user_id << ": " << p;
    refusals += l.refusals;
    retries += l.retries;
    for (const auto& [number, seats] : l.booked) {
      ++bookings;
      for (int s : seats) {
        auto [it, fresh] = sold.emplace(s, number);
        EXPECT_TRUE(fresh) << "seat " << s << " confirmed to " << it->second << " and " << number;
      }
    }
  }
  EXPECT_EQ(sold.size(), 40u);
  EXPECT_EQ(final_view.first.size(), 40u);

  // Viewers: the stopped instance's were told 1001, reconnected through nginx and resumed.
  int going_away = 0, dropped = 0, resumed = 0;
  for (std::size_t i = 0; i < vlogs.size(); ++i) {
    auto& v = *vlogs[i];
    for (const auto& p : v.problems) ADD_FAILURE() << "viewer " << i << ": " << p;
    for (const auto& p : v.model.problems) ADD_FAILURE() << "viewer " << i << ": " << p;
    EXPECT_EQ(v.other_closes, 0) << "viewer " << i;
    EXPECT_GE(v.reconnects, v.going_away + v.dropped) << "viewer " << i;
    EXPECT_EQ(v.model.initial_states, 1) << "viewer " << i << " had to rebuild instead of resuming";
    EXPECT_EQ(v.model.booked, final_view.first) << "viewer " << i;
    EXPECT_EQ(v.model.locked_seats(), final_view.second) << "viewer " << i;
    going_away += v.going_away;
    dropped += v.dropped;
    resumed += v.resumed;
  }
  EXPECT_GE(going_away, 1) << "no viewer was on the stopped instance: the test proved nothing";
  std::printf("[ nginx    ] %d bookings, %d refusals, %d retried 503s; %d viewers told 1001, "
              "%d dropped, %d resumed with since=\n",
              bookings, refusals, retries, going_away, dropped, resumed);

  // The database: each seat confirmed once, and exactly the bookings the 201s announced.
  test::pg_admin_session db(pg, url.substr(url.rfind('/') + 1));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM bookings WHERE trip_id = 1 AND status = 'confirmed'"),
            "40");
  EXPECT_EQ(db.scalar("SELECT count(DISTINCT seat_number) FROM bookings"
                      " WHERE trip_id = 1 AND status = 'confirmed'"),
            "40");
  std::map<std::string, std::vector<int>> rows;
  for (const auto& row :
       db.query("SELECT booking_number, seat_number FROM bookings ORDER BY booking_number, seat_number"))
    rows[row[0]].push_back(std::stoi(row[1]));
  std::map<std::string, std::vector<int>> announced;
  for (const auto& l : tlogs) announced.insert(l.booked.begin(), l.booked.end());
  EXPECT_EQ(rows, announced);
}

}  // namespace
}  // namespace seatd::testing
