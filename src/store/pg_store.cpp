#include "store/pg_store.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "domain/schedule_rules.hpp"
#include "domain/seat_picker.hpp"
#include "store/migrations.hpp"
#include "store/ticket_rows.hpp"
#include "store/waitlist_rows.hpp"

namespace seatd {
namespace {

using pg::connection;
using pg::pg_error;
using pg::result_set;
using pg::transaction;

using rows::day_start_iso;
using rows::default_bus_seats;
using rows::now_utc_iso;

// Serialization failures and deadlocks clear up once the competing transaction is done; one
// that keeps failing this often points at a real problem.
constexpr int transaction_attempts = 5;

// Advisory lock keys. The two-key form used for booking numbers lives in a key space of its
// own; the single keys must differ from migrations.cpp's (…0001).
constexpr std::int32_t booking_number_lock_space = 0x7365'6174;  // "seat"
constexpr std::int64_t import_lock = 0x7365'6174'6400'0002;

boost::system::error_code code(errc e) { return make_error_code(e); }

local_time column_time(const result_set& r, int row, int col) {
  // DateStyle ISO (set on every connection) prints "YYYY-MM-DD HH:MM:SS", which parse_iso
  // reads; anything else (fractional seconds, BC) was not written by seatd.
  auto t = parse_iso(r.text(row, col));
  if (!t) throw store_error("malformed time in database: '" + std::string(r.text(row, col)) + "'");
  return *t;
}

std::int64_t to_ms(sys_ms t) { return t.time_since_epoch().count(); }

// A PostgreSQL array literal of seat numbers, for `= ANY($n::int[])`.
std::string int_array(const std::vector<int>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

void backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  // Grows with each attempt; the jitter keeps the losers of one conflict from colliding again.
  std::uniform_int_distribution<int> jitter(0, 10 * attempt);
  std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt + jitter(rng)));
}

// One row of a result, as the readers of store/ticket_rows.hpp read it.
struct row {
  const result_set& r;
  int i;
  std::string_view text(int col) const { return r.text(i, col); }
  std::int64_t int64(int col) const { return r.int64(i, col); }
  int int32(int col) const { return r.int32(i, col); }
  bool boolean(int col) const { return r.boolean(i, col); }
  local_time time(int col) const { return column_time(r, i, col); }
  std::optional<std::string> optional_text(int col) const { return r.optional_text(i, col); }
  std::optional<int> optional_int32(int col) const { return r.optional_int32(i, col); }
};

template <class... Args>
std::optional<user> query_user(connection& conn, std::string_view where, const Args&... args) {
  auto r = conn.query("SELECT " + std::string(rows::user_columns) + " FROM users WHERE " +
                          std::string(where),
                      args...);
  if (r.rows() == 0) return std::nullopt;
  return rows::read_user(row{r, 0});
}

std::vector<ticket> read_tickets(const result_set& r) {
  std::vector<ticket> out;
  for (int i = 0; i < r.rows(); ++i) rows::add_ticket_row(out, row{r, i});
  return out;
}

std::optional<ticket> query_ticket(connection& conn, std::string_view booking_number) {
  auto tickets = read_tickets(conn.query(
      std::string(rows::ticket_select) + "WHERE bk.booking_number = $1 ORDER BY bk.seat_number",
      booking_number));
  if (tickets.empty()) return std::nullopt;
  return std::move(tickets.front());
}

std::int64_t scalar(connection& conn, std::string_view sql) {
  auto r = conn.query(sql);
  if (r.rows() == 0) throw store_error("no row from " + std::string(sql));
  return r.int64(0, 0);
}

// The shared waiting list SQL (store/waitlist_rows.hpp) in PostgreSQL's parameter spelling.
std::string wl(std::string_view sql) { return rows::waitlist_sql(sql, '$'); }

// The entry matching `where` (waitlist_select's alias w, `@N` parameters).
template <class... Args>
std::optional<waitlist_entry> query_waitlist(connection& conn, std::string_view where,
                                             const Args&... args) {
  auto r = conn.query(wl(std::string(rows::waitlist_select) + "WHERE " + std::string(where)),
                      args...);
  if (r.rows() == 0) return std::nullopt;
  return rows::read_waitlist_entry(row{r, 0});
}

}  // namespace

pg_store::pg_store(pg_options options) {
  pg::pool_options p;
  p.connect.conninfo = std::move(options.conninfo);
  p.connect.connect_timeout = options.connect_timeout;
  p.max_size = options.pool_size;
  p.acquire_timeout = options.acquire_timeout;
  pool_ = std::make_unique<pg::connection_pool>(std::move(p));
  auto conn = pool_->acquire();
  apply_postgres_migrations(*conn);
}

pg_store::~pg_store() = default;

template <class F>
std::invoke_result_t<F&, pg::connection&> pg_store::run(F&& work) {
  for (int attempt = 1;; ++attempt) {
    try {
      auto conn = pool_->acquire();
      return work(*conn);
    } catch (const pg_error& e) {
      // By the time we get here the lease is back in the pool (rolled back or dropped).
      if (attempt >= transaction_attempts ||
          !(e.is_serialization_conflict() || e.connection_lost()))
        throw;
    }
    backoff(attempt);
  }
}

// ---- users

