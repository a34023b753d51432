#include "api/route_policies.hpp"

#include "api/auth_guard.hpp"
#include "api/routes.hpp"

namespace seatd::api {

void set_route_policies(net::router& r) {
  using net::access;
  using net::http::verb;
  const net::route_policy user{access::user, net::body_size::small};
  r.set_policy(verb::post, "/auth/logout", user);
  r.set_policy(verb::post, "/auth/logout-all", user);
  r.set_policy(verb::get, "/user/me", user);
  r.set_policy(verb::post, "/bookings/lock-seat/{trip_id:int}/{seat_no:int}", user);
  r.set_policy(verb::post, "/bookings/unlock-seat/{trip_id:int}/{seat_no:int}", user);
  r.set_policy(verb::post, "/bookings/", user);
  r.set_policy(verb::post, "/bookings/holds", user);
  r.set_policy(verb::delete_, "/bookings/holds/{trip_id:int}", user);
  r.set_policy(verb::post, "/bookings/holds/{trip_id:int}/extend", user);
  r.set_policy(verb::get, "/bookings/my-tickets", user);
  r.set_policy(verb::post, "/trips/{trip_id:int}/waitlist", user);
  r.set_policy(verb::get, "/trips/{trip_id:int}/waitlist", user);
  r.set_policy(verb::delete_, "/trips/{trip_id:int}/waitlist", user);
  r.set_policy(verb::get, "/bookings/{booking_number}", user);
  r.set_policy(verb::get, "/bookings/{booking_number}/ticket.pdf", user);
  r.set_policy(verb::post, "/bookings/{booking_number}/cancel", user);
  const net::route_policy admin{access::admin, net::body_size::small};
  r.set_policy(verb::get, "/admin/analytics", admin);
  r.set_policy(verb::get, "/admin/schedule/weeks", admin);
  r.set_policy(verb::get, "/admin/trips", admin);
  r.set_policy(verb::put, "/admin/trips/{trip_id:int}/ladies-rule", admin);
  r.set_policy(verb::get, "/admin/bookings", admin);
  r.set_policy(verb::get, "/admin/trips/{trip_id:int}/manifest", admin);
  r.set_policy(verb::post, "/admin/checkin", admin);
  r.set_policy(verb::get, "/admin/outbox", admin);
  r.set_policy(verb::post, "/admin/outbox/{id:int}/resend", admin);
  // The one route that takes a large body, and only from an admin.
  r.set_policy(verb::post, "/setup/seed-schedule", {access::admin, net::body_size::upload});
}

namespace {

boost::asio::awaitable<std::optional<net::response>> check_access(services& svc,
                                                                  const net::request& req,
                                                                  net::access who) {
  if (who == net::access::user) {
    if (!authenticate(req, svc)) co_return net::unauthorized();
    co_return std::nullopt;
  }
  auto caller = co_await require_user(req, svc, who == net::access::admin);
  if (auto* refusal = std::get_if<net::response>(&caller)) co_return std::move(*refusal);
  co_return std::nullopt;
}

}  // namespace

void install_access_check(net::dispatcher& d, services& svc) {
  d.set_access_check(
      [&svc](const net::request& req, net::access who) { return check_access(svc, req, who); });
}

void install_routes(net::router& r, net::dispatcher& d, services& svc) {
  add_health_routes(r, svc);
  add_auth_routes(r, svc);
  add_user_routes(r, svc);
  add_trip_routes(r, svc);
  add_trip_calendar_routes(r, svc);
  add_bus_route_routes(r, svc);
  add_booking_routes(r, svc);
  add_group_hold_routes(r, svc);
  add_waitlist_routes(r, svc);
  add_setup_routes(r, svc);
  add_admin_routes(r, svc);
  add_schedule_week_routes(r, svc);
  add_admin_trip_routes(r, svc);
  add_admin_booking_routes(r, svc);
  add_boarding_routes(r, svc);
  add_outbox_routes(r, svc);
  add_api_description_routes(r, svc);
  set_route_policies(r);
  install_access_check(d, svc);
}

}  // namespace seatd::api
