#pragma once
// The contract's JSON shapes of the domain values, in one place.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>

#include "domain/model.hpp"

namespace seatd::api {

boost::json::object trip_json(const trip& t);          // §3 trip object
boost::json::object user_json(const user& u);          // /user/me
boost::json::object public_user_json(const user& u);   // signup "data"
boost::json::object trip_summary_json(const trip_summary& t, int available);
boost::json::object ticket_json(const ticket& t, bool with_user_details);

// Times on the wire are ms since the Unix epoch (like a lock's expires_at); null when absent.
inline std::int64_t epoch_ms(sys_ms t) { return t.time_since_epoch().count(); }
inline boost::json::value epoch_ms_or_null(std::optional<sys_ms> t) {
  return t ? boost::json::value(epoch_ms(*t)) : boost::json::value(nullptr);
}

}  // namespace seatd::api
