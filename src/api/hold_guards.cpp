#include "api/hold_guards.hpp"

#include <fmt/format.h>

#include "domain/sale_window.hpp"

namespace seatd::api {

using net::http::status;

net::response engine_unavailable() {
  auto res = net::error_response(status::service_unavailable,
                                 "Seat holds are temporarily unavailable, please retry shortly");
  res.set(net::http::field::retry_after, "1");
  return res;
}

std::optional<net::response> refuse_outside_sale_window(local_time departure, services& svc) {
  auto ec = sale_window(departure, svc.clk, svc.cfg.booking_cutoff);
  if (ec == errc::trip_departed)
    return net::error_response(status::bad_request, "Trip has already departed");
  if (ec == errc::booking_closed)
    return net::error_response(
        status::bad_request,
        fmt::format("Booking for this trip closed {} minutes before departure",
                    svc.cfg.booking_cutoff.count()));
  return std::nullopt;
}

std::optional<net::response> refuse_over_hold_rate(const net::request_context& ctx,
                                                   services& svc) {
  std::chrono::seconds retry{1};
  if (!svc.hold_rate || svc.hold_rate->try_take(ctx.remote, svc.clk.now(), &retry))
    return std::nullopt;
  auto res = net::error_response(
      status::too_many_requests,
      fmt::format("Too many seat requests: please retry in {} seconds", retry.count()));
  res.set(net::http::field::retry_after, std::to_string(retry.count()));
  return res;
}

}  // namespace seatd::api
