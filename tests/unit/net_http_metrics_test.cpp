// net::http_metrics: what one answered request adds. The route label is the router's pattern
// (the index `find` gives), requests no route matched fall into fixed routes without a method,
// and however many paths and statuses clients produce, the series stay those registered.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

#include "metrics/registry.hpp"
#include "net/http_metrics.hpp"
#include "net/request_context.hpp"
#include "net/router.hpp"

namespace seatd::net {
namespace {

using namespace std::chrono_literals;

boost::asio::awaitable<response> nothing(request_context&) { co_return response{}; }

request get(std::string target, http::verb v = http::verb::get) { return request{v, target, 11}; }

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(net_http_metrics, a_request_is_counted_under_its_route_pattern) {
  router r;
  r.add(http::verb::get, "/trips/{trip_id:int}", nothing);
  r.add(http::verb::post, "/bookings/", nothing);
  metrics::registry reg;
  http_metrics m(reg, r);

  auto found = r.find(http::verb::get, "/trips/42");
  ASSERT_EQ(found.route, 0u);
  auto req = get("/trips/42");
  m.record(found.route, &req, 200, 3ms);
  m.record(found.route, &req, 404, 30ms);
  auto text = reg.expose();
  EXPECT_TRUE(has_line(text,
                       "seatd_http_requests_total{route=\"/trips/{trip_id:int}\","
                       "method=\"GET\",status=\"200\"} 1"))
      << text;
  EXPECT_TRUE(has_line(text,
                       "seatd_http_requests_total{route=\"/trips/{trip_id:int}\","
                       "method=\"GET\",status=\"404\"} 1"));
  EXPECT_TRUE(has_line(text,
                       "seatd_http_request_duration_seconds_bucket{route=\"/trips/"
                       "{trip_id:int}\",method=\"GET\",le=\"0.005\"} 1"));
  EXPECT_TRUE(has_line(text,
                       "seatd_http_request_duration_seconds_count{route=\"/trips/"
                       "{trip_id:int}\",method=\"GET\"} 2"));
  EXPECT_EQ(text.find("/trips/42"), std::string::npos);
}

TEST(net_http_metrics, unrouted_requests_fold_into_fixed_routes) {
  router r;
  r.add(http::verb::get, "/trips/{trip_id:int}", nothing);
  metrics::registry reg;
  http_metrics m(reg, r);
  const auto lines = [&] {
    auto t = reg.expose();
    return std::count(t.begin(), t.end(), '\n');
  };

  auto file = get("/app.js");
  m.record(router::no_route, &file, 200, 1ms);
  auto preflight = get("/trips/1", http::verb::options);
  m.record(router::no_route, &preflight, 200, 1ms);
  m.record(router::no_route, nullptr, 431, 1ms);
  const auto before = lines();
  for (int i = 0; i < 1000; ++i) {
    auto unknown = get("/x/" + std::to_string(i));
    m.record(router::no_route, &unknown, 404, 1ms);
  }
  const auto first_404 = lines();  // the one new status line
  for (int i = 0; i < 1000; ++i) {
    auto unknown = get("/y/" + std::to_string(i), http::verb::delete_);
    m.record(router::no_route, &unknown, 404, 1ms);
  }
  auto text = reg.expose();
  EXPECT_EQ(first_404, before + 1);
  EXPECT_EQ(lines(), first_404);
  EXPECT_TRUE(has_line(text, "seatd_http_requests_total{route=\"static\",status=\"200\"} 1"));
  EXPECT_TRUE(has_line(text, "seatd_http_requests_total{route=\"preflight\",status=\"200\"} 1"));
  EXPECT_TRUE(has_line(text, "seatd_http_requests_total{route=\"invalid\",status=\"431\"} 1"));
  EXPECT_TRUE(has_line(text, "seatd_http_requests_total{route=\"unmatched\",status=\"404\"} 2000"));
  EXPECT_EQ(text.find("/x/"), std::string::npos);
}

}  // namespace
}  // namespace seatd::net
