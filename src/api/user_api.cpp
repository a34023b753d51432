// /user/me
#include "api/auth_guard.hpp"
#include "api/json_model.hpp"
#include "api/routes.hpp"

namespace seatd::api {

void add_user_routes(net::router& r, services& svc) {
  r.add(net::http::verb::get, "/user/me",
        [&svc](net::request_context& ctx) -> boost::asio::awaitable<net::response> {
          auto who = co_await require_user(ctx.req, svc, false);
          if (auto* res = std::get_if<net::response>(&who)) co_return std::move(*res);
          co_return net::json_response(net::http::status::ok,
                                       user_json(std::get<user>(who)));
        });
}

}  // namespace seatd::api
