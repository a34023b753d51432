#pragma once
// Small text helpers shared by the readers and the validator. ASCII-only case folding on
// purpose: column names and weekday names are English, and locale-dependent folding would make
// an import's outcome depend on the server's environment.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace seatd::importer {

bool is_space(char c);
std::string_view trim(std::string_view s);
bool is_blank(std::string_view s);
std::string to_lower_ascii(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool iends_with(std::string_view s, std::string_view suffix);

// Number of code points, or nullopt when `s` is not well-formed UTF-8 (overlongs, surrogates
// and values above U+10FFFF included), so bad bytes from a CSV never reach storage or JSON.
std::optional<std::size_t> utf8_length(std::string_view s);

// 8388608 -> "8 MiB", 1536 -> "1536 bytes": exact units only, because a
// limit in a message should be the limit, not an approximation of it.
std::string format_bytes(std::size_t n);

// A cell value as it may appear inside an error message: quoted, control characters replaced,
// and cut short, because the value is attacker-chosen and messages end up in logs and JSON.
std::string quote_value(std::string_view s);

}  // namespace seatd::importer
