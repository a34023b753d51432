#pragma once
// Whether a person's name (a passenger's, an account's) is fit to be printed: it travels into
// e-mail headers, a PDF, a CSV manifest and every page that shows it.
#include <cstddef>
#include <string_view>

namespace seatd::api {

// Valid UTF-8 (no overlong forms, no surrogates) of 1..max_chars code points, without control
// characters, line or paragraph separators, invisible format characters (bidirectional
// overrides and marks, zero-width characters, soft hyphens, tag characters), noncharacters or
// private-use code points; and with at least one visible character (not only spaces,
// combining marks or blank look-alikes such as U+3164). No Unicode tables: the ranges are the
// ones that matter for printing, listed in person_name.cpp.
bool printable_name(std::string_view s, std::size_t max_chars);

}  // namespace seatd::api
