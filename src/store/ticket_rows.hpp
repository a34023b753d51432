#pragma once
// What sqlite_store and pg_store share above their SQL dialects: the column lists both select,
// how a result row becomes a user, a trip, a search result or a ticket, and the steps of a
// booking that do not touch the database (seat validation, which taken seat to name, drawing an
// unused booking number).
//
// Readers take a row adapter: any type with
//   text(col) -> string-like, int64(col), int32(col), boolean(col), time(col) -> local_time,
//   optional_text(col) -> std::optional<std::string>, optional_int32(col) -> std::optional<int>
// (sqlite_store.cpp and pg_store.cpp each define one over their result type).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/local_time.hpp"
#include "domain/model.hpp"

namespace seatd::rows {

// Buses a schedule import creates get this many seats.
inline constexpr int default_bus_seats = 40;

// "YYYY-MM-DDTHH:MM:SS" of now (UTC, whole seconds) and of a day's midnight.
std::string now_utc_iso();
std::string day_start_iso(local_date d);
// A time stored as ms since the epoch, read as text (both dialects' optional_text of an
// integer column). store_error when it is not a number.
sys_ms parse_ms(std::string_view decimal);
// A row id read as text (a nullable id column's optional_text). store_error when it is not one.
row_id parse_row_id(std::string_view decimal);

// ---- users: read_user matches user_columns

inline constexpr std::string_view user_columns =
    "id, username, email, password_hash, is_admin, phone_number, age, gender, tokens_valid_after";

template <class Row>
user read_user(const Row& r) {
  user u;
  u.id = r.int64(0);
  u.username = r.text(1);
  u.email = r.text(2);
  u.password_hash = r.text(3);
  u.is_admin = r.boolean(4);
  u.phone_number = r.optional_text(5);
  u.age = r.optional_int32(6);
  u.gender = r.optional_text(7);
  u.tokens_valid_after_ms = r.int64(8);
  return u;
}

// ---- trips: read_trip matches trip_select, read_trip_summary the search's column list

inline constexpr std::string_view trip_select = R"sql(
SELECT t.id, t.bus_id, t.source, t.destination, t.departure_time, t.arrival_time, t.price,
       b.total_seats, b.bus_name, b.bus_type, t.operator
FROM trips t JOIN buses b ON b.id = t.bus_id
)sql";

template <class Row>
trip read_trip(const Row& r) {
  trip t;
  t.id = r.int64(0);
  t.bus_id = r.int64(1);
  t.source = r.text(2);
  t.destination = r.text(3);
  t.departure_time = r.time(4);
  t.arrival_time = r.time(5);
  t.price = r.int64(6);
  t.total_seats = r.int32(7);
  t.bus_name = r.text(8);
  t.bus_type = r.text(9);
  t.operator_name = r.text(10);
  return t;
}

// The search's columns; each store adds its own WHERE (the index each can use differs).
inline constexpr std::string_view trip_summary_select = R"sql(
SELECT t.id, b.bus_name, b.bus_type, t.source, t.destination, t.departure_time,
       t.arrival_time, t.price, b.total_seats,
       (SELECT count(*) FROM bookings bk WHERE bk.trip_id = t.id AND bk.status = 'confirmed'),
       t.operator
FROM trips t JOIN buses b ON b.id = t.bus_id
)sql";

template <class Row>
trip_summary read_trip_summary(const Row& r) {
  trip_summary s;
  s.trip_id = r.int64(0);
  s.bus_name = r.text(1);
  s.bus_type = r.text(2);
  s.source = r.text(3);
  s.destination = r.text(4);
  s.departure_time = r.time(5);
  s.arrival_time = r.time(6);
  s.price = r.int64(7);
  s.total_seats = r.int32(8);
  s.booked_seats = r.int32(9);
  s.operator_name = r.text(10);
  return s;
}

