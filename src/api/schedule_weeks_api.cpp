// GET /admin/schedule/weeks (admin): the timetable week by week, oldest first, so the operator
// sees which weeks have buses, how many have left, and when to upload the next weeks.
#include <boost/json/array.hpp>

#include "api/auth_guard.hpp"
#include "api/routes.hpp"

namespace seatd::api {

namespace json = boost::json;

namespace {

// Five years of weekly timetables: more than an operator scrolls through, and a bound on the
// answer whatever the database holds (the newest weeks are kept).
constexpr int max_weeks = 260;

boost::asio::awaitable<net::response> weeks(net::request_context& ctx, services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  const local_time now = to_local(svc.clk.now());
  auto list = co_await svc.pool.run([&] { return svc.db.list_schedule_weeks(now, max_weeks); });
  json::array out;
  for (const auto& w : list)
    out.push_back(json::object{{"week_start", format_date(w.week_start)},
                               {"trips", w.trips},
                               {"buses", w.buses},
                               {"first_departure", format_iso(w.first_departure)},
                               {"last_departure", format_iso(w.last_departure)},
                               {"departed", w.departed}});
  co_return net::json_response(net::http::status::ok, out);
}

}  // namespace

void add_schedule_week_routes(net::router& r, services& svc) {
  r.add(net::http::verb::get, "/admin/schedule/weeks",
        [&svc](net::request_context& c) { return weeks(c, svc); });
}

}  // namespace seatd::api
