#include "api/query_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "net/ws_wire.hpp"

namespace seatd::api {

namespace json = boost::json;

void query_fields::fail(std::string_view name, std::string_view msg, std::string_view type) {
  errors_.push_back(json::object{
      {"loc", json::array{"query", json::string(name)}}, {"msg", msg}, {"type", type}});
}

net::response query_fields::error() const {
  return net::json_response(net::http::status::unprocessable_entity,
                            json::object{{"detail", errors_}});
}

std::optional<std::string> query_fields::optional_string(std::string_view name,
                                                         std::size_t max_len) {
  auto v = ctx_.query_param(name);
  if (!v) return std::nullopt;
  // Text that is not UTF-8 could not be echoed in a JSON answer (the calendar names the cities
  // it was asked for) and matches no stored name anyway.
  if (!net::ws::valid_utf8(*v)) {
    fail(name, "string is not valid UTF-8", "value_error.str.unicode");
    return std::nullopt;
  }
  // The limit is in characters, as the message says: count code points, not bytes.
  const auto characters = std::size_t(std::count_if(
      v->begin(), v->end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
  if (characters > max_len) {
    fail(name, fmt::format("ensure this value has at most {} characters", max_len),
         "value_error.any_str.max_length");
    return std::nullopt;
  }
  // A NUL or another control character is never part of a city, a booking number or an
  // e-mail; some would even cut the text short on its way into the database (libpq's C strings).
  if (std::any_of(v->begin(), v->end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    fail(name, "string contains control characters", "value_error.str.control");
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> query_fields::required_string(std::string_view name,
                                                         std::size_t min_len,
                                                         std::size_t max_len) {
  if (!ctx_.query_param(name)) {
    fail(name, "field required", "value_error.missing");
    return std::nullopt;
  }
  auto v = optional_string(name, max_len);
  if (!v) return std::nullopt;
  const bool blank = v->find_first_not_of(" \t\r\n") == std::string::npos;
  if (v->size() < min_len || (min_len > 0 && blank)) {
    fail(name, fmt::format("ensure this value has at least {} characters", min_len),
         "value_error.any_str.min_length");
    return std::nullopt;
  }
  return v;
}

std::optional<local_date> query_fields::optional_date(std::string_view name) {
  auto v = ctx_.query_param(name);
  if (!v) return std::nullopt;
  auto d = parse_date(*v);
  if (!d) fail(name, "invalid date format", "value_error.date");
  return d;
}

std::optional<std::int64_t> query_fields::optional_int(std::string_view name, std::int64_t lo,
                                                       std::int64_t hi) {
  auto v = ctx_.query_param(name);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc{} || end != v->data() + v->size()) {
    fail(name, "value is not a valid integer", "type_error.integer");
    return std::nullopt;
  }
  if (n < lo) {
    fail(name, fmt::format("ensure this value is greater than or equal to {}", lo),
         "value_error.number.not_ge");
    return std::nullopt;
  }
  if (n > hi) {
    fail(name, fmt::format("ensure this value is less than or equal to {}", hi),
         "value_error.number.not_le");
    return std::nullopt;
  }
  return n;
}

std::optional<std::string> query_fields::optional_choice(
    std::string_view name, std::initializer_list<std::string_view> choices) {
  auto v = ctx_.query_param(name);
  if (!v) return std::nullopt;
  for (std::string_view c : choices)
    if (*v == c) return v;
  std::string permitted;
  for (std::string_view c : choices)
    permitted += fmt::format("{}'{}'", permitted.empty() ? "" : ", ", c);
  fail(name, "value is not a valid enumeration member; permitted: " + permitted,
       "type_error.enum");
  return std::nullopt;
}

}  // namespace seatd::api
