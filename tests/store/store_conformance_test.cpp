// The store conformance suite: every store implementation must pass the same tests.
// A backend is one `backend` entry (a name and a factory that opens a fresh, empty store);
// adding PostgreSQL later means adding one entry to INSTANTIATE_TEST_SUITE_P below.
// The tests at the end of the file are about the SQLite backend itself (URLs, migrations).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/local_time.hpp"
#include "domain/schedule_rules.hpp"
#include "store/migrations.hpp"
#include "store/pg_test_server.hpp"
#include "store/store.hpp"

namespace seatd {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---- temporary files: one directory per test run, removed at exit

fs::path make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "seatd-store-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

class temp_root final : public testing::Environment {
 public:
  static const fs::path& path() {
    static const fs::path root = make_temp_dir();
    return root;
  }
  // A new, empty directory for one store.
  static fs::path fresh_dir() {
    static std::atomic<int> counter{0};
    fs::path dir = path() / ("db" + std::to_string(++counter));
    fs::create_directories(dir);
    return dir;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(path(), ec);
  }
};
[[maybe_unused]] testing::Environment* const temp_env =
    testing::AddGlobalTestEnvironment(new temp_root);

// ---- backends

struct backend {
  std::string name;
  std::function<std::unique_ptr<store>()> open;
};

backend sqlite_file_backend() {
  return {"sqlite_file",
          [] { return open_store("sqlite://" + (temp_root::fresh_dir() / "seatd.db").string()); }};
}
backend sqlite_memory_backend() {
  return {"sqlite_memory", [] { return open_store("sqlite://:memory:"); }};
}
// A new database on the binary's PostgreSQL test server (started on first use).
backend postgres_backend() {
  return {"postgres",
          [] { return open_store(test::pg_test_server::shared().fresh_database_url()); }};
}

// ---- data helpers

local_time at(std::string_view iso) {
  auto t = parse_iso(iso);
  if (!t) throw std::invalid_argument("bad time in test: " + std::string(iso));
  return *t;
}
local_date on(std::string_view day) {
  auto d = parse_date(day);
  if (!d) throw std::invalid_argument("bad date in test: " + std::string(day));
  return *d;
}
constexpr int hm(int h, int m) { return h * 60 + m; }

// Wednesday; its week starts Monday 2026-03-02.
const local_date today = on("2026-03-04");

schedule_row row(int weekday, std::string bus, std::string source, std::string destination,
                 int departure, int arrival, std::int64_t fare, std::string bus_type = "AC") {
  schedule_row r;
  r.operator_name = "Test Travels";
  r.weekday = weekday;
  r.bus_name = std::move(bus);
  r.source = std::move(source);
  r.destination = std::move(destination);
  r.departure_minutes = departure;
  r.arrival_minutes = arrival;
  r.fare = fare;
  r.service_type = "Express";
  r.bus_type = std::move(bus_type);
  return r;
}

// "BK-1", "BK-2", ... ; safe to call from several threads.
std::function<std::string()> numbers(std::string prefix = "BK-") {
  auto counter = std::make_shared<std::atomic<int>>(0);
  return [counter, prefix] { return prefix + std::to_string(++*counter); };
}

class store_conformance : public testing::TestWithParam<backend> {
 protected:
  void SetUp() override { db = GetParam().open(); }

  user add_user(const std::string& email, const std::string& name = "traveller") {
    auto r = db->create_user({name, email, "hash-of-" + email, false});
    if (!r) throw std::runtime_error("create_user failed: " + r.error().message());
    return *r;
  }

  import_summary import(const std::vector<schedule_row>& rows, local_date day = today,
                        std::optional<local_date> week_of = std::nullopt) {
    auto r = db->import_schedule(rows, day, week_of);
    if (!r) throw std::runtime_error("import failed: " + r.error().message());
    return *r;
  }

  // The one trip from `source` to `destination` on `day`.
  trip_summary only_trip(const std::string& source, const std::string& destination,
                         local_date day) {
    auto found = db->search_trips(source, destination, day);
    if (found.size() != 1) throw std::runtime_error("expected one trip");
    return found.front();
  }

  booking_outcome book(row_id user_id, row_id trip_id, std::vector<int> seats,
                       const std::function<std::string()>& next,
                       local_time created = at("2026-03-04T10:00:00"),
                       profile_update profile = {}) {
    booking_request req;
    req.user_id = user_id;
    req.trip_id = trip_id;
    req.seat_numbers = std::move(seats);
    req.profile = std::move(profile);
    req.created_at = created;
    req.now = mail_due;
    return db->create_booking(req, next);
  }

  std::vector<int> booked_seats(row_id trip_id) {
    std::vector<int> out;
    for (const seat& s : db->list_seats(trip_id))
      if (s.is_booked) out.push_back(s.seat_number);
    return out;
  }

  std::unique_ptr<store> db;
  sys_ms mail_due{std::chrono::milliseconds{1'800'000'000'000}};
};

// ---- users

TEST_P(store_conformance, schema_version_is_the_newest_migration) {
  // What /readyz asks: one trivial query that also says the migrations are all applied.
  EXPECT_EQ(db->schema_version(), migrations().back().version);
}

TEST_P(store_conformance, creates_and_finds_users) {
  EXPECT_EQ(db->count_users(), 0);
  user u = add_user("Ann@Example.com", "ann");
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.username, "ann");
  EXPECT_EQ(u.email, "Ann@Example.com");
  EXPECT_EQ(u.password_hash, "hash-of-Ann@Example.com");
  EXPECT_FALSE(u.is_admin);

  auto by_email = db->find_user_by_email("ann@example.COM");
  ASSERT_TRUE(by_email);
  EXPECT_EQ(by_email->id, u.id);
  EXPECT_EQ(by_email->email, "Ann@Example.com");  // stored as given
  EXPECT_EQ(by_email->password_hash, u.password_hash);
  EXPECT_FALSE(by_email->phone_number);
  EXPECT_FALSE(by_email->age);
  EXPECT_FALSE(by_email->gender);

  auto by_id = db->find_user_by_id(u.id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->username, "ann");

  EXPECT_FALSE(db->find_user_by_email("nobody@example.com"));
  EXPECT_FALSE(db->find_user_by_id(u.id + 100));

  auto admin = db->create_user({"root", "root@example.com", "h", true});
  ASSERT_TRUE(admin);
  EXPECT_TRUE(admin->is_admin);
  EXPECT_TRUE(db->find_user_by_id(admin->id)->is_admin);
  EXPECT_EQ(db->count_users(), 2);
}

TEST_P(store_conformance, duplicate_email_is_taken_regardless_of_case) {
  add_user("bob@example.com");
  auto same = db->create_user({"bob2", "bob@example.com", "h", false});
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error(), make_error_code(errc::email_taken));
  auto other_case = db->create_user({"bob3", "BOB@Example.COM", "h", false});
  ASSERT_FALSE(other_case);
  EXPECT_EQ(other_case.error(), make_error_code(errc::email_taken));
  EXPECT_EQ(db->count_users(), 1);
  // The failed inserts left the store usable.
  add_user("carol@example.com");
  EXPECT_EQ(db->count_users(), 2);
}

TEST_P(store_conformance, promote_admin_sets_flag_and_password) {
  user u = add_user("dana@example.com");
  auto promoted = db->promote_admin("DANA@example.com", "new-hash");
  ASSERT_TRUE(promoted);
  EXPECT_EQ(promoted->id, u.id);
  EXPECT_TRUE(promoted->is_admin);
  EXPECT_EQ(promoted->password_hash, "new-hash");
  auto stored = db->find_user_by_id(u.id);
  EXPECT_TRUE(stored->is_admin);
  EXPECT_EQ(stored->password_hash, "new-hash");

  auto missing = db->promote_admin("ghost@example.com", "x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), make_error_code(errc::not_found));
}

// ---- trips

TEST_P(store_conformance, search_is_case_insensitive_and_ordered) {
  import({row(0, "Night Rider", "Delhi", "Jaipur", hm(21, 0), hm(23, 30), 700, "Sleeper"),
          row(0, "Early Bird", "Delhi", "Jaipur", hm(8, 0), hm(13, 15), 450, "AC"),
          row(0, "Other Way", "Jaipur", "Delhi", hm(9, 0), hm(14, 0), 450)});
  auto found = db->search_trips("delhi", "JAIPUR", on("2026-03-02"));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].bus_name, "Early Bird");
  EXPECT_EQ(found[0].bus_type, "AC");
  EXPECT_EQ(found[0].source, "Delhi");
  EXPECT_EQ(found[0].destination, "Jaipur");
  EXPECT_EQ(found[0].departure_time, at("2026-03-02T08:00:00"));
  EXPECT_EQ(found[0].arrival_time, at("2026-03-02T13:15:00"));
  EXPECT_EQ(found[0].price, 450);
  EXPECT_EQ(found[0].total_seats, 40);
  EXPECT_EQ(found[0].booked_seats, 0);
  EXPECT_EQ(found[1].bus_name, "Night Rider");
  EXPECT_EQ(found[1].bus_type, "Sleeper");
  EXPECT_EQ(found[1].price, 700);
  EXPECT_TRUE(db->search_trips("Delhi", "Mumbai", on("2026-03-02")).empty());
}

TEST_P(store_conformance, search_respects_day_boundaries) {
  import({row(0, "Midnight", "Pune", "Goa", hm(0, 0), hm(8, 0), 500),
          row(0, "Last", "Pune", "Goa", hm(23, 59), hm(7, 0), 500),
          row(1, "Tuesday", "Pune", "Goa", hm(0, 0), hm(8, 0), 500)});
  auto monday = db->search_trips("Pune", "Goa", on("2026-03-02"));
  ASSERT_EQ(monday.size(), 2u);
  EXPECT_EQ(monday[0].bus_name, "Midnight");
  EXPECT_EQ(monday[1].bus_name, "Last");
  auto tuesday = db->search_trips("Pune", "Goa", on("2026-03-03"));
  ASSERT_EQ(tuesday.size(), 1u);
  EXPECT_EQ(tuesday[0].bus_name, "Tuesday");
  EXPECT_TRUE(db->search_trips("Pune", "Goa", on("2026-03-01")).empty());
  EXPECT_TRUE(db->search_trips("Pune", "Goa", on("2026-03-04")).empty());
}

TEST_P(store_conformance, search_counts_confirmed_bookings) {
  import({row(2, "Coach", "Agra", "Delhi", hm(7, 0), hm(11, 0), 300)});
  user u = add_user("eve@example.com");
  auto t = only_trip("Agra", "Delhi", on("2026-03-04"));
  auto gen = numbers();
  auto booked = book(u.id, t.trip_id, {1, 2, 3}, gen);
  ASSERT_FALSE(booked.code) << booked.code.message();
  EXPECT_EQ(only_trip("agra", "delhi", on("2026-03-04")).booked_seats, 3);
  ASSERT_TRUE(db->cancel_booking(booked.booking_number, mail_due));
  EXPECT_EQ(only_trip("Agra", "Delhi", on("2026-03-04")).booked_seats, 0);
}

TEST_P(store_conformance, find_trip_and_list_seats) {
  import({row(4, "Coastal", "Chennai", "Madurai", hm(22, 0), hm(6, 0), 650)});
  auto s = only_trip("Chennai", "Madurai", on("2026-03-06"));
  auto t = db->find_trip(s.trip_id);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->id, s.trip_id);
  EXPECT_GT(t->bus_id, 0);
  EXPECT_EQ(t->bus_name, "Coastal");
  EXPECT_EQ(t->bus_type, "AC");
  EXPECT_EQ(t->source, "Chennai");
  EXPECT_EQ(t->destination, "Madurai");
  EXPECT_EQ(t->departure_time, at("2026-03-06T22:00:00"));
  EXPECT_EQ(t->arrival_time, at("2026-03-07T06:00:00"));
  EXPECT_EQ(t->price, 650);
  EXPECT_EQ(t->total_seats, 40);

  auto seats = db->list_seats(t->id);
  ASSERT_EQ(seats.size(), 40u);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(seats[i].seat_number, i + 1);
    EXPECT_EQ(seats[i].trip_id, t->id);
    EXPECT_FALSE(seats[i].is_booked);
  }
  std::set<row_id> ids;
  for (const seat& st : seats) ids.insert(st.id);
  EXPECT_EQ(ids.size(), 40u);

  user u = add_user("fay@example.com");
  ASSERT_FALSE(book(u.id, t->id, {5, 40}, numbers()).code);
  EXPECT_EQ(booked_seats(t->id), (std::vector<int>{5, 40}));

  EXPECT_FALSE(db->find_trip(t->id + 1000));
  EXPECT_TRUE(db->list_seats(t->id + 1000).empty());
}

