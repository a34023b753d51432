// The waiting list of a sold-out trip (issue 16): POST /trips/{trip_id}/waitlist {"count": N}
// joins (201; 200 with the entry when already in the queue), GET answers the caller's place
// and offer, DELETE leaves (200 with the entry, now "left"; an offer's seats are released). The offers themselves are service/waitlist_service's.
#include <boost/json/array.hpp>
#include <fmt/format.h>

#include "api/auth_guard.hpp"
#include "api/hold_guards.hpp"
#include "api/json_fields.hpp"
#include "api/json_model.hpp"
#include "api/routes.hpp"
#include "domain/seat_picker.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;
using awaitable_response = boost::asio::awaitable<net::response>;

namespace {

// {"trip_id", "count", "status", "position", "joined_at", "offer": null |
//  {"seat_nos", "expires_at"}}; times in ms since the epoch, as the holds answer them.
json::object entry_json(const waitlist_entry& e) {
  json::value offer = nullptr;
  if (e.status == waitlist_status::offered) {
    json::array seats;
    for (int s : e.offered_seats) seats.push_back(s);
    offer = json::object{{"seat_nos", std::move(seats)},
                         {"expires_at", epoch_ms_or_null(e.offer_expires_at)}};
  }
  return {{"trip_id", e.trip_id},
          {"count", e.count},
          {"status", to_string(e.status)},
          {"position", e.position},
          {"joined_at", epoch_ms(e.joined_at)},
          {"offer", std::move(offer)}};
}

awaitable_response join_waitlist(net::request_context& ctx, services& svc) {
  auto who = co_await authenticate_user(ctx.req, svc);
  if (!who) co_return net::unauthorized();
  const row_id trip = ctx.params.get_int("trip_id");
  json_fields f(ctx.req.body());
  auto count = f.required_int("count", 1, max_group_seats);
  if (!f.ok()) co_return f.error();
  auto facts = co_await svc.catalog.get(trip);
  if (!facts) co_return net::error_response(status::not_found, "Trip not found");
  if (*count > facts->total_seats) {
    f.fail("count", fmt::format("this bus has {} seats", facts->total_seats), "value_error.count");
    co_return f.error();
  }
  // Joining is a request for seats like a hold: the same per-address rate, so join-and-leave
  // churn from one client is bounded as hold churn is.
  if (auto refused = refuse_over_hold_rate(ctx, svc)) co_return std::move(*refused);
  // A queue for a bus that has left, or whose sale has closed, could never be served.
  if (auto refused = refuse_outside_sale_window(facts->departure, svc))
    co_return std::move(*refused);
  if (!svc.waitlist)
    co_return net::error_response(status::service_unavailable, "The waiting list is not running");
  auto joining = svc.waitlist->join(trip, who->id, int(*count));
  auto joined = co_await std::move(joining);
  if (!joined) {
    const auto code = joined.error();
    if (code == errc::seats_available)
      co_return net::error_response(
          status::conflict,
          *count == 1 ? std::string("A seat is free on this trip now: hold it instead of waiting")
                      : fmt::format("{} seats are free on this trip now: hold them instead of "
                                    "waiting",
                                    *count));
    if (code == errc::waitlist_full)
      co_return net::error_response(status::conflict,
                                    "The waiting list is full (for this trip, or you are waiting "
                                    "for the most trips one account may)");
    if (code == errc::not_found) co_return net::error_response(status::not_found, "Trip not found");
    if (code == errc::unavailable) co_return engine_unavailable();
    co_return net::error_response(status::unprocessable_entity, code.message());
  }
  // 201 for a new entry; an entry that was there already (a retried request) is answered as
  // it is, with 200.
  co_return net::json_response(joined->created ? status::created : status::ok,
                               entry_json(joined->entry));
}

// GET answers the caller's entry; DELETE takes it out of the queue (and an offer's seats back)
// and answers it as it was, now "left". 404 when the caller is not in the queue.
awaitable_response caller_entry(net::request_context& ctx, services& svc, bool leave) {
  auto who = co_await authenticate_user(ctx.req, svc);
  if (!who) co_return net::unauthorized();
  const row_id trip = ctx.params.get_int("trip_id");
  if (!svc.waitlist)
    co_return net::error_response(status::service_unavailable, "The waiting list is not running");
  auto asking = leave ? svc.waitlist->leave(trip, who->id) : svc.waitlist->find(trip, who->id);
  auto entry = co_await std::move(asking);
  if (!entry)
    co_return net::error_response(status::not_found, "You are not on this trip's waiting list");
  if (leave) {
    entry->status = waitlist_status::left;
    entry->position = 0;
  }
  co_return net::json_response(status::ok, entry_json(*entry));
}

awaitable_response see_waitlist(net::request_context& ctx, services& svc) {
  return caller_entry(ctx, svc, false);
}

awaitable_response leave_waitlist(net::request_context& ctx, services& svc) {
  return caller_entry(ctx, svc, true);
}

}  // namespace

void add_waitlist_routes(net::router& r, services& svc) {
  using net::http::verb;
  auto bind = [&svc](awaitable_response (*fn)(net::request_context&, services&)) {
    return [&svc, fn](net::request_context& c) { return fn(c, svc); };
  };
  r.add(verb::post, "/trips/{trip_id:int}/waitlist", bind(join_waitlist));
  r.add(verb::get, "/trips/{trip_id:int}/waitlist", bind(see_waitlist));
  r.add(verb::delete_, "/trips/{trip_id:int}/waitlist", bind(leave_waitlist));
}

}  // namespace seatd::api
