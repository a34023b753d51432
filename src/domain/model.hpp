#pragma once
// The data seatd keeps, as plain values. No I/O here.
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "domain/local_time.hpp"

namespace seatd {

// A database row id (users, buses, trips). Not `id_t`: POSIX has one in <sys/types.h>, and a
// file that sees both through `using namespace` could not say which it means.
using row_id = std::int64_t;

struct user {
  row_id id = 0;
  std::string username;
  std::string email;
  std::string password_hash;  // Argon2id string; never leaves the server
  bool is_admin = false;
  std::optional<std::string> phone_number;
  std::optional<int> age;
  std::optional<std::string> gender;
  // Logout everywhere: tokens issued before this (ms since the epoch) are refused; 0: none.
  std::int64_t tokens_valid_after_ms = 0;
};

struct new_user {
  std::string username;
  std::string email;
  std::string password_hash;
  bool is_admin = false;
};

struct profile_update {
  std::optional<std::string> gender;
  std::optional<int> age;
  std::optional<std::string> phone_number;
};

struct bus {
  row_id id = 0;
  std::string bus_name;
  std::string bus_number;
  std::string bus_type;  // "AC", "Non-AC", ...
  int total_seats = 40;
};

struct trip {
  row_id id = 0;
  row_id bus_id = 0;
  std::string source;
  std::string destination;
  local_time departure_time;
  local_time arrival_time;
  std::int64_t price = 0;
  int total_seats = 40;  // of the bus; seats are numbered 1..total_seats
  std::string bus_name;  // so a trip page or a ticket names its bus without a search
  std::string bus_type;
  std::string operator_name;  // the schedule's Operator column ("" when it had none)
};

// One row of /trips/search.
struct trip_summary {
  row_id trip_id = 0;
  std::string bus_name;
  std::string bus_type;
  std::string source;
  std::string destination;
  local_time departure_time;
  local_time arrival_time;
  std::int64_t price = 0;
  int total_seats = 0;
  int booked_seats = 0;  // seats with a confirmed booking
  std::string operator_name;  // the schedule's Operator column ("" when it had none)
};

// One day of a route's calendar (GET /trips/calendar): trips still to depart with a seat not
// sold, and the lowest of their fares. Days without such trips are left out.
struct calendar_day {
  local_date day;
  int trips = 0;
  std::int64_t lowest_fare = 0;
};

// A route with trips still to depart (GET /trips/routes).
struct route_summary {
  std::string source;
  std::string destination;
  local_time next_departure;
  int trips = 0;
};

// One week of the timetable (GET /admin/schedule/weeks).
struct schedule_week {
  local_date week_start;  // Monday
  int trips = 0;
  int buses = 0;
  local_time first_departure;
  local_time last_departure;
  int departed = 0;  // trips whose departure has passed
};

// A trip with its sales (GET /admin/trips): counters kept by every booking and cancellation.
struct trip_sales {
  seatd::trip trip;
  int booked_seats = 0;
  std::int64_t revenue = 0;
};

struct seat {
  row_id id = 0;
  row_id trip_id = 0;
  int seat_number = 0;
  bool is_booked = false;
  // Sold, its passenger is "Female", and the trip's ladies' seat rule is on (the operator's
  // per-trip switch).
  bool booked_for_woman = false;
};

enum class booking_status { confirmed, cancelled };
inline const char* to_string(booking_status s) {
  return s == booking_status::confirmed ? "confirmed" : "cancelled";
}

// Who travels on one seat of a booking. The original's body names nobody: then only seat_no
// is set (the booking's user travels, as far as the ticket knows).
struct passenger {
  int seat_no = 0;
  std::optional<std::string> name;
  std::optional<int> age;
  std::optional<std::string> gender;
  std::optional<sys_ms> boarded_at;  // checked in at the bus door
  bool operator==(const passenger&) const = default;
};

// One booking number groups the seats booked together.
struct ticket {
  std::string booking_number;
  row_id user_id = 0;
  seatd::trip trip;
  booking_status status = booking_status::confirmed;
  local_time created_at;
  std::vector<int> seats;  // ascending
  std::string user_name;   // for user_details
  std::optional<std::string> user_phone;
  std::string user_email;  // where its e-mails go
  std::vector<passenger> passengers;  // one per seat, in seat order
};

struct booking_request {
  row_id user_id = 0;
  row_id trip_id = 0;
  std::vector<int> seat_numbers;
  profile_update profile;  // saved on the user's profile in the same transaction
  local_time created_at;
  // Empty, or one per seat (any order; the caller checked they name exactly the seats).
  std::vector<passenger> passengers;
  sys_ms now{};  // when the booking's e-mail falls due
  // Apply the ladies' seat rule (domain/ladies_seat_rule) inside the booking's transaction,
  // where the seats sold before are exact: false when the operator switched it off.
  bool ladies_rule = false;
};

// The e-mails a booking sends, written by the same transaction as the booking (the outbox):
// no booking without its message, no message without its booking.
// waitlist_offer: seats held for someone on a trip's waiting list (outbox_message.waitlist_id
// names the entry; booking_number is empty).
enum class mail_kind { booking_confirmation, booking_cancellation, waitlist_offer };
inline const char* to_string(mail_kind k) {
  return k == mail_kind::booking_confirmation   ? "booking_confirmation"
         : k == mail_kind::booking_cancellation ? "booking_cancellation"
                                                : "waitlist_offer";
}
enum class outbox_status { pending, sent, failed };
inline const char* to_string(outbox_status s) {
  return s == outbox_status::pending ? "pending" : s == outbox_status::sent ? "sent" : "failed";
}

struct outbox_message {
  row_id id = 0;
  mail_kind kind = mail_kind::booking_confirmation;
  std::string booking_number;  // empty for a waitlist_offer
  row_id waitlist_id = 0;      // the entry a waitlist_offer is about; 0 otherwise
  outbox_status status = outbox_status::pending;
  int attempts = 0;  // claims so far (a claim that crashed counts)
  sys_ms created_at{};  // also the message's Date: a resend is the same message
  sys_ms next_attempt_at{};
  std::optional<sys_ms> sent_at;
  std::string last_error;
};

struct outbox_counts {
  std::int64_t pending = 0;  // includes the ones being sent
  std::int64_t failed = 0;
  std::int64_t sent = 0;
};

// What a check-in at the bus door came to.
struct checkin_outcome {
  ticket booking;  // its passengers with their boarded_at
  bool already_boarded = false;  // every passenger had boarded before this scan
  sys_ms boarded_at{};  // this scan's time, or the earlier one when already boarded
};

// What a booking attempt came to. On failure `code` says why and, for seat_booked,
// `seat` names the first conflicting seat.
struct booking_outcome {
  boost::system::error_code code;
  int seat = 0;
  std::string booking_number;
};

// One row of the operator's schedule, already validated by the importer.
struct schedule_row {
  int line = 0;                 // 1-based row in the source file (header is row 1)
  std::string operator_name;
  int weekday = 0;              // 0 = Monday .. 6 = Sunday
  std::string bus_name;
  std::string source;
  std::string destination;
  int departure_minutes = 0;    // minutes after midnight
  int arrival_minutes = 0;
  std::int64_t fare = 0;
  std::string service_type;
  std::string bus_type;
};

// How a schedule is placed: in `weeks` consecutive weeks from the chosen or contract's first
// one; a dry run decides everything the same way and writes nothing.
struct import_options {
  int weeks = 1;
  bool dry_run = false;
};

struct import_week {
  local_date week_start;  // Monday
  int trips = 0;
};

struct import_summary {
  int trips_created = 0;  // over all weeks (a dry run: would be created)
  int buses_created = 0;
  local_date week_start;  // Monday of the (first) week the trips were placed in
  std::vector<import_week> weeks;  // one per week, in order
  std::vector<local_date> already_scheduled;  // of those weeks, the ones that had trips before
  bool dry_run = false;
};

// The admin's bookings table (GET /admin/bookings).
struct booking_filter {
  std::string query;  // a booking number (whole or its start) or part of the account's e-mail
  std::optional<booking_status> status;
  int limit = 50;
  int offset = 0;
};
struct booking_page {
  std::int64_t total = 0;  // bookings matching, over all pages
  std::vector<ticket> bookings;  // newest first
};

// ---- the waiting list of a sold-out trip (issue 16)
// waiting: in the queue; offered: seats are held for the entry until offer_expires_at;
// accepted: the user booked on the trip while offered; lapsed: the offer ran out unanswered
// (the entry leaves the queue); left: the user left the queue.
enum class waitlist_status { waiting, offered, accepted, lapsed, left };
inline const char* to_string(waitlist_status s) {
  switch (s) {
    case waitlist_status::waiting: return "waiting";
    case waitlist_status::offered: return "offered";
    case waitlist_status::accepted: return "accepted";
    case waitlist_status::lapsed: return "lapsed";
    case waitlist_status::left: return "left";
  }
  return "waiting";
}

struct waitlist_entry {
  row_id id = 0;
  row_id trip_id = 0;
  row_id user_id = 0;
  int count = 1;  // seats wanted, 1..max_group_seats
  waitlist_status status = waitlist_status::waiting;
  sys_ms joined_at{};
  // Place in the trip's queue, 1-based, counting the active (waiting or offered) entries that
  // joined before it and itself; 0 once the entry is no longer active.
  int position = 0;
  std::vector<int> offered_seats;             // offered: the seats held for it, ascending
  std::optional<sys_ms> offer_expires_at;     // offered (and after: when the offer ran out)
  int offers = 0;                             // offers made to it so far (a withdrawn one counts)
};

// An offer the matching step made: `seats` are to be held for `user_id` until `expires_at`.
struct waitlist_offer {
  row_id entry_id = 0;
  row_id trip_id = 0;
  row_id user_id = 0;
  std::vector<int> seats;  // ascending
  sys_ms expires_at{};
};

// What the offer e-mail needs (store::waitlist_offer_details).
struct waitlist_offer_mail {
  waitlist_entry entry;
  std::string email;
  std::string username;
  trip_summary trip;
};

struct analytics_day {
  std::string day;  // "Mon"
  double amount = 0;
};
struct bus_performance {
  std::string name;
  std::int64_t tickets = 0;
  double revenue = 0;
};
struct analytics {
  std::vector<analytics_day> trend;  // 7 days, oldest first, ending today
  std::vector<bus_performance> buses;  // top 5 by revenue
  std::int64_t users = 0;
  double occupancy = 0;  // percent of seats on all trips with a confirmed booking
  double revenue = 0;
};

}  // namespace seatd