TEST_P(store_conformance, lists_cities_and_counts_trips) {
  EXPECT_TRUE(db->list_cities().empty());
  EXPECT_EQ(db->count_trips(), 0);
  import({row(0, "A", "Mumbai", "Pune", hm(6, 0), hm(9, 0), 200),
          row(1, "A", "Pune", "Mumbai", hm(6, 0), hm(9, 0), 200),
          row(2, "B", "Ahmedabad", "Mumbai", hm(6, 0), hm(14, 0), 600)});
  EXPECT_EQ(db->list_cities(), (std::vector<std::string>{"Ahmedabad", "Mumbai", "Pune"}));
  EXPECT_EQ(db->count_trips(), 3);
}

// ---- schedule import

TEST_P(store_conformance, first_import_fills_the_current_week) {
  const std::vector<std::string> cities = {"Delhi", "Agra", "Jaipur", "Lucknow"};
  std::vector<schedule_row> rows;
  for (int i = 0; i < 210; ++i) {
    int dep = (i * 37) % 1440;
    rows.push_back(row(i % 7, "Bus " + std::to_string(i % 5), cities[i % 4], cities[(i + 1) % 4],
                       dep, (dep + 300) % 1440, 100 + i));
  }
  auto summary = import(rows);
  EXPECT_EQ(summary.trips_created, 210);
  EXPECT_EQ(summary.buses_created, 5);
  EXPECT_EQ(summary.week_start, on("2026-03-02"));
  EXPECT_EQ(db->count_trips(), 210);

  // Row 10: weekday 3 (Thursday), departs 06:10, fare 110.
  auto thursday = db->search_trips("Jaipur", "Lucknow", on("2026-03-05"));
  auto it = std::find_if(thursday.begin(), thursday.end(),
                         [](const trip_summary& t) { return t.price == 110; });
  ASSERT_NE(it, thursday.end());
  EXPECT_EQ(it->departure_time, at("2026-03-05T06:10:00"));
  EXPECT_EQ(it->arrival_time, at("2026-03-05T11:10:00"));
  EXPECT_EQ(it->bus_name, "Bus 0");
  EXPECT_EQ(db->list_seats(it->trip_id).size(), 40u);
}

TEST_P(store_conformance, later_import_goes_to_the_week_after_the_latest_trip) {
  auto first = import({row(6, "Owl", "Kochi", "Bengaluru", hm(22, 30), hm(5, 45), 900),
                       row(0, "Lark", "Kochi", "Trivandrum", hm(6, 0), hm(10, 0), 300)});
  EXPECT_EQ(first.week_start, on("2026-03-02"));
  EXPECT_EQ(first.buses_created, 2);
  // Overnight: arrives the next morning, the Monday after the week.
  auto owl = only_trip("Kochi", "Bengaluru", on("2026-03-08"));
  EXPECT_EQ(owl.departure_time, at("2026-03-08T22:30:00"));
  EXPECT_EQ(owl.arrival_time, at("2026-03-09T05:45:00"));

  // Same "today": the week after the one holding the latest departure (Sunday 03-08).
  auto second = import({row(0, "Owl", "Kochi", "Bengaluru", hm(22, 30), hm(5, 45), 950),
                        row(1, "Heron", "Kochi", "Mysuru", hm(9, 0), hm(15, 0), 500, "Non-AC")});
  EXPECT_EQ(second.week_start, on("2026-03-09"));
  EXPECT_EQ(second.trips_created, 2);
  EXPECT_EQ(second.buses_created, 1);  // Owl exists already
  EXPECT_EQ(only_trip("Kochi", "Bengaluru", on("2026-03-09")).price, 950);
  auto heron = only_trip("kochi", "mysuru", on("2026-03-10"));
  EXPECT_EQ(heron.bus_type, "Non-AC");

  // Even when "today" is long before the schedule, the next week follows the latest trip.
  auto third =
      import({row(0, "Lark", "Kochi", "Trivandrum", hm(6, 0), hm(10, 0), 300)}, on("2026-01-01"));
  EXPECT_EQ(third.week_start, on("2026-03-16"));
  EXPECT_EQ(db->count_trips(), 5);
}

TEST_P(store_conformance, import_for_a_chosen_week_places_the_trips_in_that_week) {
  // "The week of 19 March" (a Thursday): its Monday is 03-16, two weeks after today's week.
  auto chosen = import({row(6, "Owl", "Kochi", "Bengaluru", hm(22, 30), hm(5, 45), 900),
                        row(0, "Lark", "Kochi", "Trivandrum", hm(6, 0), hm(10, 0), 300)},
                       today, on("2026-03-19"));
  EXPECT_EQ(chosen.week_start, on("2026-03-16"));
  EXPECT_EQ(chosen.trips_created, 2);
  EXPECT_EQ(only_trip("Kochi", "Trivandrum", on("2026-03-16")).departure_time,
            at("2026-03-16T06:00:00"));
  EXPECT_EQ(only_trip("Kochi", "Bengaluru", on("2026-03-22")).arrival_time,
            at("2026-03-23T05:45:00"));
  EXPECT_TRUE(db->search_trips("Kochi", "Trivandrum", on("2026-03-02")).empty());

  // A chosen week need not follow the latest trip: the current week is still free to fill.
  auto current = import({row(2, "Lark", "Kochi", "Trivandrum", hm(6, 0), hm(10, 0), 300)},
                        today, today);
  EXPECT_EQ(current.week_start, on("2026-03-02"));
  EXPECT_EQ(current.buses_created, 0);
  EXPECT_EQ(only_trip("Kochi", "Trivandrum", on("2026-03-04")).price, 300);

  // Without a chosen week the contract's rule still holds: the week after the latest trip.
  auto next = import({row(0, "Lark", "Kochi", "Trivandrum", hm(6, 0), hm(10, 0), 300)});
  EXPECT_EQ(next.week_start, on("2026-03-23"));
  EXPECT_EQ(db->count_trips(), 4);
}

TEST_P(store_conformance, import_for_a_week_that_has_ended_is_refused_and_writes_nothing) {
  // Today is Wednesday 03-04; Sunday 03-01 belongs to the week before.
  auto r = db->import_schedule({row(0, "Lark", "Kochi", "Trivandrum", hm(6, 0), hm(10, 0), 300)},
                               today, on("2026-03-01"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(errc::invalid_input));
  EXPECT_EQ(db->count_trips(), 0);
  EXPECT_TRUE(db->list_cities().empty());
}

TEST_P(store_conformance, failed_import_leaves_nothing_behind) {
  // The second row breaks the CHECK on trips.price after the first row's bus, trip and
  // seats were written: all of it must roll back.
  auto r = db->import_schedule({row(0, "Good", "Surat", "Vadodara", hm(8, 0), hm(10, 0), 150),
                                row(1, "Bad", "Surat", "Vadodara", hm(8, 0), hm(10, 0), -5)},
                               today, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(errc::invalid_input));
  EXPECT_EQ(db->count_trips(), 0);
  EXPECT_TRUE(db->list_cities().empty());

  // The bus "Good" was rolled back too, and the week is still the first one.
  auto again = import({row(0, "Good", "Surat", "Vadodara", hm(8, 0), hm(10, 0), 150)});
  EXPECT_EQ(again.buses_created, 1);
  EXPECT_EQ(again.week_start, on("2026-03-02"));
  EXPECT_EQ(db->list_seats(only_trip("Surat", "Vadodara", on("2026-03-02")).trip_id).size(), 40u);
}

// ---- bookings

class booking_test : public store_conformance {
 protected:
  void SetUp() override {
    store_conformance::SetUp();
    import({row(2, "Royal", "Indore", "Bhopal", hm(9, 0), hm(13, 0), 400)});
    trip_id = only_trip("Indore", "Bhopal", on("2026-03-04")).trip_id;
    alice = add_user("alice@example.com", "alice");
    bob = add_user("bob@example.com", "bob");
  }
  row_id trip_id = 0;
  user alice, bob;
  manual_clock clk;
};

TEST_P(booking_test, books_seats_and_reads_the_ticket_back) {
  auto out = book(alice.id, trip_id, {3, 1}, numbers(), at("2026-03-04T10:15:30"));
  ASSERT_FALSE(out.code) << out.code.message();
  EXPECT_EQ(out.booking_number, "BK-1");

  auto t = db->find_ticket("BK-1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->booking_number, "BK-1");
  EXPECT_EQ(t->user_id, alice.id);
  EXPECT_EQ(t->status, booking_status::confirmed);
  EXPECT_EQ(t->created_at, at("2026-03-04T10:15:30"));
  EXPECT_EQ(t->seats, (std::vector<int>{1, 3}));
  EXPECT_EQ(t->trip.id, trip_id);
  EXPECT_EQ(t->trip.source, "Indore");
  EXPECT_EQ(t->trip.destination, "Bhopal");
  EXPECT_EQ(t->trip.departure_time, at("2026-03-04T09:00:00"));
  EXPECT_EQ(t->trip.price, 400);
  EXPECT_EQ(t->trip.total_seats, 40);
  EXPECT_FALSE(t->trip.bus_name.empty());
  EXPECT_EQ(t->trip.bus_type, "AC");
  EXPECT_EQ(t->user_name, "alice");
  EXPECT_FALSE(t->user_phone);

  auto tickets = db->list_tickets(alice.id);
  ASSERT_EQ(tickets.size(), 1u);
  EXPECT_EQ(tickets[0].seats, (std::vector<int>{1, 3}));
  EXPECT_TRUE(db->list_tickets(bob.id).empty());
  EXPECT_FALSE(db->find_ticket("BK-404"));
  EXPECT_EQ(booked_seats(trip_id), (std::vector<int>{1, 3}));
}

TEST_P(booking_test, rejects_invalid_seats) {
  auto gen = numbers();
  for (const auto& seats : std::vector<std::vector<int>>{{}, {0}, {41}, {-1}, {2, 2}, {5, 41}}) {
    auto out = book(alice.id, trip_id, seats, gen);
    EXPECT_EQ(out.code, make_error_code(errc::invalid_seats)) << seats.size();
    EXPECT_TRUE(out.booking_number.empty());
  }
  EXPECT_TRUE(db->list_tickets(alice.id).empty());
  EXPECT_TRUE(booked_seats(trip_id).empty());
  // The edges are valid.
  EXPECT_FALSE(book(alice.id, trip_id, {1, 40}, gen).code);
}

TEST_P(booking_test, unknown_trip_or_user_is_not_found) {
  EXPECT_EQ(book(alice.id, trip_id + 1000, {1}, numbers()).code, make_error_code(errc::not_found));
  EXPECT_EQ(book(alice.id + bob.id + 1000, trip_id, {1}, numbers()).code,
            make_error_code(errc::not_found));
  EXPECT_TRUE(booked_seats(trip_id).empty());
}

TEST_P(booking_test, taken_seat_is_named_and_nothing_is_half_booked) {
  auto gen = numbers();
  ASSERT_FALSE(book(alice.id, trip_id, {5}, gen).code);
  auto out = book(bob.id, trip_id, {4, 5, 6}, gen);
  EXPECT_EQ(out.code, make_error_code(errc::seat_booked));
  EXPECT_EQ(out.seat, 5);
  EXPECT_TRUE(out.booking_number.empty());
  EXPECT_EQ(booked_seats(trip_id), (std::vector<int>{5}));
  EXPECT_TRUE(db->list_tickets(bob.id).empty());

  // The first taken seat in request order is the one named.
  ASSERT_FALSE(book(alice.id, trip_id, {9}, gen).code);
  auto two = book(bob.id, trip_id, {10, 9, 5}, gen);
  EXPECT_EQ(two.code, make_error_code(errc::seat_booked));
  EXPECT_EQ(two.seat, 9);
}

TEST_P(booking_test, booking_number_collision_draws_again) {
  ASSERT_EQ(book(alice.id, trip_id, {1}, [] { return std::string("BK-7"); }).booking_number,
            "BK-7");
  int calls = 0;
  auto colliding = [&calls] { return ++calls == 1 ? std::string("BK-7") : std::string("BK-8"); };
  auto out = book(bob.id, trip_id, {2}, colliding);
  ASSERT_FALSE(out.code);
  EXPECT_EQ(out.booking_number, "BK-8");
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(db->find_ticket("BK-7")->seats, (std::vector<int>{1}));
  EXPECT_EQ(db->find_ticket("BK-8")->seats, (std::vector<int>{2}));

  // A cancelled booking's number stays taken too.
  ASSERT_TRUE(db->cancel_booking("BK-8", clk.now()));
  calls = 0;
  EXPECT_EQ(book(bob.id, trip_id, {3},
                 [&calls] { return ++calls == 1 ? std::string("BK-8") : std::string("BK-9"); })
                .booking_number,
            "BK-9");

  // A generator that only repeats itself is a failure, and books nothing.
  EXPECT_THROW(book(bob.id, trip_id, {4}, [] { return std::string("BK-7"); }), store_error);
  EXPECT_EQ(booked_seats(trip_id), (std::vector<int>{1, 3}));
}

TEST_P(booking_test, applies_the_profile_fields_that_are_set) {
  profile_update p;
  p.phone_number = "+91 98765 43210";
  p.age = 34;
  ASSERT_FALSE(book(alice.id, trip_id, {1}, numbers("A-"), at("2026-03-04T10:00:00"), p).code);
  auto u = db->find_user_by_id(alice.id);
  EXPECT_EQ(u->phone_number, "+91 98765 43210");
  EXPECT_EQ(u->age, 34);
  EXPECT_FALSE(u->gender);
  EXPECT_EQ(db->find_ticket("A-1")->user_phone, "+91 98765 43210");

  profile_update only_gender;
  only_gender.gender = "female";
  ASSERT_FALSE(
      book(alice.id, trip_id, {2}, numbers("B-"), at("2026-03-04T10:00:00"), only_gender).code);
  u = db->find_user_by_id(alice.id);
  EXPECT_EQ(u->gender, "female");
  EXPECT_EQ(u->phone_number, "+91 98765 43210");
  EXPECT_EQ(u->age, 34);

  // A failed booking does not touch the profile (same transaction).
  profile_update rejected;
  rejected.age = 99;
  EXPECT_EQ(book(alice.id, trip_id, {1}, numbers("C-"), at("2026-03-04T10:00:00"), rejected).code,
            make_error_code(errc::seat_booked));
  EXPECT_EQ(db->find_user_by_id(alice.id)->age, 34);
}

TEST_P(booking_test, cancel_frees_the_seats) {
  auto gen = numbers();
  auto out = book(alice.id, trip_id, {7, 8}, gen);
  ASSERT_FALSE(out.code);

  auto cancelled = db->cancel_booking(out.booking_number, clk.now());
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->booking_number, out.booking_number);
  EXPECT_EQ(cancelled->status, booking_status::confirmed);  // as it was
  EXPECT_EQ(cancelled->seats, (std::vector<int>{7, 8}));
  EXPECT_EQ(cancelled->trip.id, trip_id);

  auto after = db->find_ticket(out.booking_number);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, booking_status::cancelled);
  EXPECT_EQ(after->seats, (std::vector<int>{7, 8}));
  EXPECT_TRUE(booked_seats(trip_id).empty());

  auto again = db->cancel_booking(out.booking_number, clk.now());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), make_error_code(errc::already_cancelled));
  auto missing = db->cancel_booking("no-such-booking", clk.now());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), make_error_code(errc::not_found));

  // The freed seats can be booked again, by anyone.
  auto rebooked = book(bob.id, trip_id, {8, 7}, gen);
  ASSERT_FALSE(rebooked.code);
  EXPECT_EQ(booked_seats(trip_id), (std::vector<int>{7, 8}));
  // Alice still sees her cancelled ticket.
  auto alice_tickets = db->list_tickets(alice.id);
  ASSERT_EQ(alice_tickets.size(), 1u);
  EXPECT_EQ(alice_tickets[0].status, booking_status::cancelled);
}

