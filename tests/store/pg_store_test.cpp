// Tests of the PostgreSQL store itself, beyond the shared conformance suite: concurrent
// migration, connection loss and outage, interrupted transactions, URL handling and the
// schema's own guarantees. They run against the binary's real PostgreSQL test server.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/local_time.hpp"
#include "store/migrations.hpp"
#include "store/pg_connection.hpp"
#include "store/pg_test_server.hpp"
#include "store/store.hpp"

namespace seatd {
namespace {

using namespace std::chrono_literals;
using test::pg_admin_session;
using test::pg_test_server;

pg_test_server& server() { return pg_test_server::shared(); }

// "test_7" from ".../test_7" (or ".../test_7?x=y").
std::string database_of(const std::string& url) {
  std::string db = url.substr(url.rfind('/') + 1);
  return db.substr(0, db.find('?'));
}

schedule_row row(int weekday, std::string bus, std::string source, std::string destination,
                 std::int64_t fare = 300) {
  schedule_row r;
  r.operator_name = "PG Travels";
  r.weekday = weekday;
  r.bus_name = std::move(bus);
  r.source = std::move(source);
  r.destination = std::move(destination);
  r.departure_minutes = 9 * 60;
  r.arrival_minutes = 13 * 60;
  r.fare = fare;
  r.service_type = "Express";
  r.bus_type = "AC";
  return r;
}

const local_date today = *parse_date("2026-03-04");  // Wednesday

booking_request request(row_id user_id, row_id trip_id, std::vector<int> seats) {
  booking_request req;
  req.user_id = user_id;
  req.trip_id = trip_id;
  req.seat_numbers = std::move(seats);
  req.created_at = *parse_iso("2026-03-04T10:00:00");
  return req;
}

std::function<std::string()> numbers(std::string prefix) {
  auto counter = std::make_shared<std::atomic<int>>(0);
  return [counter, prefix] { return prefix + std::to_string(++*counter); };
}

// Polls `done` until it holds or `limit` passes.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// A store on a fresh database with one trip (Monday 09:00, Pune -> Goa) and one user.
struct booked_world {
  std::string url = server().fresh_database_url();
  std::string database = database_of(url);
  std::unique_ptr<store> db = open_store(url);
  row_id trip_id = 0;
  user traveller;

  booked_world() {
    if (!db->import_schedule({row(0, "Konkan", "Pune", "Goa")}, today, std::nullopt))
      throw std::runtime_error("import failed");
    trip_id = db->search_trips("Pune", "Goa", *parse_date("2026-03-02")).at(0).trip_id;
    traveller = db->create_user({"tess", "tess@example.com", "h", false}).value();
  }

  std::vector<int> booked_seats() {
    std::vector<int> out;
    for (const seat& s : db->list_seats(trip_id))
      if (s.is_booked) out.push_back(s.seat_number);
    return out;
  }
};

// The pid of a backend of `database` that waits for a lock, or 0 when there is none yet.
// Asked from a session of its own: inside a transaction, pg_stat_activity is a snapshot
// taken at its first use and would never change.
int lock_waiter(const std::string& database, int except_pid = 0) {
  pg_admin_session admin(server(), "postgres");
  auto rows = admin.query(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'"
      " AND pid <> $2::int ORDER BY pid LIMIT 1",
      {database, std::to_string(except_pid)});
  return rows.empty() ? 0 : std::stoi(rows[0][0]);
}

// Cancels the statement a backend runs (as a client's cancel request would).
void cancel_backend(int pid) {
  pg_admin_session(server(), "postgres")
      .query("SELECT pg_cancel_backend($1::int)", {std::to_string(pid)});
}
// Ends a backend and its connection (as a crash of that connection would).
void terminate_backend(int pid) {
  pg_admin_session(server(), "postgres")
      .query("SELECT pg_terminate_backend($1::int)", {std::to_string(pid)});
}

// Holds `LOCK TABLE <table> IN SHARE MODE` in an open transaction of its own session: writers
// to the table wait, readers do not. Released by release() or, so that a failing test cannot
// leave a store call waiting forever, when the blocker goes out of scope.
class table_blocker {
 public:
  table_blocker(const std::string& database, const std::string& table)
      : session(server(), database) {
    session.query("BEGIN");
    session.query("LOCK TABLE " + table + " IN SHARE MODE");
  }
  table_blocker(const table_blocker&) = delete;
  table_blocker& operator=(const table_blocker&) = delete;
  ~table_blocker() {
    try {
      release();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "releasing the table lock failed: " << e.what();
    }
  }
  void release() {
    if (!held_) return;
    held_ = false;
    session.query("ROLLBACK");
  }

