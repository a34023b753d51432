#include "realtime/auth_message.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

namespace seatd::realtime {

namespace json = boost::json;

bool is_client_json(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

client_json read_client_json(std::string_view text) {
  if (text.size() > max_auth_bytes) return auth_refusal{"message too large"};
  // Parsed into a buffer on the stack first (a token is a few hundred bytes), bounded in
  // depth, with error codes: no exception, whatever the bytes are.
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  json::parse_options limits;
  limits.max_depth = 8;
  boost::system::error_code ec;
  auto v = json::parse(text, ec, &arena, limits);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* t = o ? o->if_contains("type") : nullptr;
  const json::string* type = t ? t->if_string() : nullptr;
  if (!type) return auth_refusal{R"(malformed message: expected {"type":"AUTH","token":"..."})"};
  if (*type != "AUTH") return ignored_message{};
  const json::value* token = o->if_contains("token");
  const json::string* s = token ? token->if_string() : nullptr;
  if (!s || s->empty()) return auth_refusal{"token missing: expected a string"};
  return auth_request{std::string(s->data(), s->size())};
}

}  // namespace seatd::realtime