TEST_P(booking_test, lists_tickets_newest_first) {
  auto gen = numbers();
  ASSERT_FALSE(book(alice.id, trip_id, {12, 11}, gen, at("2026-03-02T09:00:00")).code);  // 1
  ASSERT_FALSE(book(alice.id, trip_id, {20}, gen, at("2026-03-04T09:00:00")).code);      // 2
  ASSERT_FALSE(book(bob.id, trip_id, {30}, gen, at("2026-03-05T09:00:00")).code);        // 3
  ASSERT_FALSE(book(alice.id, trip_id, {15}, gen, at("2026-03-03T09:00:00")).code);      // 4
  ASSERT_FALSE(book(alice.id, trip_id, {16}, gen, at("2026-03-03T09:00:00")).code);      // 5
  auto tickets = db->list_tickets(alice.id);
  std::vector<std::string> order;
  for (const ticket& t : tickets) order.push_back(t.booking_number);
  // Same created_at: the later booking first.
  EXPECT_EQ(order, (std::vector<std::string>{"BK-2", "BK-5", "BK-4", "BK-1"}));
  EXPECT_EQ(tickets.back().seats, (std::vector<int>{11, 12}));
  for (const ticket& t : tickets) EXPECT_EQ(t.user_name, "alice");
}

TEST_P(booking_test, concurrent_bookings_of_one_seat_yield_one_booking) {
  constexpr int threads = 8;
  constexpr int attempts = 25;
  auto gen = numbers("C-");
  std::atomic<int> confirmed{0}, refused{0}, other{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      for (int a = 0; a < attempts; ++a) {
        try {
          auto out = book(i % 2 ? alice.id : bob.id, trip_id, {17}, gen);
          if (!out.code)
            ++confirmed;
          else if (out.code == make_error_code(errc::seat_booked) && out.seat == 17)
            ++refused;
          else
            ++other;
        } catch (const std::exception&) {
          ++other;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  EXPECT_EQ(confirmed.load(), 1);
  EXPECT_EQ(refused.load(), threads * attempts - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(booked_seats(trip_id), (std::vector<int>{17}));
  auto all = db->list_tickets(alice.id);
  auto bobs = db->list_tickets(bob.id);
  all.insert(all.end(), bobs.begin(), bobs.end());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].seats, (std::vector<int>{17}));
  EXPECT_EQ(only_trip("Indore", "Bhopal", on("2026-03-04")).booked_seats, 1);
}

TEST_P(booking_test, parallel_bookings_of_different_seats_all_succeed) {
  // Writers queue on the write lock while readers keep reading: no call may fail as busy.
  constexpr int writers = 8;
  constexpr int seats_each = 5;
  auto gen = numbers("P-");
  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  std::vector<std::thread> pool;
  for (int w = 0; w < writers; ++w) {
    pool.emplace_back([&, w] {
      for (int k = 0; k < seats_each; ++k) {
        try {
          if (book(w % 2 ? alice.id : bob.id, trip_id, {w * seats_each + k + 1}, gen).code)
            ++failures;
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  std::thread reader([&] {
    while (writing) {
      try {
        db->search_trips("Indore", "Bhopal", on("2026-03-04"));
        db->list_seats(trip_id);
        db->list_tickets(alice.id);
      } catch (const std::exception&) {
        ++failures;
      }
    }
  });
  for (auto& t : pool) t.join();
  writing = false;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(booked_seats(trip_id).size(), 40u);
  EXPECT_EQ(db->list_tickets(alice.id).size() + db->list_tickets(bob.id).size(), 40u);
}

// ---- admin analytics

TEST_P(store_conformance, analytics_of_an_empty_store) {
  auto a = db->compute_analytics(today);
  ASSERT_EQ(a.trend.size(), 7u);
  EXPECT_EQ(a.trend.front().day, "Thu");
  EXPECT_EQ(a.trend.back().day, "Wed");
  for (const auto& d : a.trend) EXPECT_EQ(d.amount, 0);
  EXPECT_TRUE(a.buses.empty());
  EXPECT_EQ(a.users, 0);
  EXPECT_EQ(a.occupancy, 0);
  EXPECT_EQ(a.revenue, 0);
}

TEST_P(store_conformance, analytics_of_a_known_dataset) {
  import({row(0, "Alpha", "A", "B", hm(8, 0), hm(9, 0), 500),
          row(0, "Beta", "A", "C", hm(8, 0), hm(9, 0), 300),
          row(0, "Gamma", "A", "D", hm(8, 0), hm(9, 0), 300),
          row(0, "Zeta", "A", "E", hm(8, 0), hm(9, 0), 100),
          row(0, "Epsilon", "A", "F", hm(8, 0), hm(9, 0), 100),
          row(0, "Eta", "A", "G", hm(8, 0), hm(9, 0), 100),
          row(0, "Theta", "A", "H", hm(8, 0), hm(9, 0), 50),
          row(1, "Alpha", "B", "A", hm(8, 0), hm(9, 0), 500)});
  auto trip_to = [&](const char* dest) { return only_trip("A", dest, on("2026-03-02")).trip_id; };
  user u = add_user("stats@example.com");
  add_user("idle@example.com");
  auto gen = numbers();
  auto ok = [&](row_id trip, std::vector<int> seats, const char* when) {
    auto out = book(u.id, trip, std::move(seats), gen, at(when));
    if (out.code) throw std::runtime_error(out.code.message());
    return out.booking_number;
  };
  ok(trip_to("B"), {1, 2}, "2026-03-04T09:00:00");  // today: 1000
  ok(trip_to("B"), {3}, "2026-02-26T00:00:00");     // first day of the trend: 500
  ok(trip_to("B"), {4}, "2026-02-25T23:59:59");     // before the trend: revenue only
  auto cancelled = ok(trip_to("B"), {5}, "2026-03-04T11:00:00");
  ASSERT_TRUE(db->cancel_booking(cancelled, mail_due));    // not counted anywhere
  ok(trip_to("C"), {1}, "2026-03-03T12:00:00");  // 300
  ok(trip_to("D"), {1}, "2026-03-03T23:59:59");  // 300 (ties with Beta)
  ok(trip_to("E"), {1}, "2026-03-01T08:00:00");  // 100
  ok(trip_to("F"), {1}, "2026-03-01T08:00:00");  // 100
  ok(trip_to("G"), {1}, "2026-03-01T08:00:00");  // 100

  auto a = db->compute_analytics(today);
  ASSERT_EQ(a.trend.size(), 7u);
  const std::vector<std::string> days = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  const std::vector<double> amounts = {500, 0, 0, 300, 0, 600, 1000};
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(a.trend[i].day, days[i]) << i;
    EXPECT_DOUBLE_EQ(a.trend[i].amount, amounts[i]) << i;
  }
  ASSERT_EQ(a.buses.size(), 5u);
  const std::vector<std::string> names = {"Alpha", "Beta", "Gamma", "Epsilon", "Eta"};
  const std::vector<std::int64_t> tickets = {4, 1, 1, 1, 1};
  const std::vector<double> revenue = {2000, 300, 300, 100, 100};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(a.buses[i].name, names[i]) << i;
    EXPECT_EQ(a.buses[i].tickets, tickets[i]) << i;
    EXPECT_DOUBLE_EQ(a.buses[i].revenue, revenue[i]) << i;
  }
  EXPECT_EQ(a.users, 2);
  // 9 confirmed seats of 8 trips x 40 seats = 2.8125 %.
  EXPECT_DOUBLE_EQ(a.occupancy, 2.8);
  EXPECT_DOUBLE_EQ(a.revenue, 2900);
}

// ---- revoked tokens

// Each with its expiry: the in-memory list must let every revocation go when its token
// lapses (it used to get INT64_MAX, and the list only grew).
TEST_P(store_conformance, revocations_live_until_they_expire) {
  const sys_ms t0{std::chrono::milliseconds{1'800'000'000'000}};
  using list = std::vector<revoked_token>;
  db->revoke_token("jti-a", t0 + 1h);
  db->revoke_token("jti-b", t0 + 2h);
  db->revoke_token("jti-c", t0 - 1s);
  EXPECT_EQ(db->prune_and_list_revocations(t0), (list{{"jti-a", t0 + 1h}, {"jti-b", t0 + 2h}}));
  // Revoking again keeps the later expiry.
  db->revoke_token("jti-b", t0 + 30min);
  db->revoke_token("jti-a", t0 + 3h);
  EXPECT_EQ(db->prune_and_list_revocations(t0 + 90min), (list{{"jti-a", t0 + 3h}, {"jti-b", t0 + 2h}}));
  // Exactly at expiry the token is no longer live.
  EXPECT_EQ(db->prune_and_list_revocations(t0 + 2h), (list{{"jti-a", t0 + 3h}}));
  // Lapsed entries were dropped, not just hidden.
  EXPECT_EQ(db->prune_and_list_revocations(t0 - 1h), (list{{"jti-a", t0 + 3h}}));
}

TEST_P(store_conformance, end_sessions_moves_the_users_cutoff_forward_only) {
  const sys_ms t0{std::chrono::milliseconds{1'800'000'000'000}};
  auto u = add_user("everywhere@example.com");
  EXPECT_EQ(u.tokens_valid_after_ms, 0);
  EXPECT_EQ(db->find_user_by_id(u.id)->tokens_valid_after_ms, 0);
  EXPECT_TRUE(db->end_sessions(u.id, t0));
  EXPECT_EQ(db->find_user_by_id(u.id)->tokens_valid_after_ms, 1'800'000'000'000);
  EXPECT_EQ(db->find_user_by_email("everywhere@example.com")->tokens_valid_after_ms,
            1'800'000'000'000);
  EXPECT_TRUE(db->end_sessions(u.id, t0 - 1h));  // never backwards
  EXPECT_EQ(db->find_user_by_id(u.id)->tokens_valid_after_ms, 1'800'000'000'000);
  EXPECT_FALSE(db->end_sessions(u.id + 1000, t0));
}

// ---- passengers, boarding, the outbox (issue 13)

TEST_P(booking_test, stores_a_passenger_per_seat_and_reads_them_back_in_seat_order) {
  booking_request req;
  req.user_id = alice.id;
  req.trip_id = trip_id;
  req.seat_numbers = {5, 4};
  req.created_at = at("2026-03-04T10:00:00");
  req.now = clk.now();
  req.passengers = {{4, "Zoë Núñez", 31, "Female", std::nullopt},
                    {5, "Ravi", 8, "Male", std::nullopt}};
  auto out = db->create_booking(req, numbers());
  ASSERT_FALSE(out.code) << out.code.message();
  auto t = db->find_ticket(out.booking_number);
  ASSERT_TRUE(t);
  ASSERT_EQ(t->passengers.size(), 2u);
  EXPECT_EQ(t->passengers[0], (passenger{4, "Zoë Núñez", 31, "Female", std::nullopt}));
  EXPECT_EQ(t->passengers[1], (passenger{5, "Ravi", 8, "Male", std::nullopt}));
  EXPECT_EQ(t->user_email, "alice@example.com");
  EXPECT_EQ(t->trip.operator_name, "Test Travels");

  // The original's body names nobody: a passenger entry per seat with only the seat.
  auto plain = book(bob.id, trip_id, {9}, numbers("P-"));
  ASSERT_FALSE(plain.code);
  auto pt = db->find_ticket(plain.booking_number);
  ASSERT_EQ(pt->passengers.size(), 1u);
  EXPECT_EQ(pt->passengers[0], (passenger{9, std::nullopt, std::nullopt, std::nullopt, {}}));
}

// ---- the ladies' seat rule (issue 16), checked inside the booking's transaction

namespace {
booking_request ladies_request(row_id user, row_id trip, std::vector<int> seats,
                               std::vector<passenger> people) {
  booking_request req;
  req.user_id = user;
  req.trip_id = trip;
  req.seat_numbers = std::move(seats);
  req.passengers = std::move(people);
  req.ladies_rule = true;
  return req;
}
}  // namespace

TEST_P(booking_test, the_ladies_rule_refuses_a_seat_beside_a_woman_to_anyone_else) {
  // Seat 5 for a woman: 6 shares her armrest; 7 is across the aisle.
  ASSERT_FALSE(db->create_booking(ladies_request(alice.id, trip_id, {5},
                                                 {{5, "Asha", 30, "Female", std::nullopt}}),
                                  numbers("A-"))
                   .code);
  auto seats = db->list_seats(trip_id);
  EXPECT_TRUE(seats[4].booked_for_woman);
  EXPECT_FALSE(seats[5].booked_for_woman);

  auto refused = db->create_booking(
      ladies_request(bob.id, trip_id, {7, 6},
                     {{6, "Ravi", 40, "Male", std::nullopt}, {7, "Arun", 41, "Male", std::nullopt}}),
      numbers("B-"));
  EXPECT_EQ(refused.code, make_error_code(errc::ladies_only));
  EXPECT_EQ(refused.seat, 6);
  auto unnamed = book(bob.id, trip_id, {6}, numbers("C-"));  // the rule off: the caller's switch
  EXPECT_FALSE(unnamed.code) << unnamed.code.message();
  EXPECT_EQ(booked_seats(trip_id), (std::vector<int>{5, 6}));

  // A woman may sit beside a woman; a booking's own seats do not restrict one another.
  EXPECT_FALSE(db->create_booking(ladies_request(bob.id, trip_id, {1, 2},
                                                 {{1, "Meera", 30, "Female", std::nullopt},
                                                  {2, "Arun", 33, "Male", std::nullopt}}),
                                  numbers("D-"))
                   .code);
  auto beside_two = db->create_booking(ladies_request(bob.id, trip_id, {9}, {}), numbers("E-"));
  EXPECT_FALSE(beside_two.code) << "seat 9 is beside nobody sold";
}

TEST_P(booking_test, the_operator_switches_the_ladies_rule_off_and_on_per_trip) {
  ASSERT_FALSE(db->create_booking(ladies_request(alice.id, trip_id, {5},
                                                 {{5, "Asha", 30, "Female", std::nullopt}}),
                                  numbers("A-"))
                   .code);
  EXPECT_FALSE(db->set_trip_ladies_rule(trip_id + 1000, false)) << "no such trip";
  ASSERT_TRUE(db->set_trip_ladies_rule(trip_id, false));
  EXPECT_FALSE(db->list_seats(trip_id)[4].booked_for_woman) << "the rule is off for this trip";
  auto man = db->create_booking(
      ladies_request(bob.id, trip_id, {6}, {{6, "Ravi", 40, "Male", std::nullopt}}), numbers("B-"));
  EXPECT_FALSE(man.code) << man.code.message();

  ASSERT_TRUE(db->set_trip_ladies_rule(trip_id, true));
  EXPECT_TRUE(db->list_seats(trip_id)[4].booked_for_woman);
  ASSERT_FALSE(db->create_booking(ladies_request(alice.id, trip_id, {9},
                                                 {{9, "Meera", 30, "Female", std::nullopt}}),
                                  numbers("C-"))
                   .code);
  auto beside = db->create_booking(
      ladies_request(bob.id, trip_id, {10}, {{10, "Arun", 40, "Male", std::nullopt}}),
      numbers("D-"));
  EXPECT_EQ(beside.code, make_error_code(errc::ladies_only));
  EXPECT_EQ(beside.seat, 10);
}

TEST_P(booking_test, concurrent_bookings_beside_each_other_cannot_both_break_the_rule) {
  // A woman on 21 and a man on 22 (beside it), from many threads at once. The rule binds the
  // man only once the woman's booking is in: both may be sold only when the man's came first.
  // Booking numbers are drawn inside the booking's transaction, after the trip's lock, so
  // their order is the order the bookings were made in.
  constexpr int threads = 8;
  std::mutex m;
  std::map<int, int> drawn;  // seat -> number of the booking that sold it
  std::vector<std::thread> pool;
  auto gen = numbers("R-");
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      auto req = i % 2 ? ladies_request(alice.id, trip_id, {21},
                                        {{21, "Asha", 30, "Female", std::nullopt}})
                       : ladies_request(bob.id, trip_id, {22},
                                        {{22, "Ravi", 30, "Male", std::nullopt}});
      auto out = db->create_booking(req, gen);
      if (out.code) return;
      std::lock_guard lock(m);
      drawn[req.seat_numbers.front()] = std::stoi(out.booking_number.substr(2));
    });
  }
  for (auto& t : pool) t.join();
  auto sold = booked_seats(trip_id);
  ASSERT_EQ(sold.size(), drawn.size());
  ASSERT_TRUE(drawn.count(21)) << "the woman's seat is always sold";
  if (drawn.count(22)) {
    EXPECT_LT(drawn[22], drawn[21]) << "the man's seat was sold after the woman's beside it";
  }
}

TEST_P(booking_test, passengers_must_name_exactly_the_booked_seats) {
  auto attempt = [&](std::vector<int> seats, std::vector<passenger> ps) {
    booking_request req;
    req.user_id = alice.id;
    req.trip_id = trip_id;
    req.seat_numbers = std::move(seats);
    req.created_at = at("2026-03-04T10:00:00");
    req.passengers = std::move(ps);
    return db->create_booking(req, numbers()).code;
  };
  const auto invalid = make_error_code(errc::invalid_seats);
  EXPECT_EQ(attempt({1, 2}, {{1, "A", {}, {}, {}}}), invalid);                      // one short
  EXPECT_EQ(attempt({1, 2}, {{1, "A", {}, {}, {}}, {1, "B", {}, {}, {}}}), invalid);  // twice
  EXPECT_EQ(attempt({1}, {{3, "A", {}, {}, {}}}), invalid);  // another seat
  EXPECT_TRUE(booked_seats(trip_id).empty());
  EXPECT_EQ(db->count_outbox().pending, 0) << "no message without its booking";
}

TEST_P(booking_test, a_booking_and_its_cancellation_each_write_one_message) {
  auto out = book(alice.id, trip_id, {7}, numbers());
  ASSERT_FALSE(out.code);
  auto all = db->list_outbox(std::nullopt, 10);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, mail_kind::booking_confirmation);
  EXPECT_EQ(all[0].booking_number, out.booking_number);
  EXPECT_EQ(all[0].status, outbox_status::pending);
  EXPECT_EQ(all[0].attempts, 0);
  EXPECT_EQ(all[0].created_at, mail_due);
  EXPECT_EQ(all[0].next_attempt_at, mail_due);

  // A refused booking writes nothing (the same transaction rolled back).
  EXPECT_EQ(book(bob.id, trip_id, {7}, numbers("X-")).code, make_error_code(errc::seat_booked));
  EXPECT_EQ(db->list_outbox(std::nullopt, 10).size(), 1u);

  ASSERT_TRUE(db->cancel_booking(out.booking_number, mail_due + 5s));
  all = db->list_outbox(std::nullopt, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].kind, mail_kind::booking_cancellation);  // newest first
  EXPECT_EQ(all[0].created_at, mail_due + 5s);
  // A refused cancellation writes nothing either.
  EXPECT_FALSE(db->cancel_booking(out.booking_number, mail_due + 6s));
  EXPECT_EQ(db->count_outbox().pending, 2);
}