  pg_admin_session session;

 private:
  bool held_ = true;
};

// Restarts a server when a test that stopped it ends, whatever happened.
struct restart_guard {
  pg_test_server& stopped;
  ~restart_guard() {
    try {
      stopped.start();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "restarting the PostgreSQL test server failed: " << e.what();
    }
  }
};

// ---- migrations

TEST(pg_store, concurrent_migrations_leave_one_row_per_version) {
  // Several rounds: the race between two fresh instances is short.
  for (int round = 0; round < 4; ++round) {
    const std::string url = server().fresh_database_url();
    std::latch go(2);
    std::vector<std::unique_ptr<store>> stores(2);
    std::vector<std::exception_ptr> errors(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        go.arrive_and_wait();
        try {
          stores[i] = open_store(url);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < 2; ++i) {
      if (!errors[i]) continue;
      try {
        std::rethrow_exception(errors[i]);
      } catch (const std::exception& e) {
        FAIL() << "store " << i << " failed to open: " << e.what();
      }
    }

    pg_admin_session admin(server(), database_of(url));
    auto rows = admin.query(
        "SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version");
    ASSERT_EQ(rows.size(), migrations().size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i][0], std::to_string(migrations()[i].version));
      EXPECT_EQ(rows[i][1], "1");
    }
    // Both stores work on the one schema.
    ASSERT_TRUE(stores[0]->create_user({"a", "a@example.com", "h", false}));
    EXPECT_EQ(stores[1]->count_users(), 1);
  }
}

TEST(pg_store, reopening_a_migrated_database_changes_nothing) {
  const std::string url = server().fresh_database_url();
  open_store(url)->create_user({"u", "u@example.com", "h", false});
  auto again = open_store(url);
  EXPECT_EQ(again->count_users(), 1);
  pg_admin_session admin(server(), database_of(url));
  EXPECT_EQ(admin.scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(migrations().size()));
  // applied_at reads back as a seatd time.
  EXPECT_TRUE(parse_iso(admin.scalar("SELECT min(applied_at)::text FROM schema_migrations")));
}

TEST(pg_store, migration_6_keeps_the_outbox_and_ties_each_message_to_one_subject) {
  // A database at version 5 with a booking's e-mail in the outbox.
  booked_world w;
  ASSERT_FALSE(w.db->create_booking(request(w.traveller.id, w.trip_id, {1}), numbers("M-")).code);
  {
    pg_admin_session admin(server(), w.database);
    admin.query("ALTER TABLE outbox DROP COLUMN waitlist_id");  // and outbox_subject with it
    admin.query(
        "ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check, ADD CONSTRAINT outbox_kind_check"
        " CHECK (kind IN ('booking_confirmation', 'booking_cancellation'))");
    admin.query("DROP TABLE waitlist");
    admin.query("DELETE FROM schema_migrations WHERE version = 6");
  }
  auto db = open_store(w.url);
  auto kept = db->list_outbox(std::nullopt, 10);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].kind, mail_kind::booking_confirmation);
  EXPECT_EQ(kept[0].booking_number, "M-1");
  EXPECT_EQ(kept[0].waitlist_id, 0);

  auto entry = db->join_waitlist(w.trip_id, w.traveller.id, 1, sys_ms{}, local_time{}, 10, 10);
  ASSERT_TRUE(entry);
  pg_admin_session admin(server(), w.database);
  // An offer's e-mail names its entry; a booking's names none.
  EXPECT_THROW(admin.query("INSERT INTO outbox(kind, booking_number, created_at, next_attempt_at)"
                           " VALUES ('waitlist_offer', '', 1, 1)"),
               std::runtime_error);
  EXPECT_THROW(admin.query("INSERT INTO outbox(kind, booking_number, waitlist_id, created_at,"
                           " next_attempt_at) VALUES ('booking_confirmation', 'M-1', $1, 1, 1)",
                           {std::to_string(entry->id)}),
               std::runtime_error);
  admin.query("INSERT INTO outbox(kind, booking_number, waitlist_id, created_at, next_attempt_at)"
              " VALUES ('waitlist_offer', '', $1, 1, 1)",
              {std::to_string(entry->id)});
  EXPECT_EQ(db->count_outbox().pending, 2);
}

