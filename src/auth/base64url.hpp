#pragma once
// Unpadded base64url (RFC 4648 section 5) as JWS requires it. Private to the auth layer.
#include <optional>
#include <string>
#include <string_view>

namespace seatd::auth {

std::string base64url_encode(std::string_view bytes);

// Strict: only [A-Za-z0-9_-], no padding or whitespace, no length of the form 4n+1, and the
// unused low bits of the last character must be zero, so every byte string has exactly one
// accepted encoding (no malleable tokens). nullopt on any violation.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace seatd::auth
