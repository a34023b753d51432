#pragma once
// What every route that takes or renews holds checks the same way — lock-seat and the group
// holds (/bookings/holds): the hold backend's 503, the sale window's 400 and the per-address
// hold rate's 429.
#include <optional>

#include "api/services.hpp"
#include "domain/local_time.hpp"
#include "net/http.hpp"
#include "net/request_context.hpp"

namespace seatd::api {

// 503 with Retry-After: the hold backend (Redis) cannot answer now.
net::response engine_unavailable();

// Holds and bookings are sold only before departure, outside the cut-off: 400 with why.
std::optional<net::response> refuse_outside_sale_window(local_time departure, services& svc);

// One client (address) cannot sweep a bus in a second, whatever accounts it uses: 429 with
// Retry-After once its bucket is empty (SEATD_HOLD_RATE_PER_MINUTE). Takes a token otherwise.
std::optional<net::response> refuse_over_hold_rate(const net::request_context& ctx,
                                                   services& svc);

}  // namespace seatd::api
