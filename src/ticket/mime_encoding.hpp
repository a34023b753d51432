#pragma once
// The encodings an e-mail needs, each a pure function so it can be tested on its own:
// RFC 2047 encoded words for non-ASCII header text, quoted-printable and base64 bodies
// (RFC 2045), and the RFC 5322 date. Output lines end in CRLF, as on the wire.
#include <cstddef>
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace seatd::tickets {

// RFC 2047 says a line holding encoded words is at most 76 characters; RFC 5322 allows 998
// for any line and recommends 78. Everything built here stays within 76.
inline constexpr std::size_t max_encoded_line = 76;

// text (UTF-8, one line) as "B" encoded words "=?UTF-8?B?...?=", each at most 75 characters
// and holding whole characters only, separated by CRLF SP (folding). The first word fits in
// what is left of a line whose first `used` characters are already taken ("Subject: " is 9).
std::string encoded_words(std::string_view text, std::size_t used);

// Quoted-printable (RFC 2045 6.7) of UTF-8 text: any line break (CRLF, CR, LF) becomes CRLF,
// lines are at most 76 characters (soft breaks "=" CRLF), '=' and every byte outside printable
// ASCII is =XX, spaces and tabs before a line break are encoded, and a line beginning "From "
// or "." has that character encoded so no mail system rewrites it. Ends with CRLF.
std::string quoted_printable(std::string_view text);

// Standard base64 with padding, in lines of 76 characters each ending in CRLF.
std::string base64_lines(std::string_view bytes);

// "Sat, 05 Dec 2026 06:38:52 +0000": RFC 5322 3.3, in UTC.
std::string rfc5322_date(sys_ms t);

}  // namespace seatd::tickets
