// GET /admin/trips?from=YYYY-MM-DD&to=YYYY-MM-DD (admin): the operator's trips table over a range
// of days (both included): each trip with its seats sold and held right now, its revenue and
// whether it has left, and the range's totals. PUT /admin/trips/{trip_id}/ladies-rule (admin):
// the ladies' seat rule switched for one trip.
#include <boost/json/array.hpp>

#include <cmath>

#include "api/auth_guard.hpp"
#include "api/json_fields.hpp"
#include "api/query_fields.hpp"
#include "api/routes.hpp"
#include "domain/sale_window.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;

namespace {

constexpr std::chrono::days max_range{62};
constexpr std::chrono::days default_range{7};
// Dates further from today than this are typing mistakes, not timetables (and years beyond
// 9999 would not fit the stores' four-digit timestamps).
constexpr std::chrono::days max_reach{3660};
// Two months of a large operator's departures; beyond it the answer says it was cut.
constexpr int max_trips = 5000;

boost::asio::awaitable<net::response> list(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  const local_time now = to_local(svc.clk.now());
  const local_date today = std::chrono::floor<std::chrono::days>(now);
  query_fields q(ctx);
  auto from = q.optional_date("from");
  auto to = q.optional_date("to");
  for (auto [name, d] : {std::pair{"from", from}, std::pair{"to", to}})
    if (d && (*d < today - max_reach || *d > today + max_reach))
      q.fail(name, "ensure this date is at most ten years from today", "value_error.date.range");
  if (!q.ok()) co_return q.error();
  const local_date first = from.value_or(today);
  const local_date last = to.value_or(first + default_range - std::chrono::days{1});
  if (last < first)
    q.fail("to", "ensure this date is not before 'from'", "value_error.date.order");
  else if (last - first >= max_range)
    q.fail("to", "ensure the range is at most 62 days", "value_error.date.range");
  if (!q.ok()) co_return q.error();

  auto trips = co_await svc.pool.run([&] {
    return svc.db.list_trips_between(local_time{first}, local_time{last + std::chrono::days{1}},
                                      max_trips + 1);
  });
  const bool truncated = trips.size() > std::size_t(max_trips);
  if (truncated) trips.resize(max_trips);
  std::vector<row_id> ids;
  for (const auto& t : trips) ids.push_back(t.trip.id);
  auto held = co_await svc.holds.held_counts(std::move(ids));

  json::array out;
  std::int64_t seats = 0, booked = 0, revenue = 0;
  for (std::size_t i = 0; i < trips.size(); ++i) {
    const auto& t = trips[i];
    seats += t.trip.total_seats;
    booked += t.booked_seats;
    revenue += t.revenue;
    out.push_back(json::object{
        {"trip_id", t.trip.id},
        {"departure_time", format_iso(t.trip.departure_time)},
        {"arrival_time", format_iso(t.trip.arrival_time)},
        {"source", t.trip.source},
        {"destination", t.trip.destination},
        {"bus_name", t.trip.bus_name},
        {"bus_type", t.trip.bus_type},
        {"operator", t.trip.operator_name},
        {"price", t.trip.price},
        {"total_seats", t.trip.total_seats},
        {"booked_seats", t.booked_seats},
        // Holds unknown (the hold engine is down): null rather than a guess.
        {"held_seats", held ? json::value(std::int64_t((*held)[i])) : json::value(nullptr)},
        {"revenue", t.revenue},
        {"departed", has_departed(t.trip.departure_time, now)}});
  }
  // Percent of the range's seats sold, one decimal, as /admin/analytics gives occupancy.
  const double occupancy =
      seats == 0 ? 0.0 : std::round(1000.0 * double(booked) / double(seats)) / 10.0;
  co_return net::json_response(
      status::ok, json::object{{"from", format_date(first)},
                               {"to", format_date(last)},
                               {"trips", std::move(out)},
                               {"truncated", truncated},
                               {"totals", json::object{{"trips", std::int64_t(trips.size())},
                                                       {"total_seats", seats},
                                                       {"booked_seats", booked},
                                                       {"revenue", revenue},
                                                       {"occupancy", occupancy}}}});
}

// PUT /admin/trips/{trip_id}/ladies-rule {"enabled": bool} (admin): the ladies' seat rule for
// one trip (the global SEATD_LADIES_SEAT_RULE=false still switches it off everywhere).
boost::asio::awaitable<net::response> set_ladies_rule(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  const row_id trip = ctx.params.get_int("trip_id");
  json_fields f(ctx.req.body());
  auto enabled = f.optional_bool("enabled");
  if (!enabled && f.ok()) f.fail("enabled", "field required", "value_error.missing");
  if (!f.ok()) co_return f.error();
  const bool on = *enabled;
  auto write = [&svc, trip, on] { return svc.db.set_trip_ladies_rule(trip, on); };
  const bool found = co_await svc.pool.run(std::move(write));
  if (!found) co_return net::error_response(status::not_found, "Trip not found");
  co_return net::json_response(status::ok, json::object{{"trip_id", trip}, {"enabled", on}});
}

}  // namespace

void add_admin_trip_routes(net::router& r, services& svc) {
  r.add(net::http::verb::get, "/admin/trips",
        [&svc](net::request_context& c) { return list(c, svc); });
  r.add(net::http::verb::put, "/admin/trips/{trip_id:int}/ladies-rule",
        [&svc](net::request_context& c) { return set_ladies_rule(c, svc); });
}

}  // namespace seatd::api
