#include "store/ticket_rows.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "domain/city_names.hpp"
#include "domain/ladies_seat_rule.hpp"
#include "store/store.hpp"

namespace seatd::rows {
namespace {

constexpr int booking_number_attempts = 8;

}  // namespace

std::string now_utc_iso() {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return format_iso(local_time{now.time_since_epoch()});
}

std::string day_start_iso(local_date d) { return format_iso(local_time{d}); }

std::vector<std::string> city_params(std::string_view typed) {
  auto out = city_spellings(typed);
  if (out.empty()) out.emplace_back("");
  out.resize(max_city_spellings, out.front());
  return out;
}

namespace {
std::string like_escaped(std::string_view text, bool upper) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    if (upper && c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    out += c;
  }
  return out;
}
}  // namespace

std::string like_prefix_upper(std::string_view text) { return like_escaped(text, true) + '%'; }
std::string like_substring_lower(std::string_view text) {
  return '%' + like_escaped(text, false) + '%';
}

std::vector<local_date> import_weeks(local_date first, int weeks) {
  std::vector<local_date> out;
  for (int i = 0; i < weeks; ++i) out.push_back(first + std::chrono::days{7 * i});
  return out;
}

bool valid_seats(std::vector<int> seats, int total_seats) {
  if (seats.empty()) return false;
  std::sort(seats.begin(), seats.end());
  if (std::adjacent_find(seats.begin(), seats.end()) != seats.end()) return false;
  return seats.front() >= 1 && seats.back() <= total_seats;
}

std::optional<int> first_taken(const std::vector<int>& requested, const std::vector<int>& taken) {
  for (int s : requested)
    if (std::find(taken.begin(), taken.end(), s) != taken.end()) return s;
  return std::nullopt;
}

std::optional<int> ladies_refusal(const booking_request& req, int total_seats,
                                  const std::vector<sold_seat>& sold) {
  if (!req.ladies_rule) return std::nullopt;
  std::vector<seat_occupant> before;
  for (const auto& s : sold) before.push_back({s.seat, is_female(s.gender)});
  std::vector<seat_occupant> party;
  for (int s : req.seat_numbers) {
    const passenger* p = passenger_for(req.passengers, s);
    party.push_back({s, p && is_female(p->gender)});
  }
  return refused_by_ladies_rule(coach_layout(total_seats), before, party);
}

std::string tickets_of_user(std::string_view param) {
  std::string sql = R"sql(
JOIN (SELECT booking_number, min(id) AS first_id FROM bookings WHERE user_id = @
      GROUP BY booking_number) g ON g.booking_number = bk.booking_number
WHERE bk.user_id = @
ORDER BY bk.created_at DESC, g.first_id DESC, bk.seat_number)sql";
  for (auto at = sql.find('@'); at != std::string::npos; at = sql.find('@', at))
    sql.replace(at, 1, param);
  return sql;
}

std::string tickets_of_trip(std::string_view param) {
  // Only confirmed bookings travel; the first seat orders the bookings on the manifest.
  std::string sql = R"sql(
JOIN (SELECT booking_number, min(seat_number) AS first_seat FROM bookings
      WHERE trip_id = @ AND status = 'confirmed' GROUP BY booking_number) g
  ON g.booking_number = bk.booking_number
WHERE bk.trip_id = @ AND bk.status = 'confirmed'
ORDER BY g.first_seat, bk.booking_number, bk.seat_number)sql";
  for (auto at = sql.find('@'); at != std::string::npos; at = sql.find('@', at))
    sql.replace(at, 1, param);
  return sql;
}

sys_ms parse_ms(std::string_view decimal) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(decimal.data(), decimal.data() + decimal.size(), v);
  if (ec != std::errc{} || p != decimal.data() + decimal.size())
    throw store_error("malformed time in database: '" + std::string(decimal) + "'");
  return sys_ms{std::chrono::milliseconds{v}};
}

row_id parse_row_id(std::string_view decimal) {
  row_id v = 0;
  auto [p, ec] = std::from_chars(decimal.data(), decimal.data() + decimal.size(), v);
  if (ec != std::errc{} || p != decimal.data() + decimal.size())
    throw store_error("malformed id in database: '" + std::string(decimal) + "'");
  return v;
}

mail_kind parse_mail_kind(std::string_view s) {
  if (s == "booking_confirmation") return mail_kind::booking_confirmation;
  if (s == "booking_cancellation") return mail_kind::booking_cancellation;
  if (s == "waitlist_offer") return mail_kind::waitlist_offer;
  throw store_error("unknown outbox kind in database: '" + std::string(s) + "'");
}

outbox_status parse_outbox_status(std::string_view s) {
  if (s == "pending") return outbox_status::pending;
  if (s == "sent") return outbox_status::sent;
  if (s == "failed") return outbox_status::failed;
  throw store_error("unknown outbox status in database: '" + std::string(s) + "'");
}

checkin_outcome checkin_of(ticket after, bool already_boarded, sys_ms now) {
  checkin_outcome out;
  out.already_boarded = already_boarded;
  out.boarded_at = now;
  if (already_boarded) {
    for (const auto& p : after.passengers)
      if (p.boarded_at && *p.boarded_at < out.boarded_at) out.boarded_at = *p.boarded_at;
  }
  out.booking = std::move(after);
  return out;
}

bool valid_passengers(const std::vector<passenger>& passengers, const std::vector<int>& seats) {
  if (passengers.empty()) return true;
  if (passengers.size() != seats.size()) return false;
  for (int s : seats) {
    int n = 0;
    for (const auto& p : passengers) n += p.seat_no == s;
    if (n != 1) return false;
  }
  return true;
}

const passenger* passenger_for(const std::vector<passenger>& passengers, int seat) {
  for (const auto& p : passengers)
    if (p.seat_no == seat) return &p;
  return nullptr;
}

std::string sales_after_booking(std::string_view trip, std::string_view seats,
                                std::string_view amount) {
  return "UPDATE trips SET booked_seats = booked_seats + " + std::string(seats) +
         ", revenue = revenue + " + std::string(amount) + " WHERE id = " + std::string(trip);
}

std::string sales_before_cancel(std::string_view number) {
  return R"sql(UPDATE trips SET booked_seats = booked_seats - s.n, revenue = revenue - s.amount
FROM (SELECT trip_id, count(*) AS n, sum(price) AS amount FROM bookings
      WHERE booking_number = )sql" +
         std::string(number) + R"sql( AND status = 'confirmed' GROUP BY trip_id) s
WHERE trips.id = s.trip_id)sql";
}

std::optional<int> insert_seats(const std::vector<int>& seats,
                                const std::function<bool(int)>& insert_one) {
  for (int s : seats)
    if (!insert_one(s)) return s;
  return std::nullopt;
}

std::string draw_booking_number(const std::function<std::string()>& next,
                                const std::function<bool(const std::string&)>& in_use) {
  for (int attempt = 0; attempt < booking_number_attempts; ++attempt) {
    std::string number = next();
    if (!in_use(number)) return number;
  }
  throw store_error("no unused booking number after " + std::to_string(booking_number_attempts) +
                    " attempts");
}

}  // namespace seatd::rows
