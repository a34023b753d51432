// libFuzzer target: a viewer's JSON message (realtime/auth_message), the one piece of a
// WebSocket client's text seatd parses. Whatever the text: no crash, no exception, and what
// comes back keeps its promises — an AUTH names a non-empty token no longer than the message,
// a refusal has a detail, and a message over max_auth_bytes is refused unparsed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "realtime/auth_message.hpp"

namespace {

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "auth_message finding: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)seatd::realtime::is_client_json(text);
  const auto message = seatd::realtime::read_client_json(text);
  if (const auto* auth = std::get_if<seatd::realtime::auth_request>(&message)) {
    if (auth->token.empty()) finding("an AUTH with an empty token");
    if (auth->token.size() > size) finding("a token longer than the message");
    if (size > seatd::realtime::max_auth_bytes) finding("an oversized message was parsed");
  } else if (const auto* refused = std::get_if<seatd::realtime::auth_refusal>(&message)) {
    if (refused->detail.empty()) finding("a refusal without a detail");
  }
  return 0;
}
