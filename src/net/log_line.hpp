#pragma once
// The two shapes of a log line (SEATD_LOG_FORMAT). Pure: no I/O, no clock.
//  - json: one JSON object per line, {"time", "level", "message", then the fields}. Whatever a
//    client put in a path or a header, the line stays one line of valid JSON: quotes,
//    backslashes and control characters are escaped (U+2028/U+2029 too), and bytes that are
//    not UTF-8 become U+FFFD.
//  - text: the fields' suffix of a text line (the request id), escaped the same way so a
//    hostile value cannot start a new line.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "net/log_fields.hpp"

namespace seatd::net {

// Appends `text` as a JSON string (with its quotes).
void append_json_string(std::string& out, std::string_view text);

// One JSON line, newline included. `time`: UTC, written as 2026-01-31T12:34:56.789Z.
std::string json_log_line(std::chrono::system_clock::time_point time, std::string_view level,
                          std::string_view message, const std::vector<log_field>& fields);

// " request_id=<id>" for a text line, or "" when the fields name no request.
std::string text_log_suffix(const std::vector<log_field>& fields);

}  // namespace seatd::net