// trip_select's columns and the trip's sales counters: read_trip_sales.
inline constexpr std::string_view trip_sales_select = R"sql(
SELECT t.id, t.bus_id, t.source, t.destination, t.departure_time, t.arrival_time, t.price,
       b.total_seats, b.bus_name, b.bus_type, t.operator, t.booked_seats, t.revenue
FROM trips t JOIN buses b ON b.id = t.bus_id
)sql";

template <class Row>
trip_sales read_trip_sales(const Row& r) {
  trip_sales s;
  s.trip = read_trip(r);
  s.booked_seats = r.int32(11);
  s.revenue = r.int64(12);
  return s;
}

// ---- cities: the parameters of `lower(city) IN (p1, .., pN)`, N = max_city_spellings

// The spellings of a typed city (domain/city_names.hpp), padded to max_city_spellings by
// repeating the first, so each query's text (and prepared statement) stays one. Blank text:
// one impossible spelling (a city's stored name is never empty).
std::vector<std::string> city_params(std::string_view typed);

// ---- LIKE patterns that take the typed text literally (escape character '\')

// Rows whose upper-cased column starts with `text`: "ABC-12%" from "abc-12".
std::string like_prefix_upper(std::string_view text);
// Rows whose lower-cased column contains `text`: "%ann%" from "ANN".
std::string like_substring_lower(std::string_view text);

// ---- schedule import

// The weeks an import fills: `weeks` Mondays from `first`.
std::vector<local_date> import_weeks(local_date first, int weeks);

// ---- tickets: one row per booked seat, grouped by booking number by the caller's ORDER BY

inline constexpr std::string_view ticket_select = R"sql(
SELECT bk.booking_number, bk.user_id, bk.status, bk.created_at, bk.seat_number,
       t.id, t.bus_id, t.source, t.destination, t.departure_time, t.arrival_time, t.price,
       b.total_seats, u.username, u.phone_number, b.bus_name, b.bus_type, t.operator, u.email,
       bk.passenger_name, bk.passenger_age, bk.passenger_gender, bk.boarded_at
FROM bookings bk
JOIN trips t ON t.id = bk.trip_id
JOIN buses b ON b.id = t.bus_id
JOIN users u ON u.id = bk.user_id
)sql";

// The rest of list_tickets' query after ticket_select: a user's bookings, newest first (the
// first row id breaks created_at ties by insertion order, so the order is total). `param` is the
// dialect's spelling of the user id parameter ("?1", "$1").
std::string tickets_of_user(std::string_view param);

// Adds one row of ticket_select to `out`: a new ticket when its booking number differs from the
// last one's, else one more seat of the last ticket.
template <class Row>
void add_ticket_row(std::vector<ticket>& out, const Row& r) {
  std::string number(r.text(0));
  if (out.empty() || out.back().booking_number != number) {
    ticket& t = out.emplace_back();
    t.booking_number = std::move(number);
    t.user_id = r.int64(1);
    t.status = booking_status::cancelled;
    t.created_at = r.time(3);
    t.trip.id = r.int64(5);
    t.trip.bus_id = r.int64(6);
    t.trip.source = r.text(7);
    t.trip.destination = r.text(8);
    t.trip.departure_time = r.time(9);
    t.trip.arrival_time = r.time(10);
    t.trip.price = r.int64(11);
    t.trip.total_seats = r.int32(12);
    t.user_name = r.text(13);
    t.user_phone = r.optional_text(14);
    t.trip.bus_name = r.text(15);
    t.trip.bus_type = r.text(16);
    t.trip.operator_name = r.text(17);
    t.user_email = r.text(18);
  }
  ticket& t = out.back();
  // Cancelling flips every row of a booking together; one confirmed row means confirmed.
  if (r.text(2) == std::string_view("confirmed")) t.status = booking_status::confirmed;
  t.seats.push_back(r.int32(4));
  passenger& p = t.passengers.emplace_back();
  p.seat_no = t.seats.back();
  p.name = r.optional_text(19);
  p.age = r.optional_int32(20);
  p.gender = r.optional_text(21);
  if (auto boarded = r.optional_text(22)) p.boarded_at = parse_ms(*boarded);
}