result<user> pg_store::create_user(const new_user& u) {
  return run([&](connection& conn) -> result<user> {
    transaction tx(conn);
    user out;
    try {
      auto r = conn.query(
          "INSERT INTO users(username, email, password_hash, is_admin, created_at)"
          " VALUES ($1, $2, $3, $4, $5) RETURNING id",
          u.username, u.email, u.password_hash, u.is_admin, now_utc_iso());
      out.id = r.int64(0, 0);
    } catch (const pg_error& e) {
      // lower(email) is the only unique key a caller can hit: no read-then-insert race.
      if (e.is_unique_violation() && e.constraint() == "users_email_lower")
        return code(errc::email_taken);
      throw;
    }
    tx.commit();
    out.username = u.username;
    out.email = u.email;
    out.password_hash = u.password_hash;
    out.is_admin = u.is_admin;
    return out;
  });
}

std::optional<user> pg_store::find_user_by_email(std::string_view email) {
  return run([&](connection& conn) { return query_user(conn, "lower(email) = lower($1)", email); });
}

std::optional<user> pg_store::find_user_by_id(row_id id) {
  return run([&](connection& conn) { return query_user(conn, "id = $1", id); });
}

result<user> pg_store::promote_admin(std::string_view email, std::string_view password_hash) {
  return run([&](connection& conn) -> result<user> {
    transaction tx(conn);
    auto r = conn.query(
        "UPDATE users SET is_admin = true, password_hash = $2"
        " WHERE lower(email) = lower($1) RETURNING " +
            std::string(rows::user_columns),
        email, password_hash);
    if (r.rows() == 0) return code(errc::not_found);
    user u = rows::read_user(row{r, 0});
    tx.commit();
    return u;
  });
}

std::int64_t pg_store::count_users() {
  return run([&](connection& conn) { return scalar(conn, "SELECT count(*) FROM users"); });
}

int pg_store::schema_version() {
  return run([&](connection& conn) {
    return int(scalar(conn, "SELECT coalesce(max(version), 0) FROM schema_migrations"));
  });
}

// ---- trips

std::vector<trip_summary> pg_store::search_trips(std::string_view source,
                                                 std::string_view destination, local_date day) {
  const auto from = rows::city_params(source), to = rows::city_params(destination);
  return run([&](connection& conn) {
    // Matches trips_route_departure: lower(city) against each spelling, then a half-open range
    // on the raw departure (a cast to date would defeat the index).
    auto r = conn.query(std::string(rows::trip_summary_select) + R"sql(
WHERE lower(t.source) IN ($1, $2, $3, $4) AND lower(t.destination) IN ($5, $6, $7, $8)
  AND t.departure_time >= $9::timestamp AND t.departure_time < $10::timestamp
ORDER BY t.departure_time, t.id)sql",
                        from[0], from[1], from[2], from[3], to[0], to[1], to[2], to[3],
                        day_start_iso(day), day_start_iso(day + std::chrono::days{1}));
    std::vector<trip_summary> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(rows::read_trip_summary(row{r, i}));
    return out;
  });
}

std::optional<trip> pg_store::find_trip(row_id id) {
  return run([&](connection& conn) -> std::optional<trip> {
    auto r = conn.query(std::string(rows::trip_select) + "WHERE t.id = $1", id);
    if (r.rows() == 0) return std::nullopt;
    return rows::read_trip(row{r, 0});
  });
}

std::vector<seat> pg_store::list_seats(row_id trip_id) {
  return run([&](connection& conn) {
    auto r = conn.query(R"sql(
SELECT s.id, s.trip_id, s.seat_number,
       EXISTS (SELECT 1 FROM bookings bk WHERE bk.trip_id = s.trip_id
               AND bk.seat_number = s.seat_number AND bk.status = 'confirmed'),
       EXISTS (SELECT 1 FROM bookings bk WHERE bk.trip_id = s.trip_id
               AND bk.seat_number = s.seat_number AND bk.status = 'confirmed'
               AND bk.passenger_gender = 'Female')
       AND (SELECT t.ladies_rule FROM trips t WHERE t.id = s.trip_id)
FROM seats s WHERE s.trip_id = $1 ORDER BY s.seat_number)sql",
                        trip_id);
    std::vector<seat> out;
    for (int i = 0; i < r.rows(); ++i) {
      seat& s = out.emplace_back();
      s.id = r.int64(i, 0);
      s.trip_id = r.int64(i, 1);
      s.seat_number = r.int32(i, 2);
      s.is_booked = r.boolean(i, 3);
      s.booked_for_woman = r.boolean(i, 4);
    }
    return out;
  });
}

std::vector<std::string> pg_store::list_cities() {
  return run([&](connection& conn) {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    auto r = conn.query(
        "SELECT city FROM (SELECT source AS city FROM trips UNION SELECT destination FROM trips)"
        " c ORDER BY city COLLATE \"C\"");
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0));
    return out;
  });
}

std::int64_t pg_store::count_trips() {
  return run([&](connection& conn) { return scalar(conn, "SELECT count(*) FROM trips"); });
}

std::vector<calendar_day> pg_store::trip_calendar(std::string_view source,
                                                  std::string_view destination, local_date from,
                                                  int days, local_time now) {
  const auto src = rows::city_params(source), dst = rows::city_params(destination);
  return run([&](connection& conn) {
    // One query for the whole range.
    auto r = conn.query(R"sql(
SELECT to_char(t.departure_time, 'YYYY-MM-DD') AS day, count(*), min(t.price)
FROM trips t JOIN buses b ON b.id = t.bus_id
WHERE lower(t.source) IN ($1, $2, $3, $4) AND lower(t.destination) IN ($5, $6, $7, $8)
  AND t.departure_time >= $9::timestamp AND t.departure_time < $10::timestamp
  AND t.departure_time > $11::timestamp AND t.booked_seats < b.total_seats
GROUP BY day ORDER BY day)sql",
                        src[0], src[1], src[2], src[3], dst[0], dst[1], dst[2], dst[3],
                        day_start_iso(from), day_start_iso(from + std::chrono::days{days}),
                        format_iso(now));
    std::vector<calendar_day> out;
    for (int i = 0; i < r.rows(); ++i) {
      auto d = parse_date(r.text(i, 0));
      if (!d) throw store_error("malformed day in database: '" + std::string(r.text(i, 0)) + "'");
      out.push_back({*d, r.int32(i, 1), r.int64(i, 2)});
    }
    return out;
  });
}

