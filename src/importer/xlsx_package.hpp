#pragma once
// Finding the parts of an .xlsx package: which zip entry is the first worksheet and which holds
// the shared strings, following workbook.xml and its relationships the way Excel does rather
// than assuming fixed names (files written by other tools name their sheets differently).
#include <optional>
#include <string>
#include <string_view>

#include "importer/schedule_import.hpp"
#include "importer/xml_stream.hpp"
#include "importer/zip_archive.hpp"

namespace seatd::importer {

inline constexpr std::string_view invalid_xlsx = "not a valid .xlsx file";

struct part_result {
  bool missing = false;              // the entry does not exist (error is also set)
  std::optional<std::string> error;  // full message, ready for import_error
};

// Streams one zip entry through an XML handler, capped at lim.max_entry_bytes uncompressed.
part_result parse_xml_part(const zip_archive& zip, std::string_view path, const limits& lim,
                           xml_handler& handler);

struct package_parts {
  std::string worksheet;                      // entry name of the first worksheet
  std::optional<std::string> shared_strings;  // entry name, when the package has one
  std::optional<std::string> error;
};

package_parts locate_parts(const zip_archive& zip, const limits& lim);

// A relationship target resolved against the folder of the part that refers to it ("xl/"):
// "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml", "/xl/a.xml" -> "xl/a.xml". nullopt when
// it climbs out of the package with "..".
std::optional<std::string> resolve_part(std::string_view base_dir, std::string_view target);

}  // namespace seatd::importer
