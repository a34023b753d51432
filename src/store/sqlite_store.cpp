#include "store/sqlite_store.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "domain/schedule_rules.hpp"
#include "domain/seat_picker.hpp"
#include "store/migrations.hpp"
#include "store/ticket_rows.hpp"
#include "store/waitlist_rows.hpp"

namespace seatd {
namespace {

using sqlite::connection;
using sqlite::sqlite_error;
using sqlite::statement;
using sqlite::transaction;

using rows::day_start_iso;
using rows::default_bus_seats;
using rows::now_utc_iso;

boost::system::error_code code(errc e) { return make_error_code(e); }

local_time column_time(const statement& st, int col) {
  std::string text = st.column_text(col);
  auto t = parse_iso(text);
  if (!t) throw store_error("malformed time in database: '" + text + "'");
  return *t;
}

std::int64_t to_ms(sys_ms t) { return t.time_since_epoch().count(); }

// The current row of a statement, as the readers of store/ticket_rows.hpp read it.
struct row {
  const statement& st;
  std::string text(int col) const { return st.column_text(col); }
  std::int64_t int64(int col) const { return st.column_int64(col); }
  int int32(int col) const { return st.column_int(col); }
  bool boolean(int col) const { return st.column_int64(col) != 0; }
  local_time time(int col) const { return column_time(st, col); }
  std::optional<std::string> optional_text(int col) const { return st.column_optional_text(col); }
  std::optional<int> optional_int32(int col) const { return st.column_optional_int(col); }
};

std::optional<user> query_user(connection& conn, std::string_view where, auto&&... args) {
  auto st = conn.prepare("SELECT " + std::string(rows::user_columns) + " FROM users WHERE " +
                         std::string(where));
  st.bind_all(args...);
  if (!st.step()) return std::nullopt;
  return rows::read_user(row{st});
}

std::vector<ticket> read_tickets(statement& st) {
  std::vector<ticket> out;
  while (st.step()) rows::add_ticket_row(out, row{st});
  return out;
}

std::optional<ticket> query_ticket(connection& conn, std::string_view booking_number) {
  auto st = conn.prepare(std::string(rows::ticket_select) +
                         "WHERE bk.booking_number = ?1 ORDER BY bk.seat_number");
  st.bind(1, booking_number);
  auto tickets = read_tickets(st);
  if (tickets.empty()) return std::nullopt;
  return std::move(tickets.front());
}

bool exists(connection& conn, std::string_view sql, auto&&... args) {
  auto st = conn.prepare(sql);
  st.bind_all(args...);
  return st.step();
}

std::int64_t scalar(connection& conn, std::string_view sql) {
  auto st = conn.prepare(sql);
  if (!st.step()) throw store_error("no row from " + std::string(sql));
  return st.column_int64(0);
}

// The shared waiting list SQL (store/waitlist_rows.hpp) in SQLite's parameter spelling.
std::string wl(std::string_view sql) { return rows::waitlist_sql(sql, '?'); }

std::int64_t count_of(connection& conn, std::string_view sql, auto&&... args) {
  auto st = conn.prepare(wl(sql));
  st.bind_all(args...);
  if (!st.step()) throw store_error("no row from " + std::string(sql));
  return st.column_int64(0);
}

// The entry matching `where` (waitlist_select's alias w, `@N` parameters).
std::optional<waitlist_entry> query_waitlist(connection& conn, std::string_view where,
                                             auto&&... args) {
  auto st = conn.prepare(wl(std::string(rows::waitlist_select) + "WHERE " + std::string(where)));
  st.bind_all(args...);
  if (!st.step()) return std::nullopt;
  return rows::read_waitlist_entry(row{st});
}

}  // namespace

sqlite_store::sqlite_store(sqlite_options options) : options_(std::move(options)) {
  std::size_t max_connections = options_.max_connections;
  if (options_.in_memory) {
    keeper_ = open_connection();
    apply_sqlite_migrations(*keeper_);
    max_connections = 1;
  } else {
    apply_sqlite_migrations(*open_connection());
  }
  sqlite::connection_pool::hooks hooks;
  hooks.open = [this] { return open_connection(); };
  hooks.recycle = [](sqlite::connection& c) {
    // A connection still inside a transaction would poison its next user: roll back, and
    // drop it if that does not work.
    if (!c.autocommit()) sqlite3_exec(c.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    return c.autocommit();
  };
  // Waits beyond the busy timeout mean the database is stuck: fail (503), do not hang.
  pool_ = std::make_unique<sqlite::connection_pool>(std::move(hooks), max_connections,
                                                    std::chrono::seconds(10), "SQLite");
}

sqlite_store::~sqlite_store() = default;

std::unique_ptr<connection> sqlite_store::open_connection() const {
  // NOMUTEX: the pool already guarantees one thread per connection at a time.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (options_.uri) flags |= SQLITE_OPEN_URI;
  return std::make_unique<connection>(options_.name, flags, !options_.in_memory);
}

// ---- users

result<user> sqlite_store::create_user(const new_user& u) {
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);
  try {
    conn->prepare(
            "INSERT INTO users(username, email, password_hash, is_admin, created_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(u.username, u.email, u.password_hash, u.is_admin ? 1 : 0, now_utc_iso())
        .run();
  } catch (const sqlite_error& e) {
    // The only unique key besides the rowid is lower(email): no read-then-insert race.
    if (e.is_unique_violation()) return code(errc::email_taken);
    throw;
  }
  user out;
  out.id = conn->last_insert_rowid();
  out.username = u.username;
  out.email = u.email;
  out.password_hash = u.password_hash;
  out.is_admin = u.is_admin;
  tx.commit();
  return out;
}

std::optional<user> sqlite_store::find_user_by_email(std::string_view email) {
  auto conn = pool_->acquire();
  return query_user(*conn, "lower(email) = lower(?1)", email);
}

std::optional<user> sqlite_store::find_user_by_id(row_id id) {
  auto conn = pool_->acquire();
  return query_user(*conn, "id = ?1", id);
}

result<user> sqlite_store::promote_admin(std::string_view email, std::string_view password_hash) {
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);
  conn->prepare("UPDATE users SET is_admin = 1, password_hash = ?2 WHERE lower(email) = lower(?1)")
      .bind_all(email, password_hash)
      .run();
  if (conn->changes() == 0) return code(errc::not_found);
  auto u = query_user(*conn, "lower(email) = lower(?1)", email);
  tx.commit();
  if (!u) throw store_error("promoted user vanished");
  return *u;
}

std::int64_t sqlite_store::count_users() {
  auto conn = pool_->acquire();
  return scalar(*conn, "SELECT count(*) FROM users");
}

int sqlite_store::schema_version() {
  auto conn = pool_->acquire();
  return int(scalar(*conn, "SELECT coalesce(max(version), 0) FROM schema_migrations"));
}

// ---- trips

std::vector<trip_summary> sqlite_store::search_trips(std::string_view source,
                                                     std::string_view destination, local_date day) {
  auto conn = pool_->acquire();
  const auto from = rows::city_params(source), to = rows::city_params(destination);
  // A half-open range on the raw column uses trips_departure_time; date(departure_time)
  // would scan every trip.
  auto st = conn->prepare(std::string(rows::trip_summary_select) + R"sql(
WHERE t.departure_time >= ?9 AND t.departure_time < ?10
  AND lower(t.source) IN (?1, ?2, ?3, ?4) AND lower(t.destination) IN (?5, ?6, ?7, ?8)
ORDER BY t.departure_time, t.id)sql");
  st.bind_all(from[0], from[1], from[2], from[3], to[0], to[1], to[2], to[3], day_start_iso(day),
              day_start_iso(day + std::chrono::days{1}));
  std::vector<trip_summary> out;
  while (st.step()) out.push_back(rows::read_trip_summary(row{st}));
  return out;
}

std::optional<trip> sqlite_store::find_trip(row_id id) {
  auto conn = pool_->acquire();
  auto st = conn->prepare(std::string(rows::trip_select) + "WHERE t.id = ?1");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return rows::read_trip(row{st});
}

std::vector<seat> sqlite_store::list_seats(row_id trip_id) {
  auto conn = pool_->acquire();
  auto st = conn->prepare(R"sql(
SELECT s.id, s.trip_id, s.seat_number,
       EXISTS (SELECT 1 FROM bookings bk WHERE bk.trip_id = s.trip_id
               AND bk.seat_number = s.seat_number AND bk.status = 'confirmed'),
       EXISTS (SELECT 1 FROM bookings bk WHERE bk.trip_id = s.trip_id
               AND bk.seat_number = s.seat_number AND bk.status = 'confirmed'
               AND bk.passenger_gender = 'Female')
       AND (SELECT t.ladies_rule FROM trips t WHERE t.id = s.trip_id)
FROM seats s WHERE s.trip_id = ?1 ORDER BY s.seat_number)sql");
  st.bind(1, trip_id);
  std::vector<seat> out;
  while (st.step()) {
    seat& s = out.emplace_back();
    s.id = st.column_int64(0);
    s.trip_id = st.column_int64(1);
    s.seat_number = st.column_int(2);
    s.is_booked = st.column_int64(3) != 0;
    s.booked_for_woman = st.column_int64(4) != 0;
  }
  return out;
}

std::vector<std::string> sqlite_store::list_cities() {
  auto conn = pool_->acquire();
  auto st =
      conn->prepare("SELECT source FROM trips UNION SELECT destination FROM trips ORDER BY 1");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.column_text(0));
  return out;
}