TEST_P(booking_test, a_claim_leases_due_messages_to_one_owner) {
  for (int s = 1; s <= 3; ++s) ASSERT_FALSE(book(alice.id, trip_id, {s}, numbers("C" + std::to_string(s) + "-")).code);
  EXPECT_TRUE(db->claim_outbox("a", mail_due - 1ms, 60s, 10).empty()) << "not due yet";
  auto a = db->claim_outbox("a", mail_due, 60s, 2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].attempts, 1);
  auto b = db->claim_outbox("b", mail_due, 60s, 10);
  ASSERT_EQ(b.size(), 1u) << "the leased ones are not claimed again";
  EXPECT_NE(b[0].id, a[0].id);
  EXPECT_NE(b[0].id, a[1].id);
  EXPECT_TRUE(db->claim_outbox("c", mail_due + 59s, 60s, 10).empty());

  EXPECT_TRUE(db->outbox_sent(a[0].id, "a", mail_due + 1s));
  EXPECT_FALSE(db->outbox_sent(b[0].id, "a", mail_due + 1s)) << "not a's lease";
  EXPECT_TRUE(db->outbox_sent(b[0].id, "b", mail_due + 1s));
  EXPECT_FALSE(db->outbox_sent(b[0].id, "b", mail_due + 2s)) << "sent already";
  auto counts = db->count_outbox();
  EXPECT_EQ(counts.sent, 2);
  EXPECT_EQ(counts.pending, 1);
  auto sent = db->list_outbox(outbox_status::sent, 10);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].sent_at, mail_due + 1s);

  // a's lease on its second message runs out (a crashed mid-send): another owner claims it
  // once more, and a's late report no longer counts.
  auto again = db->claim_outbox("c", mail_due + 60s, 60s, 10);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, a[1].id);
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_FALSE(db->outbox_sent(a[1].id, "a", mail_due + 61s));
  EXPECT_TRUE(db->outbox_sent(a[1].id, "c", mail_due + 61s));
  EXPECT_EQ(db->count_outbox().sent, 3);
  EXPECT_TRUE(db->claim_outbox("d", mail_due + 1h, 60s, 10).empty());
}