TEST(pg_store, refuses_a_database_from_a_newer_version) {
  const std::string url = server().fresh_database_url();
  open_store(url);
  pg_admin_session admin(server(), database_of(url));
  admin.query("INSERT INTO schema_migrations(version, applied_at) VALUES (999, now())");
  EXPECT_THROW(open_store(url), store_error);
}

TEST(pg_store, schema_allows_one_confirmed_booking_per_seat) {
  // The partial unique index is the last guard, independent of the store's own checks.
  booked_world w;
  pg_admin_session admin(server(), w.database);
  auto insert = [&](const std::string& number, const std::string& status) {
    admin.query(
        "INSERT INTO bookings(booking_number, user_id, trip_id, seat_number, status, price,"
        " created_at) VALUES ($1, $2, $3, 3, $4, 10, '2026-03-04T10:00:00')",
        {number, std::to_string(w.traveller.id), std::to_string(w.trip_id), status});
  };
  insert("N1", "confirmed");
  insert("N2", "cancelled");
  insert("N3", "cancelled");
  EXPECT_THROW(insert("N4", "confirmed"), std::runtime_error);
  EXPECT_THROW(insert("N5", "pending"), std::runtime_error);
  EXPECT_EQ(w.db->find_ticket("N1")->status, booking_status::confirmed);
  EXPECT_FALSE(w.db->find_ticket("N4"));
  // The store names the seat when its pre-check and the index agree it is taken.
  auto out = w.db->create_booking(request(w.traveller.id, w.trip_id, {3}), numbers("X-"));
  EXPECT_EQ(out.code, make_error_code(errc::seat_booked));
  EXPECT_EQ(out.seat, 3);
}

// ---- connection loss and outage

TEST(pg_store, killed_connections_are_replaced) {
  const std::string url = server().fresh_database_url();
  const std::string database = database_of(url);
  auto db = open_store(url + "?pool_size=3");
  ASSERT_TRUE(db->create_user({"k", "k@example.com", "h", false}));
  // Put several connections in the pool.
  {
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i)
      readers.emplace_back([&] {
        for (int k = 0; k < 20; ++k) db->count_users();
      });
    for (auto& t : readers) t.join();
  }

  pg_admin_session admin(server(), "postgres");
  const auto count_backends = [&] {
    return std::stoi(
        admin.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", {database}));
  };
  ASSERT_GE(count_backends(), 1);
  admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
      " WHERE datname = $1 AND pid <> pg_backend_pid()",
      {database});
  ASSERT_TRUE(eventually([&] { return count_backends() == 0; }));

  // Every pooled connection is dead; the next calls get fresh ones and succeed.
  EXPECT_EQ(db->count_users(), 1);
  EXPECT_TRUE(db->create_user({"k2", "k2@example.com", "h", false}));
  EXPECT_EQ(db->find_user_by_email("K2@example.com")->username, "k2");
  EXPECT_GE(count_backends(), 1);
}

TEST(pg_store, outage_fails_fast_and_the_store_recovers) {
  // A server of its own: stopping the run's shared one would fail every test beside this one.
  auto own = pg_test_server::launch();
  const std::string url = own->fresh_database_url();
  auto db = open_store(url);
  ASSERT_TRUE(db->create_user({"o", "o@example.com", "h", false}));
  {
    restart_guard restart{*own};
    own->stop();

    auto t0 = std::chrono::steady_clock::now();
    EXPECT_THROW(db->count_users(), store_error);
    EXPECT_THROW(db->create_user({"p", "p@example.com", "h", false}), store_error);
    EXPECT_THROW(open_store(url), store_error);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "an outage must not hang callers";
  }
  // Back up: the same store works again without being reopened.
  EXPECT_EQ(db->count_users(), 1);
  EXPECT_TRUE(db->create_user({"p", "p@example.com", "h", false}));
}

