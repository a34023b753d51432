#pragma once
// A viewer's JSON message (docs/protocol.md, "Client messages"), read without trusting a byte
// of it: today only AUTH, {"type":"AUTH","token":"<bearer JWT>"}. Pure, no exception: the
// viewer answers what this says (AUTH_FAILED with the detail, or checks the token).
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace seatd::realtime {

// A JSON message over this many bytes is refused unparsed ("message too large").
constexpr std::size_t max_auth_bytes = 2048;

struct auth_request {
  std::string token;  // not empty
};
struct auth_refusal {
  std::string_view detail;  // AUTH_FAILED's detail (a constant)
};
struct ignored_message {};  // a JSON object of a type this server does not know

using client_json = std::variant<auth_request, auth_refusal, ignored_message>;

// Whether client text is a JSON message (starts with '{' after white space): every other text
// but "ping" is ignored.
bool is_client_json(std::string_view text);

// The message, for text that is_client_json.
client_json read_client_json(std::string_view text);

}  // namespace seatd::realtime