TEST_P(booking_test, a_failed_attempt_retries_later_or_fails_for_good_and_can_be_resent) {
  ASSERT_FALSE(book(alice.id, trip_id, {1}, numbers()).code);
  auto m = db->claim_outbox("a", mail_due, 60s, 10);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(db->outbox_failed(m[0].id, "a", "451 try later", mail_due + 30s));
  EXPECT_TRUE(db->claim_outbox("a", mail_due + 29s, 60s, 10).empty()) << "backing off";
  auto second = db->claim_outbox("a", mail_due + 30s, 60s, 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempts, 2);
  EXPECT_EQ(second[0].last_error, "451 try later");
  EXPECT_FALSE(db->outbox_failed(second[0].id, "b", "x", std::nullopt)) << "not b's lease";
  EXPECT_TRUE(db->outbox_failed(second[0].id, "a", "550 no such user", std::nullopt));
  EXPECT_TRUE(db->claim_outbox("a", mail_due + 1h, 60s, 10).empty());
  auto failed = db->list_outbox(outbox_status::failed, 10);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].last_error, "550 no such user");
  EXPECT_EQ(db->count_outbox().failed, 1);

  auto resent = db->resend_outbox(failed[0].id, mail_due + 2h);
  ASSERT_TRUE(resent);
  EXPECT_EQ(resent->status, outbox_status::pending);
  EXPECT_EQ(resent->attempts, 0);
  EXPECT_EQ(resent->created_at, mail_due) << "the same message: its Date stays";
  EXPECT_EQ(db->claim_outbox("a", mail_due + 2h, 60s, 10).size(), 1u);
  EXPECT_EQ(db->resend_outbox(failed[0].id, mail_due + 3h).error(),
            make_error_code(errc::invalid_input))
      << "pending already";
  EXPECT_EQ(db->resend_outbox(999999, mail_due).error(), make_error_code(errc::not_found));
}

TEST_P(booking_test, concurrent_claimers_never_share_a_message) {
  constexpr int messages = 24;
  for (int s = 1; s <= messages; ++s)
    ASSERT_FALSE(book(alice.id, trip_id, {s}, numbers("M" + std::to_string(s) + "-")).code);
  std::mutex m;
  std::vector<row_id> claimed;
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (;;) {
        auto got = db->claim_outbox("w" + std::to_string(w), mail_due, 60s, 3);
        if (got.empty()) return;
        std::lock_guard lock(m);
        for (auto& g : got) claimed.push_back(g.id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<row_id> distinct(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed.size(), std::size_t(messages));
  EXPECT_EQ(distinct.size(), std::size_t(messages));
}

TEST_P(booking_test, check_in_boards_a_booking_once_and_refuses_the_wrong_ones) {
  auto out = book(alice.id, trip_id, {2, 3}, numbers());
  ASSERT_FALSE(out.code);
  const sys_ms t1 = mail_due + 1h;
  auto first = db->check_in(out.booking_number, trip_id, t1);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_FALSE(first->already_boarded);
  EXPECT_EQ(first->boarded_at, t1);
  ASSERT_EQ(first->booking.passengers.size(), 2u);
  EXPECT_EQ(first->booking.passengers[0].boarded_at, t1);
  EXPECT_EQ(first->booking.passengers[1].boarded_at, t1);

  auto second = db->check_in(out.booking_number, trip_id, t1 + 5min);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->already_boarded);
  EXPECT_EQ(second->boarded_at, t1) << "answers when they boarded";

  EXPECT_EQ(db->check_in("BK-404", trip_id, t1).error(), make_error_code(errc::not_found));
  EXPECT_EQ(db->check_in(out.booking_number, trip_id + 1000, t1).error(),
            make_error_code(errc::wrong_trip));
  auto other = book(bob.id, trip_id, {9}, numbers("O-"));
  ASSERT_TRUE(db->cancel_booking(other.booking_number, t1));
  EXPECT_EQ(db->check_in(other.booking_number, trip_id, t1).error(),
            make_error_code(errc::booking_cancelled));
}

TEST_P(booking_test, the_manifest_lists_confirmed_bookings_by_first_seat) {
  auto late = book(bob.id, trip_id, {1, 12}, numbers("B-"));
  auto early = book(alice.id, trip_id, {6}, numbers("A-"));
  auto gone = book(alice.id, trip_id, {2}, numbers("G-"));
  ASSERT_FALSE(late.code || early.code || gone.code);
  ASSERT_TRUE(db->cancel_booking(gone.booking_number, mail_due));
  ASSERT_TRUE(db->check_in(early.booking_number, trip_id, mail_due + 1h));
  auto manifest = db->list_trip_tickets(trip_id);
  ASSERT_EQ(manifest.size(), 2u);
  EXPECT_EQ(manifest[0].booking_number, late.booking_number);
  EXPECT_EQ(manifest[0].seats, (std::vector<int>{1, 12}));
  EXPECT_EQ(manifest[0].user_name, "bob");
  EXPECT_FALSE(manifest[0].passengers[0].boarded_at);
  EXPECT_EQ(manifest[1].booking_number, early.booking_number);
  EXPECT_EQ(manifest[1].passengers[0].boarded_at, mail_due + 1h);
  EXPECT_TRUE(db->list_trip_tickets(trip_id + 1000).empty());
}

// ---- issue 14: cities by any name, the route calendar, routes, weeks, the admin's tables

TEST_P(store_conformance, search_finds_a_city_by_any_of_its_names_and_spacing) {
  import({row(0, "Garden", "Bangalore", "Chennai", hm(21, 0), hm(5, 0), 800),
          row(0, "Temple", "Tanjavur", "Madras", hm(6, 0), hm(12, 0), 300)});
  const local_date monday = on("2026-03-02");
  for (const char* typed : {"Bengaluru", "  bangalore ", "BANGALORE", "Banglore"})
    EXPECT_EQ(db->search_trips(typed, "Madras", monday).size(), 1u) << typed;
  EXPECT_EQ(db->search_trips("thanjavur", " CHENNAI", monday).size(), 1u);
  EXPECT_EQ(db->search_trips("Tanjore", "madras", monday).front().bus_name, "Temple");
  EXPECT_TRUE(db->search_trips("Mysuru", "Chennai", monday).empty());
  EXPECT_TRUE(db->search_trips("", "Chennai", monday).empty());
  EXPECT_TRUE(db->search_trips("Bangalore' OR '1'='1", "Chennai", monday).empty());
  // The operator travels with the search result.
  EXPECT_EQ(db->search_trips("Bengaluru", "Chennai", monday).front().operator_name,
            "Test Travels");
}

TEST_P(store_conformance, calendar_counts_sellable_trips_per_day_in_one_range) {
  import({row(0, "A", "Bangalore", "Chennai", hm(6, 0), hm(12, 0), 500),
          row(0, "B", "Bangalore", "Chennai", hm(22, 0), hm(5, 0), 450),
          row(2, "C", "Bangalore", "Chennai", hm(9, 0), hm(15, 0), 700),
          row(2, "D", "Chennai", "Bangalore", hm(9, 0), hm(15, 0), 100),
          row(6, "E", "Bangalore", "Chennai", hm(23, 30), hm(6, 0), 900)});
  const local_time early = at("2026-03-01T00:00:00");
  auto days = db->trip_calendar("Bengaluru", "madras", on("2026-03-02"), 7, early);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].day, on("2026-03-02"));
  EXPECT_EQ(days[0].trips, 2);
  EXPECT_EQ(days[0].lowest_fare, 450);
  EXPECT_EQ(days[1].day, on("2026-03-04"));
  EXPECT_EQ(days[1].trips, 1);
  EXPECT_EQ(days[1].lowest_fare, 700);
  EXPECT_EQ(days[2].day, on("2026-03-08"));
  // The range is half-open and starts where asked.
  EXPECT_TRUE(db->trip_calendar("Bangalore", "Chennai", on("2026-03-05"), 3, early).empty());
  EXPECT_EQ(db->trip_calendar("Bangalore", "Chennai", on("2026-03-04"), 1, early).size(), 1u);
  // What has departed is not counted: at 07:00 on Monday the 06:00 bus has gone.
  auto later = db->trip_calendar("Bangalore", "Chennai", on("2026-03-02"), 7,
                                 at("2026-03-02T07:00:00"));
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(later[0].trips, 1);
  EXPECT_EQ(later[0].lowest_fare, 450);
  EXPECT_TRUE(db->trip_calendar("Bangalore", "Chennai", on("2026-03-02"), 7,
                                at("2026-03-02T22:00:00")).front().day > on("2026-03-02"));
  // A sold-out trip is not counted; a cancellation brings it back.
  user u = add_user("full@example.com");
  auto c = only_trip("Bangalore", "Chennai", on("2026-03-04"));
  std::vector<int> all(40);
  for (int i = 0; i < 40; ++i) all[i] = i + 1;
  auto sold = book(u.id, c.trip_id, all, numbers());
  ASSERT_FALSE(sold.code) << sold.code.message();
  days = db->trip_calendar("Bangalore", "Chennai", on("2026-03-04"), 1, early);
  EXPECT_TRUE(days.empty());
  ASSERT_TRUE(db->cancel_booking(sold.booking_number, mail_due));
  EXPECT_EQ(db->trip_calendar("Bangalore", "Chennai", on("2026-03-04"), 1, early).size(), 1u);
  EXPECT_TRUE(db->trip_calendar("Nowhere", "Chennai", on("2026-03-02"), 31, early).empty());
}

TEST_P(store_conformance, routes_list_upcoming_trips_per_route_sorted_and_bounded) {
  EXPECT_TRUE(db->list_routes(std::nullopt, at("2026-03-01T00:00:00"), 10).empty());
  import({row(0, "A", "Chennai", "Madurai", hm(6, 0), hm(12, 0), 500),
          row(3, "B", "Chennai", "Madurai", hm(6, 0), hm(12, 0), 500),
          row(1, "C", "Chennai", "Bangalore", hm(22, 0), hm(5, 0), 600),
          row(1, "D", "Bangalore", "Chennai", hm(22, 0), hm(5, 0), 600),
          row(0, "E", "Tenkasi", "Madurai", hm(5, 0), hm(8, 0), 200)});
  auto all = db->list_routes(std::nullopt, at("2026-03-02T07:00:00"), 100);
  ASSERT_EQ(all.size(), 3u);  // Tenkasi's only trip has gone
  EXPECT_EQ(all[0].source, "Bangalore");
  EXPECT_EQ(all[1].source, "Chennai");
  EXPECT_EQ(all[1].destination, "Bangalore");
  EXPECT_EQ(all[1].next_departure, at("2026-03-03T22:00:00"));
  EXPECT_EQ(all[1].trips, 1);
  EXPECT_EQ(all[2].destination, "Madurai");
  EXPECT_EQ(all[2].trips, 1);  // Monday's left at 06:00
  EXPECT_EQ(all[2].next_departure, at("2026-03-05T06:00:00"));
  auto madras = db->list_routes("madras", at("2026-03-01T00:00:00"), 100);
  ASSERT_EQ(madras.size(), 2u);
  EXPECT_EQ(madras[1].trips, 2);
  EXPECT_EQ(db->list_routes(std::nullopt, at("2026-03-01T00:00:00"), 2).size(), 2u);
  EXPECT_TRUE(db->list_routes("Atlantis", at("2026-03-01T00:00:00"), 100).empty());
  EXPECT_TRUE(db->list_routes(std::nullopt, at("2026-04-01T00:00:00"), 100).empty());
}

TEST_P(store_conformance, import_fills_several_weeks_and_names_those_already_scheduled) {
  const std::vector<schedule_row> rows = {
      row(0, "A", "Chennai", "Madurai", hm(6, 0), hm(12, 0), 500),
      row(6, "B", "Madurai", "Chennai", hm(23, 0), hm(5, 0), 500)};
  auto first = db->import_schedule(rows, today, std::nullopt, {3, false});
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->trips_created, 6);
  EXPECT_EQ(first->buses_created, 2);
  EXPECT_EQ(first->week_start, on("2026-03-02"));
  ASSERT_EQ(first->weeks.size(), 3u);
  EXPECT_EQ(first->weeks[2].week_start, on("2026-03-16"));
  EXPECT_EQ(first->weeks[2].trips, 2);
  EXPECT_TRUE(first->already_scheduled.empty());
  EXPECT_FALSE(first->dry_run);
  EXPECT_EQ(db->count_trips(), 6);
  EXPECT_EQ(only_trip("Madurai", "Chennai", on("2026-03-22")).bus_name, "B");

  // A dry run answers the same as the real thing would, and writes nothing.
  auto dry = db->import_schedule(rows, today, on("2026-03-10"), {2, true});
  ASSERT_TRUE(dry);
  EXPECT_TRUE(dry->dry_run);
  // Buses A and B already leave at those times in both weeks: nothing would run twice.
  EXPECT_EQ(dry->trips_created, 0);
  EXPECT_EQ(dry->buses_created, 0);
  EXPECT_EQ(dry->already_scheduled, (std::vector<local_date>{on("2026-03-09"), on("2026-03-16")}));
  EXPECT_EQ(db->count_trips(), 6);
  // For real into the same weeks, with a new bus: only the new bus's trips are added.
  auto mixed = db->import_schedule(
      {rows[0], rows[1], row(2, "C", "Madurai", "Tenkasi", hm(9, 0), hm(12, 0), 300)}, today,
      on("2026-03-10"), {2, false});
  ASSERT_TRUE(mixed) << mixed.error().message();
  EXPECT_EQ(mixed->trips_created, 2);
  EXPECT_EQ(mixed->weeks[0].trips, 1);
  EXPECT_EQ(db->count_trips(), 8);
  EXPECT_EQ(db->search_trips("Chennai", "Madurai", on("2026-03-09")).size(), 1u);
  auto dry_new = db->import_schedule({row(0, "New", "Tenkasi", "Madurai", hm(5, 0), hm(8, 0), 200)},
                                     today, std::nullopt, {1, true});
  ASSERT_TRUE(dry_new);
  EXPECT_EQ(dry_new->buses_created, 1);
  EXPECT_EQ(dry_new->week_start, on("2026-03-23"));
  EXPECT_EQ(db->count_trips(), 8);
  EXPECT_TRUE(db->search_trips("Tenkasi", "Madurai", on("2026-03-23")).empty());

  // The contract's rule continues after the latest week.
  auto next = db->import_schedule(rows, today, std::nullopt, {2, false});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->week_start, on("2026-03-23"));
  EXPECT_TRUE(next->already_scheduled.empty());
  EXPECT_EQ(db->count_trips(), 12);

  for (int bad : {0, -1, max_import_weeks + 1}) {
    auto refused = db->import_schedule(rows, today, std::nullopt, {bad, false});
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error(), make_error_code(errc::invalid_input));
  }
  EXPECT_EQ(db->count_trips(), 12);
}

