#include "api/routes.hpp"
#include "net/request_context.hpp"

namespace seatd::api {

void add_health_routes(net::router& r, services& svc) {
  r.add(net::http::verb::get, "/", [](net::request_context&) -> boost::asio::awaitable<net::response> {
    co_return net::json_response(net::http::status::ok,
                                 {{"success", true}, {"message", "Bus Booking API is Live"}});
  });
  // Liveness: the process answers HTTP. Asks nothing of the database or Redis, so a backend
  // outage never makes an orchestrator restart healthy instances.
  r.add(net::http::verb::get, "/healthz",
        [](net::request_context&) -> boost::asio::awaitable<net::response> {
          co_return net::json_response(net::http::status::ok, {{"status", "alive"}});
        });
  // Readiness: may a load balancer send traffic here (api/readiness.hpp). 503 while a backend
  // is unreachable or the instance drains for a shutdown.
  r.add(net::http::verb::get, "/readyz",
        [&svc](net::request_context&) -> boost::asio::awaitable<net::response> {
          if (!svc.ready) co_return net::json_response(net::http::status::ok, {{"status", "ready"}});
          auto report = co_await svc.ready->check();
          co_return net::json_response(
              report.ready ? net::http::status::ok : net::http::status::service_unavailable,
              std::move(report.body));
        });
}

}  // namespace seatd::api
