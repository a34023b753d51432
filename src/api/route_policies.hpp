#pragma once
// Which routes need a caller and which take a large body, decided on a request's header before
// its body is read (net::dispatcher::admit). The handlers check again and stay the authority;
// this table only lets the front door refuse early. Shared by the application and the HTTP
// fuzz target, so both run the same front door.
#include "api/services.hpp"
#include "net/dispatcher.hpp"
#include "net/router.hpp"

namespace seatd::api {

// Routes not named here are open to anyone and take small bodies. A route renamed without
// updating this table fails at startup (router::set_policy throws).
void set_route_policies(net::router& r);

// Every resource's routes, their policies and the access check: the whole API on one route
// table and its dispatcher.
void install_routes(net::router& r, net::dispatcher& d, services& svc);

// The header-time access check: a user route needs a valid token (verified on the I/O thread,
// an HMAC); an admin route also the user's admin flag (read on the worker pool).
void install_access_check(net::dispatcher& d, services& svc);

}  // namespace seatd::api