std::vector<route_summary> pg_store::list_routes(std::optional<std::string_view> source,
                                                 local_time now, int limit) {
  const auto src = rows::city_params(source.value_or(""));
  return run([&](connection& conn) {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    auto r = conn.query(R"sql(
SELECT t.source, t.destination, min(t.departure_time), count(*)
FROM trips t
WHERE t.departure_time > $1::timestamp
  AND (NOT $2::boolean OR lower(t.source) IN ($3, $4, $5, $6))
GROUP BY t.source, t.destination
ORDER BY t.source COLLATE "C", t.destination COLLATE "C"
LIMIT $7)sql",
                        format_iso(now), source.has_value(), src[0], src[1], src[2], src[3],
                        limit);
    std::vector<route_summary> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({std::string(r.text(i, 0)), std::string(r.text(i, 1)), column_time(r, i, 2),
                     r.int32(i, 3)});
    return out;
  });
}

// ---- schedule import

result<import_summary> pg_store::import_schedule(const std::vector<schedule_row>& rows,
                                                 local_date today,
                                                 std::optional<local_date> week_of,
                                                 import_options options) {
  if (options.weeks < 1 || options.weeks > max_import_weeks) return code(errc::invalid_input);
  if (week_of && !import_week_allowed(today, *week_of)) return code(errc::invalid_input);
  return run([&](connection& conn) -> result<import_summary> {
    transaction tx(conn);
    // Imports take turns, and the latest departure is read after the lock (READ COMMITTED
    // reads a fresh snapshot per statement), so two imports cannot choose the same week.
    conn.query("SELECT pg_advisory_xact_lock($1::bigint)", import_lock);
    std::optional<local_time> latest;
    {
      auto r = conn.query("SELECT max(departure_time) FROM trips");
      if (!r.is_null(0, 0)) latest = column_time(r, 0, 0);
    }
    std::int64_t last_trip_before = 0;
    {
      auto r = conn.query("SELECT COALESCE(max(id), 0) FROM trips");
      last_trip_before = r.int64(0, 0);
    }
    import_summary summary;
    summary.dry_run = options.dry_run;
    summary.week_start = import_week_start(today, latest, week_of);
    // Before any insert: which of the weeks had trips already.
    for (local_date w : rows::import_weeks(summary.week_start, options.weeks)) {
      summary.weeks.push_back({w, 0});
      auto r = conn.query(
          "SELECT EXISTS (SELECT 1 FROM trips WHERE departure_time >= $1::timestamp"
          " AND departure_time < $2::timestamp)",
          day_start_iso(w), day_start_iso(w + std::chrono::days{7}));
      if (r.boolean(0, 0)) summary.already_scheduled.push_back(w);
    }

    struct known_bus {
      row_id id;
      int total_seats;
    };
    std::unordered_map<std::string, known_bus> buses;
    try {
      for (import_week& week : summary.weeks) {
        for (const schedule_row& row : rows) {
          auto it = buses.find(row.bus_name);
          if (it == buses.end()) {
            known_bus b{};
            auto found =
                conn.query("SELECT id, total_seats FROM buses WHERE bus_name = $1", row.bus_name);
            if (found.rows() > 0) {
              b = {found.int64(0, 0), found.int32(0, 1)};
            } else {
              auto inserted = conn.query(
                  "INSERT INTO buses(bus_name, bus_number, bus_type, total_seats)"
                  " VALUES ($1, $1, $2, $3) RETURNING id",
                  row.bus_name, row.bus_type, default_bus_seats);
              b = {inserted.int64(0, 0), default_bus_seats};
              ++summary.buses_created;
            }
            it = buses.emplace(row.bus_name, b).first;
          }
          placed_trip placed = place_trip(week.week_start, row);
          // A bus that already left at that minute before this import (an upload repeated
          // into the same week, a double-clicked upload) is not scheduled twice: the trip is
          // skipped. Only trips from before count (see sqlite_store: the file's own rows are
          // the contract's). Imports take turns under the advisory lock.
          if (conn.query("SELECT EXISTS (SELECT 1 FROM trips WHERE bus_id = $1"
                         " AND departure_time = $2::timestamp AND id <= $3)",
                         it->second.id, format_iso(placed.departure), last_trip_before)
                  .boolean(0, 0))
            continue;
          auto trip_row = conn.query(
              "INSERT INTO trips(bus_id, source, destination, departure_time, arrival_time,"
              " price, service_type, operator) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
              " RETURNING id",
              it->second.id, row.source, row.destination, format_iso(placed.departure),
              format_iso(placed.arrival), row.fare, row.service_type, row.operator_name);
          conn.query(
              "INSERT INTO seats(trip_id, seat_number) SELECT $1::bigint, generate_series(1, "
              "$2::int)",
              trip_row.int64(0, 0), it->second.total_seats);
          ++week.trips;
          ++summary.trips_created;
        }
      }
    } catch (const pg_error& e) {
      // A row the database refuses (CHECK, NOT NULL, a value its type cannot hold) is bad
      // input; the guard rolls the whole import back.
      if (e.is_integrity_violation() || e.is_data_exception()) return code(errc::invalid_input);
      throw;
    }
    // A dry run decided everything the same way; the guard rolls it back.
    if (!options.dry_run) tx.commit();
    return summary;
  });
}

