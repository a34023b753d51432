// Group holds (issue 16): POST /bookings/holds (named seats, or N seats together),
// DELETE /bookings/holds/{trip_id} (release all of the caller's holds on the trip) and
// POST /bookings/holds/{trip_id}/extend (extend at checkout, up to the lifetime cap).
// The same rules as lock-seat (api/hold_guards): a bearer token, the per-address hold rate,
// the sale window; the caps per trip and per account are the engine's.
#include <algorithm>
#include <boost/json/array.hpp>
#include <fmt/format.h>

#include "api/auth_guard.hpp"
#include "api/hold_guards.hpp"
#include "api/json_fields.hpp"
#include "api/json_model.hpp"
#include "api/routes.hpp"
#include "domain/coach_layout.hpp"
#include "domain/seat_picker.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;
using awaitable_response = boost::asio::awaitable<net::response>;

namespace {

// A pick_together that lost a race (a seat taken between the snapshot and the take) reads
// the map again and chooses again, this many times in all.
constexpr int together_attempts = 3;

json::array seat_array(const std::vector<int>& seats) {
  json::array a;
  for (int s : seats) a.push_back(s);
  return a;
}

// {"seat_nos", "expires_at", "holds": [{"seat_no", "expires_at"}]}: expires_at is the earliest
// deadline (when the first seat lapses); the seats' own deadlines differ only when some were
// renewals already near their lifetime cap.
json::object holds_answer(const std::vector<hold>& holds) {
  json::array seat_nos, each;
  sys_ms first{};
  for (const auto& h : holds) {
    seat_nos.push_back(h.seat);
    each.push_back(json::object{{"seat_no", h.seat}, {"expires_at", epoch_ms(h.expires_at)}});
    if (first == sys_ms{} || h.expires_at < first) first = h.expires_at;
  }
  return {{"seat_nos", std::move(seat_nos)},
          {"expires_at", epoch_ms(first)},
          {"holds", std::move(each)}};
}

// 409 naming the seat that is not free (for a client to drop it from its choice).
net::response seat_taken(int seat, bool sold) {
  return net::json_response(
      status::conflict,
      {{"detail", sold ? fmt::format("Seat {} already booked", seat)
                       : fmt::format("Seat {} is held by someone else", seat)},
       {"seat_no", seat}});
}

net::response group_refusal(const group_outcome& g) {
  if (g.code == errc::seat_occupied) return seat_taken(g.seat, false);
  if (g.code == errc::seat_booked) return seat_taken(g.seat, true);
  if (g.code == errc::hold_limit)
    return net::error_response(status::bad_request,
                               "You are holding the maximum number of seats on this trip");
  if (g.code == errc::account_hold_limit)
    return net::error_response(status::bad_request,
                               "You are holding the maximum number of seats across all trips");
  if (g.code == errc::hold_cooldown)
    return net::error_response(
        status::bad_request,
        fmt::format("Your hold on seat {} just expired: please wait a moment before taking it "
                    "again",
                    g.seat));
  return engine_unavailable();
}

// Free for a new group: not sold (the catalog) and not held by anyone, the caller included
// (its own holds are already its own; a group is new seats).
seat_availability free_seats(const realtime::trip_facts& facts, const hold_snapshot& snap) {
  seat_availability free(std::size_t(facts.total_seats) + 1, true);
  free[0] = false;
  for (int s : facts.booked)
    if (s >= 1 && s <= facts.total_seats) free[std::size_t(s)] = false;
  for (const auto& h : snap.holds)
    if (h.seat >= 1 && h.seat <= facts.total_seats) free[std::size_t(h.seat)] = false;
  return free;
}

// N seats together, chosen by domain/seat_picker on the trip's coach as it is now; when no
// such group exists, 409 with the best split (groups of seats, largest first). The facts by
// value: a coroutine keeps no reference to its caller's objects (CP.53).
awaitable_response take_together(row_id trip, int count, row_id user, realtime::trip_facts facts,
                                 services& svc) {
  const coach_layout layout(facts.total_seats);
  // The caller's own seats in their re-take cool-down (a hold of theirs that just lapsed): not
  // free for this caller, though the map shows them free. Learnt from the engine's refusals;
  // each adds a seat, so at most max_group_seats more tries.
  std::vector<int> cooling;
  int races = 0;
  for (int attempt = 0; attempt < together_attempts + max_group_seats; ++attempt) {
    auto reading = svc.holds.snapshot(trip);
    auto snap = co_await std::move(reading);
    if (!snap) co_return engine_unavailable();
    auto free = free_seats(facts, *snap);
    for (int s : cooling)
      if (s >= 1 && s <= facts.total_seats) free[std::size_t(s)] = false;
    auto group = pick_together(layout, free, count);
    if (!group) {
      json::array split;
      for (const auto& part : pick_split(layout, free, count)) split.push_back(seat_array(part.seats));
      co_return net::json_response(
          status::conflict,
          {{"detail", fmt::format("No {} seats together are free on this trip", count)},
           {"split", std::move(split)}});
    }
    auto taking = svc.holds.take_group(trip, group->seats, user);
    auto taken = co_await std::move(taking);
    if (!taken.code) co_return net::json_response(status::ok, holds_answer(taken.holds));
    if (taken.code == errc::hold_cooldown && taken.seat >= 1 &&
        std::find(cooling.begin(), cooling.end(), taken.seat) == cooling.end()) {
      cooling.push_back(taken.seat);
      continue;
    }
    // Lost a race for one of the seats: read the map again and choose again (a bounded number
    // of times).
    if (taken.code != errc::seat_occupied && taken.code != errc::seat_booked)
      co_return group_refusal(taken);
    if (++races >= together_attempts) break;
  }
  co_return net::error_response(status::conflict,
                                "The seat map changed while choosing: please try again");
}

awaitable_response take_holds(net::request_context& ctx, services& svc) {
  auto who = co_await authenticate_user(ctx.req, svc);
  if (!who) co_return net::unauthorized();
  json_fields f(ctx.req.body());
  auto trip = f.required_int("trip_id", 1, INT64_MAX);
  std::optional<std::vector<int>> seats;
  std::optional<std::int64_t> count;
  if (f.has("seat_nos")) {
    seats = f.required_int_list("seat_nos", 1, std::size_t(max_group_seats), 1, INT32_MAX);
    if (f.has("count") || f.has("together"))
      f.fail("count", "name the seats (seat_nos) or ask for a count together, not both",
             "value_error.holds");
  } else {
    count = f.required_int("count", 1, max_group_seats);
    auto together = f.optional_bool("together");
    if (f.ok() && together != true)
      f.fail("together", "\"together\": true is required with count (name the seats otherwise)",
             "value_error.together");
  }
  if (!f.ok()) co_return f.error();

  auto facts = co_await svc.catalog.get(*trip);
  if (!facts) co_return net::error_response(status::not_found, "Trip not found");
  if (seats) {
    for (int s : *seats) {
      if (s > facts->total_seats) {
        f.fail("seat_nos",
               fmt::format("seat {} is not on this trip (its seats are 1 to {})", s,
                           facts->total_seats),
               "value_error.seat_nos");
        co_return f.error();
      }
    }
    for (int s : *seats)
      if (facts->is_booked(s)) co_return seat_taken(s, true);
  }
  if (auto refused = refuse_over_hold_rate(ctx, svc)) co_return std::move(*refused);
  if (auto refused = refuse_outside_sale_window(facts->departure, svc))
    co_return std::move(*refused);

  if (!seats) {
    auto choosing = take_together(*trip, int(*count), who->id, *facts, svc);
    co_return co_await std::move(choosing);
  }
  auto taking = svc.holds.take_group(*trip, *seats, who->id);
  auto taken = co_await std::move(taking);
  if (taken.code) co_return group_refusal(taken);
  co_return net::json_response(status::ok, holds_answer(taken.holds));
}

awaitable_response release_holds(net::request_context& ctx, services& svc) {
  auto who = co_await authenticate_user(ctx.req, svc);
  if (!who) co_return net::unauthorized();
  const row_id trip = ctx.params.get_int("trip_id");
  auto facts = co_await svc.catalog.get(trip);
  if (!facts) co_return net::error_response(status::not_found, "Trip not found");
  auto releasing = svc.holds.release_all(trip, who->id);
  auto released = co_await std::move(releasing);
  if (!released) co_return engine_unavailable();
  co_return net::json_response(status::ok, {{"seat_nos", seat_array(*released)}});
}

awaitable_response extend_holds(net::request_context& ctx, services& svc) {
  auto who = co_await authenticate_user(ctx.req, svc);
  if (!who) co_return net::unauthorized();
  const row_id trip = ctx.params.get_int("trip_id");
  auto facts = co_await svc.catalog.get(trip);
  if (!facts) co_return net::error_response(status::not_found, "Trip not found");
  // A renewal, as a lock-seat on a held seat is: the same rate and the same window.
  if (auto refused = refuse_over_hold_rate(ctx, svc)) co_return std::move(*refused);
  if (auto refused = refuse_outside_sale_window(facts->departure, svc))
    co_return std::move(*refused);
  auto extending = svc.holds.extend(trip, who->id);
  auto held = co_await std::move(extending);
  if (!held) co_return engine_unavailable();
  if (held->empty())
    co_return net::error_response(status::not_found, "You hold no seats on this trip");
  co_return net::json_response(status::ok, holds_answer(*held));
}

}  // namespace

void add_group_hold_routes(net::router& r, services& svc) {
  using net::http::verb;
  auto bind = [&svc](awaitable_response (*fn)(net::request_context&, services&)) {
    return [&svc, fn](net::request_context& c) { return fn(c, svc); };
  };
  r.add(verb::post, "/bookings/holds", bind(take_holds));
  r.add(verb::delete_, "/bookings/holds/{trip_id:int}", bind(release_holds));
  r.add(verb::post, "/bookings/holds/{trip_id:int}/extend", bind(extend_holds));
}

}  // namespace seatd::api