std::int64_t sqlite_store::count_trips() {
  auto conn = pool_->acquire();
  return scalar(*conn, "SELECT count(*) FROM trips");
}

std::vector<calendar_day> sqlite_store::trip_calendar(std::string_view source,
                                                      std::string_view destination,
                                                      local_date from, int days, local_time now) {
  auto conn = pool_->acquire();
  const auto src = rows::city_params(source), dst = rows::city_params(destination);
  // One query for the whole range; substr(…, 1, 10) of the stored ISO text is its day.
  auto st = conn->prepare(R"sql(
SELECT substr(t.departure_time, 1, 10) AS day, count(*), min(t.price)
FROM trips t JOIN buses b ON b.id = t.bus_id
WHERE t.departure_time >= ?9 AND t.departure_time < ?10 AND t.departure_time > ?11
  AND lower(t.source) IN (?1, ?2, ?3, ?4) AND lower(t.destination) IN (?5, ?6, ?7, ?8)
  AND t.booked_seats < b.total_seats
GROUP BY day ORDER BY day)sql");
  st.bind_all(src[0], src[1], src[2], src[3], dst[0], dst[1], dst[2], dst[3], day_start_iso(from),
              day_start_iso(from + std::chrono::days{days}), format_iso(now));
  std::vector<calendar_day> out;
  while (st.step()) {
    auto d = parse_date(st.column_text(0));
    if (!d) throw store_error("malformed day in database: '" + st.column_text(0) + "'");
    out.push_back({*d, st.column_int(1), st.column_int64(2)});
  }
  return out;
}

