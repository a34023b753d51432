#pragma once
// The fields of the log lines being written on this thread: who the request is (request_id,
// method, path, remote) and what came of it (status, duration). A scope sets them around
// synchronous spdlog calls, and the log format writes them (JSON: as members; text: the
// request id). Thread-local, so a scope must not span a co_await (the coroutine may resume on
// another thread): set them, log, leave.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/http.hpp"

namespace seatd::net {

struct log_field {
  std::string_view key;  // a literal: snake_case, needs no escaping
  std::string value;
  bool number = false;  // JSON: written bare
};

// A field's text is cut to this many bytes: a log line stays a log line whatever the client
// sent (headers are already bounded by the header limit; this keeps each line small).
inline constexpr std::size_t max_log_field_bytes = 1024;

log_field text_field(std::string_view key, std::string_view value);
log_field number_field(std::string_view key, std::int64_t value);

// The request's own fields: request_id (the X-Request-Id the session put on it), method, path.
std::vector<log_field> request_log_fields(const request& req);

class scoped_log_fields {
 public:
  // These fields, for the lines logged on this thread until the scope ends (then the ones
  // before it again).
  explicit scoped_log_fields(std::vector<log_field> fields);
  ~scoped_log_fields();
  scoped_log_fields(const scoped_log_fields&) = delete;
  scoped_log_fields& operator=(const scoped_log_fields&) = delete;

 private:
  std::vector<log_field> saved_;
};

const std::vector<log_field>& current_log_fields();

}  // namespace seatd::net