TEST_P(store_conformance, schedule_weeks_summarise_the_timetable_oldest_first) {
  EXPECT_TRUE(db->list_schedule_weeks(at("2026-03-04T12:00:00"), 10).empty());
  ASSERT_TRUE(db->import_schedule({row(0, "A", "Chennai", "Madurai", hm(6, 0), hm(12, 0), 500),
                                   row(2, "B", "Madurai", "Chennai", hm(13, 0), hm(19, 0), 500),
                                   row(6, "A", "Madurai", "Chennai", hm(23, 59), hm(5, 0), 500)},
                                  today, std::nullopt, {2, false}));
  auto weeks = db->list_schedule_weeks(at("2026-03-04T12:00:00"), 10);
  ASSERT_EQ(weeks.size(), 2u);
  EXPECT_EQ(weeks[0].week_start, on("2026-03-02"));
  EXPECT_EQ(weeks[0].trips, 3);
  EXPECT_EQ(weeks[0].buses, 2);
  EXPECT_EQ(weeks[0].first_departure, at("2026-03-02T06:00:00"));
  EXPECT_EQ(weeks[0].last_departure, at("2026-03-08T23:59:00"));  // Sunday is in its week
  EXPECT_EQ(weeks[0].departed, 1);
  EXPECT_EQ(weeks[1].week_start, on("2026-03-09"));
  EXPECT_EQ(weeks[1].departed, 0);
  // The bound keeps the newest weeks.
  auto newest = db->list_schedule_weeks(at("2026-03-04T12:00:00"), 1);
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].week_start, on("2026-03-09"));
  EXPECT_EQ(db->list_schedule_weeks(at("2026-03-04T13:00:00"), 10)[0].departed, 2);
}

TEST_P(store_conformance, trips_between_two_times_carry_their_sales) {
  import({row(0, "A", "Chennai", "Madurai", hm(6, 0), hm(12, 0), 500),
          row(0, "B", "Chennai", "Madurai", hm(5, 0), hm(11, 0), 300),
          row(1, "A", "Madurai", "Chennai", hm(6, 0), hm(12, 0), 500)});
  user u = add_user("sales@example.com");
  auto a = db->search_trips("Chennai", "Madurai", on("2026-03-02"));
  ASSERT_EQ(a.size(), 2u);
  ASSERT_FALSE(book(u.id, a[1].trip_id, {1, 2}, numbers()).code);
  auto monday = db->list_trips_between(at("2026-03-02T00:00:00"), at("2026-03-03T00:00:00"), 100);
  ASSERT_EQ(monday.size(), 2u);
  EXPECT_EQ(monday[0].trip.bus_name, "B");
  EXPECT_EQ(monday[0].booked_seats, 0);
  EXPECT_EQ(monday[1].trip.bus_name, "A");
  EXPECT_EQ(monday[1].trip.operator_name, "Test Travels");
  EXPECT_EQ(monday[1].trip.total_seats, 40);
  EXPECT_EQ(monday[1].booked_seats, 2);
  EXPECT_EQ(monday[1].revenue, 1000);
  EXPECT_EQ(db->list_trips_between(at("2026-03-02T00:00:00"), at("2026-03-04T00:00:00"), 100).size(),
            3u);
  EXPECT_EQ(db->list_trips_between(at("2026-03-02T00:00:00"), at("2026-03-04T00:00:00"), 1).size(),
            1u);
  EXPECT_TRUE(db->list_trips_between(at("2026-03-02T06:00:01"), at("2026-03-03T06:00:00"), 9).empty());
}

TEST_P(booking_test, the_bookings_table_filters_by_number_email_and_status_and_pages) {
  user carol = add_user("Carol.Big@Example.org", "carol");
  auto b1 = book(alice.id, trip_id, {1}, numbers("ABC-A1"), at("2026-03-04T08:00:00"));
  auto b2 = book(bob.id, trip_id, {2, 3}, numbers("ABC-B2"), at("2026-03-04T08:05:00"));
  auto b3 = book(carol.id, trip_id, {4}, numbers("XYZ_"), at("2026-03-04T08:10:00"));
  ASSERT_FALSE(b1.code || b2.code || b3.code);
  ASSERT_TRUE(db->cancel_booking(b1.booking_number, mail_due));

  auto all = db->list_bookings({});
  EXPECT_EQ(all.total, 3);
  ASSERT_EQ(all.bookings.size(), 3u);
  EXPECT_EQ(all.bookings[0].booking_number, b3.booking_number);  // newest first
  EXPECT_EQ(all.bookings[1].seats, (std::vector<int>{2, 3}));
  EXPECT_EQ(all.bookings[1].user_email, "bob@example.com");
  EXPECT_EQ(all.bookings[2].status, booking_status::cancelled);

  auto by_prefix = db->list_bookings({"abc-", std::nullopt, 50, 0});
  EXPECT_EQ(by_prefix.total, 2);
  EXPECT_EQ(db->list_bookings({"abc-b21", std::nullopt, 50, 0}).total, 1);
  EXPECT_EQ(db->list_bookings({"B21", std::nullopt, 50, 0}).total, 0);  // a prefix, not a part
  EXPECT_EQ(db->list_bookings({"BIG@example", std::nullopt, 50, 0}).bookings.at(0).user_id,
            carol.id);
  // Wildcards are taken literally: '_' is not "any character", '%' not "anything".
  EXPECT_EQ(db->list_bookings({"XYZ_", std::nullopt, 50, 0}).total, 1);
  EXPECT_EQ(db->list_bookings({"ABC_", std::nullopt, 50, 0}).total, 0);
  EXPECT_EQ(db->list_bookings({"%", std::nullopt, 50, 0}).total, 0);
  EXPECT_EQ(db->list_bookings({"' OR 1=1 --", std::nullopt, 50, 0}).total, 0);

  EXPECT_EQ(db->list_bookings({"", booking_status::cancelled, 50, 0}).total, 1);
  auto confirmed = db->list_bookings({"", booking_status::confirmed, 50, 0});
  EXPECT_EQ(confirmed.total, 2);
  for (const auto& t : confirmed.bookings) EXPECT_EQ(t.status, booking_status::confirmed);

  auto page = db->list_bookings({"", std::nullopt, 1, 1});
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.bookings.size(), 1u);
  EXPECT_EQ(page.bookings[0].booking_number, b2.booking_number);
  EXPECT_EQ(page.bookings[0].seats.size(), 2u);  // a page counts bookings, not seats
  EXPECT_TRUE(db->list_bookings({"", std::nullopt, 10, 3}).bookings.empty());
}

// ---- issue 16: the waiting list of a sold-out trip

class waitlist_test : public booking_test {
 protected:
  void SetUp() override {
    booking_test::SetUp();
    carol = add_user("carol@example.com", "carol");
    dave = add_user("dave@example.com", "dave");
  }

  result<waitlist_entry> join(const user& u, int count, row_id trip = 0, int max_per_trip = 100,
                              int max_per_user = 10) {
    return db->join_waitlist(trip ? trip : trip_id, u.id, count, t0, before, max_per_trip,
                             max_per_user);
  }
  waitlist_entry joined(const user& u, int count) {
    auto r = join(u, count);
    if (!r) throw std::runtime_error("join_waitlist failed: " + r.error().message());
    return *r;
  }

  // Every seat sold: 1..38 in one booking, 39 and 40 each in their own (to cancel one).
  void sell_out() {
    std::vector<int> most;
    for (int s = 1; s <= 38; ++s) most.push_back(s);
    ASSERT_FALSE(book(dave.id, trip_id, most, sold).code);
    auto b39 = book(dave.id, trip_id, {39}, sold);
    auto b40 = book(dave.id, trip_id, {40}, sold);
    ASSERT_FALSE(b39.code || b40.code);
    seat39 = b39.booking_number;
    seat40 = b40.booking_number;
  }
  void free_seat(const std::string& booking_number) {
    ASSERT_TRUE(db->cancel_booking(booking_number, mail_due));
  }

  std::vector<waitlist_offer> match(sys_ms now, std::vector<int> held = {},
                                    local_time now_local = at("2026-03-04T08:00:00")) {
    return db->offer_waitlist_seats(trip_id, held, now, now_local, window, lowest);
  }

  waitlist_entry entry(row_id id) {
    auto e = db->find_waitlist_entry_by_id(id);
    if (!e) throw std::runtime_error("no waiting list entry " + std::to_string(id));
    return *e;
  }

  std::vector<outbox_message> offer_mails() {
    std::vector<outbox_message> out;
    for (auto& m : db->list_outbox(std::nullopt, 100))
      if (m.kind == mail_kind::waitlist_offer) out.push_back(m);
    return out;
  }

  // The lowest free seats: the chooser the matching step is given.
  static std::vector<int> lowest(const std::vector<int>& free, int count) {
    return {free.begin(), free.begin() + count};
  }

  const sys_ms t0{std::chrono::milliseconds{1'790'000'000'000}};
  const local_time before = at("2026-03-04T08:00:00");  // the trip leaves at 09:00
  const std::chrono::milliseconds window = 10min;
  std::function<std::string()> sold = numbers("S-");
  std::string seat39, seat40;
  user carol, dave;
};

TEST_P(waitlist_test, joining_answers_the_place_in_line_and_a_second_join_changes_nothing) {
  auto a = joined(alice, 2);
  EXPECT_GT(a.id, 0);
  EXPECT_EQ(a.trip_id, trip_id);
  EXPECT_EQ(a.user_id, alice.id);
  EXPECT_EQ(a.count, 2);
  EXPECT_EQ(a.status, waitlist_status::waiting);
  EXPECT_EQ(a.position, 1);
  EXPECT_EQ(a.joined_at, t0);
  EXPECT_TRUE(a.offered_seats.empty());
  EXPECT_FALSE(a.offer_expires_at);
  EXPECT_EQ(a.offers, 0);
  EXPECT_EQ(joined(bob, 1).position, 2);

  auto again = join(alice, 3);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, a.id);
  EXPECT_EQ(again->count, 2);  // unchanged
  EXPECT_EQ(again->position, 1);

  auto found = db->find_waitlist_entry(trip_id, alice.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, a.id);
  EXPECT_EQ(found->position, 1);
  EXPECT_FALSE(db->find_waitlist_entry(trip_id, carol.id));
  EXPECT_FALSE(db->find_waitlist_entry_by_id(a.id + 1000));
}

TEST_P(waitlist_test, leaving_gives_up_the_place_and_a_new_join_goes_to_the_back) {
  auto a = joined(alice, 2);
  auto b = joined(bob, 1);
  auto left = db->leave_waitlist(trip_id, alice.id);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->id, a.id);
  EXPECT_EQ(left->status, waitlist_status::waiting);  // as it was
  EXPECT_EQ(left->position, 1);
  EXPECT_FALSE(db->leave_waitlist(trip_id, alice.id));
  EXPECT_FALSE(db->find_waitlist_entry(trip_id, alice.id));
  EXPECT_EQ(entry(a.id).status, waitlist_status::left);
  EXPECT_EQ(entry(a.id).position, 0);
  EXPECT_EQ(entry(b.id).position, 1);

  auto back = joined(alice, 1);
  EXPECT_NE(back.id, a.id);
  EXPECT_EQ(back.position, 2);
}