TEST(pg_store, unreachable_server_fails_fast) {
  // Port 1 on loopback: privileged, and nothing listens there.
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(open_store("postgresql://seatd@127.0.0.1:1/x"), store_error);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

// ---- interrupted transactions

TEST(pg_store, cancelled_booking_leaves_nothing_behind) {
  booked_world w;
  auto req = request(w.traveller.id, w.trip_id, {1, 2});
  req.profile.age = 33;
  // Declared before the blocker: when the test ends early, the lock is released before
  // anything waits for the booking.
  std::future<booking_outcome> booking;
  // The booking gets as far as updating the profile, then waits to insert, and is cancelled
  // there.
  table_blocker blocker(w.database, "bookings");
  booking =
      std::async(std::launch::async, [&] { return w.db->create_booking(req, numbers("Q-")); });
  int pid = 0;
  ASSERT_TRUE(eventually([&] { return (pid = lock_waiter(w.database)) != 0; }));
  cancel_backend(pid);
  EXPECT_THROW(booking.get(), store_error);
  blocker.release();

  EXPECT_TRUE(w.booked_seats().empty());
  EXPECT_TRUE(w.db->list_tickets(w.traveller.id).empty());
  EXPECT_FALSE(w.db->find_user_by_id(w.traveller.id)->age) << "the profile update was kept";
  // Nothing is stuck either: the same booking goes through now.
  auto again = w.db->create_booking(req, numbers("R-"));
  ASSERT_FALSE(again.code) << again.code.message();
  EXPECT_EQ(w.booked_seats(), (std::vector<int>{1, 2}));
  EXPECT_EQ(w.db->find_user_by_id(w.traveller.id)->age, 33);
}

TEST(pg_store, cancelled_import_leaves_nothing_behind) {
  const std::string url = server().fresh_database_url();
  const std::string database = database_of(url);
  auto db = open_store(url);
  const std::vector<schedule_row> rows = {row(0, "One", "A", "B"), row(1, "Two", "B", "C"),
                                          row(2, "Three", "C", "A")};
  std::future<result<import_summary>> importing;
  // The import writes a bus and a trip, then waits to insert the trip's seats.
  table_blocker blocker(database, "seats");
  importing = std::async(std::launch::async,
                         [&] { return db->import_schedule(rows, today, std::nullopt); });
  int pid = 0;
  ASSERT_TRUE(eventually([&] { return (pid = lock_waiter(database)) != 0; }));
  cancel_backend(pid);
  EXPECT_THROW(importing.get(), store_error);
  blocker.release();

  EXPECT_EQ(db->count_trips(), 0);
  EXPECT_TRUE(db->list_cities().empty());
  EXPECT_EQ(blocker.session.scalar("SELECT count(*) FROM buses"), "0");
  auto again = db->import_schedule(rows, today, std::nullopt);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->buses_created, 3);
  EXPECT_EQ(again->week_start, *parse_date("2026-03-02"));
}

TEST(pg_store, booking_whose_connection_dies_mid_transaction_runs_again_once) {
  booked_world w;
  auto req = request(w.traveller.id, w.trip_id, {5});
  req.profile.phone_number = "+91 90000 00000";
  std::future<booking_outcome> booking;
  table_blocker blocker(w.database, "bookings");
  booking =
      std::async(std::launch::async, [&] { return w.db->create_booking(req, numbers("T-")); });
  int first = 0;
  ASSERT_TRUE(eventually([&] { return (first = lock_waiter(w.database)) != 0; }));
  // The backend dies as in a crash of its connection; the server rolls its work back.
  terminate_backend(first);
  // The store runs the booking again on a new connection, which waits for the lock too.
  int second = 0;
  ASSERT_TRUE(eventually([&] { return (second = lock_waiter(w.database, first)) != 0; }));
  // Meanwhile nothing of the first attempt is visible.
  EXPECT_EQ(blocker.session.scalar("SELECT count(*) FROM bookings"), "0");
  EXPECT_EQ(blocker.session.scalar("SELECT count(*) FROM users WHERE phone_number IS NOT NULL"),
            "0");
  blocker.release();

  auto out = booking.get();
  ASSERT_FALSE(out.code) << out.code.message();
  EXPECT_EQ(w.booked_seats(), (std::vector<int>{5}));
  auto tickets = w.db->list_tickets(w.traveller.id);
  ASSERT_EQ(tickets.size(), 1u);
  EXPECT_EQ(tickets[0].booking_number, out.booking_number);
  EXPECT_EQ(tickets[0].user_phone, "+91 90000 00000");
}