std::vector<route_summary> sqlite_store::list_routes(std::optional<std::string_view> source,
                                                     local_time now, int limit) {
  auto conn = pool_->acquire();
  const auto src = rows::city_params(source.value_or(""));
  auto st = conn->prepare(R"sql(
SELECT t.source, t.destination, min(t.departure_time), count(*)
FROM trips t
WHERE t.departure_time > ?1 AND (?2 = 0 OR lower(t.source) IN (?3, ?4, ?5, ?6))
GROUP BY t.source, t.destination
ORDER BY t.source, t.destination
LIMIT ?7)sql");
  st.bind_all(format_iso(now), source ? 1 : 0, src[0], src[1], src[2], src[3], limit);
  std::vector<route_summary> out;
  while (st.step())
    out.push_back({st.column_text(0), st.column_text(1), column_time(st, 2), st.column_int(3)});
  return out;
}

// ---- schedule import

result<import_summary> sqlite_store::import_schedule(const std::vector<schedule_row>& rows,
                                                     local_date today,
                                                     std::optional<local_date> week_of,
                                                     import_options options) {
  if (options.weeks < 1 || options.weeks > max_import_weeks) return code(errc::invalid_input);
  if (week_of && !import_week_allowed(today, *week_of)) return code(errc::invalid_input);
  auto conn = pool_->acquire();
  // The latest departure is read under the write lock, so two concurrent imports cannot
  // both choose the same week.
  transaction tx(*conn, transaction::mode::immediate);
  std::optional<local_time> latest;
  {
    auto st = conn->prepare("SELECT max(departure_time) FROM trips");
    if (st.step() && !st.column_is_null(0)) latest = column_time(st, 0);
  }
  import_summary summary;
  summary.dry_run = options.dry_run;
  summary.week_start = import_week_start(today, latest, week_of);
  {
    // Before any insert: which of the weeks had trips already.
    auto st = conn->prepare(
        "SELECT EXISTS (SELECT 1 FROM trips WHERE departure_time >= ?1 AND departure_time < ?2)");
    for (local_date w : rows::import_weeks(summary.week_start, options.weeks)) {
      summary.weeks.push_back({w, 0});
      st.bind_all(day_start_iso(w), day_start_iso(w + std::chrono::days{7}));
      if (st.step() && st.column_int64(0) != 0) summary.already_scheduled.push_back(w);
      st.reset();
    }
  }

  struct known_bus {
    row_id id;
    int total_seats;
  };
  std::unordered_map<std::string, known_bus> buses;
  auto find_bus = conn->prepare("SELECT id, total_seats FROM buses WHERE bus_name = ?1");
  auto insert_bus = conn->prepare(
      "INSERT INTO buses(bus_name, bus_number, bus_type, total_seats) VALUES (?1, ?1, ?2, ?3)");
  auto insert_trip = conn->prepare(
      "INSERT INTO trips(bus_id, source, destination, departure_time, arrival_time, price,"
      " service_type, operator) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  auto insert_seats = conn->prepare(
      "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?2)"
      " INSERT INTO seats(trip_id, seat_number) SELECT ?1, x FROM n");
  // A bus that already left at that minute before this import (an upload repeated into the
  // same week, a double-clicked upload) is not scheduled twice: the trip is skipped. Only trips
  // from before count: the file's own rows are the contract's (the real schedule has two rows
  // of one bus at one time, and the contract imports both). Imports take turns under the write
  // lock, so two at once cannot both miss it.
  std::int64_t last_trip_before = 0;
  {
    auto st = conn->prepare("SELECT COALESCE(max(id), 0) FROM trips");
    if (st.step()) last_trip_before = st.column_int64(0);
  }
  auto trip_exists = conn->prepare(
      "SELECT EXISTS (SELECT 1 FROM trips WHERE bus_id = ?1 AND departure_time = ?2"
      " AND id <= ?3)");
  try {
    for (import_week& week : summary.weeks) {
      for (const schedule_row& row : rows) {
        auto it = buses.find(row.bus_name);
        if (it == buses.end()) {
          find_bus.bind(1, row.bus_name);
          known_bus b{};
          if (find_bus.step()) {
            b = {find_bus.column_int64(0), find_bus.column_int(1)};
          } else {
            insert_bus.bind_all(row.bus_name, row.bus_type, default_bus_seats).run();
            b = {conn->last_insert_rowid(), default_bus_seats};
            ++summary.buses_created;
          }
          find_bus.reset();
          it = buses.emplace(row.bus_name, b).first;
        }
        placed_trip placed = place_trip(week.week_start, row);
        trip_exists.bind_all(it->second.id, format_iso(placed.departure), last_trip_before);
        const bool duplicate = trip_exists.step() && trip_exists.column_int64(0) != 0;
        trip_exists.reset();
        if (duplicate) continue;
        insert_trip
            .bind_all(it->second.id, row.source, row.destination, format_iso(placed.departure),
                      format_iso(placed.arrival), row.fare, row.service_type, row.operator_name)
            .run();
        insert_seats.bind_all(conn->last_insert_rowid(), it->second.total_seats).run();
        ++week.trips;
        ++summary.trips_created;
      }
    }
  } catch (const sqlite_error& e) {
    // A row the database refuses (CHECK, NOT NULL, ...) is bad input; the guard rolls the
    // whole import back.
    if (e.is_constraint()) return code(errc::invalid_input);
    throw;
  }
  // A dry run decided everything the same way; the guard rolls it back.
  if (!options.dry_run) tx.commit();
  return summary;
}

