#pragma once
// The contract's JSON shapes of the domain values, in one place.
#include <boost/json/object.hpp>

#include "domain/model.hpp"

namespace seatd::api {

boost::json::object trip_json(const trip& t);          // §3 trip object
boost::json::object user_json(const user& u);          // /user/me
boost::json::object public_user_json(const user& u);   // signup "data"
boost::json::object trip_summary_json(const trip_summary& t, int available);
boost::json::object ticket_json(const ticket& t, bool with_user_details);

}  // namespace seatd::api
