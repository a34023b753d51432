#pragma once
// application/x-www-form-urlencoded query strings: find a parameter and percent-decode it.
// (Boost.URL's parse_query from Debian's 1.81 build reads past the end of a view that is not
// NUL-terminated — ASan caught it on request targets — so this small decoder is used instead.)
#include <optional>
#include <string>
#include <string_view>

namespace seatd::net {

// The first value of `name` in `query` ("a=1&b=x%20y"), decoded ('+' is a space); "" for a key
// without '='; nullopt when absent or when its encoding is malformed.
std::optional<std::string> query_value(std::string_view query, std::string_view name);

// Percent-decoding; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

}  // namespace seatd::net
