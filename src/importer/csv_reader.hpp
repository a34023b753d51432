#pragma once
// RFC 4180 CSV -> grid of cell strings.
#include <string_view>

#include "importer/cell_grid.hpp"
#include "importer/schedule_import.hpp"

namespace seatd::importer {

// An unterminated quote or too many rows comes back as grid_read::error; only std::bad_alloc
// may escape, and the public parse functions turn that into an error too.
grid_read read_csv_grid(std::string_view bytes, const limits& lim);

}  // namespace seatd::importer
