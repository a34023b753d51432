#include "api/routes.hpp"
#include "net/request_context.hpp"

namespace seatd::api {

void add_health_routes(net::router& r, services&) {
  r.add(net::http::verb::get, "/", [](net::request_context&) -> boost::asio::awaitable<net::response> {
    co_return net::json_response(net::http::status::ok,
                                 {{"success", true}, {"message", "Bus Booking API is Live"}});
  });
}

}  // namespace seatd::api