std::vector<schedule_week> sqlite_store::list_schedule_weeks(local_time now, int limit) {
  auto conn = pool_->acquire();
  // date(…, 'weekday 0', '-6 days'): forward to the week's Sunday, back to its Monday.
  auto st = conn->prepare(R"sql(
SELECT * FROM (
  SELECT date(departure_time, 'weekday 0', '-6 days') AS week, count(*),
         count(DISTINCT bus_id), min(departure_time), max(departure_time),
         coalesce(sum(departure_time <= ?1), 0)
  FROM trips GROUP BY week ORDER BY week DESC LIMIT ?2)
ORDER BY week)sql");
  st.bind_all(format_iso(now), limit);
  std::vector<schedule_week> out;
  while (st.step()) {
    auto d = parse_date(st.column_text(0));
    if (!d) throw store_error("malformed week in database: '" + st.column_text(0) + "'");
    out.push_back({*d, st.column_int(1), st.column_int(2), column_time(st, 3), column_time(st, 4),
                   st.column_int(5)});
  }
  return out;
}

std::vector<trip_sales> sqlite_store::list_trips_between(local_time from, local_time to,
                                                         int limit) {
  auto conn = pool_->acquire();
  auto st = conn->prepare(std::string(rows::trip_sales_select) + R"sql(
WHERE t.departure_time >= ?1 AND t.departure_time < ?2
ORDER BY t.departure_time, t.id LIMIT ?3)sql");
  st.bind_all(format_iso(from), format_iso(to), limit);
  std::vector<trip_sales> out;
  while (st.step()) out.push_back(rows::read_trip_sales(row{st}));
  return out;
}

// ---- bookings

booking_outcome sqlite_store::create_booking(
    const booking_request& req, const std::function<std::string()>& next_booking_number) {
  booking_outcome out;
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);

  std::int64_t price = 0;
  int total_seats = 0;
  bool trip_ladies_rule = true;
  {
    auto st = conn->prepare(
        "SELECT t.price, b.total_seats, t.ladies_rule FROM trips t JOIN buses b ON b.id = t.bus_id"
        " WHERE t.id = ?1");
    st.bind(1, req.trip_id);
    if (!st.step()) {
      out.code = code(errc::not_found);
      return out;
    }
    price = st.column_int64(0);
    total_seats = st.column_int(1);
    trip_ladies_rule = st.column_int64(2) != 0;
  }
  if (!rows::valid_seats(req.seat_numbers, total_seats) ||
      !rows::valid_passengers(req.passengers, req.seat_numbers)) {
    out.code = code(errc::invalid_seats);
    return out;
  }
  if (!exists(*conn, "SELECT 1 FROM users WHERE id = ?1", req.user_id)) {
    out.code = code(errc::not_found);
    return out;
  }
  // Under the write lock this check is exact and names the seat; the partial unique index
  // below stays the final guard.
  {
    std::vector<int> taken_seats;
    std::vector<rows::sold_seat> sold;
    auto st = conn->prepare(
        "SELECT seat_number, passenger_gender FROM bookings"
        " WHERE trip_id = ?1 AND status = 'confirmed'");
    st.bind(1, req.trip_id);
    while (st.step()) {
      taken_seats.push_back(st.column_int(0));
      sold.push_back({st.column_int(0), st.column_optional_text(1)});
    }
    if (auto s = rows::first_taken(req.seat_numbers, taken_seats)) {
      out.code = code(errc::seat_booked);
      out.seat = *s;
      return out;
    }
    if (auto s = trip_ladies_rule ? rows::ladies_refusal(req, total_seats, sold) : std::nullopt) {
      out.code = code(errc::ladies_only);
      out.seat = *s;
      return out;
    }
  }

  const profile_update& p = req.profile;
  if (p.gender || p.age || p.phone_number) {
    // NULL parameters keep the stored value: only the fields the caller set change.
    conn->prepare(
            "UPDATE users SET gender = coalesce(?1, gender), age = coalesce(?2, age),"
            " phone_number = coalesce(?3, phone_number) WHERE id = ?4")
        .bind_all(p.gender, p.age, p.phone_number, req.user_id)
        .run();
  }

  // The write lock makes this check-then-insert safe.
  std::string number =
      rows::draw_booking_number(next_booking_number, [&conn](const std::string& candidate) {
        return exists(*conn, "SELECT 1 FROM bookings WHERE booking_number = ?1 LIMIT 1",
                      candidate);
      });

  auto insert = conn->prepare(
      "INSERT INTO bookings(booking_number, user_id, trip_id, seat_number, status, price,"
      " created_at, passenger_name, passenger_age, passenger_gender)"
      " VALUES (?1, ?2, ?3, ?4, 'confirmed', ?5, ?6, ?7, ?8, ?9)");
  const std::string created_at = format_iso(req.created_at);
  auto refused = rows::insert_seats(req.seat_numbers, [&](int s) {
    const passenger none;
    const passenger* p = rows::passenger_for(req.passengers, s);
    if (!p) p = &none;
    try {
      insert.bind_all(number, req.user_id, req.trip_id, s, price, created_at, p->name, p->age,
                      p->gender)
          .run();
      return true;
    } catch (const sqlite_error& e) {
      if (!e.is_unique_violation()) throw;
      return false;
    }
  });
  if (refused) {
    out.code = code(errc::seat_booked);  // the guard rolls back the seats already inserted
    out.seat = *refused;
    return out;
  }
  const auto seats = static_cast<std::int64_t>(req.seat_numbers.size());
  conn->prepare(rows::sales_after_booking("?1", "?2", "?3"))
      .bind_all(req.trip_id, seats, price * seats)
      .run();
  // A buyer booking while seats are offered to them has taken the offer.
  conn->prepare(wl(rows::waitlist_accept)).bind_all(req.trip_id, req.user_id).run();
  enqueue_mail(*conn, mail_kind::booking_confirmation, number, req.now);
  tx.commit();
  out.booking_number = std::move(number);
  return out;
}

