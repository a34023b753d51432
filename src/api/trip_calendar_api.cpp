// GET /trips/calendar?source=&destination=&from=YYYY-MM-DD&days=N (public): a route's next days
// at a glance, for the date strip above the search results: per day, the trips still to depart
// with a seat not sold and their lowest fare. One store query for the whole range.
#include <boost/json/array.hpp>

#include <algorithm>
#include <chrono>

#include "api/query_fields.hpp"
#include "api/routes.hpp"
#include "domain/city_names.hpp"

namespace seatd::api {

namespace json = boost::json;
using net::http::status;

namespace {

constexpr std::int64_t max_calendar_days = 31;
constexpr std::int64_t default_calendar_days = 7;
// How far `from` may lie from today: a year back (a traveller looking at a past week sees
// "past" days, not an error) and as far ahead as a schedule may be imported (two years).
constexpr std::chrono::days calendar_reach_back{366};
constexpr std::chrono::days calendar_reach_ahead{7 * 104 + 7};

// The city as the schedule spells it, or as typed (trimmed) when the schedule does not know it.
std::string city_name(const std::string& typed, const std::vector<std::string>& known) {
  if (auto s = schedule_spelling(typed, known)) return *s;
  auto first = typed.find_first_not_of(" \t\r\n");
  auto last = typed.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string{} : typed.substr(first, last - first + 1);
}

boost::asio::awaitable<net::response> calendar(net::request_context& ctx, services& svc) {
  query_fields q(ctx);
  auto source = q.required_string("source", 1, 100);
  auto destination = q.required_string("destination", 1, 100);
  auto from = q.optional_date("from");
  auto days = q.optional_int("days", 1, max_calendar_days);
  const local_time now = to_local(svc.clk.now());
  const local_date today = std::chrono::floor<std::chrono::days>(now);
  if (from && (*from < today - calendar_reach_back || *from > today + calendar_reach_ahead))
    q.fail("from", "ensure this date is at most a year before today and two years after",
           "value_error.date.range");
  if (!q.ok()) co_return q.error();
  const local_date first = from.value_or(today);
  const int count = int(days.value_or(default_calendar_days));

  struct found {
    std::vector<calendar_day> days;
    std::vector<std::string> cities;
  };
  auto f = co_await svc.pool.run([&] {
    return found{svc.db.trip_calendar(*source, *destination, first, count, now),
                 svc.db.list_cities()};
  });
  json::array out;
  auto it = f.days.begin();
  for (int i = 0; i < count; ++i) {
    const local_date d = first + std::chrono::days{i};
    while (it != f.days.end() && it->day < d) ++it;
    const bool has = it != f.days.end() && it->day == d;
    out.push_back(json::object{{"date", format_date(d)},
                               {"trips", has ? it->trips : 0},
                               {"lowest_fare", has ? json::value(it->lowest_fare) : nullptr},
                               {"past", d < today}});
  }
  co_return net::json_response(status::ok,
                               json::object{{"source", city_name(*source, f.cities)},
                                            {"destination", city_name(*destination, f.cities)},
                                            {"from", format_date(first)},
                                            {"days", std::move(out)}});
}

}  // namespace

void add_trip_calendar_routes(net::router& r, services& svc) {
  r.add(net::http::verb::get, "/trips/calendar",
        [&svc](net::request_context& c) { return calendar(c, svc); });
}

}  // namespace seatd::api
