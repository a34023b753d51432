// Holds and bookings: /bookings/lock-seat, /bookings/unlock-seat, /bookings/ (create),
// /bookings/my-tickets, /bookings/{booking_number}, /bookings/{booking_number}/cancel.
#include <boost/json/array.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "api/auth_guard.hpp"
#include "api/hold_guards.hpp"
#include "api/json_fields.hpp"
#include "api/json_model.hpp"
#include "api/person_name.hpp"
#include "api/routes.hpp"
#include "net/log_fields.hpp"
#include "domain/sale_window.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;
using awaitable_response = boost::asio::awaitable<net::response>;

namespace {

// Who asks about which seat of which trip, for lock and unlock: 401 without a valid token,
// 404 for an unknown trip, 400 for a seat the trip does not have.
struct seat_request {
  auth::claims who;
  row_id trip = 0;
  int seat = 0;
  realtime::trip_facts facts;
};

boost::asio::awaitable<std::variant<seat_request, net::response>> read_seat_request(
    net::request_context& ctx, services& svc) {
  auto who = co_await authenticate_user(ctx.req, svc);
  if (!who) co_return net::unauthorized();
  auto trip = ctx.params.get_int("trip_id");
  auto seat = ctx.params.get_int("seat_no");
  auto facts = co_await svc.catalog.get(trip);
  if (!facts) co_return net::error_response(status::not_found, "Trip not found");
  if (seat < 1 || seat > facts->total_seats)
    co_return net::error_response(status::bad_request, "Invalid seat number");
  co_return seat_request{std::move(*who), trip, int(seat), std::move(*facts)};
}

awaitable_response lock_seat(net::request_context& ctx, services& svc) {
  auto read = co_await read_seat_request(ctx, svc);
  if (auto* res = std::get_if<net::response>(&read)) co_return std::move(*res);
  const auto& r = std::get<seat_request>(read);
  if (r.facts.is_booked(r.seat))
    co_return net::error_response(status::bad_request,
                                  fmt::format("Seat {} already booked", r.seat));
  // One client (address) cannot sweep a bus in a second, whatever accounts it uses.
  if (auto refused = refuse_over_hold_rate(ctx, svc)) co_return std::move(*refused);
  // From the catalog: a lock costs no database read beyond the caller's user row.
  if (auto refused = refuse_outside_sale_window(r.facts.departure, svc))
    co_return std::move(*refused);
  auto held = co_await svc.holds.take(r.trip, r.seat, r.who.id);
  if (!held) {
    if (held.error() == errc::seat_occupied)
      co_return net::error_response(status::bad_request, "Seat occupied");
    if (held.error() == errc::seat_booked)  // sold through another instance a moment ago
      co_return net::error_response(status::bad_request,
                                    fmt::format("Seat {} already booked", r.seat));
    if (held.error() == errc::hold_limit)
      co_return net::error_response(
          status::bad_request, "You are holding the maximum number of seats on this trip");
    if (held.error() == errc::account_hold_limit)
      co_return net::error_response(
          status::bad_request, "You are holding the maximum number of seats across all trips");
    if (held.error() == errc::hold_cooldown)
      co_return net::error_response(
          status::bad_request,
          fmt::format("Your hold on seat {} just expired: please wait a moment before taking it "
                      "again",
                      r.seat));
    co_return engine_unavailable();
  }
  co_return net::json_response(status::ok,
                               {{"status", "locked"}, {"expires_at", epoch_ms(held->expires_at)}});
}

awaitable_response unlock_seat(net::request_context& ctx, services& svc) {
  auto read = co_await read_seat_request(ctx, svc);
  if (auto* res = std::get_if<net::response>(&read)) co_return std::move(*res);
  const auto& r = std::get<seat_request>(read);
  auto released = co_await svc.holds.release(r.trip, r.seat, r.who.id);
  if (!released) co_return engine_unavailable();
  co_return net::json_response(
      status::ok, {{"message", *released ? "Seat released" : "No action taken"}});
}

// The original's gender values, as its booking form offers them; any case is accepted.
std::optional<std::string> canonical_gender(std::string_view g) {
  for (const char* known : {"Female", "Male", "Other"}) {
    std::string_view k(known);
    if (g.size() == k.size() &&
        std::equal(g.begin(), g.end(), k.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return std::string(k);
  }
  return std::nullopt;
}

// "passengers": [{"seat_no", "name", "age", "gender"}], one per seat (beyond the original).
std::vector<passenger> read_passengers(json_fields& f) {
  std::vector<passenger> out;
  auto items = f.optional_object_list("passengers", 100);
  if (!items) return out;
  for (auto& item : *items) {
    passenger p;
    if (auto seat = item.required_int("seat_no", 1, 10'000)) p.seat_no = int(*seat);
    if (auto name = item.required_string("name", 1, 320)) {
      if (printable_name(*name, 80))
        p.name = std::move(*name);
      else
        item.fail("name", "a name is 1 to 80 printable characters", "value_error.name");
    }
    if (auto age = item.optional_int("age", 0, 120)) p.age = int(*age);
    if (auto g = item.optional_string("gender", 20)) {
      p.gender = canonical_gender(*g);
      if (!p.gender) item.fail("gender", "gender is Female, Male or Other", "value_error.gender");
    }
    f.absorb(item);
    out.push_back(std::move(p));
  }
  return out;
}

awaitable_response create_booking(net::request_context& ctx, services& svc) {
  auto who = co_await authenticate_user(ctx.req, svc);
  if (!who) co_return net::unauthorized();
  json_fields f(ctx.req.body());
  auto trip = f.required_int("trip_id", 1, INT64_MAX);
  auto seats = f.required_int_list("seat_numbers", 1, 100, INT32_MIN, INT32_MAX);
  booking_request req;
  req.profile.gender = f.optional_string("gender", 20);
  if (auto age = f.optional_int("age", 0, 150)) req.profile.age = int(*age);
  req.profile.phone_number = f.optional_string("phone_number", 32);
  req.passengers = read_passengers(f);
  if (!f.ok()) co_return f.error();

  auto facts = co_await svc.catalog.get(*trip);
  if (!facts) co_return net::error_response(status::not_found, "Trip not found");
  std::set<int> unique(seats->begin(), seats->end());
  if (unique.size() != seats->size() || *unique.begin() < 1 ||
      *unique.rbegin() > facts->total_seats)
    co_return net::error_response(status::bad_request, "Invalid seat numbers");
  for (int s : unique)
    if (facts->is_booked(s))
      co_return net::error_response(status::bad_request, fmt::format("Seat {} already booked", s));
  if (!req.passengers.empty()) {
    std::set<int> named;
    for (const auto& p : req.passengers) named.insert(p.seat_no);
    if (named != unique || req.passengers.size() != unique.size()) {
      f.fail("passengers", "name exactly one passenger for each seat in seat_numbers",
             "value_error.passengers");
      co_return f.error();
    }
  }
  if (auto refused = refuse_outside_sale_window(facts->departure, svc))
    co_return std::move(*refused);

  req.user_id = who->id;
  req.trip_id = *trip;
  req.seat_numbers.assign(unique.begin(), unique.end());
  req.ladies_rule = svc.cfg.ladies_seat_rule;
  auto outcome = co_await svc.bookings.book(std::move(req));
  if (outcome.code == errc::not_holder)
    co_return net::error_response(
        status::bad_request,
        fmt::format("Seat {} is not held by you: select it again before booking", outcome.seat));
  if (outcome.code == errc::unavailable) co_return engine_unavailable();
  if (outcome.code == errc::seat_booked)
    co_return net::error_response(status::bad_request,
                                  fmt::format("Seat {} already booked", outcome.seat));
  if (outcome.code == errc::invalid_seats)
    co_return net::error_response(status::bad_request, "Invalid seat numbers");
  // 409: the seat is free, but not for this passenger (name a "Female" passenger for it).
  if (outcome.code == errc::ladies_only)
    co_return net::error_response(
        status::conflict,
        fmt::format("Seat {} is beside a seat booked for a woman: for women only", outcome.seat));
  if (outcome.code) co_return net::error_response(status::not_found, "Trip not found");
  if (svc.mail_due) svc.mail_due();  // its confirmation is in the outbox now
  co_return net::json_response(status::created,
                               {{"success", true}, {"booking_number", outcome.booking_number}});
}

awaitable_response my_tickets(net::request_context& ctx, services& svc) {
  auto who = co_await authenticate_user(ctx.req, svc);
  if (!who) co_return net::unauthorized();
  auto user = who->id;
  auto tickets = co_await svc.pool.run([&svc, user] { return svc.db.list_tickets(user); });
  json::array out;
  for (const auto& t : tickets) out.push_back(ticket_json(t, false));
  co_return net::json_response(status::ok, out);
}

awaitable_response get_booking(net::request_context& ctx, services& svc) {
  auto who = co_await authenticate_user(ctx.req, svc);
  if (!who) co_return net::unauthorized();
  std::string number(ctx.params.get("booking_number"));
  auto t = co_await svc.pool.run([&svc, &number] { return svc.db.find_ticket(number); });
  // Someone else's booking is "not found": its existence is not the caller's business.
  if (!t || t->user_id != who->id)
    co_return net::error_response(status::not_found, "Booking not found");
  co_return net::json_response(status::ok, ticket_json(*t, true));
}

// The boarding pass: the booking's owner or an admin; anyone else gets the same 404 as for a
// booking that does not exist. Rendered on the rendering lane (milliseconds of CPU, never on
// an I/O thread; 503 when the lane is full); never cached by browsers or proxies (it carries a boarding code).
awaitable_response ticket_pdf(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, false);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  const auto& u = std::get<user>(who);
  if (!svc.documents) co_return net::error_response(status::not_found, "Not Found");
  std::string number(ctx.params.get("booking_number"));
  auto t = co_await svc.pool.run([&svc, &number] { return svc.db.find_ticket(number); });
  if (!t || (t->user_id != u.id && !u.is_admin))
    co_return net::error_response(status::not_found, "Booking not found");
  // Its own small lane: a client downloading passes in a loop (a pass with a non-Latin name
  // embeds a font and takes tens of milliseconds) must not slow bookings on the worker pool.
  auto& lane = svc.rendering ? *svc.rendering : svc.pool;
  auto pdf = co_await lane.run([&svc, &t] { return svc.documents->boarding_pass_pdf(*t); });
  if (!pdf) {
    net::scoped_log_fields fields(net::request_log_fields(ctx.req));
    spdlog::error("boarding pass for {}: {}", number, pdf.error().message());
    co_return net::error_response(status::service_unavailable,
                                  "The boarding pass cannot be made right now");
  }
  net::response res{status::ok, 11};
  res.set(net::http::field::content_type, "application/pdf");
  res.set(net::http::field::content_disposition,
          fmt::format("inline; filename=\"{}\"",
                      service::ticket_documents::boarding_pass_filename(t->booking_number)));
  res.set(net::http::field::cache_control, "no-store");
  res.body() = std::move(*pdf);
  res.prepare_payload();
  co_return res;
}

awaitable_response cancel_booking(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, false);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  const auto& u = std::get<user>(who);
  std::string number(ctx.params.get("booking_number"));
  auto t = co_await svc.pool.run([&svc, &number] { return svc.db.find_ticket(number); });
  if (!t || (t->user_id != u.id && !u.is_admin))
    co_return net::error_response(status::not_found, "Booking not found");
  // After departure the seat cannot be resold and the journey happened (or was missed):
  // not a cancellation any more. The cut-off does not apply: freeing a seat is always fine.
  if (has_departed(t->trip.departure_time, to_local(svc.clk.now())))
    co_return net::error_response(status::bad_request,
                                  "Trip has already departed: the booking cannot be cancelled");
  // Someone already rode on it: cancelling would resell a seat in use and erase the record of
  // who boarded. (A check-in racing this request in the same millisecond is not caught here.)
  for (const auto& p : t->passengers)
    if (p.boarded_at)
      co_return net::error_response(status::conflict,
                                    fmt::format("Seat {} has boarded: the booking cannot be cancelled", p.seat_no));
  auto cancelled = co_await svc.bookings.cancel(number);
  if (!cancelled) {
    if (cancelled.error() == errc::already_cancelled)
      co_return net::error_response(status::bad_request, "Booking already cancelled");
    co_return net::error_response(status::not_found, "Booking not found");
  }
  if (svc.mail_due) svc.mail_due();
  co_return net::json_response(status::ok, {{"success", true},
                                            {"message", "Booking cancelled"},
                                            {"booking_number", number}});
}

}  // namespace

void add_booking_routes(net::router& r, services& svc) {
  using net::http::verb;
  auto bind = [&svc](awaitable_response (*fn)(net::request_context&, services&)) {
    return [&svc, fn](net::request_context& c) { return fn(c, svc); };
  };
  r.add(verb::post, "/bookings/lock-seat/{trip_id:int}/{seat_no:int}", bind(lock_seat));
  r.add(verb::post, "/bookings/unlock-seat/{trip_id:int}/{seat_no:int}", bind(unlock_seat));
  r.add(verb::post, "/bookings/", bind(create_booking));
  r.add(verb::get, "/bookings/my-tickets", bind(my_tickets));
  r.add(verb::get, "/bookings/{booking_number}", bind(get_booking));
  r.add(verb::get, "/bookings/{booking_number}/ticket.pdf", bind(ticket_pdf));
  r.add(verb::post, "/bookings/{booking_number}/cancel", bind(cancel_booking));
}

}  // namespace seatd::api
