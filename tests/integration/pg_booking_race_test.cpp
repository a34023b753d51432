// seatd scaled out on PostgreSQL: three seatd processes sharing one real PostgreSQL 15 database
// and one real redis-server. 200 travellers, each their own account, all try at once to book the
// 40 seats of one trip through the three instances, as the contract requires (lock-seat, then
// POST /bookings/). In the end every seat is sold exactly once, and every traveller was told the
// truth: a 201 means the booking exists with exactly its seats and is theirs; a refusal left
// nothing of theirs behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "component/test_support.hpp"
#include "integration/seatd_cluster.hpp"
#include "store/pg_test_server.hpp"

namespace seatd::testing {
namespace {

using namespace std::chrono_literals;

constexpr int trip = 1;
constexpr int seats_on_trip = 40;

struct seat_state {
  bool booked = false;
  bool locked = false;
};

std::map<int, seat_state> seat_map(http_client& c) {
  std::map<int, seat_state> out;
  auto r = c.get("/trips/" + std::to_string(trip) + "/seats");
  if (r.status != 200) return out;
  const auto seats = r.json();  // kept: as_array() refers into it
  for (const auto& s : seats.as_array())
    out[int(s.at("seat_number").as_int64())] = {s.at("is_booked").as_bool(),
                                                s.at("is_locked").as_bool()};
  return out;
}

std::vector<int> seats_of(const boost::json::value& list) {
  std::vector<int> out;
  for (const auto& s : list.as_array()) out.push_back(int(s.as_int64()));
  std::sort(out.begin(), out.end());
  return out;
}

// What one traveller did and was told.
struct traveller_log {
  std::int64_t user_id = 0;
  std::string token;
  // 201s: booking number -> seats requested (sorted).
  std::map<std::string, std::vector<int>> booked;
  int refusals = 0;
  std::vector<std::string> problems;  // answers outside the contract
};

// One traveller: until it has a booking or the trip is sold out, look at the seat map, lock
// one to three seats (usually free ones, sometimes ones others hold), and book what it holds —
// or, one traveller in five, everything it tried, held or not. A refusal releases its holds.
void traveller(unsigned short port, int index, traveller_log& log, std::barrier<>& start,
               std::chrono::steady_clock::time_point give_up) {
  http_client c(port);
  std::mt19937 rng{unsigned(index) * 7919u + 1u};
  const bool books_unheld = index % 5 == 0;
  c.get("/trips/" + std::to_string(trip));  // connected before the start
  start.arrive_and_wait();
  while (log.booked.empty() && std::chrono::steady_clock::now() < give_up) {
    auto map = seat_map(c);
    if (map.size() != std::size_t(seats_on_trip)) {
      log.problems.push_back("seat map unreadable");
      return;
    }
    std::vector<int> open, held_by_others;
    for (auto& [n, s] : map) {
      if (s.booked) continue;
      (s.locked ? held_by_others : open).push_back(n);
    }
    if (open.empty() && held_by_others.empty()) return;  // sold out
    if (open.empty() || (!held_by_others.empty() && rng() % 4 == 0)) open = held_by_others;
    std::shuffle(open.begin(), open.end(), rng);
    open.resize(std::min<std::size_t>(open.size(), 1 + rng() % 3));
    std::sort(open.begin(), open.end());

    std::vector<int> held;
    for (int s : open) {
      auto r = lock_seat(c, log.token, trip, s);
      if (r.status == 200) {
        held.push_back(s);
      } else if (!is_booking_refusal(r)) {
        log.problems.push_back("lock seat " + std::to_string(s) + ": " +
                               std::to_string(r.status) + " " + r.body);
      }
    }
    const std::vector<int>& wanted = books_unheld ? open : held;
    if (wanted.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 20));
      continue;
    }
    auto r = book_seats(c, log.token, trip, wanted);
    if (r.status == 201) {
      log.booked[std::string(r.json().at("booking_number").as_string())] = wanted;
      continue;
    }
    if (is_booking_refusal(r))
      ++log.refusals;
    else
      log.problems.push_back("book: " + std::to_string(r.status) + " " + r.body);
    for (int s : held) unlock_seat(c, log.token, trip, s);
  }
}

