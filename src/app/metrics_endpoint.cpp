#include "app/metrics_endpoint.hpp"

#include "net/request_context.hpp"

namespace seatd {

namespace {

// Any header a proxy adds when it passes a request on (nginx's usual proxy_set_header lines,
// RFC 7239, RFC 9110's Via): the peer is then a proxy, and its address says nothing of who
// asked. A proxy that adds none of them cannot be told apart: deploy/nginx/seatd.conf refuses
// /metrics itself, and SEATD_METRICS_LISTEN keeps /metrics off the public port altogether.
bool relayed(const net::request& req) {
  for (const char* name : {"X-Forwarded-For", "X-Real-IP", "X-Forwarded-Host", "X-Forwarded-Proto"})
    if (req.count(name) > 0) return true;
  return req.count(net::http::field::forwarded) > 0 || req.count(net::http::field::via) > 0;
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
