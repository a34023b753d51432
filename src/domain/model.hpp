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
};

struct seat {
  row_id id = 0;
  row_id trip_id = 0;
  int seat_number = 0;
  bool is_booked = false;
};

enum class booking_status { confirmed, cancelled };
inline const char* to_string(booking_status s) {
  return s == booking_status::confirmed ? "confirmed" : "cancelled";
}

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
};

struct booking_request {
  row_id user_id = 0;
  row_id trip_id = 0;
  std::vector<int> seat_numbers;
  profile_update profile;  // saved on the user's profile in the same transaction
  local_time created_at;
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

struct import_summary {
  int trips_created = 0;
  int buses_created = 0;
  local_date week_start;  // Monday of the week the trips were placed in
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
