// GET /trips/routes?source= (public): the routes that still have trips to depart, with the
// date of the next one and how many there are. What a traveller is shown when a search finds
// nothing: "buses from Chennai go to …", "this route next runs on …".
#include <boost/json/array.hpp>

#include <chrono>

#include "api/query_fields.hpp"
#include "api/routes.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;

namespace {

// A schedule has a few dozen routes; this bounds the answer whatever the database holds.
constexpr int max_routes = 500;

boost::asio::awaitable<net::response> list(net::request_context& ctx, services& svc) {
  query_fields q(ctx);
  auto source = q.optional_string("source", 100);
  if (!q.ok()) co_return q.error();
  // An empty source (a blank search box) means every route.
  if (source && source->find_first_not_of(" \t\r\n") == std::string::npos) source.reset();
  const local_time now = to_local(svc.clk.now());
  auto routes = co_await svc.pool.run([&] {
    return svc.db.list_routes(source ? std::optional<std::string_view>(*source) : std::nullopt,
                              now, max_routes);
  });
  json::array out;
  for (const auto& r : routes)
    out.push_back(json::object{
        {"source", r.source},
        {"destination", r.destination},
        {"next_date", format_date(std::chrono::floor<std::chrono::days>(r.next_departure))},
        {"next_departure", format_iso(r.next_departure)},
        {"trips", r.trips}});
  co_return net::json_response(status::ok, out);
}

}  // namespace

void add_bus_route_routes(net::router& r, services& svc) {
  r.add(net::http::verb::get, "/trips/routes",
        [&svc](net::request_context& c) { return list(c, svc); });
}

}  // namespace seatd::api
