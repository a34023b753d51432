// GET /admin/analytics (admin)
#include <boost/json/array.hpp>

#include "api/auth_guard.hpp"
#include "api/routes.hpp"

namespace seatd::api {

namespace json = boost::json;

namespace {

boost::asio::awaitable<net::response> analytics_handler(net::request_context& ctx,
                                                        services& svc) {
  auto who = co_await require_user(ctx.req, svc, true);
  if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
  auto today = std::chrono::floor<std::chrono::days>(to_local(svc.clk.now()));
  auto a = co_await svc.pool.run([&] { return svc.db.compute_analytics(today); });
  json::array trend;
  for (const auto& d : a.trend) trend.push_back(json::object{{"day", d.day}, {"amount", d.amount}});
  json::array buses;
  for (const auto& b : a.buses)
    buses.push_back(json::object{{"name", b.name}, {"tickets", b.tickets}, {"revenue", b.revenue}});
  co_return net::json_response(
      net::http::status::ok,
      json::object{{"trend", std::move(trend)},
                   {"bus_performance", std::move(buses)},
                   {"metrics", json::object{{"users", a.users},
                                            {"occupancy", a.occupancy},
                                            {"revenue", a.revenue}}}});
}

}  // namespace

void add_admin_routes(net::router& r, services& svc) {
  r.add(net::http::verb::get, "/admin/analytics",
        [&svc](net::request_context& c) { return analytics_handler(c, svc); });
}

}  // namespace seatd::api
