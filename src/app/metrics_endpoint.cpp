#include "app/metrics_endpoint.hpp"

#include "net/request_context.hpp"

namespace seatd {

namespace {

bool relayed(const net::request& req) {
  return req.count("X-Forwarded-For") > 0 || req.count(net::http::field::forwarded) > 0;
}

}  // namespace

void add_metrics_route(net::router& routes, const metrics::registry& registry, worker_pool& lane,
                       std::optional<net::trusted_proxies> allowed) {
  routes.add(net::http::verb::get, "/metrics",
             [&registry, &lane, allowed = std::move(allowed)](
                 net::request_context& ctx) -> boost::asio::awaitable<net::response> {
               if (allowed && (!allowed->contains(net::unmapped(ctx.peer)) || relayed(ctx.req)))
                 co_return net::error_response(
                     net::http::status::forbidden,
                     "Metrics are readable only from the addresses in SEATD_METRICS_ALLOW");
               auto expose = [&registry] { return registry.expose(); };
               std::string text = co_await lane.run(expose);
               net::response res{net::http::status::ok, 11};
               res.set(net::http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
               res.body() = std::move(text);
               res.prepare_payload();
               co_return res;
             });
}

}  // namespace seatd