std::vector<schedule_week> pg_store::list_schedule_weeks(local_time now, int limit) {
  return run([&](connection& conn) {
    // date_trunc('week', …) is the ISO week's Monday.
    auto r = conn.query(R"sql(
SELECT * FROM (
  SELECT to_char(date_trunc('week', departure_time), 'YYYY-MM-DD') AS week, count(*),
         count(DISTINCT bus_id), min(departure_time), max(departure_time),
         count(*) FILTER (WHERE departure_time <= $1::timestamp)
  FROM trips GROUP BY week ORDER BY week DESC LIMIT $2) w
ORDER BY week)sql",
                        format_iso(now), limit);
    std::vector<schedule_week> out;
    for (int i = 0; i < r.rows(); ++i) {
      auto d = parse_date(r.text(i, 0));
      if (!d) throw store_error("malformed week in database: '" + std::string(r.text(i, 0)) + "'");
      out.push_back({*d, r.int32(i, 1), r.int32(i, 2), column_time(r, i, 3), column_time(r, i, 4),
                     r.int32(i, 5)});
    }
    return out;
  });
}

std::vector<trip_sales> pg_store::list_trips_between(local_time from, local_time to, int limit) {
  return run([&](connection& conn) {
    auto r = conn.query(std::string(rows::trip_sales_select) + R"sql(
WHERE t.departure_time >= $1::timestamp AND t.departure_time < $2::timestamp
ORDER BY t.departure_time, t.id LIMIT $3)sql",
                        format_iso(from), format_iso(to), limit);
    std::vector<trip_sales> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(rows::read_trip_sales(row{r, i}));
    return out;
  });
}

// ---- bookings

booking_outcome pg_store::create_booking(const booking_request& req,
                                         const std::function<std::string()>& next_booking_number) {
  return run([&](connection& conn) {
    booking_outcome out;
    transaction tx(conn);

    // Locking the trip row makes bookings and cancellations of one trip take turns, as under
    // SQLite's write lock: the pre-check below then sees every committed change and is exact.
    // NO KEY: the foreign-key checks of concurrent inserts (KEY SHARE) need not wait for it.
    auto trip_row = conn.query(
        "SELECT t.price, b.total_seats, t.ladies_rule FROM trips t JOIN buses b ON b.id = t.bus_id"
        " WHERE t.id = $1 FOR NO KEY UPDATE OF t",
        req.trip_id);
    if (trip_row.rows() == 0) {
      out.code = code(errc::not_found);
      return out;
    }
    const std::int64_t price = trip_row.int64(0, 0);
    const int total_seats = trip_row.int32(0, 1);
    const bool trip_ladies_rule = trip_row.boolean(0, 2);
    if (!rows::valid_seats(req.seat_numbers, total_seats) ||
        !rows::valid_passengers(req.passengers, req.seat_numbers)) {
      out.code = code(errc::invalid_seats);
      return out;
    }
    if (conn.query("SELECT 1 FROM users WHERE id = $1", req.user_id).rows() == 0) {
      out.code = code(errc::not_found);
      return out;
    }
    {
      auto taken = conn.query(
          "SELECT seat_number FROM bookings WHERE trip_id = $1 AND status = 'confirmed'"
          " AND seat_number = ANY($2::int[])",
          req.trip_id, int_array(req.seat_numbers));
      std::vector<int> taken_seats;
      for (int i = 0; i < taken.rows(); ++i) taken_seats.push_back(taken.int32(i, 0));
      if (auto s = rows::first_taken(req.seat_numbers, taken_seats)) {
        out.code = code(errc::seat_booked);
        out.seat = *s;
        return out;
      }
    }
    if (req.ladies_rule && trip_ladies_rule) {
      // Under the trip row's lock, like the check above: exact, so two bookings of seats
      // beside one another cannot both pass.
      auto sold_rows = conn.query(
          "SELECT seat_number, passenger_gender FROM bookings"
          " WHERE trip_id = $1 AND status = 'confirmed'",
          req.trip_id);
      std::vector<rows::sold_seat> sold;
      for (int i = 0; i < sold_rows.rows(); ++i)
        sold.push_back({sold_rows.int32(i, 0), sold_rows.optional_text(i, 1)});
      if (auto s = rows::ladies_refusal(req, total_seats, sold)) {
        out.code = code(errc::ladies_only);
        out.seat = *s;
        return out;
      }
    }

    const profile_update& p = req.profile;
    if (p.gender || p.age || p.phone_number) {
      // NULL parameters keep the stored value: only the fields the caller set change.
      conn.query(
          "UPDATE users SET gender = coalesce($1, gender), age = coalesce($2::int, age),"
          " phone_number = coalesce($3, phone_number) WHERE id = $4",
          p.gender, p.age, p.phone_number, req.user_id);
    }

    // Bookings of other trips do not wait for our trip lock, so the number gets a lock of its
    // own; the check runs as a separate statement after it, so its snapshot includes whatever
    // the previous holder committed.
    std::string number =
        rows::draw_booking_number(next_booking_number, [&conn](const std::string& candidate) {
          conn.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))",
                     booking_number_lock_space, candidate);
          return conn.query("SELECT 1 FROM bookings WHERE booking_number = $1 LIMIT 1", candidate)
                     .rows() > 0;
        });

    const std::string created_at = format_iso(req.created_at);
    auto refused = rows::insert_seats(req.seat_numbers, [&](int s) {
      const passenger none;
      const passenger* p = rows::passenger_for(req.passengers, s);
      if (!p) p = &none;
      try {
        conn.query(
            "INSERT INTO bookings(booking_number, user_id, trip_id, seat_number, status, price,"
            " created_at, passenger_name, passenger_age, passenger_gender)"
            " VALUES ($1, $2, $3, $4, 'confirmed', $5, $6, $7, $8::int, $9)",
            number, req.user_id, req.trip_id, s, price, created_at, p->name, p->age, p->gender);
        return true;
      } catch (const pg_error& e) {
        if (!e.is_unique_violation() || e.constraint() != "bookings_confirmed_seat") throw;
        return false;
      }
    });
    if (refused) {
      out.code = code(errc::seat_booked);  // the guard rolls back the seats already inserted
      out.seat = *refused;
      return out;
    }
    const auto seats = static_cast<std::int64_t>(req.seat_numbers.size());
    conn.query(rows::sales_after_booking("$1", "$2", "$3"), req.trip_id, seats, price * seats);
    // A buyer booking while seats are offered to them has taken the offer.
    conn.query(wl(rows::waitlist_accept), req.trip_id, req.user_id);
    enqueue_mail(conn, mail_kind::booking_confirmation, number, req.now);
    tx.commit();
    out.booking_number = std::move(number);
    return out;
  });
}

