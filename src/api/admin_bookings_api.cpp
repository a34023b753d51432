// GET /admin/bookings?q=&status=&limit=&offset= (admin): every account's bookings, newest first,
// a page at a time: find one by its number (whole or its start) or by the traveller's e-mail.
#include <boost/json/array.hpp>

#include "api/auth_guard.hpp"
#include "api/json_model.hpp"
#include "api/query_fields.hpp"
#include "api/routes.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;

namespace {

constexpr std::int64_t max_limit = 200;
constexpr std::int64_t default_limit = 50;
// Deeper than anyone pages by hand; a bound on the database's skip.
constexpr std::int64_t max_offset = 1'000'000;

boost::asio::awaitable<net::response> list(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  query_fields q(ctx);
  auto text = q.optional_string("q", 100);
  auto wanted = q.optional_choice("status", {"confirmed", "cancelled"});
  auto limit = q.optional_int("limit", 1, max_limit);
  auto offset = q.optional_int("offset", 0, max_offset);
  if (!q.ok()) co_return q.error();

  booking_filter f;
  if (text) {
    // Spaces around a pasted booking number or e-mail are not part of it.
    auto first = text->find_first_not_of(" \t\r\n");
    auto last = text->find_last_not_of(" \t\r\n");
    f.query = first == std::string::npos ? "" : text->substr(first, last - first + 1);
  }
  if (wanted)
    f.status = *wanted == "confirmed" ? booking_status::confirmed : booking_status::cancelled;
  f.limit = int(limit.value_or(default_limit));
  f.offset = int(offset.value_or(0));
  auto page = co_await svc.pool.run([&] { return svc.db.list_bookings(f); });

  json::array out;
  for (const auto& t : page.bookings) {
    json::object o = ticket_json(t, false);
    // The trip as the table shows it: the ticket's trip object plus its id under "trip_id".
    o["trip"].as_object()["trip_id"] = t.trip.id;
    bool boarded = !t.passengers.empty();
    for (const auto& p : t.passengers) boarded = boarded && p.boarded_at.has_value();
    o["total_price"] = t.trip.price * std::int64_t(t.seats.size());
    o["user_email"] = t.user_email;
    o["user_name"] = t.user_name;
    o["boarded"] = boarded;
    out.push_back(std::move(o));
  }
  co_return net::json_response(status::ok,
                               json::object{{"total", page.total},
                                            {"limit", f.limit},
                                            {"offset", f.offset},
                                            {"bookings", std::move(out)}});
}

}  // namespace

void add_admin_booking_routes(net::router& r, services& svc) {
  r.add(net::http::verb::get, "/admin/bookings",
        [&svc](net::request_context& c) { return list(c, svc); });
}

}  // namespace seatd::api
