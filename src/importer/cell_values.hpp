#pragma once
// Reading typed values out of cells. parse_clock_time and parse_weekday are public (declared in
// schedule_import.hpp); these are the cell-aware variants the validator uses.
#include <cstdint>
#include <optional>

#include "importer/cell_grid.hpp"

namespace seatd::importer {

inline constexpr std::int64_t max_fare = 1'000'000;

// A time cell: text goes through parse_clock_time; an .xlsx number is Excel's fraction of a day
// (0.875 = 21:00), which is how a cell formatted as a time is stored.
std::optional<int> parse_time_cell(const cell& c);

// A whole, non-negative number of rupees, at most max_fare: "1200", "1200.0", or a number cell.
std::optional<std::int64_t> parse_fare_cell(const cell& c);

}  // namespace seatd::importer
