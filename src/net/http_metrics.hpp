#pragma once
// What every answered HTTP request adds to the metrics: seatd_http_requests_total by route,
// method and status, and seatd_http_request_duration_seconds by route and method (from the
// header read to the last byte written). The route is the router's pattern
// ("/trips/{trip_id:int}"), never the client's path, so the series are bounded by the route
// table: requests no route matched fall into four fixed routes without a method label —
// "static" (a file of the UI), "preflight" (a CORS preflight), "unmatched" (404, 405, a
// refusal before routing) and "invalid" (no request could be parsed: 400, 413, 431) — and the
// statuses of each route have a fixed number of places (metrics::code_counters).
//
// All series are registered at construction, after the routes are added; record() is
// lock-free and allocates nothing.
#include <chrono>
#include <vector>

#include "metrics/registry.hpp"
#include "net/http.hpp"
#include "net/router.hpp"

namespace seatd::net {

class http_metrics {
 public:
  http_metrics(metrics::registry& registry, const router& routes);

  // route: admission::route (router::no_route when none matched); req: null when the request
  // could not be parsed.
  void record(std::size_t route, const request* req, unsigned status,
              std::chrono::steady_clock::duration took) noexcept;

 private:
  struct series {
    metrics::code_counters* requests = nullptr;
    metrics::histogram* duration = nullptr;
  };
  series add(metrics::registry& registry, metrics::label_set labels);

  std::vector<series> routes_;  // by route index
  series static_files_, preflight_, unmatched_, invalid_;
};

}  // namespace seatd::net
