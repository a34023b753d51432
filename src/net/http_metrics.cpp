#include "net/http_metrics.hpp"

namespace seatd::net {

http_metrics::series http_metrics::add(metrics::registry& registry, metrics::label_set labels) {
  series s;
  s.requests = &registry.add_code_counters(
      "seatd_http_requests_total", "HTTP requests answered, by route pattern, method and status.",
      labels, "status");
  s.duration = &registry.add_histogram(
      "seatd_http_request_duration_seconds",
      "Time from reading an HTTP request's header to writing its answer, by route pattern.",
      metrics::latency_buckets(), labels);
  return s;
}

http_metrics::http_metrics(metrics::registry& registry, const router& routes) {
  routes_.reserve(routes.size());
  for (std::size_t i = 0; i < routes.size(); ++i)
    routes_.push_back(
        add(registry, {{"route", routes.pattern_of(i)},
                       {"method", std::string(http::to_string(routes.method_of(i)))}}));
  static_files_ = add(registry, {{"route", "static"}});
  preflight_ = add(registry, {{"route", "preflight"}});
  unmatched_ = add(registry, {{"route", "unmatched"}});
  invalid_ = add(registry, {{"route", "invalid"}});
}

void http_metrics::record(std::size_t route, const request* req, unsigned status,
                          std::chrono::steady_clock::duration took) noexcept {
  const series* s = &unmatched_;
  if (route < routes_.size())
    s = &routes_[route];
  else if (!req)
    s = &invalid_;
  else if (status < 400 && (req->method() == http::verb::get || req->method() == http::verb::head))
    s = &static_files_;
  else if (status < 400 && req->method() == http::verb::options)
    s = &preflight_;
  s->requests->inc(int(status));
  s->duration->observe(std::chrono::duration<double>(took).count());
}

}  // namespace seatd::net
