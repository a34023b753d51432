#pragma once
// .xlsx (zip + SpreadsheetML) -> grid of cell strings, first worksheet only.
#include <string_view>

#include "importer/cell_grid.hpp"
#include "importer/schedule_import.hpp"

namespace seatd::importer {

// Failures (not a zip, bad XML, limits exceeded) come back as grid_read::error; only
// std::bad_alloc may escape, and the public parse functions turn that into an error too.
grid_read read_xlsx_grid(std::string_view bytes, const limits& lim);

}  // namespace seatd::importer
