#pragma once
// Each resource registers its routes on the one route table.
#include "api/services.hpp"
#include "net/router.hpp"

namespace seatd::api {

void add_health_routes(net::router& r, services& svc);
void add_auth_routes(net::router& r, services& svc);
void add_user_routes(net::router& r, services& svc);
void add_trip_routes(net::router& r, services& svc);
void add_trip_calendar_routes(net::router& r, services& svc);  // /trips/calendar
void add_bus_route_routes(net::router& r, services& svc);      // /trips/routes
void add_setup_routes(net::router& r, services& svc);
void add_admin_routes(net::router& r, services& svc);
void add_schedule_week_routes(net::router& r, services& svc);  // /admin/schedule/weeks
void add_admin_trip_routes(net::router& r, services& svc);     // /admin/trips
void add_admin_booking_routes(net::router& r, services& svc);  // /admin/bookings
void add_booking_routes(net::router& r, services& svc);
void add_group_hold_routes(net::router& r, services& svc);  // /bookings/holds (issue 16)
void add_waitlist_routes(net::router& r, services& svc);    // /trips/{id}/waitlist (issue 16)
void add_boarding_routes(net::router& r, services& svc);
void add_outbox_routes(net::router& r, services& svc);
void add_api_description_routes(net::router& r, services& svc);  // /openapi.json, /asyncapi.json

}  // namespace seatd::api
