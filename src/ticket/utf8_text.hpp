#pragma once
// The few UTF-8 operations tickets need: names and city names arrive as UTF-8 typed by people,
// and both the PDF (font encodings) and the mail headers (encoded words split between
// characters) must work on whole characters, never on bytes of one. Malformed input is
// repaired, not refused: a ticket with one odd character is better than no ticket.
#include <string>
#include <string_view>
#include <vector>

namespace seatd::tickets {

// Code points of s; each byte that does not start a well-formed sequence (stray continuation
// bytes, overlong forms, surrogates, beyond U+10FFFF, cut-off sequences) becomes U+FFFD.
std::vector<char32_t> utf8_code_points(std::string_view s);

void append_utf8(std::string& out, char32_t cp);

// s with each malformed byte replaced by U+FFFD (control characters kept): what a mail body
// declared charset=UTF-8 may carry.
std::string repaired_utf8(std::string_view s);

// For one line of display text (a name, a city, a subject): malformed UTF-8 repaired as above,
// and every control character (C0 including CR, LF and TAB, DEL, C1, U+2028/2029) replaced by
// a space, so nothing typed can break a header or a layout line.
std::string single_line(std::string_view s);

}  // namespace seatd::tickets
