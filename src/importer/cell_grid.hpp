#pragma once
// The neutral shape both readers produce: the sheet's non-empty rows as cell strings. Keeping
// the file formats out of validation lets .xlsx and .csv share one set of rules and messages.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "importer/schedule_import.hpp"

namespace seatd::importer {

// Columns beyond this are never stored: a schedule has ten, and a cap keeps a hostile row
// ("A1,,,,,,... a million commas") from turning into a million empty strings.
inline constexpr std::size_t max_columns = 100;

struct cell {
  std::string text;
  // True for an .xlsx number cell, whose text is the stored double ("0.875" for 21:00), so
  // times and fares can be read as numbers rather than as what a person typed.
  bool numeric = false;
};

struct grid_row {
  int line = 0;             // 1-based row in the source (sheet row, or CSV record)
  std::vector<cell> cells;  // indexed by 0-based column; at most max_columns
};

struct grid_read {
  std::vector<grid_row> rows;  // only rows with at least one non-blank cell, in source order
  std::optional<import_error> error;
};

// The row cap counts data rows, so the header adds one.
inline std::size_t max_grid_rows(const limits& lim) {
  return lim.max_rows >= static_cast<std::size_t>(-1) - 1 ? lim.max_rows : lim.max_rows + 1;
}

// Error for a sheet holding more rows than the limit allows. Not tied to a row: the point is
// the size of the file, not any one line in it.
inline import_error too_many_rows_error(const limits& lim) {
  return {0, {}, "too many rows: the limit is " + std::to_string(lim.max_rows) + " schedule rows"};
}

}  // namespace seatd::importer
