// Boarding the bus (admin): GET /admin/trips/{trip_id}/manifest (JSON, or CSV with
// ?format=csv) and POST /admin/checkin {"code", "trip_id"?}.
#include <boost/json/array.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "api/auth_guard.hpp"
#include "api/json_fields.hpp"
#include "api/json_model.hpp"
#include "api/routes.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;
using awaitable_response = boost::asio::awaitable<net::response>;

namespace {

// One CSV field (RFC 4180): quoted when it needs to be. A leading =, +, - or @ would make a
// spreadsheet run it as a formula: a tab in front keeps it text (OWASP's CSV injection advice).
std::string csv_field(std::string_view v) {
  std::string s(v);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "\t");
  if (s.find_first_of(",\"\r\n\t") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// "HH:MM" of a time in the trips' local time (the departure city's), for "already boarded at".
std::string clock_time(sys_ms t) {
  auto local = to_local(t);
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(local - day)};
  return fmt::format("{:02}:{:02}", hms.hours().count(), hms.minutes().count());
}

awaitable_response manifest(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  auto trip_id = ctx.params.get_int("trip_id");
  auto format = ctx.query_param("format").value_or("json");
  if (format != "json" && format != "csv")
    co_return net::error_response(status::bad_request, "format is json or csv");
  auto t = co_await svc.pool.run([&svc, trip_id] { return svc.db.find_trip(trip_id); });
  if (!t) co_return net::error_response(status::not_found, "Trip not found");
  auto tickets =
      co_await svc.pool.run([&svc, trip_id] { return svc.db.list_trip_tickets(trip_id); });

  // Every seat of the bus, booked or not, in seat order.
  struct line {
    const ticket* booking = nullptr;
    const passenger* who = nullptr;
  };
  std::vector<line> seats(std::size_t(std::max(t->total_seats, 0)));
  int booked = 0, boarded = 0;
  for (const auto& tk : tickets) {
    for (const auto& p : tk.passengers) {
      if (p.seat_no < 1 || p.seat_no > t->total_seats) continue;
      seats[std::size_t(p.seat_no - 1)] = {&tk, &p};
      ++booked;
      boarded += p.boarded_at.has_value();
    }
  }
  auto name_of = [](const line& l) {
    return l.who->name ? *l.who->name : l.booking->user_name;
  };
  if (format == "csv") {
    std::string body = "seat_no,booking_number,passenger,age,gender,boarded,boarded_at\r\n";
    for (std::size_t i = 0; i < seats.size(); ++i) {
      const auto& l = seats[i];
      if (!l.booking) {
        body += fmt::format("{},,,,,,\r\n", i + 1);
        continue;
      }
      body += fmt::format("{},{},{},{},{},{},{}\r\n", i + 1, csv_field(l.booking->booking_number),
                          csv_field(name_of(l)), l.who->age ? std::to_string(*l.who->age) : "",
                          csv_field(l.who->gender.value_or("")),
                          l.who->boarded_at ? "yes" : "no",
                          l.who->boarded_at ? format_iso(to_local(*l.who->boarded_at)) : "");
    }
    net::response res{status::ok, 11};
    res.set(net::http::field::content_type, "text/csv; charset=utf-8");
    res.set(net::http::field::content_disposition,
            fmt::format("attachment; filename=\"manifest-trip-{}.csv\"", trip_id));
    res.body() = std::move(body);
    res.prepare_payload();
    co_return res;
  }
  json::array rows;
  for (std::size_t i = 0; i < seats.size(); ++i) {
    const auto& l = seats[i];
    if (!l.booking) {
      rows.push_back(json::object{{"seat_no", i + 1}, {"booked", false}});
      continue;
    }
    rows.push_back(json::object{
        {"seat_no", i + 1},
        {"booked", true},
        {"booking_number", l.booking->booking_number},
        {"passenger", name_of(l)},
        {"age", l.who->age ? json::value(*l.who->age) : json::value(nullptr)},
        {"gender", l.who->gender ? json::value(*l.who->gender) : json::value(nullptr)},
        {"boarded", l.who->boarded_at.has_value()},
        {"boarded_at", epoch_ms_or_null(l.who->boarded_at)}});
  }
  co_return net::json_response(status::ok, json::object{{"trip", trip_json(*t)},
                                                        {"booked", booked},
                                                        {"boarded", boarded},
                                                        {"seats", std::move(rows)}});
}

// A booking number as the contract draws them, typed by hand: letters, digits and dashes.
bool looks_like_booking_number(std::string_view s) {
  return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

awaitable_response checkin(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  json_fields f(ctx.req.body());
  auto code = f.required_string("code", 1, 200);
  auto at_trip = f.optional_int("trip_id", 1, INT64_MAX);  // the bus being boarded, if known
  if (!f.ok()) co_return f.error();

  // Hardware scanners end a read with CR or LF; people paste with spaces around.
  {
    auto& c = *code;
    const char* ws = " \t\r\n";
    c.erase(0, std::min(c.size(), c.find_first_not_of(ws)));
    c.erase(c.find_last_not_of(ws) + 1);
  }
  std::string number;
  std::optional<row_id> trip;
  if (code->starts_with("SB1.")) {
    // The QR's signed boarding code: it names the booking and its trip.
    if (!svc.boarding)
      co_return net::error_response(status::service_unavailable, "Boarding codes are off");
    auto claim = svc.boarding->verify(*code);
    if (!claim)
      co_return net::error_response(status::bad_request,
                                    "Not a valid boarding code: this ticket was not issued here");
    number = std::move(claim->booking_number);
    trip = claim->trip_id;
  } else {
    // A booking number typed by hand (upper case, as printed).
    std::string typed = *code;
    std::transform(typed.begin(), typed.end(), typed.begin(),
                   [](unsigned char c) { return char(std::toupper(c)); });
    if (!looks_like_booking_number(typed))
      co_return net::error_response(status::bad_request, "Not a booking number or boarding code");
    number = std::move(typed);
  }
  if (at_trip && trip && *at_trip != *trip)
    co_return net::error_response(
        status::conflict, fmt::format("This ticket is for another bus (trip {})", *trip));
  if (!trip) trip = at_trip;
  if (!trip) {
    // Typed without saying which bus: the booking's own trip.
    auto t = co_await svc.pool.run([&svc, &number] { return svc.db.find_ticket(number); });
    if (!t) co_return net::error_response(status::not_found, "Booking not found");
    trip = t->trip.id;
  }
  const auto now = svc.clk.now();
  const row_id trip_id = *trip;
  auto out = co_await svc.pool.run(
      [&svc, &number, trip_id, now] { return svc.db.check_in(number, trip_id, now); });
  if (!out) {
    if (out.error() == errc::booking_cancelled)
      co_return net::error_response(status::conflict, "This booking was cancelled: do not board");
    if (out.error() == errc::wrong_trip)
      co_return net::error_response(status::conflict, "This ticket is for another bus");
    co_return net::error_response(status::not_found, "Booking not found");
  }
  json::array passengers;
  for (const auto& p : out->booking.passengers)
    passengers.push_back(json::object{
        {"seat_no", p.seat_no},
        {"name", p.name ? *p.name : out->booking.user_name}});
  std::string message =
      out->already_boarded
          ? fmt::format("Already boarded at {}", clock_time(out->boarded_at))
          : fmt::format("Boarded: {} passenger{}", passengers.size(),
                        passengers.size() == 1 ? "" : "s");
  co_return net::json_response(status::ok,
                               json::object{{"booking_number", out->booking.booking_number},
                                            {"trip_id", out->booking.trip.id},
                                            {"already_boarded", out->already_boarded},
                                            {"boarded_at", epoch_ms(out->boarded_at)},
                                            {"message", message},
                                            {"passengers", std::move(passengers)}});
}

}  // namespace

void add_boarding_routes(net::router& r, services& svc) {
  using net::http::verb;
  r.add(verb::get, "/admin/trips/{trip_id:int}/manifest",
        [&svc](net::request_context& c) { return manifest(c, svc); });
  r.add(verb::post, "/admin/checkin", [&svc](net::request_context& c) { return checkin(c, svc); });
}

}  // namespace seatd::api