// A booking's trip tickets in seat order: the manifest's ORDER BY after ticket_select.
std::string tickets_of_trip(std::string_view param);

// ---- outbox: read_outbox matches outbox_columns

inline constexpr std::string_view outbox_columns =
    "id, kind, booking_number, status, attempts, created_at, next_attempt_at, sent_at, "
    "last_error, waitlist_id";

mail_kind parse_mail_kind(std::string_view s);
outbox_status parse_outbox_status(std::string_view s);

template <class Row>
outbox_message read_outbox(const Row& r) {
  outbox_message m;
  m.id = r.int64(0);
  m.kind = parse_mail_kind(r.text(1));
  m.booking_number = r.text(2);
  m.status = parse_outbox_status(r.text(3));
  m.attempts = r.int32(4);
  m.created_at = sys_ms{std::chrono::milliseconds{r.int64(5)}};
  m.next_attempt_at = sys_ms{std::chrono::milliseconds{r.int64(6)}};
  if (auto sent = r.optional_text(7)) m.sent_at = parse_ms(*sent);
  m.last_error = r.text(8);
  if (auto entry = r.optional_text(9)) m.waitlist_id = parse_row_id(*entry);
  return m;
}

// A check-in's answer from the booking as it is after the scan: when nobody was left to
// board, the earlier boarding time (the earliest passenger's) instead of this scan's.
checkin_outcome checkin_of(ticket after, bool already_boarded, sys_ms now);

// Checks a booking request's passengers: empty, or exactly one per requested seat.
bool valid_passengers(const std::vector<passenger>& passengers, const std::vector<int>& seats);
// The passenger for `seat` in `passengers` (nullptr when none is given).
const passenger* passenger_for(const std::vector<passenger>& passengers, int seat);

// ---- per-trip sales counters (trips.booked_seats, trips.revenue; migration 2)

// Adds a new booking to its trip's counters: $1/?1 trip id, then seats, then amount.
std::string sales_after_booking(std::string_view trip, std::string_view seats,
                                std::string_view amount);
// Takes a confirmed booking off its trip's counters; run before its rows are marked cancelled.
// `number` is the dialect's spelling of the booking number parameter.
std::string sales_before_cancel(std::string_view number);

// ---- booking steps that do not touch the database

// True when `seats` is a non-empty list of distinct seats of a bus with `total_seats`.
bool valid_seats(std::vector<int> seats, int total_seats);

// The first seat of `requested`, in request order, that is in `taken` (the seat a refusal
// names); nullopt when none is.
std::optional<int> first_taken(const std::vector<int>& requested, const std::vector<int>& taken);

// The ladies' seat rule at booking, both stores alike: `sold` are the trip's confirmed seats with
// their stored passenger gender, read inside the booking's transaction (so two bookings cannot
// both pass). The first seat of req, in request order, that the rule refuses; nullopt when the
// booking may go ahead or req.ladies_rule is off. A seat without a passenger gender is not
// booked for a woman (neither in `sold` nor in the request).
struct sold_seat {
  int seat = 0;
  std::optional<std::string> gender;
};
std::optional<int> ladies_refusal(const booking_request& req, int total_seats,
                                  const std::vector<sold_seat>& sold);

// Inserts one booking row per seat, in request order, through `insert_one`, which returns false
// when the database's unique index on confirmed (trip, seat) refused the seat. Returns the seat
// refused first (the caller's transaction guard then rolls back the rows already inserted).
std::optional<int> insert_seats(const std::vector<int>& seats,
                                const std::function<bool(int)>& insert_one);

// Draws numbers from `next` until `in_use` says one is free. Several rows share a booking
// number, so the column cannot be UNIQUE: the caller makes the check exact (SQLite's write lock,
// an advisory lock on PostgreSQL). A generator that collides this often is broken, not unlucky:
// store_error after a few attempts.
std::string draw_booking_number(const std::function<std::string()>& next,
                                const std::function<bool(const std::string&)>& in_use);

}  // namespace seatd::rows
