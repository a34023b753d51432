// seatd killed with SIGKILL in the middle of a burst of bookings, then started again on the
// same database — PostgreSQL and the embedded SQLite default. Every booking that was answered
// 201 is there with all its seats; no booking is half there (each one the database holds has
// exactly the seats one request asked for, one owner, one status); no seat is sold twice; no
// booked seat is missing from its owner's tickets; and the restarted server serves and books.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "component/test_support.hpp"
#include "integration/seatd_cluster.hpp"
#include "store/pg_test_server.hpp"

namespace seatd::testing {
namespace {

using namespace std::chrono_literals;
using rows = std::vector<std::vector<std::string>>;
using sql_runner = std::function<rows(const std::string&)>;

constexpr int trips = 25;
constexpr int slots_per_trip = 13;  // seats 3k+1..3k+3, k < 13
constexpr int bookers = 40;

std::string schedule_csv() {
  static const char* days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                               "Friday", "Saturday", "Sunday"};
  std::string csv =
      "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service "
      "Type,Bus Type\n";
  for (int i = 0; i < trips; ++i)
    csv += "ABC," + std::string(days[i % 7]) + ",Bus K" + std::to_string(i) +
           ",Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n";
  return csv;
}

// A booking request one traveller sent, and what came back.
struct attempt {
  int trip = 0;
  std::vector<int> seats;  // sorted
  enum { unanswered, created, refused } outcome = unanswered;
  std::string number;      // when created
};

struct booker_log {
  std::string token;
  std::int64_t user_id = 0;
  std::vector<attempt> attempts;
};

// Books disjoint slots (1-3 seats each) until the server stops answering or the slots run out.
void booker(unsigned short port, booker_log& log, std::atomic<int>& next_slot,
            std::atomic<int>& created) {
  http_client c(port);
  for (;;) {
    const int slot = next_slot++;
    if (slot >= trips * slots_per_trip) return;
    attempt a;
    a.trip = 1 + slot / slots_per_trip;
    const int first = 1 + 3 * (slot % slots_per_trip);
    for (int s = first; s < first + 1 + slot % 3; ++s) a.seats.push_back(s);
    try {
      for (int s : a.seats)
        if (lock_seat(c, log.token, a.trip, s).status != 200) return;
      log.attempts.push_back(a);
      auto r = book_seats(c, log.token, a.trip, a.seats);
      if (r.status == 201) {
        log.attempts.back().outcome = attempt::created;
        log.attempts.back().number = std::string(r.json().at("booking_number").as_string());
        ++created;
      } else {
        log.attempts.back().outcome = attempt::refused;
      }
    } catch (const std::exception&) {
      return;  // killed: the last attempt stays unanswered
    }
  }
}

std::vector<int> sorted_seats(const boost::json::value& list) {
  std::vector<int> out;
  for (const auto& s : list.as_array()) out.push_back(int(s.as_int64()));
  std::sort(out.begin(), out.end());
  return out;
}

// The whole scenario against one database. `make_admin` creates an admin through the CLI;
// `sql` reads the database behind seatd's back.
void kill_mid_burst_and_restart(const std::string& database_url, const sql_runner& sql) {
  const std::vector<std::string> args{"--database", database_url, "--workers", "4"};
  auto first = std::make_unique<seatd_process>(args);
  http_client setup(first->port());
  const std::string admin_email = unique_email("admin");
  auto made = run_seatd({"--database", database_url, "--fast-password-hash", "--env-file",
                         "/nonexistent.env", "admin", "create", "--email", admin_email,
                         "--password", "admin-password"});
  ASSERT_EQ(made.code, 0) << made.output;
  auto login =
      setup.post_json("/auth/login", {{"email", admin_email}, {"password", "admin-password"}});
  ASSERT_EQ(login.status, 200) << login.body;
  auto up = upload(setup, std::string(login.json().at("access_token").as_string()),
                   "schedule.csv", schedule_csv());
  ASSERT_EQ(up.status, 200) << up.body;

  std::vector<booker_log> logs(bookers);
  for (auto& l : logs) {
    l.token = signup_and_login(setup, unique_email("booker"));
    l.user_id = setup.get("/user/me", l.token).json().at("id").as_int64();
  }

  // The burst, and SIGKILL once a good part of it has been confirmed.
  std::atomic<int> next_slot{0}, created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < bookers; ++i)
    threads.emplace_back(
        [&, i] { booker(first->port(), logs[std::size_t(i)], next_slot, created); });
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (created < 60 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  first->kill();
  for (auto& t : threads) t.join();
  first.reset();
  int answered = 0, unanswered = 0;
  for (const auto& l : logs)
    for (const auto& a : l.attempts) (a.outcome == attempt::unanswered ? unanswered : answered)++;
  std::printf("[ killed   ] after %d answered booking requests (%d confirmed), %d unanswered\n",
              answered, created.load(), unanswered);
  ASSERT_GE(created.load(), 60) << "the burst did not get going";
  ASSERT_LT(next_slot.load(), trips * slots_per_trip) << "the kill came after the burst";

  // The restart: same database, a clean start.
  seatd_process second(args);
  http_client c(second.port());
  ASSERT_EQ(c.get("/").status, 200);
  ASSERT_EQ(c.get("/trips/1").status, 200);

  // Every traveller's tickets: each 201 is there with exactly its seats; every other ticket is
  // one the traveller asked for and never heard about, complete; a refusal left nothing.
  std::size_t listed_seat_rows = 0;
  int committed_unanswered = 0;  // requests cut off by the kill whose booking was committed
  std::set<std::string> listed_numbers;
  for (const auto& l : logs) {
    auto r = c.get("/bookings/my-tickets", l.token);
    ASSERT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::pair<int, std::vector<int>>> tickets;  // number -> trip, seats
    const auto list = r.json();
    for (const auto& t : list.as_array()) {
      EXPECT_EQ(t.at("status"), "confirmed");
      tickets[std::string(t.at("booking_number").as_string())] = {
          int(t.at("trip").at("id").as_int64()), sorted_seats(t.at("seats"))};
    }
    for (const auto& a : l.attempts) {
      if (a.outcome != attempt::created) continue;
      auto it = tickets.find(a.number);
      ASSERT_NE(it, tickets.end()) << "booking " << a.number << " was confirmed and is gone";
      EXPECT_EQ(it->second, std::make_pair(a.trip, a.seats)) << "booking " << a.number;
      EXPECT_EQ(c.get("/bookings/" + a.number, l.token).status, 200);
    }
    for (const auto& [number, ticket] : tickets) {
      listed_numbers.insert(number);
      listed_seat_rows += ticket.second.size();
      bool confirmed = std::any_of(l.attempts.begin(), l.attempts.end(), [&](const attempt& a) {
        return a.outcome == attempt::created && a.number == number;
      });
      bool in_flight = std::any_of(l.attempts.begin(), l.attempts.end(), [&](const attempt& a) {
        return a.outcome == attempt::unanswered && std::make_pair(a.trip, a.seats) == ticket;
      });
      if (!confirmed && in_flight) ++committed_unanswered;
      EXPECT_TRUE(confirmed || in_flight)
          << "ticket " << number << " matches no request of its owner";
    }
  }

  std::printf("[ restart  ] %d of the unanswered requests had been committed, whole\n",
              committed_unanswered);

  // The database itself.
  EXPECT_EQ(sql("SELECT count(*) FROM bookings"),
            rows{{std::to_string(listed_seat_rows)}})
      << "booking rows that no owner can list";
  EXPECT_EQ(sql("SELECT count(DISTINCT booking_number) FROM bookings"),
            rows{{std::to_string(listed_numbers.size())}});
  EXPECT_EQ(sql("SELECT trip_id, seat_number FROM bookings WHERE status = 'confirmed'"
                " GROUP BY trip_id, seat_number HAVING count(*) > 1"),
            rows{})
      << "a seat sold twice";
  EXPECT_EQ(sql("SELECT booking_number FROM bookings GROUP BY booking_number"
                " HAVING count(DISTINCT user_id) > 1 OR count(DISTINCT trip_id) > 1"
                " OR count(DISTINCT status) > 1 OR count(DISTINCT created_at) > 1"),
            rows{})
      << "a booking whose rows disagree";
  EXPECT_EQ(sql("SELECT count(*) FROM bookings b LEFT JOIN seats s"
                " ON s.trip_id = b.trip_id AND s.seat_number = b.seat_number"
                " LEFT JOIN users u ON u.id = b.user_id WHERE s.id IS NULL OR u.id IS NULL"),
            rows{{"0"}})
      << "booking rows without their seat or user";
  EXPECT_EQ(sql("SELECT count(*) FROM seats"), rows{{std::to_string(trips * 40)}});
  EXPECT_EQ(sql("SELECT t.id FROM trips t WHERE t.booked_seats <> (SELECT count(*) FROM bookings b"
                " WHERE b.trip_id = t.id AND b.status = 'confirmed') OR t.revenue <> (SELECT"
                " coalesce(sum(price), 0) FROM bookings b WHERE b.trip_id = t.id"
                " AND b.status = 'confirmed')"),
            rows{})
      << "trips whose sales counters disagree with their bookings";

  // The restarted server books: a seat no slot used (40 is never in a slot).
  auto& someone = logs.front();
  ASSERT_EQ(lock_seat(c, someone.token, 1, 40).status, 200);
  auto r = book_seats(c, someone.token, 1, {40});
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(second.stop(), 0);
}

TEST(kill_restart, postgres_keeps_every_confirmed_booking_whole) {
  auto& pg = test::pg_test_server::shared();
  const std::string url = pg.fresh_database_url();
  test::pg_admin_session db(pg, url.substr(url.rfind('/') + 1));
  kill_mid_burst_and_restart(url + "?pool_size=8",
                             [&](const std::string& q) { return db.query(q); });
}

TEST(kill_restart, sqlite_keeps_every_confirmed_booking_whole) {
  auto dir = std::filesystem::temp_directory_path() /
             ("seatd-kill-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "seatd.db").string();
  sql_runner sql = [&](const std::string& q) {
    sqlite3* db = nullptr;
    rows out;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << file;
      sqlite3_close(db);
      return out;
    }
    char* err = nullptr;
    auto collect = [](void* p, int n, char** values, char**) {
      auto& r = static_cast<rows*>(p)->emplace_back();
      for (int i = 0; i < n; ++i) r.emplace_back(values[i] ? values[i] : "");
      return 0;
    };
    if (sqlite3_exec(db, q.c_str(), collect, &out, &err) != SQLITE_OK) {
      ADD_FAILURE() << q << ": " << (err ? err : "?");
      sqlite3_free(err);
    }
    sqlite3_close(db);
    return out;
  };
  kill_mid_burst_and_restart("sqlite:///" + file, sql);
  EXPECT_EQ(sql("PRAGMA integrity_check"), rows{{"ok"}});
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace seatd::testing