std::vector<ticket> sqlite_store::list_tickets(row_id user_id) {
  auto conn = pool_->acquire();
  auto st = conn->prepare(std::string(rows::ticket_select) + rows::tickets_of_user("?1"));
  st.bind(1, user_id);
  return read_tickets(st);
}

std::optional<ticket> sqlite_store::find_ticket(std::string_view booking_number) {
  auto conn = pool_->acquire();
  return query_ticket(*conn, booking_number);
}

result<ticket> sqlite_store::cancel_booking(std::string_view booking_number, sys_ms now) {
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);
  auto t = query_ticket(*conn, booking_number);
  if (!t) return code(errc::not_found);
  if (t->status == booking_status::cancelled) return code(errc::already_cancelled);
  conn->prepare(rows::sales_before_cancel("?1")).bind(1, booking_number).run();
  conn->prepare(
          "UPDATE bookings SET status = 'cancelled'"
          " WHERE booking_number = ?1 AND status = 'confirmed'")
      .bind(1, booking_number)
      .run();
  enqueue_mail(*conn, mail_kind::booking_cancellation, booking_number, now);
  tx.commit();
  return std::move(*t);
}

std::vector<ticket> sqlite_store::list_trip_tickets(row_id trip_id) {
  auto conn = pool_->acquire();
  auto st = conn->prepare(std::string(rows::ticket_select) + rows::tickets_of_trip("?1"));
  st.bind(1, trip_id);
  return read_tickets(st);
}

booking_page sqlite_store::list_bookings(const booking_filter& f) {
  auto conn = pool_->acquire();
  // One read transaction: the count and the page describe the same moment.
  transaction tx(*conn, transaction::mode::deferred);
  std::optional<std::string_view> status;
  if (f.status) status = to_string(*f.status);
  // The bookings that match, one row each (a booking is one number over several seat rows).
  const std::string matched = R"sql(
WITH matched AS (
  SELECT bk.booking_number, max(bk.created_at) AS created_at, min(bk.id) AS first_id
  FROM bookings bk JOIN users u ON u.id = bk.user_id
  WHERE (?1 = '' OR upper(bk.booking_number) LIKE ?2 ESCAPE '\'
         OR lower(u.email) LIKE ?3 ESCAPE '\')
    AND (?4 IS NULL OR bk.status = ?4)
  GROUP BY bk.booking_number)
)sql";
  booking_page page;
  {
    auto st = conn->prepare(matched + "SELECT count(*) FROM matched");
    st.bind_all(f.query, rows::like_prefix_upper(f.query), rows::like_substring_lower(f.query),
                status);
    st.step();
    page.total = st.column_int64(0);
  }
  {
    auto st = conn->prepare(matched + std::string(rows::ticket_select) + R"sql(
JOIN (SELECT booking_number, created_at, first_id FROM matched
      ORDER BY created_at DESC, first_id DESC LIMIT ?5 OFFSET ?6) g
  ON g.booking_number = bk.booking_number
ORDER BY g.created_at DESC, g.first_id DESC, bk.seat_number)sql");
    st.bind_all(f.query, rows::like_prefix_upper(f.query), rows::like_substring_lower(f.query),
                status, f.limit, f.offset);
    page.bookings = read_tickets(st);
  }
  tx.commit();
  return page;
}

// ---- boarding

result<checkin_outcome> sqlite_store::check_in(std::string_view booking_number, row_id trip_id,
                                               sys_ms now) {
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);
  auto t = query_ticket(*conn, booking_number);
  if (!t) return code(errc::not_found);
  if (t->status == booking_status::cancelled) return code(errc::booking_cancelled);
  if (t->trip.id != trip_id) return code(errc::wrong_trip);
  conn->prepare(
          "UPDATE bookings SET boarded_at = ?2"
          " WHERE booking_number = ?1 AND status = 'confirmed' AND boarded_at IS NULL")
      .bind_all(booking_number, to_ms(now))
      .run();
  const bool already = conn->changes() == 0;
  auto after = query_ticket(*conn, booking_number);
  tx.commit();
  if (!after) throw store_error("checked-in booking vanished");
  return rows::checkin_of(std::move(*after), already, now);
}