TEST(postgres_cluster, two_hundred_travellers_race_for_forty_seats_through_three_instances) {
  auto& pg = test::pg_test_server::shared();
  const std::string url = pg.fresh_database_url();
  seatd_cluster::options opts;
  opts.database_url = url + "?pool_size=8";
  seatd_cluster cluster(opts);
  const int n = cluster.size();
  constexpr int travellers = 200;

  // Accounts through the API, spread over the instances.
  std::vector<traveller_log> logs(travellers);
  {
    std::vector<std::thread> signups;
    for (int t = 0; t < 8; ++t)
      signups.emplace_back([&, t] {
        http_client c(cluster.port(t % n));
        for (int i = t; i < travellers; i += 8) {
          auto who = cluster.signup(c);
          logs[std::size_t(i)].user_id = who.id;
          logs[std::size_t(i)].token = who.token;
        }
      });
    for (auto& t : signups) t.join();
  }
  for (const auto& l : logs) ASSERT_FALSE(l.token.empty());

  const auto started = std::chrono::steady_clock::now();
  std::barrier start(travellers);
  {
    std::vector<std::thread> threads;
    for (int i = 0; i < travellers; ++i)
      threads.emplace_back([&, i] {
        try {
          traveller(cluster.port(i % n), i, logs[std::size_t(i)], start, started + 20s);
        } catch (const std::exception& e) {
          logs[std::size_t(i)].problems.push_back(std::string("exception: ") + e.what());
        }
      });
    for (auto& t : threads) t.join();
  }
  const auto race_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                            started)
          .count();

  // Every answer was within the contract; the 201s cover the trip exactly once.
  std::map<int, std::string> sold;  // seat -> booking number, from the 201s
  int bookings = 0, refusals = 0;
  for (const auto& l : logs) {
    for (const auto& p : l.problems) ADD_FAILURE() << "traveller " << l.user_id << ": " << p;
    refusals += l.refusals;
    for (const auto& [number, seats] : l.booked) {
      ++bookings;
      for (int s : seats) {
        auto [it, fresh] = sold.emplace(s, number);
        EXPECT_TRUE(fresh) << "seat " << s << " confirmed to " << it->second << " and " << number;
      }
    }
  }
  std::printf("[ race     ] %d bookings, %d refusals, %lld ms\n", bookings, refusals,
              static_cast<long long>(race_ms));
  EXPECT_EQ(sold.size(), std::size_t(seats_on_trip));
  EXPECT_GT(refusals, 0);  // the race was a race

  // The seat map of every instance: all 40 booked.
  for (int i = 0; i < n; ++i) {
    http_client c(cluster.port(i));
    auto map = seat_map(c);
    ASSERT_EQ(map.size(), std::size_t(seats_on_trip));
    for (auto& [seat, s] : map) EXPECT_TRUE(s.booked) << "instance " << i << " seat " << seat;
  }

  // The database: each seat confirmed exactly once, 40 confirmed rows, and every row belongs
  // to the booking a 201 announced, for the traveller it was announced to.
  test::pg_admin_session db(pg, url.substr(url.rfind('/') + 1));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM bookings WHERE trip_id = 1 AND status = 'confirmed'"),
            std::to_string(seats_on_trip));
  EXPECT_EQ(db.scalar("SELECT count(DISTINCT seat_number) FROM bookings"
                      " WHERE trip_id = 1 AND status = 'confirmed'"),
            std::to_string(seats_on_trip));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM bookings WHERE status <> 'confirmed'"), "0");
  EXPECT_EQ(db.scalar("SELECT booked_seats FROM trips WHERE id = 1"),
            std::to_string(seats_on_trip));  // the trip's sales counter kept up
  EXPECT_EQ(db.scalar("SELECT revenue = price * booked_seats FROM trips WHERE id = 1"), "t");
  std::map<std::string, std::pair<std::int64_t, std::vector<int>>> rows;  // number -> user, seats
  for (const auto& row : db.query("SELECT booking_number, user_id, seat_number FROM bookings"
                                  " ORDER BY booking_number, seat_number")) {
    auto& r = rows[row[0]];
    r.first = std::stoll(row[1]);
    r.second.push_back(std::stoi(row[2]));
  }
  EXPECT_EQ(rows.size(), std::size_t(bookings));

  // Every traveller's own view (through the instance it used) matches what it was told.
  std::atomic<int> checked{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  {
    std::vector<std::thread> checkers;
    for (int t = 0; t < 8; ++t)
      checkers.emplace_back([&, t] {
        http_client c(cluster.port(t % n));
        for (int i = t; i < travellers; i += 8) {
          const auto& l = logs[std::size_t(i)];
          auto fail = [&](const std::string& why) {
            std::lock_guard lock(failures_mutex);
            failures.push_back("traveller " + std::to_string(l.user_id) + ": " + why);
          };
          auto r = c.get("/bookings/my-tickets", l.token);
          if (r.status != 200) {
            fail("my-tickets " + std::to_string(r.status));
            continue;
          }
          std::map<std::string, std::vector<int>> listed;
          const auto list = r.json();
          for (const auto& t : list.as_array()) {
            if (t.at("status") != "confirmed") fail("a ticket is not confirmed");
            listed[std::string(t.at("booking_number").as_string())] = seats_of(t.at("seats"));
          }
          if (listed != l.booked) fail("my-tickets differs from the 201s it got");
          for (const auto& [number, seats] : l.booked) {
            auto it = rows.find(number);
            if (it == rows.end())
              fail("booking " + number + " is not in the database");
            else if (it->second.first != l.user_id || it->second.second != seats)
              fail("booking " + number + " has other seats or another owner in the database");
          }
          for (const auto& [number, row] : rows)
            if (row.first == l.user_id && !l.booked.contains(number))
              fail("booking " + number + " exists but the traveller was refused");
          ++checked;
        }
      });
    for (auto& t : checkers) t.join();
  }
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_EQ(checked.load(), travellers);
  for (int i = 0; i < n; ++i) EXPECT_EQ(cluster.instance(i).stop(), 0);
}

}  // namespace
}  // namespace seatd::testing
