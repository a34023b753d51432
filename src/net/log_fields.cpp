#include "net/log_fields.hpp"

#include <utility>

namespace seatd::net {

namespace {
thread_local std::vector<log_field> fields_now;
}

log_field text_field(std::string_view key, std::string_view value) {
  return {key, std::string(value.substr(0, max_log_field_bytes)), false};
}

log_field number_field(std::string_view key, std::int64_t value) {
  return {key, std::to_string(value), true};
}

std::vector<log_field> request_log_fields(const request& req) {
  std::string_view target = req.target();
  return {text_field("request_id", req["X-Request-Id"]),
          text_field("method", req.method_string()),
          text_field("path", target.substr(0, target.find('?')))};
}

scoped_log_fields::scoped_log_fields(std::vector<log_field> fields)
    : saved_(std::exchange(fields_now, std::move(fields))) {}

scoped_log_fields::~scoped_log_fields() { fields_now = std::move(saved_); }

const std::vector<log_field>& current_log_fields() { return fields_now; }

}  // namespace seatd::net
