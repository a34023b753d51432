#pragma once
// The workbook's shared string table (xl/sharedStrings.xml): text cells refer to it by index.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "importer/schedule_import.hpp"
#include "importer/zip_archive.hpp"

namespace seatd::importer {

// Each entry costs a std::string even when empty, so the count is capped separately from the
// entry's byte size (a few bytes of "<si/>" per entry would otherwise buy ~32 bytes each).
// 10,000 rows x 10 columns of distinct text fits with room to spare.
inline constexpr std::size_t max_shared_strings = 256 * 1024;

// Reads the table into `out`. Returns an error message, or nullopt on success.
std::optional<std::string> read_shared_strings(const zip_archive& zip, std::string_view path,
                                               const limits& lim, std::vector<std::string>& out);

}  // namespace seatd::importer
