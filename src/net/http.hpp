#pragma once
// The HTTP vocabulary shared by the net and api layers.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace seatd::net {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

// JSON response with the given status; body serialised once.
response json_response(http::status status, const boost::json::value& body);
// {"detail": "<text>"}, the contract's error shape.
response error_response(http::status status, std::string_view detail);
// 422 {"detail": [{"loc": [...], "msg": ..., "type": ...}]}
response validation_error(boost::json::array loc, std::string_view msg, std::string_view type);
// 401 with WWW-Authenticate: Bearer, the contract's credential failure.
response unauthorized();

}  // namespace seatd::net
