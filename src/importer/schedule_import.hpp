#pragma once
// Reads an operator schedule (.xlsx or .csv with the columns Operator, Day, Bus Name,
// Source, Destination, Departure Time, Arrival Time, Fare (INR), Service Type, Bus Type) into
// validated rows. Pure: takes bytes, returns rows or the first error naming row and column.
// Hostile input (zip bombs, huge sheets, bad XML, missing columns, bad times) is an error,
// never a crash or an unbounded allocation.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/model.hpp"

namespace seatd::importer {

struct limits {
  std::size_t max_file_bytes = 8u << 20;        // compressed upload
  std::size_t max_entry_bytes = 32u << 20;      // any one uncompressed zip entry read
  std::size_t max_rows = 10'000;
};

struct import_error {
  int row = 0;           // 1-based sheet row (header = 1); 0 when not about a row
  std::string column;    // column name; empty when not about a column
  std::string message;   // plain words, e.g. "invalid time '25:00 PM'"
  // "Row 7, column 'Departure Time': invalid time '25:00 PM'" (or just message)
  std::string describe() const;
};

struct parse_result {
  std::vector<schedule_row> rows;
  std::optional<import_error> error;  // set: rows is empty
};

enum class file_kind { xlsx, csv, unknown };
// By extension (case-insensitive) and, for xlsx, the zip magic.
file_kind detect_kind(std::string_view filename, std::string_view bytes);

parse_result parse_xlsx(std::string_view bytes, const limits& lim = {});
parse_result parse_csv(std::string_view bytes, const limits& lim = {});
// Dispatches on detect_kind; unknown kind is an error "unsupported file type".
parse_result parse_schedule(std::string_view filename, std::string_view bytes,
                            const limits& lim = {});

// "09:00 PM", "9:00 pm", "21:00" -> minutes after midnight.
std::optional<int> parse_clock_time(std::string_view s);
// "Monday".."Sunday" (case-insensitive, also "Mon".."Sun") -> 0..6.
std::optional<int> parse_weekday(std::string_view s);

}  // namespace seatd::importer