std::vector<ticket> pg_store::list_tickets(row_id user_id) {
  return run([&](connection& conn) {
    return read_tickets(conn.query(
        std::string(rows::ticket_select) + rows::tickets_of_user("$1"), user_id));
  });
}

std::optional<ticket> pg_store::find_ticket(std::string_view booking_number) {
  return run([&](connection& conn) { return query_ticket(conn, booking_number); });
}

result<ticket> pg_store::cancel_booking(std::string_view booking_number, sys_ms now) {
  return run([&](connection& conn) -> result<ticket> {
    transaction tx(conn);
    // The same trip lock as create_booking: a booking waiting for it sees the freed seats.
    conn.query(
        "SELECT 1 FROM trips WHERE id IN"
        " (SELECT trip_id FROM bookings WHERE booking_number = $1)"
        " ORDER BY id FOR NO KEY UPDATE",
        booking_number);
    auto t = query_ticket(conn, booking_number);
    if (!t) return code(errc::not_found);
    if (t->status == booking_status::cancelled) return code(errc::already_cancelled);
    conn.query(rows::sales_before_cancel("$1"), booking_number);
    conn.query(
        "UPDATE bookings SET status = 'cancelled'"
        " WHERE booking_number = $1 AND status = 'confirmed'",
        booking_number);
    enqueue_mail(conn, mail_kind::booking_cancellation, booking_number, now);
    tx.commit();
    return std::move(*t);
  });
}

std::vector<ticket> pg_store::list_trip_tickets(row_id trip_id) {
  return run([&](connection& conn) {
    return read_tickets(conn.query(
        std::string(rows::ticket_select) + rows::tickets_of_trip("$1"), trip_id));
  });
}

booking_page pg_store::list_bookings(const booking_filter& f) {
  std::optional<std::string> status;
  if (f.status) status = to_string(*f.status);
  const std::string prefix = rows::like_prefix_upper(f.query);
  const std::string part = rows::like_substring_lower(f.query);
  return run([&](connection& conn) {
    // One snapshot: the count and the page describe the same moment.
    transaction tx(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // The bookings that match, one row each (a booking is one number over several seat rows).
    const std::string matched = R"sql(
WITH matched AS (
  SELECT bk.booking_number, max(bk.created_at) AS created_at, min(bk.id) AS first_id
  FROM bookings bk JOIN users u ON u.id = bk.user_id
  WHERE ($1::text = '' OR upper(bk.booking_number) LIKE $2 ESCAPE '\'
         OR lower(u.email) LIKE $3 ESCAPE '\')
    AND ($4::text IS NULL OR bk.status = $4::text)
  GROUP BY bk.booking_number)
)sql";
    booking_page page;
    page.total =
        conn.query(matched + "SELECT count(*) FROM matched", f.query, prefix, part, status)
            .int64(0, 0);
    page.bookings = read_tickets(conn.query(matched + std::string(rows::ticket_select) + R"sql(
JOIN (SELECT booking_number, created_at, first_id FROM matched
      ORDER BY created_at DESC, first_id DESC LIMIT $5 OFFSET $6) g
  ON g.booking_number = bk.booking_number
ORDER BY g.created_at DESC, g.first_id DESC, bk.seat_number)sql",
                                            f.query, prefix, part, status, f.limit, f.offset));
    tx.commit();
    return page;
  });
}

// ---- boarding

result<checkin_outcome> pg_store::check_in(std::string_view booking_number, row_id trip_id,
                                           sys_ms now) {
  return run([&](connection& conn) -> result<checkin_outcome> {
    transaction tx(conn);
    auto t = query_ticket(conn, booking_number);
    if (!t) return code(errc::not_found);
    if (t->status == booking_status::cancelled) return code(errc::booking_cancelled);
    if (t->trip.id != trip_id) return code(errc::wrong_trip);
    // Two scanners at two doors: the row locks make the second wait and then find nobody
    // left to board.
    auto boarded = conn.query(
        "UPDATE bookings SET boarded_at = $2"
        " WHERE booking_number = $1 AND status = 'confirmed' AND boarded_at IS NULL"
        " RETURNING id",
        booking_number, to_ms(now));
    const bool already = boarded.rows() == 0;
    auto after = query_ticket(conn, booking_number);
    tx.commit();
    if (!after) throw store_error("checked-in booking vanished");
    return rows::checkin_of(std::move(*after), already, now);
  });
}