TEST_P(waitlist_test, join_refuses_bad_counts_unknown_trips_and_users_and_full_lists) {
  EXPECT_EQ(join(alice, 0).error(), make_error_code(errc::invalid_input));
  EXPECT_EQ(join(alice, 13).error(), make_error_code(errc::invalid_input));
  EXPECT_EQ(join(alice, 1, trip_id + 1000).error(), make_error_code(errc::not_found));
  user ghost;
  ghost.id = dave.id + 1000;
  EXPECT_EQ(join(ghost, 1).error(), make_error_code(errc::not_found));
  EXPECT_TRUE(join(alice, 12));

  // The trip's bound counts active entries only.
  ASSERT_TRUE(join(bob, 1, 0, 2));
  EXPECT_EQ(join(carol, 1, 0, 2).error(), make_error_code(errc::waitlist_full));
  ASSERT_TRUE(db->leave_waitlist(trip_id, bob.id));
  EXPECT_TRUE(join(carol, 1, 0, 2));
  // The one already in line is answered, bound or not.
  EXPECT_TRUE(join(carol, 1, 0, 2));

  // The user's bound counts active entries on trips that have not left.
  import({row(2, "Star", "Indore", "Bhopal", hm(18, 0), hm(22, 0), 500)}, today, on("2026-03-02"));
  row_id evening = 0;
  for (const auto& t : db->search_trips("Indore", "Bhopal", on("2026-03-04")))
    if (t.trip_id != trip_id) evening = t.trip_id;
  ASSERT_NE(evening, 0);
  EXPECT_EQ(db->join_waitlist(evening, alice.id, 1, t0, before, 100, 1).error(),
            make_error_code(errc::waitlist_full));
  EXPECT_TRUE(db->join_waitlist(evening, alice.id, 1, t0, at("2026-03-04T10:00:00"), 100, 1));
}

TEST_P(waitlist_test, freed_seats_go_to_the_first_in_line_whose_count_fits) {
  sell_out();
  auto a = joined(alice, 2);
  auto b = joined(bob, 1);
  auto c = joined(carol, 1);
  EXPECT_TRUE(match(t0).empty()) << "nothing is free";

  free_seat(seat39);
  auto offers = match(t0);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].entry_id, b.id);  // alice wants two: passed over
  EXPECT_EQ(offers[0].trip_id, trip_id);
  EXPECT_EQ(offers[0].user_id, bob.id);
  EXPECT_EQ(offers[0].seats, (std::vector<int>{39}));
  EXPECT_EQ(offers[0].expires_at, t0 + window);

  auto bob_now = entry(b.id);
  EXPECT_EQ(bob_now.status, waitlist_status::offered);
  EXPECT_EQ(bob_now.offered_seats, (std::vector<int>{39}));
  EXPECT_EQ(bob_now.offer_expires_at, t0 + window);
  EXPECT_EQ(bob_now.offers, 1);
  EXPECT_EQ(bob_now.position, 2);  // an offered entry is still in line
  auto alice_now = entry(a.id);
  EXPECT_EQ(alice_now.status, waitlist_status::waiting);
  EXPECT_EQ(alice_now.position, 1);  // keeps its place
  EXPECT_EQ(entry(c.id).status, waitlist_status::waiting);

  // A running offer's seat (held for bob by the hold engine) is not offered again; a seat the
  // hold engine holds is not offered.
  EXPECT_TRUE(match(t0 + 1min, {39}).empty());
  free_seat(seat40);
  EXPECT_TRUE(match(t0 + 1min, {39, 40}).empty());
  offers = match(t0 + 1min, {39});
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].entry_id, c.id);
  EXPECT_EQ(offers[0].seats, (std::vector<int>{40}));
}

TEST_P(waitlist_test, an_offer_that_runs_out_lapses_and_the_seats_go_to_the_next) {
  sell_out();
  auto a = joined(alice, 2);
  auto b = joined(bob, 1);
  auto c = joined(carol, 2);
  free_seat(seat39);
  ASSERT_EQ(match(t0).size(), 1u);  // bob: 39
  free_seat(seat40);
  ASSERT_TRUE(match(t0 + 1min, {39}).empty());  // 40 alone fits neither alice nor carol

  // Bob's offer runs out at t0 + window: both seats free, alice is first and wants two.
  auto offers = match(t0 + window);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].entry_id, a.id);
  EXPECT_EQ(offers[0].seats, (std::vector<int>{39, 40}));
  EXPECT_EQ(offers[0].expires_at, t0 + 2 * window);
  auto lapsed = entry(b.id);
  EXPECT_EQ(lapsed.status, waitlist_status::lapsed);
  EXPECT_EQ(lapsed.position, 0);
  EXPECT_EQ(lapsed.offer_expires_at, t0 + window);
  EXPECT_FALSE(db->find_waitlist_entry(trip_id, bob.id));
  EXPECT_EQ(entry(c.id).position, 2);

  // Alice's runs out too: carol next.
  offers = match(t0 + 2 * window);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].entry_id, c.id);
  EXPECT_EQ(entry(a.id).status, waitlist_status::lapsed);
}

// An offer whose seats the hold engine no longer holds — the traveller released them, or Redis
// lost them — gives them to the next in line before its deadline; a young offer (its take may
// still be on the way to the engine) is left alone.
TEST_P(waitlist_test, an_offer_whose_seats_were_given_up_passes_on_before_its_deadline) {
  sell_out();
  auto a = joined(alice, 1);
  auto b = joined(bob, 1);
  free_seat(seat39);
  ASSERT_EQ(match(t0).size(), 1u);  // alice: 39
  EXPECT_TRUE(match(t0 + 2s).empty()) << "2 s old and not held yet: still alice's";
  EXPECT_EQ(entry(a.id).status, waitlist_status::offered);
  auto offers = match(t0 + 1min);  // alice released 39: bob's now
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].entry_id, b.id);
  EXPECT_EQ(offers[0].seats, (std::vector<int>{39}));
  EXPECT_EQ(entry(a.id).status, waitlist_status::lapsed);
  EXPECT_FALSE(db->find_waitlist_entry(trip_id, alice.id));
}

TEST_P(waitlist_test, a_withdrawn_offer_puts_the_entry_back_in_its_old_place) {
  sell_out();
  auto a = joined(alice, 1);
  auto b = joined(bob, 1);
  free_seat(seat39);
  auto offers = match(t0);
  ASSERT_EQ(offers.size(), 1u);
  const sys_ms deadline = offers[0].expires_at;
  EXPECT_FALSE(db->withdraw_waitlist_offer(a.id, deadline + 1ms)) << "another deadline";
  EXPECT_FALSE(db->withdraw_waitlist_offer(b.id, deadline)) << "not offered";
  EXPECT_TRUE(db->withdraw_waitlist_offer(a.id, deadline));
  EXPECT_FALSE(db->withdraw_waitlist_offer(a.id, deadline)) << "withdrawn already";
  auto back = entry(a.id);
  EXPECT_EQ(back.status, waitlist_status::waiting);
  EXPECT_EQ(back.position, 1);
  EXPECT_TRUE(back.offered_seats.empty());
  EXPECT_EQ(back.offers, 1);
  EXPECT_EQ(entry(b.id).position, 2);

  // The withdrawn offer sends nothing; the next one to alice counts as her second.
  EXPECT_FALSE(db->confirm_waitlist_offer(a.id, deadline, t0));
  EXPECT_TRUE(offer_mails().empty());
  offers = match(t0 + 1s);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].entry_id, a.id);
  EXPECT_EQ(entry(a.id).offers, 2);
}

TEST_P(waitlist_test, a_confirmed_offer_writes_one_e_mail_naming_the_entry) {
  sell_out();
  auto a = joined(alice, 1);
  free_seat(seat39);
  auto offers = match(t0);
  ASSERT_EQ(offers.size(), 1u);
  const sys_ms deadline = offers[0].expires_at;
  EXPECT_FALSE(db->confirm_waitlist_offer(a.id, deadline - 1ms, t0 + 1s));
  EXPECT_TRUE(offer_mails().empty());
  EXPECT_TRUE(db->confirm_waitlist_offer(a.id, deadline, t0 + 1s));
  auto mails = offer_mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].waitlist_id, a.id);
  EXPECT_EQ(mails[0].booking_number, "");
  EXPECT_EQ(mails[0].status, outbox_status::pending);
  EXPECT_EQ(mails[0].created_at, t0 + 1s);
  EXPECT_EQ(mails[0].next_attempt_at, t0 + 1s);
  // The booking mails name no entry.
  for (auto& m : db->list_outbox(std::nullopt, 100)) {
    if (m.kind != mail_kind::waitlist_offer) {
      EXPECT_EQ(m.waitlist_id, 0);
    }
  }
  // A claim reads it back the same.
  bool claimed = false;
  for (auto& m : db->claim_outbox("me", t0 + 1s, 60s, 100)) {
    if (m.kind == mail_kind::waitlist_offer) {
      claimed = true;
      EXPECT_EQ(m.waitlist_id, a.id);
    }
  }
  EXPECT_TRUE(claimed);

  // Once the offer lapsed it cannot be confirmed.
  ASSERT_TRUE(match(deadline).empty());
  EXPECT_EQ(entry(a.id).status, waitlist_status::lapsed);
  EXPECT_FALSE(db->confirm_waitlist_offer(a.id, deadline, deadline));
  EXPECT_EQ(offer_mails().size(), 1u);
}

TEST_P(waitlist_test, booking_the_offered_seats_accepts_the_offer) {
  sell_out();
  auto a = joined(alice, 1);
  auto b = joined(bob, 1);
  free_seat(seat39);
  free_seat(seat40);
  ASSERT_EQ(match(t0).size(), 2u);
  ASSERT_FALSE(book(alice.id, trip_id, {39}, numbers("W-")).code);
  auto accepted = entry(a.id);
  EXPECT_EQ(accepted.status, waitlist_status::accepted);
  EXPECT_EQ(accepted.position, 0);
  EXPECT_EQ(accepted.offered_seats, (std::vector<int>{39}));
  EXPECT_FALSE(db->find_waitlist_entry(trip_id, alice.id));
  EXPECT_EQ(entry(b.id).status, waitlist_status::offered);  // someone else's booking
  EXPECT_EQ(entry(b.id).position, 1);
}

TEST_P(waitlist_test, a_departed_trip_gets_no_offers_and_is_not_swept) {
  auto a = joined(alice, 1);
  // Seats are free, but the trip has left.
  EXPECT_TRUE(match(t0, {}, at("2026-03-04T09:00:00")).empty());
  EXPECT_EQ(entry(a.id).status, waitlist_status::waiting);
  EXPECT_TRUE(db->offer_waitlist_seats(trip_id + 1000, {}, t0, before, window, lowest).empty());

  EXPECT_EQ(db->trips_to_match(t0, before, 10), (std::vector<row_id>{trip_id}));
  EXPECT_TRUE(db->trips_to_match(t0, at("2026-03-04T09:00:00"), 10).empty());
  EXPECT_TRUE(db->trips_to_match(t0, before, 0).empty());
}

TEST_P(waitlist_test, the_sweep_lists_trips_with_waiting_entries_or_offers_that_ran_out) {
  EXPECT_TRUE(db->trips_to_match(t0, before, 10).empty());
  sell_out();
  auto a = joined(alice, 1);
  free_seat(seat39);
  ASSERT_EQ(match(t0).size(), 1u);
  // Only a running offer: nothing to do until it runs out.
  EXPECT_TRUE(db->trips_to_match(t0 + 1min, before, 10).empty());
  EXPECT_EQ(db->trips_to_match(t0 + window, before, 10), (std::vector<row_id>{trip_id}));
  ASSERT_TRUE(db->leave_waitlist(trip_id, alice.id));
  EXPECT_TRUE(db->trips_to_match(t0 + window, before, 10).empty());
  (void)a;
}

TEST_P(waitlist_test, the_offer_e_mail_has_the_user_and_the_trip) {
  auto a = joined(alice, 2);
  auto mail = db->waitlist_offer_details(a.id);
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->entry.id, a.id);
  EXPECT_EQ(mail->entry.count, 2);
  EXPECT_EQ(mail->email, "alice@example.com");
  EXPECT_EQ(mail->username, "alice");
  EXPECT_EQ(mail->trip.trip_id, trip_id);
  EXPECT_EQ(mail->trip.source, "Indore");
  EXPECT_EQ(mail->trip.destination, "Bhopal");
  EXPECT_EQ(mail->trip.bus_name, "Royal");
  EXPECT_EQ(mail->trip.departure_time, at("2026-03-04T09:00:00"));
  EXPECT_EQ(mail->trip.total_seats, 40);
  EXPECT_FALSE(db->waitlist_offer_details(a.id + 1000));
}

