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

  // ---- the waiting list of a sold-out trip (issue 16). The queue lives here, so every
  // instance sees one queue; the matching step runs in one writing transaction under the
  // trip's lock (SQLite's write lock, PostgreSQL's trip row FOR UPDATE), so offers are made in
  // queue order and once, whichever instances run it at the same time.
  //
  // Joins the queue for `count` seats (1..max_group_seats: errc::invalid_input otherwise).
  // The user's active (waiting or offered) entry on the trip, when there is one, is answered
  // as it is (count unchanged). errc::not_found (trip or user); errc::waitlist_full when the
  // trip has max_per_trip active entries or the user has max_per_user active entries on
  // trips that have not departed at `now_local`.
  virtual result<waitlist_entry> join_waitlist(row_id trip_id, row_id user_id, int count,
                                               sys_ms now, local_time now_local,
                                               int max_per_trip, int max_per_user) = 0;
  // The user's active entry on the trip with its position; nullopt when there is none.
  virtual std::optional<waitlist_entry> find_waitlist_entry(row_id trip_id, row_id user_id) = 0;
  // The entry by id, active or not (position 0 when not active).
  virtual std::optional<waitlist_entry> find_waitlist_entry_by_id(row_id entry_id) = 0;
  // The active entry becomes `left`; it is returned as it was (an offered one names the seats
  // that were held for it, for the caller to release). nullopt when there was none.
  virtual std::optional<waitlist_entry> leave_waitlist(row_id trip_id, row_id user_id) = 0;
  // The matching step, in one writing transaction under the trip's lock:
  //  1. offered entries whose offer_expires_at <= now become `lapsed`;
  //  2. free = the trip's seats not in a confirmed booking, minus `held` (the hold engine's
  //     live holds, read by the caller just before), minus the seats of offers still running;
  //  3. waiting entries in queue order (joined first, then id): each whose count fits in
  //     `free` gets choose(free, count) (count seats of free, ascending) and becomes `offered`
  //     until now + window (offers + 1); its seats leave `free`. An entry that does not fit is
  //     passed over, keeping its place. Stops when free is empty.
  // Returns the offers made (none when the trip has departed at now_local or is unknown).
  using seat_chooser = std::function<std::vector<int>(const std::vector<int>& free, int count)>;
  virtual std::vector<waitlist_offer> offer_waitlist_seats(row_id trip_id,
                                                           const std::vector<int>& held,
                                                           sys_ms now, local_time now_local,
                                                           std::chrono::milliseconds window,
                                                           const seat_chooser& choose) = 0;
  // An offer whose seats could not be held (taken in the meantime): the entry is `waiting`
  // again, in its old place. False when the entry is no longer offered with that deadline.
  virtual bool withdraw_waitlist_offer(row_id entry_id, sys_ms offer_expires_at) = 0;
  // The offer's seats are held: its e-mail goes to the outbox (kind waitlist_offer, due at
  // `now`). False when the entry is no longer offered with that deadline (nothing written).
  virtual bool confirm_waitlist_offer(row_id entry_id, sys_ms offer_expires_at, sys_ms now) = 0;
  // Trips departing after now_local with a waiting entry or an offer that has run out at
  // `now` (the periodic sweep matches each), at most `limit`, by trip id.
  virtual std::vector<row_id> trips_to_match(sys_ms now, local_time now_local, int limit) = 0;
  // The offer e-mail's facts: the entry, its user's address and name, the trip.
  virtual std::optional<waitlist_offer_mail> waitlist_offer_details(row_id entry_id) = 0;
  // (create_booking also marks the buyer's `offered` entry on the trip `accepted`, in the
  // booking's transaction.)

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
