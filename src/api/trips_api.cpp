// /trips/search, /trips/{id}, /trips/{id}/seats, /trips/cities
#include <boost/json/array.hpp>

#include <algorithm>
#include <map>
#include <variant>

#include "api/json_model.hpp"
#include "api/routes.hpp"
#include "domain/coach_layout.hpp"
#include "domain/ladies_seat_rule.hpp"
#include "domain/sale_window.hpp"
#include "net/request_context.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;
using awaitable_response = boost::asio::awaitable<net::response>;

namespace {

struct search_query {
  std::string source;
  std::string destination;
  local_date day;
};

// Validates the query string; the 422 lists every problem, as the original did. A plain
// function, not a coroutine: validation has nothing to wait for.
std::variant<search_query, net::response> parse_search_query(const net::request_context& ctx) {
  json::array errors;
  auto field = [&](std::string_view name) -> std::optional<std::string> {
    auto v = ctx.query_param(name);
    if (!v) {
      errors.push_back(json::object{{"loc", json::array{"query", name}},
                                    {"msg", "field required"},
                                    {"type", "value_error.missing"}});
      return std::nullopt;
    }
    if (v->size() > 100) {
      errors.push_back(json::object{{"loc", json::array{"query", name}},
                                    {"msg", "ensure this value has at most 100 characters"},
                                    {"type", "value_error.any_str.max_length"}});
      return std::nullopt;
    }
    // A NUL would cut the text short on its way to PostgreSQL (libpq's C strings), so
    // "Chennai\0x" would find Chennai's trips there and none on SQLite.
    if (std::any_of(v->begin(), v->end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
      errors.push_back(json::object{{"loc", json::array{"query", name}},
                                    {"msg", "string contains control characters"},
                                    {"type", "value_error.str.control"}});
      return std::nullopt;
    }
    return v;
  };
  auto source = field("source");
  auto destination = field("destination");
  auto date_text = field("travel_date");
  std::optional<local_date> day;
  if (date_text) {
    day = parse_date(*date_text);
    if (!day)
      errors.push_back(json::object{{"loc", json::array{"query", "travel_date"}},
                                    {"msg", "invalid date format"},
                                    {"type", "value_error.date"}});
  }
  if (!errors.empty())
    return net::json_response(status::unprocessable_entity,
                              json::object{{"detail", std::move(errors)}});
  return search_query{std::move(*source), std::move(*destination), *day};
}

awaitable_response search(net::request_context& ctx, services& svc) {
  auto parsed = parse_search_query(ctx);
  if (auto* res = std::get_if<net::response>(&parsed)) co_return std::move(*res);
  const auto& q = std::get<search_query>(parsed);
  // A past date has nothing left to sell (and nothing a traveller can still board).
  const local_time now = to_local(svc.clk.now());
  if (q.day < std::chrono::floor<std::chrono::days>(now))
    co_return net::json_response(status::ok, json::array{});
  auto rows = co_await svc.pool.run(
      [&svc, &q] { return svc.db.search_trips(q.source, q.destination, q.day); });
  // Available = neither sold nor held right now.
  std::vector<row_id> ids;
  for (const auto& t : rows) ids.push_back(t.trip_id);
  auto held = co_await svc.holds.held_counts(std::move(ids));
  json::array out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& t = rows[i];
    int h = held ? int((*held)[i]) : 0;  // holds unknown (backend down): show sold seats only
    auto j = trip_summary_json(t, std::max(0, t.total_seats - t.booked_seats - h));
    j["departed"] = has_departed(t.departure_time, now);
    out.push_back(std::move(j));
  }
  co_return net::json_response(status::ok, out);
}

awaitable_response get_trip(net::request_context& ctx, services& svc) {
  auto id = ctx.params.get_int("trip_id");
  auto t = co_await svc.pool.run([&] { return svc.db.find_trip(id); });
  if (!t) co_return net::error_response(status::not_found, "Trip not found");
  auto j = trip_json(*t);
  j["departed"] = has_departed(t->departure_time, to_local(svc.clk.now()));
  co_return net::json_response(status::ok, j);
}

awaitable_response get_seats(net::request_context& ctx, services& svc) {
  auto id = ctx.params.get_int("trip_id");
  auto seats = co_await svc.pool.run([&] { return svc.db.list_seats(id); });
  if (seats.empty()) co_return net::error_response(status::not_found, "Trip not found");
  auto snap = co_await svc.holds.snapshot(id);
  std::map<int, sys_ms> locked;
  if (snap)
    for (const auto& h : snap->holds) locked[h.seat] = h.expires_at;
  // "for_women": free and beside a seat sold to a woman (the ladies' seat rule), when it applies.
  std::vector<bool> for_women;
  if (svc.cfg.ladies_seat_rule) {
    std::vector<seat_occupant> sold;
    for (const auto& s : seats)
      if (s.is_booked) sold.push_back({s.seat_number, s.booked_for_woman});
    for_women = seats_for_women(coach_layout(int(seats.size())), sold);
  }
  auto women_only = [&for_women](int seat) {
    return seat >= 0 && std::size_t(seat) < for_women.size() && for_women[std::size_t(seat)];
  };
  json::array out;
  for (const auto& s : seats) {
    auto it = locked.find(s.seat_number);
    bool is_locked = it != locked.end() && !s.is_booked;
    out.push_back(json::object{
        {"id", s.id},
        {"trip_id", s.trip_id},
        {"seat_number", s.seat_number},
        {"is_booked", s.is_booked},
        {"is_locked", is_locked},
        {"for_women", women_only(s.seat_number)},
        {"locked_until", is_locked ? json::value(format_iso(to_local(it->second)))
                                   : json::value(nullptr)}});
  }
  co_return net::json_response(status::ok, out);
}

awaitable_response cities(net::request_context&, services& svc) {
  auto list = co_await svc.pool.run([&] { return svc.db.list_cities(); });
  json::array out;
  for (auto& c : list) out.push_back(json::string(c));
  co_return net::json_response(status::ok, out);
}

}  // namespace

void add_trip_routes(net::router& r, services& svc) {
  using net::http::verb;
  r.add(verb::get, "/trips/search", [&svc](net::request_context& c) { return search(c, svc); });
  r.add(verb::get, "/trips/cities", [&svc](net::request_context& c) { return cities(c, svc); });
  r.add(verb::get, "/trips/{trip_id:int}",
        [&svc](net::request_context& c) { return get_trip(c, svc); });
  r.add(verb::get, "/trips/{trip_id:int}/seats",
        [&svc](net::request_context& c) { return get_seats(c, svc); });
}

}  // namespace seatd::api
