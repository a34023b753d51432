#pragma once
// The database interface. SQLite (embedded default) and PostgreSQL implement it; one
// conformance suite (tests/store/store_conformance_test.cpp) runs against every implementation.
//
// Every method blocks: callers run them on the worker pool, never on an I/O thread.
// Implementations are safe to call from many threads at once (one connection per caller).
// Expected outcomes come back as error codes (domain/errc.hpp); exceptions mean a bug or a
// broken database (store_error).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/errc.hpp"
#include "domain/model.hpp"

namespace seatd {

// The database failed (I/O error, corruption, lost connection): not a business outcome.
class store_error : public unavailable_error {
 public:
  using unavailable_error::unavailable_error;
};

struct revoked_token {
  std::string token_id;
  sys_ms expires_at;
  bool operator==(const revoked_token&) const = default;
};

// What the connection pool has been through (for the metrics): callers that found no free
// connection and waited, callers that gave up after the acquire timeout (answered 503), and
// connections that could not be opened.
struct pool_stats {
  std::uint64_t waits = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t open_failures = 0;
  std::size_t open = 0;  // idle + leased
  std::size_t max_size = 0;
};

class store {
 public:
  virtual ~store() = default;
  // Thread-safe and cheap (no database round trip).
  virtual pool_stats connection_pool_stats() const = 0;

  // ---- users
  // errc::email_taken when the email exists (case-insensitive).
  virtual result<user> create_user(const new_user& u) = 0;
  virtual std::optional<user> find_user_by_email(std::string_view email) = 0;
  virtual std::optional<user> find_user_by_id(row_id id) = 0;
  // Makes an existing user admin (and sets the password hash). errc::not_found if absent.
  virtual result<user> promote_admin(std::string_view email, std::string_view password_hash) = 0;
  virtual std::int64_t count_users() = 0;
  // The latest migration applied to the database: one trivial query, for readiness checks
  // (a pool connection is taken, so a dead server shows as store_error).
  virtual int schema_version() = 0;

  // ---- trips
  // Cities match as domain/city_names.hpp says: any case, stray spaces, and a city's other
  // names (Bengaluru finds the trips the schedule lists under Bangalore).
  // Trips departing on `day` whose source and destination match, ordered by departure time.
  virtual std::vector<trip_summary> search_trips(std::string_view source,
                                                 std::string_view destination, local_date day) = 0;
  virtual std::optional<trip> find_trip(row_id id) = 0;
  // Ordered by seat number, each with whether it is sold to a "Female" passenger while the trip's
  // ladies' seat rule is on (set_trip_ladies_rule); empty when the trip does not exist.
  virtual std::vector<seat> list_seats(row_id trip_id) = 0;
  // Distinct cities that appear as source or destination, sorted.
  virtual std::vector<std::string> list_cities() = 0;
  virtual std::int64_t count_trips() = 0;
  // The route's days in [from, from + days): trips departing after `now` with a seat not sold
  // (confirmed bookings), counted per day with their lowest fare. One query for the range; days
  // without such trips are left out. Ordered by day.
  virtual std::vector<calendar_day> trip_calendar(std::string_view source,
                                                  std::string_view destination, local_date from,
                                                  int days, local_time now) = 0;
  // Routes with trips departing after `now` (only those from `source` when given), with their
  // next departure and count of such trips; ordered by source, then destination (byte order);
  // at most `limit`.
  virtual std::vector<route_summary> list_routes(std::optional<std::string_view> source,
                                                 local_time now, int limit) = 0;

  // The operator's per-trip switch of the ladies' seat rule (on for every trip unless switched
  // off here; create_booking applies it only when the trip's switch and req.ladies_rule are on).
  // False if the trip does not exist.
  virtual bool set_trip_ladies_rule(row_id trip_id, bool enabled) = 0;

  // ---- schedule import: all rows or none, in one transaction.
  // The week is chosen by domain/schedule_rules.hpp import_week_start() from `today`, the
  // operator's `week_of` (any day of the wanted week; nullopt: the contract's rule) and the
  // latest departure read inside the same transaction. A bus is created on first sight of its
  // name (bus_number = its name, total_seats 40); each trip gets its seats.
  // options.weeks (1..max_import_weeks) places the rows in that many consecutive weeks from
  // there; the summary names each week and those that had trips before. options.dry_run runs
  // the same transaction and rolls it back: the summary says what would have been added.
  // code: invalid_input (a row the database refuses, a `week_of` before the current week, or
  // weeks out of range).
  virtual result<import_summary> import_schedule(const std::vector<schedule_row>& rows,
                                                 local_date today,
                                                 std::optional<local_date> week_of,
                                                 import_options options = {}) = 0;
  // The timetable by week (Monday), oldest first: the newest `limit` weeks that have trips.
  // `departed` counts the trips whose departure is at or before `now`.
  virtual std::vector<schedule_week> list_schedule_weeks(local_time now, int limit) = 0;
  // Trips departing in [from, to), by departure then id, with their sales counters; at most
  // `limit`.
  virtual std::vector<trip_sales> list_trips_between(local_time from, local_time to,
                                                     int limit) = 0;