// ---- URLs and the pool

TEST(pg_store, instances_matching_one_waiting_list_at_once_make_each_offer_once) {
  // Two instances (each its own pool) run the matching step on one trip from many threads: the
  // trip row's lock lets one make the offers, the others then see them running.
  booked_world w;
  auto other = open_store(w.url);
  std::vector<int> all;
  for (int s = 1; s <= 40; ++s) all.push_back(s);
  ASSERT_FALSE(w.db->create_booking(request(w.traveller.id, w.trip_id, all), numbers("F-")).code);
  std::vector<row_id> line;
  for (int i = 0; i < 4; ++i) {
    auto u = w.db->create_user({"q", "q" + std::to_string(i) + "@example.com", "h", false});
    ASSERT_TRUE(u);
    auto e = w.db->join_waitlist(w.trip_id, u->id, 1, sys_ms{}, local_time{}, 10, 10);
    ASSERT_TRUE(e);
    line.push_back(e->id);
  }
  ASSERT_TRUE(w.db->cancel_booking("F-1", sys_ms{}));  // all 40 free again: 4 offers at most

  std::mutex mu;
  std::vector<waitlist_offer> made;
  std::atomic<int> failures{0};
  std::latch go(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      store& s = i % 2 ? *other : *w.db;
      go.arrive_and_wait();
      try {
        auto offers = s.offer_waitlist_seats(
            w.trip_id, {}, sys_ms{}, local_time{}, std::chrono::minutes(10),
            [](const std::vector<int>& free, int count) {
              return std::vector<int>(free.begin(), free.begin() + count);
            });
        std::lock_guard lock(mu);
        made.insert(made.end(), offers.begin(), offers.end());
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(made.size(), 4u);
  std::vector<row_id> offered;
  std::vector<int> seats;
  for (const auto& o : made) {
    offered.push_back(o.entry_id);
    seats.insert(seats.end(), o.seats.begin(), o.seats.end());
  }
  EXPECT_EQ(offered, line);  // in queue order, by one step
  EXPECT_EQ(seats, (std::vector<int>{1, 2, 3, 4}));
}

TEST(pg_store, url_parameters) {
  const std::string url = server().fresh_database_url();
  // seatd's pool_size is taken off; libpq's own parameters go through.
  auto db = open_store(url + "?application_name=seatd_url_test&pool_size=2&connect_timeout=2");
  db->count_users();
  pg_admin_session admin(server(), "postgres");
  EXPECT_EQ(admin.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND"
                         " application_name = 'seatd_url_test'",
                         {database_of(url)}),
            "1");
  EXPECT_NO_THROW(open_store(url + "?pool_size=1"));
  for (const char* bad : {"?pool_size=0", "?pool_size=abc", "?pool_size=", "?pool_size=5000"})
    EXPECT_THROW(open_store(url + bad), store_error) << bad;
  // libpq refuses what it does not know, as a store_error.
  EXPECT_THROW(open_store(url + "?no_such_option=1"), store_error);
  EXPECT_THROW(open_store("postgres://seatd@127.0.0.1:" + std::to_string(server().port()) +
                          "/no_such_database"),
               store_error);
}

TEST(pg_store, pool_waits_for_a_free_connection_then_gives_up) {
  pg::pool_options o;
  o.connect.conninfo = server().fresh_database_url();
  o.max_size = 1;
  o.acquire_timeout = 300ms;
  pg::connection_pool pool(std::move(o));
  {
    auto held = pool.acquire();
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_THROW(pool.acquire(), store_error);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 250ms);
    // A connection handed back wakes a waiter.
    auto waiter = std::async(std::launch::async, [&] { return pool.acquire()->usable(); });
    std::this_thread::sleep_for(50ms);
    { auto released = std::move(held); }
    EXPECT_TRUE(waiter.get());
  }
  // A connection returned inside a transaction is rolled back before reuse.
  {
    auto conn = pool.acquire();
    conn->exec("BEGIN");
    conn->exec("CREATE TABLE left_open (x int)");
  }
  auto conn = pool.acquire();
  EXPECT_FALSE(conn->in_transaction());
  EXPECT_EQ(conn->query("SELECT count(*) FROM pg_tables WHERE tablename = 'left_open'").int64(0, 0),
            0);
}

}  // namespace
}  // namespace seatd