// ---- outbox

void pg_store::enqueue_mail(connection& conn, mail_kind kind, std::string_view booking_number,
                            sys_ms now) {
  conn.query(
      "INSERT INTO outbox(kind, booking_number, created_at, next_attempt_at)"
      " VALUES ($1, $2, $3, $3)",
      std::string_view(to_string(kind)), booking_number, to_ms(now));
}

std::vector<outbox_message> pg_store::claim_outbox(std::string_view owner, sys_ms now,
                                                   std::chrono::milliseconds lease, int limit) {
  return run([&](connection& conn) {
    // SKIP LOCKED: instances claiming at once each take different rows instead of queueing
    // behind each other's row locks.
    auto r = conn.query(
        "UPDATE outbox SET lease_owner = $2, lease_until = $3, attempts = attempts + 1"
        " WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1"
        "   AND (lease_until IS NULL OR lease_until <= $1)"
        "   ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)"
        " RETURNING " + std::string(rows::outbox_columns),
        to_ms(now), owner, to_ms(now + lease), limit);
    std::vector<outbox_message> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(rows::read_outbox(row{r, i}));
    std::sort(out.begin(), out.end(), [](const outbox_message& a, const outbox_message& b) {
      return std::tie(a.next_attempt_at, a.id) < std::tie(b.next_attempt_at, b.id);
    });
    return out;
  });
}

bool pg_store::outbox_sent(row_id id, std::string_view owner, sys_ms now) {
  return run([&](connection& conn) {
    return conn.query(
                   "UPDATE outbox SET status = 'sent', sent_at = $3, lease_owner = NULL,"
                   " lease_until = NULL, last_error = '' WHERE id = $1 AND lease_owner = $2"
                   " AND status = 'pending' RETURNING id",
                   id, owner, to_ms(now))
               .rows() > 0;
  });
}

bool pg_store::outbox_failed(row_id id, std::string_view owner, std::string_view error,
                             std::optional<sys_ms> retry_at) {
  std::optional<std::int64_t> retry;
  if (retry_at) retry = to_ms(*retry_at);
  return run([&](connection& conn) {
    return conn.query(
                   "UPDATE outbox SET status = CASE WHEN $4::bigint IS NULL THEN 'failed'"
                   " ELSE 'pending' END, next_attempt_at = coalesce($4::bigint, next_attempt_at),"
                   " last_error = $3, lease_owner = NULL, lease_until = NULL"
                   " WHERE id = $1 AND lease_owner = $2 AND status = 'pending' RETURNING id",
                   id, owner, error, retry)
               .rows() > 0;
  });
}

std::vector<outbox_message> pg_store::list_outbox(std::optional<outbox_status> status,
                                                  int limit) {
  std::optional<std::string> wanted;
  if (status) wanted = to_string(*status);
  return run([&](connection& conn) {
    auto r = conn.query("SELECT " + std::string(rows::outbox_columns) +
                            " FROM outbox WHERE $1::text IS NULL OR status = $1"
                            " ORDER BY id DESC LIMIT $2",
                        wanted, limit);
    std::vector<outbox_message> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(rows::read_outbox(row{r, i}));
    return out;
  });
}

outbox_counts pg_store::count_outbox() {
  return run([&](connection& conn) {
    auto r = conn.query(
        "SELECT count(*) FILTER (WHERE status = 'pending'),"
        " count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'sent')"
        " FROM outbox");
    return outbox_counts{r.int64(0, 0), r.int64(0, 1), r.int64(0, 2)};
  });
}

result<outbox_message> pg_store::resend_outbox(row_id id, sys_ms now) {
  return run([&](connection& conn) -> result<outbox_message> {
    transaction tx(conn);
    auto cur = conn.query("SELECT status FROM outbox WHERE id = $1 FOR UPDATE", id);
    if (cur.rows() == 0) return code(errc::not_found);
    if (cur.text(0, 0) == "pending") return code(errc::invalid_input);
    auto r = conn.query(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2,"
        " sent_at = NULL, last_error = '', lease_owner = NULL, lease_until = NULL"
        " WHERE id = $1 RETURNING " + std::string(rows::outbox_columns),
        id, to_ms(now));
    tx.commit();
    return rows::read_outbox(row{r, 0});
  });
}

// ---- the waiting list