// ---- outbox

void sqlite_store::enqueue_mail(connection& conn, mail_kind kind, std::string_view booking_number,
                                sys_ms now) {
  conn.prepare(
          "INSERT INTO outbox(kind, booking_number, created_at, next_attempt_at)"
          " VALUES (?1, ?2, ?3, ?3)")
      .bind_all(std::string_view(to_string(kind)), booking_number, to_ms(now))
      .run();
}

std::vector<outbox_message> sqlite_store::claim_outbox(std::string_view owner, sys_ms now,
                                                       std::chrono::milliseconds lease,
                                                       int limit) {
  auto conn = pool_->acquire();
  // The write lock makes select-then-update one step: no other claimer sees these rows free.
  transaction tx(*conn, transaction::mode::immediate);
  std::vector<row_id> ids;
  {
    auto st = conn->prepare(
        "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?1"
        " AND (lease_until IS NULL OR lease_until <= ?1) ORDER BY next_attempt_at, id LIMIT ?2");
    st.bind_all(to_ms(now), limit);
    while (st.step()) ids.push_back(st.column_int64(0));
  }
  std::vector<outbox_message> out;
  auto claim = conn->prepare(
      "UPDATE outbox SET lease_owner = ?2, lease_until = ?3, attempts = attempts + 1"
      " WHERE id = ?1");
  auto read = conn->prepare("SELECT " + std::string(rows::outbox_columns) +
                            " FROM outbox WHERE id = ?1");
  for (row_id id : ids) {
    claim.bind_all(id, owner, to_ms(now + lease)).run();
    claim.reset();
    read.bind(1, id);
    if (read.step()) out.push_back(rows::read_outbox(row{read}));
    read.reset();
  }
  tx.commit();
  return out;
}

bool sqlite_store::outbox_sent(row_id id, std::string_view owner, sys_ms now) {
  auto conn = pool_->acquire();
  conn->prepare(
          "UPDATE outbox SET status = 'sent', sent_at = ?3, lease_owner = NULL,"
          " lease_until = NULL, last_error = '' WHERE id = ?1 AND lease_owner = ?2"
          " AND status = 'pending'")
      .bind_all(id, owner, to_ms(now))
      .run();
  return conn->changes() > 0;
}

bool sqlite_store::outbox_failed(row_id id, std::string_view owner, std::string_view error,
                                 std::optional<sys_ms> retry_at) {
  auto conn = pool_->acquire();
  std::optional<std::int64_t> retry;
  if (retry_at) retry = to_ms(*retry_at);
  conn->prepare(
          "UPDATE outbox SET status = CASE WHEN ?4 IS NULL THEN 'failed' ELSE 'pending' END,"
          " next_attempt_at = coalesce(?4, next_attempt_at), last_error = ?3,"
          " lease_owner = NULL, lease_until = NULL"
          " WHERE id = ?1 AND lease_owner = ?2 AND status = 'pending'")
      .bind_all(id, owner, error, retry)
      .run();
  return conn->changes() > 0;
}

std::vector<outbox_message> sqlite_store::list_outbox(std::optional<outbox_status> status,
                                                      int limit) {
  auto conn = pool_->acquire();
  std::optional<std::string_view> wanted;
  if (status) wanted = to_string(*status);
  auto st = conn->prepare("SELECT " + std::string(rows::outbox_columns) +
                          " FROM outbox WHERE ?1 IS NULL OR status = ?1 ORDER BY id DESC LIMIT ?2");
  st.bind_all(wanted, limit);
  std::vector<outbox_message> out;
  while (st.step()) out.push_back(rows::read_outbox(row{st}));
  return out;
}

outbox_counts sqlite_store::count_outbox() {
  auto conn = pool_->acquire();
  auto st = conn->prepare(
      "SELECT coalesce(sum(status = 'pending'), 0), coalesce(sum(status = 'failed'), 0),"
      " coalesce(sum(status = 'sent'), 0) FROM outbox");
  st.step();
  return {st.column_int64(0), st.column_int64(1), st.column_int64(2)};
}

result<outbox_message> sqlite_store::resend_outbox(row_id id, sys_ms now) {
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);
  auto read = [&]() -> std::optional<outbox_message> {
    auto st = conn->prepare("SELECT " + std::string(rows::outbox_columns) +
                            " FROM outbox WHERE id = ?1");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return rows::read_outbox(row{st});
  };
  auto m = read();
  if (!m) return code(errc::not_found);
  if (m->status == outbox_status::pending) return code(errc::invalid_input);
  conn->prepare(
          "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?2,"
          " sent_at = NULL, last_error = '', lease_owner = NULL, lease_until = NULL"
          " WHERE id = ?1")
      .bind_all(id, to_ms(now))
      .run();
  m = read();
  tx.commit();
  return std::move(*m);
}

// ---- the waiting list

