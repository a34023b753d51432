#include "importer/schedule_import.hpp"

namespace seatd::importer {

std::string import_error::describe() const {
  if (row <= 0) return message;
  std::string out = "Row " + std::to_string(row);
  if (!column.empty()) out += ", column '" + column + "'";
  out += ": ";
  out += message;
  return out;
}

}  // namespace seatd::importer