result<waitlist_entry> pg_store::join_waitlist(row_id trip_id, row_id user_id, int count,
                                               sys_ms now, local_time now_local,
                                               int max_per_trip, int max_per_user) {
  if (count < 1 || count > max_group_seats) return code(errc::invalid_input);
  return run([&](connection& conn) -> result<waitlist_entry> {
    transaction tx(conn);
    // The trip row's lock (as a booking takes it) makes the trip's bound exact and two joins of
    // one user take turns; the user row's lock does the same for the user's bound. Always trip
    // first, then user, as create_booking does.
    if (conn.query("SELECT 1 FROM trips WHERE id = $1 FOR NO KEY UPDATE", trip_id).rows() == 0 ||
        conn.query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", user_id).rows() == 0)
      return code(errc::not_found);
    if (auto e = query_waitlist(conn, rows::waitlist_active_of_user, trip_id, user_id)) return *e;
    if (conn.query(wl(rows::waitlist_count_on_trip), trip_id).int64(0, 0) >= max_per_trip ||
        conn.query(wl(rows::waitlist_count_of_user), user_id, format_iso(now_local))
                .int64(0, 0) >= max_per_user)
      return code(errc::waitlist_full);
    auto id = conn.query(wl(rows::waitlist_insert) + " RETURNING id", trip_id, user_id, count,
                         to_ms(now))
                  .int64(0, 0);
    auto e = query_waitlist(conn, "w.id = @1", id);
    tx.commit();
    if (!e) throw store_error("new waiting list entry vanished");
    return std::move(*e);
  });
}

std::optional<waitlist_entry> pg_store::find_waitlist_entry(row_id trip_id, row_id user_id) {
  return run([&](connection& conn) {
    return query_waitlist(conn, rows::waitlist_active_of_user, trip_id, user_id);
  });
}

std::optional<waitlist_entry> pg_store::find_waitlist_entry_by_id(row_id entry_id) {
  return run([&](connection& conn) { return query_waitlist(conn, "w.id = @1", entry_id); });
}

std::optional<waitlist_entry> pg_store::leave_waitlist(row_id trip_id, row_id user_id) {
  return run([&](connection& conn) -> std::optional<waitlist_entry> {
    transaction tx(conn);
    // Locks the active entry (a matching step or a withdrawal changing it is waited for and
    // re-checked), then reads it as it is under the lock.
    auto locked = conn.query(
        "SELECT id FROM waitlist WHERE trip_id = $1 AND user_id = $2"
        " AND status IN ('waiting', 'offered') FOR UPDATE",
        trip_id, user_id);
    if (locked.rows() == 0) return std::nullopt;
    auto e = query_waitlist(conn, "w.id = @1", locked.int64(0, 0));
    if (!e) return std::nullopt;
    conn.query(wl(rows::waitlist_leave), e->id);
    tx.commit();
    return e;
  });
}

std::vector<waitlist_offer> pg_store::offer_waitlist_seats(row_id trip_id,
                                                           const std::vector<int>& held,
                                                           sys_ms now, local_time now_local,
                                                           std::chrono::milliseconds window,
                                                           const seat_chooser& choose) {
  return run([&](connection& conn) -> std::vector<waitlist_offer> {
    transaction tx(conn);
    // The trip row's lock, as create_booking and cancel_booking take it: bookings and other
    // matching steps of the trip (on any instance) wait, so the free seats stay free and no
    // entry is offered twice.
    auto trip_row =
        conn.query("SELECT departure_time FROM trips WHERE id = $1 FOR NO KEY UPDATE", trip_id);
    if (trip_row.rows() == 0 || column_time(trip_row, 0, 0) <= now_local) return {};
    conn.query(wl(rows::waitlist_lapse_expired), trip_id, to_ms(now));
    std::vector<int> unsold;
    auto r = conn.query(wl(rows::waitlist_unsold_seats), trip_id);
    for (int i = 0; i < r.rows(); ++i) unsold.push_back(r.int32(i, 0));
    std::vector<rows::running_offer> running;
    r = conn.query(wl(rows::waitlist_running_offers), trip_id);
    for (int i = 0; i < r.rows(); ++i)
      running.push_back({r.int64(i, 0), std::string(r.text(i, 1)),
                         sys_ms{std::chrono::milliseconds{r.int64(i, 2)}}});
    for (row_id id : rows::abandoned_offers(running, held, now, window))
      conn.query(wl(rows::waitlist_lapse_entry), id);
    std::vector<rows::queued_entry> queue;
    r = conn.query(wl(rows::waitlist_queue), trip_id);
    for (int i = 0; i < r.rows(); ++i)
      queue.push_back({r.int64(i, 0), r.int64(i, 1), r.int32(i, 2)});
    const auto chosen = rows::choose_waitlist_offers(
        rows::waitlist_free_seats(unsold, held, running), queue, choose);
    const sys_ms expires = now + window;
    std::vector<waitlist_offer> out;
    for (const auto& c : chosen) {
      conn.query(wl(rows::waitlist_make_offer), c.entry_id, rows::format_seat_list(c.seats),
                 to_ms(expires));
      out.push_back({c.entry_id, trip_id, c.user_id, c.seats, expires});
    }
    tx.commit();
    return out;
  });
}

bool pg_store::withdraw_waitlist_offer(row_id entry_id, sys_ms offer_expires_at) {
  return run([&](connection& conn) {
    return conn.query(wl(rows::waitlist_withdraw) + " RETURNING id", entry_id,
                      to_ms(offer_expires_at))
               .rows() > 0;
  });
}

bool pg_store::confirm_waitlist_offer(row_id entry_id, sys_ms offer_expires_at, sys_ms now) {
  return run([&](connection& conn) {
    transaction tx(conn);
    // The entry's row lock: a withdrawal or the lapse of the offer either came first (and the
    // check fails) or waits until the e-mail is written.
    if (conn.query(
                "SELECT 1 FROM waitlist WHERE id = $1 AND status = 'offered'"
                " AND offer_expires_at = $2 FOR UPDATE",
                entry_id, to_ms(offer_expires_at))
            .rows() == 0)
      return false;
    conn.query(wl(rows::waitlist_enqueue_offer_mail), entry_id, to_ms(now));
    tx.commit();
    return true;
  });
}

std::vector<row_id> pg_store::trips_to_match(sys_ms now, local_time now_local, int limit) {
  return run([&](connection& conn) {
    auto r = conn.query(wl(rows::waitlist_trips_to_match), to_ms(now), format_iso(now_local),
                        limit);
    std::vector<row_id> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.int64(i, 0));
    return out;
  });
}