result<waitlist_entry> sqlite_store::join_waitlist(row_id trip_id, row_id user_id, int count,
                                                   sys_ms now, local_time now_local,
                                                   int max_per_trip, int max_per_user) {
  if (count < 1 || count > max_group_seats) return code(errc::invalid_input);
  auto conn = pool_->acquire();
  // Under the write lock the bounds are exact and two joins of one user cannot both insert.
  transaction tx(*conn, transaction::mode::immediate);
  if (!exists(*conn, "SELECT 1 FROM trips WHERE id = ?1", trip_id) ||
      !exists(*conn, "SELECT 1 FROM users WHERE id = ?1", user_id))
    return code(errc::not_found);
  if (auto e = query_waitlist(*conn, rows::waitlist_active_of_user, trip_id, user_id)) return *e;
  if (count_of(*conn, rows::waitlist_count_on_trip, trip_id) >= max_per_trip ||
      count_of(*conn, rows::waitlist_count_of_user, user_id, format_iso(now_local)) >=
          max_per_user)
    return code(errc::waitlist_full);
  conn->prepare(wl(rows::waitlist_insert)).bind_all(trip_id, user_id, count, to_ms(now)).run();
  auto e = query_waitlist(*conn, "w.id = @1", conn->last_insert_rowid());
  tx.commit();
  if (!e) throw store_error("new waiting list entry vanished");
  return std::move(*e);
}

std::optional<waitlist_entry> sqlite_store::find_waitlist_entry(row_id trip_id, row_id user_id) {
  auto conn = pool_->acquire();
  return query_waitlist(*conn, rows::waitlist_active_of_user, trip_id, user_id);
}

std::optional<waitlist_entry> sqlite_store::find_waitlist_entry_by_id(row_id entry_id) {
  auto conn = pool_->acquire();
  return query_waitlist(*conn, "w.id = @1", entry_id);
}

std::optional<waitlist_entry> sqlite_store::leave_waitlist(row_id trip_id, row_id user_id) {
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);
  auto e = query_waitlist(*conn, rows::waitlist_active_of_user, trip_id, user_id);
  if (!e) return std::nullopt;
  conn->prepare(wl(rows::waitlist_leave)).bind(1, e->id).run();
  tx.commit();
  return e;
}

std::vector<waitlist_offer> sqlite_store::offer_waitlist_seats(
    row_id trip_id, const std::vector<int>& held, sys_ms now, local_time now_local,
    std::chrono::milliseconds window, const seat_chooser& choose) {
  auto conn = pool_->acquire();
  // The write lock is the trip's lock here: bookings, cancellations and other matching steps
  // wait, so the free seats stay free and no entry is offered twice.
  transaction tx(*conn, transaction::mode::immediate);
  {
    auto st = conn->prepare("SELECT departure_time FROM trips WHERE id = ?1");
    st.bind(1, trip_id);
    if (!st.step() || column_time(st, 0) <= now_local) return {};
  }
  conn->prepare(wl(rows::waitlist_lapse_expired)).bind_all(trip_id, to_ms(now)).run();
  std::vector<int> unsold;
  {
    auto st = conn->prepare(wl(rows::waitlist_unsold_seats));
    st.bind(1, trip_id);
    while (st.step()) unsold.push_back(st.column_int(0));
  }
  std::vector<rows::running_offer> running;
  {
    auto st = conn->prepare(wl(rows::waitlist_running_offers));
    st.bind(1, trip_id);
    while (st.step())
      running.push_back({st.column_int64(0), st.column_text(1),
                         sys_ms{std::chrono::milliseconds{st.column_int64(2)}}});
  }
  {
    auto lapse = conn->prepare(wl(rows::waitlist_lapse_entry));
    for (row_id id : rows::abandoned_offers(running, held, now, window)) lapse.bind_all(id).run();
  }
  std::vector<rows::queued_entry> queue;
  {
    auto st = conn->prepare(wl(rows::waitlist_queue));
    st.bind(1, trip_id);
    while (st.step()) queue.push_back({st.column_int64(0), st.column_int64(1), st.column_int(2)});
  }
  const auto chosen =
      rows::choose_waitlist_offers(rows::waitlist_free_seats(unsold, held, running), queue, choose);
  const sys_ms expires = now + window;
  std::vector<waitlist_offer> out;
  auto offer = conn->prepare(wl(rows::waitlist_make_offer));
  for (const auto& c : chosen) {
    offer.bind_all(c.entry_id, rows::format_seat_list(c.seats), to_ms(expires)).run();
    out.push_back({c.entry_id, trip_id, c.user_id, c.seats, expires});
  }
  tx.commit();
  return out;
}

bool sqlite_store::withdraw_waitlist_offer(row_id entry_id, sys_ms offer_expires_at) {
  auto conn = pool_->acquire();
  conn->prepare(wl(rows::waitlist_withdraw)).bind_all(entry_id, to_ms(offer_expires_at)).run();
  return conn->changes() > 0;
}

bool sqlite_store::confirm_waitlist_offer(row_id entry_id, sys_ms offer_expires_at, sys_ms now) {
  auto conn = pool_->acquire();
  // The check and the e-mail in one transaction: an offer withdrawn or lapsed in between
  // sends nothing.
  transaction tx(*conn, transaction::mode::immediate);
  if (!exists(*conn,
              "SELECT 1 FROM waitlist WHERE id = ?1 AND status = 'offered'"
              " AND offer_expires_at = ?2",
              entry_id, to_ms(offer_expires_at)))
    return false;
  conn->prepare(wl(rows::waitlist_enqueue_offer_mail)).bind_all(entry_id, to_ms(now)).run();
  tx.commit();
  return true;
}

