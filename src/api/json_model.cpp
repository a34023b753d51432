#include "api/json_model.hpp"

#include <boost/json/array.hpp>

namespace seatd::api {

namespace json = boost::json;

namespace {
json::value opt(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
}  // namespace

json::object trip_json(const trip& t) {
  return {{"id", t.id},
          {"bus_id", t.bus_id},
          {"source", t.source},
          {"destination", t.destination},
          {"departure_time", format_iso(t.departure_time)},
          {"arrival_time", format_iso(t.arrival_time)},
          {"price", t.price},
          // Beyond the original contract (added fields only): the bus, for pages and tickets.
          {"bus_name", t.bus_name},
          {"bus_type", t.bus_type},
          {"total_seats", t.total_seats},
          {"operator", t.operator_name}};
}

json::object user_json(const user& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"username", u.username},
          {"is_admin", u.is_admin},
          {"phone_number", opt(u.phone_number)},
          {"age", u.age ? json::value(*u.age) : json::value(nullptr)},
          {"gender", opt(u.gender)}};
}

json::object public_user_json(const user& u) {
  return {{"id", u.id}, {"username", u.username}, {"email", u.email}, {"is_admin", u.is_admin}};
}

json::object trip_summary_json(const trip_summary& t, int available) {
  return {{"trip_id", t.trip_id},
          {"bus_name", t.bus_name},
          {"bus_type", t.bus_type},
          {"source", t.source},
          {"destination", t.destination},
          {"departure_time", format_iso(t.departure_time)},
          {"arrival_time", format_iso(t.arrival_time)},
          {"price", t.price},
          {"available_seats", available},
          // Beyond the original contract: who runs the bus (the schedule's Operator column).
          {"operator", t.operator_name}};
}

json::object ticket_json(const ticket& t, bool with_user_details) {
  json::array seats;
  for (int s : t.seats) seats.push_back(s);
  json::object o{{"booking_number", t.booking_number},
                 {"trip", trip_json(t.trip)},
                 {"status", to_string(t.status)},
                 {"created_at", format_iso(t.created_at)},
                 {"seats", std::move(seats)}};
  // Beyond the original contract (an added field): who travels on each seat and whether they
  // have boarded (boarded_at: ms since the epoch, like expires_at).
  json::array passengers;
  for (const auto& p : t.passengers) {
    passengers.push_back(json::object{
        {"seat_no", p.seat_no},
        {"name", opt(p.name)},
        {"age", p.age ? json::value(*p.age) : json::value(nullptr)},
        {"gender", opt(p.gender)},
        {"boarded_at", epoch_ms_or_null(p.boarded_at)}});
  }
  o["passengers"] = std::move(passengers);
  if (with_user_details)
    o["user_details"] = json::object{{"name", t.user_name}, {"phone", opt(t.user_phone)}};
  return o;
}

}  // namespace seatd::api