TEST_P(waitlist_test, concurrent_matching_steps_make_one_offer_to_the_first_in_line) {
  sell_out();
  auto a = joined(alice, 1);
  joined(bob, 1);
  joined(carol, 1);
  free_seat(seat39);
  constexpr int threads = 6;
  constexpr int rounds = 5;
  std::mutex mu;
  std::vector<waitlist_offer> all;
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      for (int r = 0; r < rounds; ++r) {
        try {
          auto offers = match(t0);
          std::lock_guard lock(mu);
          all.insert(all.end(), offers.begin(), offers.end());
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].entry_id, a.id);
  EXPECT_EQ(all[0].seats, (std::vector<int>{39}));
  EXPECT_EQ(entry(a.id).offers, 1);
}

INSTANTIATE_TEST_SUITE_P(backends, store_conformance,
                         testing::Values(sqlite_file_backend(), sqlite_memory_backend(),
                                         postgres_backend()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(backends, booking_test,
                         testing::Values(sqlite_file_backend(), sqlite_memory_backend(),
                                         postgres_backend()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(backends, waitlist_test,
                         testing::Values(sqlite_file_backend(), sqlite_memory_backend(),
                                         postgres_backend()),
                         [](const auto& info) { return info.param.name; });

// ---- SQLite specifics: URLs and migrations

std::vector<std::pair<int, std::string>> applied_migrations(const fs::path& db_file) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(db_file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(raw);
    throw std::runtime_error("cannot open " + db_file.string());
  }
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> conn(raw, &sqlite3_close);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(raw, "SELECT version, applied_at FROM schema_migrations ORDER BY 1", -1,
                         &st, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(raw));
  std::vector<std::pair<int, std::string>> out;
  while (sqlite3_step(st) == SQLITE_ROW)
    out.emplace_back(sqlite3_column_int(st, 0),
                     reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
  sqlite3_finalize(st);
  return out;
}

void exec_sql(const fs::path& db_file, const char* sql) {
  sqlite3* raw = nullptr;
  sqlite3_open(db_file.c_str(), &raw);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> conn(raw, &sqlite3_close);
  char* err = nullptr;
  if (sqlite3_exec(raw, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "exec failed";
    sqlite3_free(err);
    throw std::runtime_error(msg);
  }
}

TEST(sqlite_store, migrations_are_applied_once) {
  fs::path file = temp_root::fresh_dir() / "twice.db";
  {
    auto first = open_store("sqlite://" + file.string());
    first->create_user({"u", "u@example.com", "h", false});
    // A second store on the same file while the first is open.
    auto second = open_store(file.string());
    EXPECT_EQ(second->count_users(), 1);
  }
  auto reopened = open_store("sqlite://" + file.string());
  EXPECT_EQ(reopened->count_users(), 1);
  auto applied = applied_migrations(file);
  ASSERT_EQ(applied.size(), migrations().size());
  for (std::size_t i = 0; i < applied.size(); ++i) {
    EXPECT_EQ(applied[i].first, migrations()[i].version);
    EXPECT_TRUE(parse_iso(applied[i].second)) << applied[i].second;
  }
}

TEST(sqlite_store, schema_allows_one_confirmed_booking_per_seat) {
  // The partial unique index is the last guard, independent of the store's own checks.
  fs::path file = temp_root::fresh_dir() / "index.db";
  auto s = open_store(file.string());
  s->create_user({"u", "u@example.com", "h", false});
  ASSERT_TRUE(s->import_schedule({row(0, "Solo", "X", "Y", hm(8, 0), hm(9, 0), 10)}, today, std::nullopt));
  auto row_sql = [](std::string number, std::string status) {
    return "INSERT INTO bookings(booking_number, user_id, trip_id, seat_number, status, price,"
           " created_at) VALUES ('" +
           number + "', 1, 1, 3, '" + status + "', 10, '2026-03-04T10:00:00')";
  };
  exec_sql(file, row_sql("N1", "confirmed").c_str());
  exec_sql(file, row_sql("N2", "cancelled").c_str());
  exec_sql(file, row_sql("N3", "cancelled").c_str());
  EXPECT_THROW(exec_sql(file, row_sql("N4", "confirmed").c_str()), std::runtime_error);
  EXPECT_THROW(exec_sql(file, row_sql("N5", "pending").c_str()), std::runtime_error);
  EXPECT_EQ(s->find_ticket("N1")->status, booking_status::confirmed);
  EXPECT_FALSE(s->find_ticket("N4"));
}

TEST(sqlite_store, migration_2_counts_the_sales_of_an_existing_database) {
  // A database at version 1 with bookings: the counters start from what is already sold.
  fs::path file = temp_root::fresh_dir() / "v1.db";
  {
    auto s = open_store(file.string());
    auto u = s->create_user({"u", "u@example.com", "h", false});
    ASSERT_TRUE(u);
    ASSERT_TRUE(s->import_schedule({row(0, "Solo", "X", "Y", hm(8, 0), hm(9, 0), 10)}, today, std::nullopt));
    booking_request req;
    req.user_id = u->id;
    req.trip_id = 1;
    req.created_at = at("2026-03-04T10:00:00");
    auto next = numbers();
    req.seat_numbers = {1, 2, 3};
    ASSERT_FALSE(s->create_booking(req, next).code);
    req.seat_numbers = {4};
    auto cancelled = s->create_booking(req, next);
    ASSERT_FALSE(cancelled.code);
    ASSERT_TRUE(s->cancel_booking(cancelled.booking_number, sys_ms{}));
  }
  exec_sql(file, "ALTER TABLE trips DROP COLUMN booked_seats");
  exec_sql(file, "ALTER TABLE trips DROP COLUMN revenue");
  exec_sql(file, "ALTER TABLE users DROP COLUMN tokens_valid_after");  // migration 3
  exec_sql(file, "DROP INDEX bookings_trip_id");                        // migration 4
  exec_sql(file, "DROP TABLE outbox");
  for (const char* c : {"passenger_name", "passenger_age", "passenger_gender", "boarded_at"})
    exec_sql(file, (std::string("ALTER TABLE bookings DROP COLUMN ") + c).c_str());
  exec_sql(file, "ALTER TABLE trips DROP COLUMN ladies_rule");  // migration 5
  exec_sql(file, "DROP TABLE waitlist");                        // migration 6
  exec_sql(file, "DELETE FROM schema_migrations WHERE version >= 2");
  auto s = open_store(file.string());
  // Migration 4 on existing bookings: a passenger entry per seat, nobody named, none boarded;
  // no e-mail is sent for bookings made before the outbox existed.
  auto old = s->find_ticket("BK-1");
  ASSERT_TRUE(old);
  ASSERT_EQ(old->passengers.size(), 3u);
  EXPECT_FALSE(old->passengers[0].name);
  EXPECT_FALSE(old->passengers[0].boarded_at);
  EXPECT_EQ(s->count_outbox().pending, 0);
  auto a = s->compute_analytics(today);
  ASSERT_EQ(a.buses.size(), 1u);
  EXPECT_EQ(a.buses[0].tickets, 3);
  EXPECT_DOUBLE_EQ(a.buses[0].revenue, 30);
  EXPECT_DOUBLE_EQ(a.revenue, 30);
  EXPECT_DOUBLE_EQ(a.occupancy, 7.5);  // 3 of 40
}

TEST(sqlite_store, migration_6_keeps_the_outbox_and_ties_each_message_to_one_subject) {
  // A database at version 5 with a booking's e-mail in the outbox. SQLite cannot change a
  // CHECK in place: migration 6 rebuilds the table, which must keep its rows.
  fs::path file = temp_root::fresh_dir() / "v5.db";
  row_id user_id = 0;
  {
    auto s = open_store(file.string());
    auto u = s->create_user({"u", "u@example.com", "h", false});
    ASSERT_TRUE(u);
    user_id = u->id;
    ASSERT_TRUE(s->import_schedule({row(0, "Solo", "X", "Y", hm(8, 0), hm(9, 0), 10)}, today,
                                   std::nullopt));
    booking_request req;
    req.user_id = u->id;
    req.trip_id = 1;
    req.seat_numbers = {1};
    req.created_at = at("2026-03-04T10:00:00");
    ASSERT_FALSE(s->create_booking(req, numbers()).code);
  }
  exec_sql(file, "DROP TABLE waitlist");
  exec_sql(file,
           "CREATE TABLE outbox_v5 AS SELECT id, kind, booking_number, status, attempts,"
           " created_at, next_attempt_at, lease_owner, lease_until, sent_at, last_error"
           " FROM outbox");
  exec_sql(file, "DROP TABLE outbox");
  exec_sql(file, "ALTER TABLE outbox_v5 RENAME TO outbox");
  exec_sql(file, "DELETE FROM schema_migrations WHERE version = 6");

  auto s = open_store(file.string());
  auto kept = s->list_outbox(std::nullopt, 10);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].kind, mail_kind::booking_confirmation);
  EXPECT_EQ(kept[0].booking_number, "BK-1");
  EXPECT_EQ(kept[0].waitlist_id, 0);
  auto entry = s->join_waitlist(1, user_id, 1, sys_ms{}, local_time{}, 10, 10);
  ASSERT_TRUE(entry);
  // An offer's e-mail names its entry; a booking's names none.
  EXPECT_THROW(exec_sql(file,
                        "INSERT INTO outbox(kind, booking_number, created_at, next_attempt_at)"
                        " VALUES ('waitlist_offer', '', 1, 1)"),
               std::runtime_error);
  const std::string id = std::to_string(entry->id);
  EXPECT_THROW(exec_sql(file, ("INSERT INTO outbox(kind, booking_number, waitlist_id, created_at,"
                               " next_attempt_at) VALUES ('booking_confirmation', 'BK-1', " +
                               id + ", 1, 1)")
                                  .c_str()),
               std::runtime_error);
  exec_sql(file, ("INSERT INTO outbox(kind, booking_number, waitlist_id, created_at,"
                  " next_attempt_at) VALUES ('waitlist_offer', '', " + id + ", 1, 1)")
                     .c_str());
  EXPECT_EQ(s->count_outbox().pending, 2);
}

TEST(sqlite_store, refuses_a_database_from_a_newer_version) {
  fs::path file = temp_root::fresh_dir() / "newer.db";
  open_store(file.string());
  exec_sql(file, "INSERT INTO schema_migrations(version, applied_at) VALUES (999, 'x')");
  EXPECT_THROW(open_store(file.string()), store_error);
}

TEST(sqlite_store, opens_the_url_forms) {
  fs::path dir = temp_root::fresh_dir();
  open_store("sqlite://" + (dir / "abs.db").string());
  EXPECT_TRUE(fs::exists(dir / "abs.db"));
  open_store("sqlite:///" + (dir / "four.db").string());  // sqlite:////abs
  EXPECT_TRUE(fs::exists(dir / "four.db"));
  open_store((dir / "plain.db").string());
  EXPECT_TRUE(fs::exists(dir / "plain.db"));

  // Relative forms resolve against the working directory.
  fs::path old = fs::current_path();
  fs::current_path(dir);
  try {
    open_store("sqlite:///rel.db");
    open_store("sqlite:///./dot.db");
    fs::create_directories(dir / "sub");
    open_store("sqlite:///./sub/nested.db");
  } catch (...) {
    fs::current_path(old);
    throw;
  }
  fs::current_path(old);
  EXPECT_TRUE(fs::exists(dir / "rel.db"));
  EXPECT_TRUE(fs::exists(dir / "dot.db"));
  EXPECT_TRUE(fs::exists(dir / "sub" / "nested.db"));
}

TEST(sqlite_store, in_memory_stores_are_private) {
  auto a = open_store("sqlite://:memory:");
  auto b = open_store(":memory:");
  a->create_user({"u", "u@example.com", "h", false});
  EXPECT_EQ(a->count_users(), 1);
  EXPECT_EQ(b->count_users(), 0);
}

TEST(sqlite_store, rejects_bad_urls) {
  // PostgreSQL URLs are covered in pg_store_test.cpp.
  EXPECT_THROW(open_store("mysql://localhost/seatd"), store_error);
  EXPECT_THROW(open_store("sqlite:/x.db"), store_error);
  EXPECT_THROW(open_store("sqlite://host/x.db"), store_error);
  EXPECT_THROW(open_store("sqlite:///"), store_error);
  EXPECT_THROW(open_store(""), store_error);
  fs::path missing = temp_root::fresh_dir() / "no-such-dir" / "x.db";
  EXPECT_THROW(open_store("sqlite://" + missing.string()), store_error);
}

}  // namespace
}  // namespace seatd
