#include "api/json_fields.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

namespace seatd::api {

namespace json = boost::json;

json_fields::json_fields(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  auto v = json::parse(body, ec, {}, opts);
  if (ec) {
    body_bad_ = true;
    errors_.push_back(json::object{{"loc", json::array{"body", 0}},
                                   {"msg", fmt::format("Invalid JSON: {}", ec.message())},
                                   {"type", "value_error.jsondecode"}});
    return;
  }
  if (!v.is_object()) {
    body_bad_ = true;
    errors_.push_back(json::object{{"loc", json::array{"body"}},
                                   {"msg", "value is not a valid dict"},
                                   {"type", "type_error.dict"}});
    return;
  }
  object_ = std::move(v.as_object());
}

json_fields::json_fields(json::object item, json::array loc)
    : loc_(std::move(loc)), object_(std::move(item)) {}

void json_fields::fail(std::string_view name, std::string_view msg, std::string_view type) {
  json::array loc = loc_;
  loc.push_back(json::string(name));
  errors_.push_back(json::object{{"loc", std::move(loc)}, {"msg", msg}, {"type", type}});
}

std::optional<std::vector<json_fields>> json_fields::optional_object_list(std::string_view name,
                                                                          std::size_t max_items) {
  if (body_bad_) return std::nullopt;
  auto* v = find(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    fail(name, "value is not a valid list", "type_error.list");
    return std::nullopt;
  }
  const auto& arr = v->as_array();
  if (arr.size() > max_items) {
    fail(name, fmt::format("ensure this value has at most {} items", max_items),
         "value_error.list.max_items");
    return std::nullopt;
  }
  std::vector<json_fields> items;
  bool all_objects = true;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    json::array loc = loc_;
    loc.push_back(json::string(name));
    loc.push_back(i);
    if (!arr[i].is_object()) {
      errors_.push_back(json::object{
          {"loc", std::move(loc)}, {"msg", "value is not a valid dict"}, {"type", "type_error.dict"}});
      all_objects = false;
      continue;
    }
    items.push_back(json_fields(arr[i].as_object(), std::move(loc)));
  }
  if (!all_objects) return std::nullopt;
  return items;
}

void json_fields::absorb(const json_fields& item) {
  for (const auto& e : item.errors_) errors_.push_back(e);
}

const json::value* json_fields::find(std::string_view name) {
  auto it = object_.find(name);
  if (it == object_.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

std::optional<std::string> json_fields::required_string(std::string_view name,
                                                        std::size_t min_len,
                                                        std::size_t max_len) {
  if (body_bad_) return std::nullopt;
  auto* v = find(name);
  if (!v) {
    fail(name, "field required", "value_error.missing");
    return std::nullopt;
  }
  if (!v->is_string()) {
    fail(name, "str type expected", "type_error.str");
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (s.size() < min_len) {
    fail(name, fmt::format("ensure this value has at least {} characters", min_len),
         "value_error.any_str.min_length");
    return std::nullopt;
  }
  if (s.size() > max_len) {
    fail(name, fmt::format("ensure this value has at most {} characters", max_len),
         "value_error.any_str.max_length");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> json_fields::optional_string(std::string_view name,
                                                        std::size_t max_len) {
  if (!find(name)) return std::nullopt;
  return required_string(name, 0, max_len);
}

std::optional<std::int64_t> json_fields::required_int(std::string_view name, std::int64_t lo,
                                                     std::int64_t hi) {
  if (body_bad_) return std::nullopt;
  auto* v = find(name);
  if (!v) {
    fail(name, "field required", "value_error.missing");
    return std::nullopt;
  }
  std::int64_t out = 0;
  if (v->is_int64()) {
    out = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= std::uint64_t(INT64_MAX)) {
    out = std::int64_t(v->as_uint64());
  } else {
    fail(name, "value is not a valid integer", "type_error.integer");
    return std::nullopt;
  }
  if (out < lo || out > hi) {
    fail(name, fmt::format("ensure this value is between {} and {}", lo, hi),
         "value_error.number.not_in_range");
    return std::nullopt;
  }
  return out;
}

std::optional<bool> json_fields::optional_bool(std::string_view name) {
  if (body_bad_) return std::nullopt;
  auto* v = find(name);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    fail(name, "value could not be parsed to a boolean", "type_error.bool");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::int64_t> json_fields::optional_int(std::string_view name, std::int64_t lo,
                                                     std::int64_t hi) {
  if (!find(name)) return std::nullopt;
  return required_int(name, lo, hi);
}

std::optional<std::vector<int>> json_fields::required_int_list(std::string_view name,
                                                              std::size_t min_items,
                                                              std::size_t max_items, int lo,
                                                              int hi) {
  if (body_bad_) return std::nullopt;
  auto* v = find(name);
  if (!v) {
    fail(name, "field required", "value_error.missing");
    return std::nullopt;
  }
  if (!v->is_array()) {
    fail(name, "value is not a valid list", "type_error.list");
    return std::nullopt;
  }
  const auto& arr = v->as_array();
  if (arr.size() < min_items || arr.size() > max_items) {
    fail(name, fmt::format("ensure this list has between {} and {} items", min_items, max_items),
         "value_error.list.size");
    return std::nullopt;
  }
  std::vector<int> out;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const auto& e = arr[i];
    if (!e.is_int64() || e.as_int64() < lo || e.as_int64() > hi) {
      errors_.push_back(json::object{{"loc", json::array{"body", name, i}},
                                     {"msg", e.is_int64() ? "value out of range"
                                                          : "value is not a valid integer"},
                                     {"type", e.is_int64() ? "value_error.number.not_in_range"
                                                           : "type_error.integer"}});
      return std::nullopt;
    }
    out.push_back(int(e.as_int64()));
  }
  return out;
}

net::response json_fields::error() const {
  return net::json_response(net::http::status::unprocessable_entity,
                            json::object{{"detail", errors_}});
}

}  // namespace seatd::api
