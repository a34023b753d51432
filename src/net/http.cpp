#include "net/http.hpp"

#include <boost/json/serialize.hpp>

namespace seatd::net {

response json_response(http::status status, const boost::json::value& body) {
  response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

response error_response(http::status status, std::string_view detail) {
  return json_response(status, boost::json::object{{"detail", detail}});
}

response validation_error(boost::json::array loc, std::string_view msg, std::string_view type) {
  boost::json::object item{{"loc", std::move(loc)}, {"msg", msg}, {"type", type}};
  return json_response(http::status::unprocessable_entity,
                       boost::json::object{{"detail", boost::json::array{std::move(item)}}});
}

response unauthorized() {
  auto res = error_response(http::status::unauthorized, "Could not validate credentials");
  res.set(http::field::www_authenticate, "Bearer");
  return res;
}

}  // namespace seatd::net
