#pragma once
// How a typed city finds the schedule's spelling: case, stray spaces and the old and new names of
// Indian cities (Bengaluru / Bangalore, Chennai / Madras, ...) do not matter. Pure functions.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seatd {

// The most spellings one city has in the alias table (the stores bind this many parameters).
inline constexpr std::size_t max_city_spellings = 4;

// Trimmed, runs of whitespace collapsed to one space, ASCII letters lower-cased:
// "  NEW   Delhi " -> "new delhi". Other bytes (UTF-8) are kept as they are.
std::string normalize_city(std::string_view typed);

// Every spelling, normalised, under which the city typed as `typed` may be stored: the typed
// one first, then its aliases (at most max_city_spellings in all). Empty for blank text.
std::vector<std::string> city_spellings(std::string_view typed);

// The first of `known` (the schedule's cities, e.g. store::list_cities) that names the typed
// city under any spelling; nullopt when none does.
std::optional<std::string> schedule_spelling(std::string_view typed,
                                             const std::vector<std::string>& known);

}  // namespace seatd
