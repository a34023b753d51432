#pragma once
// Request-body validation with the original's error shape: every problem becomes one
// {"loc": ["body", field], "msg", "type"} entry of a 422, as FastAPI/pydantic reported them.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "net/http.hpp"

namespace seatd::api {

class json_fields {
 public:
  // Parses the body as a JSON object; on failure error() is set (malformed JSON, not an object).
  explicit json_fields(std::string_view body);

  std::optional<std::string> required_string(std::string_view name, std::size_t min_len,
                                             std::size_t max_len);
  std::optional<std::string> optional_string(std::string_view name, std::size_t max_len);
  std::optional<std::int64_t> required_int(std::string_view name, std::int64_t lo,
                                           std::int64_t hi);
  std::optional<std::int64_t> optional_int(std::string_view name, std::int64_t lo,
                                           std::int64_t hi);
  // Whether the field is there (and not null).
  bool has(std::string_view name) { return find(name) != nullptr; }
  std::optional<bool> optional_bool(std::string_view name);
  std::optional<std::vector<int>> required_int_list(std::string_view name, std::size_t min_items,
                                                    std::size_t max_items, int lo, int hi);
  // A list of objects (null or absent: nullopt, no error). Each item is read with its own
  // json_fields, whose errors name ["body", name, index, field]; absorb() each item after
  // reading it so its errors count here.
  std::optional<std::vector<json_fields>> optional_object_list(std::string_view name,
                                                               std::size_t max_items);
  void absorb(const json_fields& item);
  // Adds a custom error on a field (e.g. an invalid email).
  void fail(std::string_view name, std::string_view msg, std::string_view type);

  bool ok() const { return errors_.empty(); }
  net::response error() const;

 private:
  json_fields(boost::json::object item, boost::json::array loc);
  const boost::json::value* find(std::string_view name);
  boost::json::array loc_{"body"};  // where this object's fields are
  boost::json::object object_;
  boost::json::array errors_;
  bool body_bad_ = false;  // the body is not a JSON object: field checks are moot
};

}  // namespace seatd::api
