#pragma once
// Query-string validation with the original's error shape: every problem becomes one
// {"loc": ["query", name], "msg", "type"} entry of a 422, as FastAPI/pydantic reported them
// (the query-string sibling of json_fields). A parameter given empty counts as given.
#include <boost/json/array.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "domain/local_time.hpp"
#include "net/http.hpp"
#include "net/request_context.hpp"

namespace seatd::api {

class query_fields {
 public:
  explicit query_fields(const net::request_context& ctx) : ctx_(ctx) {}

  // Well-formed UTF-8 of at most max_len characters (code points) without control characters;
  // with min_len 1, blank text (only spaces) is refused too.
  std::optional<std::string> required_string(std::string_view name, std::size_t min_len,
                                             std::size_t max_len);
  std::optional<std::string> optional_string(std::string_view name, std::size_t max_len);
  // A calendar date YYYY-MM-DD.
  std::optional<local_date> optional_date(std::string_view name);
  // A decimal integer in [lo, hi].
  std::optional<std::int64_t> optional_int(std::string_view name, std::int64_t lo,
                                           std::int64_t hi);
  // One of `choices`, exactly as written.
  std::optional<std::string> optional_choice(std::string_view name,
                                             std::initializer_list<std::string_view> choices);
  void fail(std::string_view name, std::string_view msg, std::string_view type);

  bool ok() const { return errors_.empty(); }
  net::response error() const;

 private:
  const net::request_context& ctx_;
  boost::json::array errors_;
};

}  // namespace seatd::api