  // ---- bookings
  // All seats or none, in one transaction; the database's unique constraint on an active
  // booking per (trip, seat) is the last guard against a double booking.
  // code: not_found (trip or user), invalid_seats (a seat not on the trip, duplicate or empty
  // list), seat_booked (outcome.seat names the seat), ladies_only (req.ladies_rule and the trip's
  // own switch: outcome.seat
  // is beside a seat sold before to a woman and its passenger is not "Female"; checked inside the
  // transaction, so concurrent bookings cannot both pass). On success outcome.booking_number is set; it
  // is drawn from `next_booking_number` (retried when it collides with an existing one).
  // req.passengers, when given, are stored per seat. The same transaction writes the
  // booking's confirmation e-mail to the outbox, due at req.now.
  virtual booking_outcome create_booking(
      const booking_request& req, const std::function<std::string()>& next_booking_number) = 0;
  // The user's bookings, newest first.
  virtual std::vector<ticket> list_tickets(row_id user_id) = 0;
  virtual std::optional<ticket> find_ticket(std::string_view booking_number) = 0;
  // Marks a confirmed booking cancelled and frees its seats, and writes the cancellation
  // e-mail to the outbox (due at `now`), in one transaction. errc::not_found,
  // errc::already_cancelled. Returns the ticket as it was (its seats are now free).
  virtual result<ticket> cancel_booking(std::string_view booking_number, sys_ms now) = 0;
  // A trip's confirmed bookings (the boarding manifest), by first seat.
  virtual std::vector<ticket> list_trip_tickets(row_id trip_id) = 0;
  // Every account's bookings, newest first (created_at, then first row), a page of them:
  // filter.query matches a booking number from its start (any case) or a part of the account's
  // e-mail (any case), taken literally (no wildcards); an empty query matches all.
  virtual booking_page list_bookings(const booking_filter& filter) = 0;

  // ---- boarding
  // Marks every passenger of a confirmed booking of `trip_id` boarded at `now` (those who
  // boarded already keep their time). errc::not_found, errc::booking_cancelled,
  // errc::wrong_trip (the booking is for another trip).
  virtual result<checkin_outcome> check_in(std::string_view booking_number, row_id trip_id,
                                           sys_ms now) = 0;

  // ---- outbox (the e-mails bookings and cancellations send)
  // Claims up to `limit` pending messages due at `now` whose lease (if any) has run out: each
  // gets `owner` and a lease until now + lease, and one more attempt. Several instances never
  // claim the same message while its lease runs (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite:
  // its write lock). A claimer that dies mid-send leaves the lease to run out: the message is
  // claimed again, once.
  virtual std::vector<outbox_message> claim_outbox(std::string_view owner, sys_ms now,
                                                   std::chrono::milliseconds lease,
                                                   int limit) = 0;
  // The claimed message was sent. False if `owner` no longer holds its lease (it ran out and
  // another instance claimed it: that one will mark it).
  virtual bool outbox_sent(row_id id, std::string_view owner, sys_ms now) = 0;
  // The attempt failed: pending again from `retry_at`, or failed for good when `retry_at` is
  // nullopt. False if `owner` no longer holds the lease.
  virtual bool outbox_failed(row_id id, std::string_view owner, std::string_view error,
                             std::optional<sys_ms> retry_at) = 0;
  // The admin's view: newest first, optionally one status only.
  virtual std::vector<outbox_message> list_outbox(std::optional<outbox_status> status,
                                                  int limit) = 0;
  virtual outbox_counts count_outbox() = 0;
  // Makes a failed or sent message pending again, due at `now`, with its attempts reset.
  // errc::not_found; errc::invalid_input when it is pending already.
  virtual result<outbox_message> resend_outbox(row_id id, sys_ms now) = 0;

  // ---- admin
  virtual analytics compute_analytics(local_date today) = 0;

  // Logout everywhere: the user's tokens issued before `at` are refused from now on (the time
  // only moves forward). False if the user does not exist.
  virtual bool end_sessions(row_id user_id, sys_ms at) = 0;

  // ---- revoked tokens (logout): kept until the token would expire anyway.
  virtual void revoke_token(std::string_view token_id, sys_ms expires_at) = 0;
  // Revocations still in force at `now`, each with its token's expiry (to warm the in-memory
  // list at startup and after a Redis resubscribe); also drops the ones that lapsed.
  virtual std::vector<revoked_token> prune_and_list_revocations(sys_ms now) = 0;
};

// Opens the store a DATABASE_URL names: "sqlite:///path", "sqlite://:memory:", a plain path, or
// "postgresql://..." / "postgres://..." with seatd's own `pool_size=N` parameter (the accepted
// spellings are listed in store/open_store.cpp). Runs the numbered migrations (shared by both
// databases, store/migrations.cpp). Throws store_error on failure: a malformed URL, a database
// that cannot be opened or reached, or one migrated by a newer seatd.
std::unique_ptr<store> open_store(std::string_view database_url);

}  // namespace seatd