std::vector<row_id> sqlite_store::trips_to_match(sys_ms now, local_time now_local, int limit) {
  auto conn = pool_->acquire();
  auto st = conn->prepare(wl(rows::waitlist_trips_to_match));
  st.bind_all(to_ms(now), format_iso(now_local), limit);
  std::vector<row_id> out;
  while (st.step()) out.push_back(st.column_int64(0));
  return out;
}

std::optional<waitlist_offer_mail> sqlite_store::waitlist_offer_details(row_id entry_id) {
  auto conn = pool_->acquire();
  // One read transaction: the entry, its user and its trip as of one moment.
  transaction tx(*conn, transaction::mode::deferred);
  auto e = query_waitlist(*conn, "w.id = @1", entry_id);
  if (!e) return std::nullopt;
  waitlist_offer_mail out;
  out.entry = std::move(*e);
  {
    auto st = conn->prepare("SELECT email, username FROM users WHERE id = ?1");
    st.bind(1, out.entry.user_id);
    if (!st.step()) return std::nullopt;
    out.email = st.column_text(0);
    out.username = st.column_text(1);
  }
  {
    auto st = conn->prepare(std::string(rows::trip_summary_select) + "WHERE t.id = ?1");
    st.bind(1, out.entry.trip_id);
    if (!st.step()) return std::nullopt;
    out.trip = rows::read_trip_summary(row{st});
  }
  tx.commit();
  return out;
}

// ---- admin

analytics sqlite_store::compute_analytics(local_date today) {
  auto conn = pool_->acquire();
  // One read transaction: every figure comes from the same snapshot.
  transaction tx(*conn, transaction::mode::deferred);
  analytics a;

  {
    auto st = conn->prepare(
        "SELECT coalesce(sum(price), 0) FROM bookings"
        " WHERE status = 'confirmed' AND created_at >= ?1 AND created_at < ?2");
    for (int back = 6; back >= 0; --back) {
      local_date d = today - std::chrono::days{back};
      st.bind_all(day_start_iso(d), day_start_iso(d + std::chrono::days{1}));
      st.step();
      a.trend.push_back({std::string(weekday_short(d)), st.column_double(0)});
      st.reset();
    }
  }
  {
    // From the trips' sales counters.
    auto st = conn->prepare(R"sql(
SELECT b.bus_name, sum(t.booked_seats), sum(t.revenue) AS revenue
FROM trips t JOIN buses b ON b.id = t.bus_id
WHERE t.booked_seats > 0
GROUP BY b.id, b.bus_name
ORDER BY revenue DESC, b.bus_name
LIMIT 5)sql");
    while (st.step())
      a.buses.push_back({st.column_text(0), st.column_int64(1), st.column_double(2)});
  }
  {
    // One pass over the trips: booked seats and revenue from their sales counters; the seats a
    // trip has are its bus's total_seats (the import creates exactly those).
    auto st = conn->prepare(R"sql(
SELECT (SELECT count(*) FROM users), coalesce(sum(t.booked_seats), 0),
       coalesce(sum(b.total_seats), 0), coalesce(sum(t.revenue), 0)
FROM trips t JOIN buses b ON b.id = t.bus_id)sql");
    st.step();
    a.users = st.column_int64(0);
    std::int64_t booked = st.column_int64(1);
    std::int64_t seats = st.column_int64(2);
    a.occupancy =
        seats == 0
            ? 0.0
            : std::round(1000.0 * static_cast<double>(booked) / static_cast<double>(seats)) / 10.0;
    a.revenue = st.column_double(3);
  }
  tx.commit();
  return a;
}

bool sqlite_store::end_sessions(row_id user_id, sys_ms at) {
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);
  conn->prepare(
          "UPDATE users SET tokens_valid_after = max(tokens_valid_after, ?2) WHERE id = ?1")
      .bind_all(user_id, to_ms(at))
      .run();
  const bool found = conn->changes() > 0;
  tx.commit();
  return found;
}

bool sqlite_store::set_trip_ladies_rule(row_id trip_id, bool enabled) {
  auto conn = pool_->acquire();
  conn->prepare("UPDATE trips SET ladies_rule = ?2 WHERE id = ?1")
      .bind_all(trip_id, std::int64_t(enabled ? 1 : 0))
      .run();
  return conn->changes() > 0;
}

// ---- revoked tokens

void sqlite_store::revoke_token(std::string_view token_id, sys_ms expires_at) {
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);
  // Revoking twice keeps the later expiry: the token stays refused as long as it is valid.
  conn->prepare(
          "INSERT INTO revoked_tokens(token_id, expires_at) VALUES (?1, ?2)"
          " ON CONFLICT(token_id) DO UPDATE SET"
          " expires_at = max(expires_at, excluded.expires_at)")
      .bind_all(token_id, to_ms(expires_at))
      .run();
  tx.commit();
}

std::vector<revoked_token> sqlite_store::prune_and_list_revocations(sys_ms now) {
  auto conn = pool_->acquire();
  transaction tx(*conn, transaction::mode::immediate);
  conn->prepare("DELETE FROM revoked_tokens WHERE expires_at <= ?1").bind(1, to_ms(now)).run();
  std::vector<revoked_token> out;
  {
    auto st = conn->prepare("SELECT token_id, expires_at FROM revoked_tokens ORDER BY token_id");
    while (st.step())
      out.push_back({st.column_text(0), sys_ms{std::chrono::milliseconds{st.column_int64(1)}}});
  }
  tx.commit();
  return out;
}

}  // namespace seatd
