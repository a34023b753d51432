#include "store/migrations.hpp"

#include <chrono>
#include <string>

#include "domain/local_time.hpp"
#include "store/sqlite_connection.hpp"

namespace seatd {
namespace {

// Times are ISO 8601 text ("YYYY-MM-DDTHH:MM:SS"), which sorts chronologically, so range
// queries on an index over the raw column work without functions on the column.
constexpr std::string_view v1_sqlite = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL,
  email         TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  is_admin      INTEGER NOT NULL DEFAULT 0,
  phone_number  TEXT,
  age           INTEGER,
  gender        TEXT,
  created_at    TEXT NOT NULL
);
-- Emails are unique ignoring case but stored as the user typed them.
CREATE UNIQUE INDEX users_email_lower ON users(lower(email));

CREATE TABLE buses (
  id          INTEGER PRIMARY KEY,
  bus_name    TEXT NOT NULL UNIQUE,
  bus_number  TEXT NOT NULL,
  bus_type    TEXT NOT NULL,
  total_seats INTEGER NOT NULL DEFAULT 40 CHECK (total_seats BETWEEN 1 AND 100)
);

CREATE TABLE trips (
  id             INTEGER PRIMARY KEY,
  bus_id         INTEGER NOT NULL REFERENCES buses(id),
  source         TEXT NOT NULL,
  destination    TEXT NOT NULL,
  departure_time TEXT NOT NULL,
  arrival_time   TEXT NOT NULL,
  price          INTEGER NOT NULL CHECK (price >= 0),
  service_type   TEXT NOT NULL DEFAULT '',
  operator       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX trips_departure_time ON trips(departure_time);
CREATE INDEX trips_bus_id ON trips(bus_id);

CREATE TABLE seats (
  id          INTEGER PRIMARY KEY,
  trip_id     INTEGER NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
  seat_number INTEGER NOT NULL CHECK (seat_number >= 1),
  UNIQUE (trip_id, seat_number)
);

CREATE TABLE bookings (
  id             INTEGER PRIMARY KEY,
  booking_number TEXT NOT NULL,
  user_id        INTEGER NOT NULL REFERENCES users(id),
  trip_id        INTEGER NOT NULL REFERENCES trips(id),
  seat_number    INTEGER NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
  price          INTEGER NOT NULL,
  created_at     TEXT NOT NULL
);
-- The database's own guarantee that a seat is booked at most once: cancelled rows stay as
-- history and do not block the seat.
CREATE UNIQUE INDEX bookings_confirmed_seat ON bookings(trip_id, seat_number)
  WHERE status = 'confirmed';
CREATE INDEX bookings_booking_number ON bookings(booking_number);
CREATE INDEX bookings_user_id ON bookings(user_id);
CREATE INDEX bookings_created_at ON bookings(created_at);

-- expires_at: milliseconds since the Unix epoch.
CREATE TABLE revoked_tokens (
  token_id   TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens(expires_at);
)sql";

constexpr migration all[] = {
    {1, "initial schema", v1_sqlite},
};

std::string now_utc_iso() {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return format_iso(local_time{now.time_since_epoch()});
}

}  // namespace

std::span<const migration> migrations() { return all; }

void apply_sqlite_migrations(sqlite::connection& conn) {
  using sqlite::transaction;
  {
    transaction tx(conn, transaction::mode::immediate);
    conn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
    tx.commit();
  }
  for (const migration& m : migrations()) {
    transaction tx(conn, transaction::mode::immediate);
    // Checked under the write lock: a second process opening the same file at the same time
    // waits here and then sees the step as applied.
    auto applied = conn.prepare("SELECT 1 FROM schema_migrations WHERE version = ?1");
    applied.bind(1, m.version);
    bool done = applied.step();
    applied.reset();
    if (done) continue;  // the guard rolls back the empty transaction
    conn.exec(std::string(m.sqlite_sql).c_str());
    conn.prepare("INSERT INTO schema_migrations(version, applied_at) VALUES (?1, ?2)")
        .bind_all(m.version, now_utc_iso())
        .run();
    tx.commit();
  }
  // A database migrated by a newer seatd has tables this build does not understand.
  auto newest = conn.prepare("SELECT max(version) FROM schema_migrations");
  newest.step();
  if (!newest.column_is_null(0) && newest.column_int64(0) > migrations().back().version)
    throw store_error("database schema version " + std::to_string(newest.column_int64(0)) +
                      " is newer than this seatd supports (" +
                      std::to_string(migrations().back().version) + ")");
}

}  // namespace seatd