std::optional<waitlist_offer_mail> pg_store::waitlist_offer_details(row_id entry_id) {
  return run([&](connection& conn) -> std::optional<waitlist_offer_mail> {
    // One snapshot: the entry, its user and its trip as of one moment.
    transaction tx(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    auto e = query_waitlist(conn, "w.id = @1", entry_id);
    if (!e) return std::nullopt;
    waitlist_offer_mail out;
    out.entry = std::move(*e);
    auto u = conn.query("SELECT email, username FROM users WHERE id = $1", out.entry.user_id);
    if (u.rows() == 0) return std::nullopt;
    out.email = std::string(u.text(0, 0));
    out.username = std::string(u.text(0, 1));
    auto t = conn.query(std::string(rows::trip_summary_select) + "WHERE t.id = $1",
                        out.entry.trip_id);
    if (t.rows() == 0) return std::nullopt;
    out.trip = rows::read_trip_summary(row{t, 0});
    tx.commit();
    return out;
  });
}

// ---- admin

analytics pg_store::compute_analytics(local_date today) {
  return run([&](connection& conn) {
    // One snapshot: every figure describes the same moment.
    transaction tx(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    analytics a;

    const local_date first = today - std::chrono::days{6};
    {
      // One range scan on bookings_created_at, grouped by day offset 0..6 from `first`.
      auto r = conn.query(
          "SELECT created_at::date - $1::date, coalesce(sum(price), 0) FROM bookings"
          " WHERE status = 'confirmed' AND created_at >= $1::timestamp"
          " AND created_at < $2::timestamp GROUP BY 1",
          day_start_iso(first), day_start_iso(today + std::chrono::days{1}));
      double amounts[7] = {};
      for (int i = 0; i < r.rows(); ++i) {
        std::int64_t offset = r.int64(i, 0);
        if (offset < 0 || offset > 6) throw store_error("analytics day outside the week");
        amounts[offset] = r.float64(i, 1);
      }
      for (int d = 0; d < 7; ++d) {
        a.trend.push_back({std::string(weekday_short(first + std::chrono::days{d})), amounts[d]});
      }
    }
    {
      // From the trips' sales counters. COLLATE "C": ties in revenue ordered by name bytes, as
      // SQLite does.
      auto r = conn.query(R"sql(
SELECT b.bus_name, sum(t.booked_seats), sum(t.revenue) AS revenue
FROM trips t JOIN buses b ON b.id = t.bus_id
WHERE t.booked_seats > 0
GROUP BY b.id, b.bus_name
ORDER BY revenue DESC, b.bus_name COLLATE "C"
LIMIT 5)sql");
      for (int i = 0; i < r.rows(); ++i)
        a.buses.push_back({std::string(r.text(i, 0)), r.int64(i, 1), r.float64(i, 2)});
    }
    {
      // One pass over the trips: booked seats and revenue from their sales counters; the seats
      // a trip has are its bus's total_seats (the import creates exactly those).
      auto r = conn.query(R"sql(
SELECT (SELECT count(*) FROM users), coalesce(sum(t.booked_seats), 0),
       coalesce(sum(b.total_seats), 0), coalesce(sum(t.revenue), 0)
FROM trips t JOIN buses b ON b.id = t.bus_id)sql");
      a.users = r.int64(0, 0);
      std::int64_t booked = r.int64(0, 1);
      std::int64_t seats = r.int64(0, 2);
      a.occupancy =
          seats == 0
              ? 0.0
              : std::round(1000.0 * static_cast<double>(booked) / static_cast<double>(seats)) /
                    10.0;
      a.revenue = r.float64(0, 3);
    }
    tx.commit();
    return a;
  });
}

bool pg_store::end_sessions(row_id user_id, sys_ms at) {
  return run([&](connection& conn) {
    transaction tx(conn);
    auto r = conn.query(
        "UPDATE users SET tokens_valid_after = greatest(tokens_valid_after, $2) WHERE id = $1"
        " RETURNING id",
        user_id, to_ms(at));
    tx.commit();
    return r.rows() > 0;
  });
}

bool pg_store::set_trip_ladies_rule(row_id trip_id, bool enabled) {
  return run([&](connection& conn) {
    // The trip row's lock, as a booking takes it: a booking in flight finishes under the old
    // setting, the next one sees the new.
    return conn.query("UPDATE trips SET ladies_rule = $2 WHERE id = $1 RETURNING id", trip_id,
                      enabled)
               .rows() > 0;
  });
}

// ---- revoked tokens

void pg_store::revoke_token(std::string_view token_id, sys_ms expires_at) {
  run([&](connection& conn) {
    transaction tx(conn);
    // Revoking twice keeps the later expiry: the token stays refused as long as it is valid.
    conn.query(
        "INSERT INTO revoked_tokens(token_id, expires_at) VALUES ($1, $2)"
        " ON CONFLICT (token_id) DO UPDATE SET"
        " expires_at = greatest(revoked_tokens.expires_at, excluded.expires_at)",
        token_id, to_ms(expires_at));
    tx.commit();
  });
}

std::vector<revoked_token> pg_store::prune_and_list_revocations(sys_ms now) {
  return run([&](connection& conn) {
    transaction tx(conn);
    conn.query("DELETE FROM revoked_tokens WHERE expires_at <= $1", to_ms(now));
    auto r = conn.query(
        "SELECT token_id, expires_at FROM revoked_tokens ORDER BY token_id COLLATE \"C\"");
    std::vector<revoked_token> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(revoked_token{std::string(r.text(i, 0)),
                                  sys_ms{std::chrono::milliseconds{r.int64(i, 1)}}});
    tx.commit();
    return out;
  });
}

}  // namespace seatd
