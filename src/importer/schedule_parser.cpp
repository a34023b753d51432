// The public entry points: choose a reader by file kind, then turn its grid into validated
// schedule rows. Every rule about what a valid row is lives here, once, for both formats.
#include <algorithm>
#include <array>
#include <exception>
#include <new>

#include "importer/cell_grid.hpp"
#include "importer/cell_values.hpp"
#include "importer/csv_reader.hpp"
#include "importer/schedule_import.hpp"
#include "importer/text_util.hpp"
#include "importer/xlsx_reader.hpp"

namespace seatd::importer {
namespace {

enum class field {
  operator_name,
  day,
  bus_name,
  source,
  destination,
  departure,
  arrival,
  fare,
  service_type,
  bus_type,
};

struct column_spec {
  std::string_view name;  // as the operator's template spells it
  field target;
};

constexpr std::array<column_spec, 10> columns{{
    {"Operator", field::operator_name},
    {"Day", field::day},
    {"Bus Name", field::bus_name},
    {"Source", field::source},
    {"Destination", field::destination},
    {"Departure Time", field::departure},
    {"Arrival Time", field::arrival},
    {"Fare (INR)", field::fare},
    {"Service Type", field::service_type},
    {"Bus Type", field::bus_type},
}};

// Headers are matched ignoring case and spacing ("  fare  (inr) " is "Fare (INR)"), because
// spreadsheets are edited by hand and a stray space should not reject an upload.
std::string header_key(std::string_view s) {
  std::string out;
  bool pending_space = false;
  for (char c : trim(s)) {
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out += c;
  }
  return to_lower_ascii(out);
}

parse_result failure(import_error e) {
  parse_result r;
  r.error = std::move(e);
  return r;
}

const cell& empty_cell() {
  static const cell empty;
  return empty;
}

constexpr std::string_view value_required = "a value is required";

// Free text: trimmed, valid UTF-8, no control characters, at most max_chars code points.
std::optional<std::string> check_text(const cell& c, std::size_t max_chars, bool required,
                                      std::string& out) {
  const std::string_view t = trim(c.text);
  if (t.empty()) {
    if (required) return std::string(value_required);
    out.clear();
    return std::nullopt;
  }
  const auto length = utf8_length(t);
  if (!length) return std::string("the text is not valid UTF-8");
  if (std::any_of(t.begin(), t.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return u < 0x20 || u == 0x7F;
      })) {
    return std::string("the text contains control characters such as line breaks");
  }
  if (*length > max_chars) {
    return "the text is longer than " + std::to_string(max_chars) + " characters";
  }
  out.assign(t);
  return std::nullopt;
}

// Validates one cell into `row`; returns the message when it is not acceptable.
std::optional<std::string> apply(field f, const cell& c, schedule_row& row) {
  switch (f) {
    case field::operator_name:
      return check_text(c, 100, false, row.operator_name);
    case field::bus_name:
      return check_text(c, 100, true, row.bus_name);
    case field::source:
      return check_text(c, 100, true, row.source);
    case field::destination:
      return check_text(c, 100, true, row.destination);
    case field::service_type:
      return check_text(c, 50, false, row.service_type);
    case field::bus_type:
      return check_text(c, 50, true, row.bus_type);
    case field::day: {
      if (is_blank(c.text)) return std::string(value_required);
      const auto day = parse_weekday(c.text);
      if (!day) return "invalid day " + quote_value(trim(c.text));
      row.weekday = *day;
      return std::nullopt;
    }
    case field::departure:
    case field::arrival: {
      if (is_blank(c.text)) return std::string(value_required);
      const auto minutes = parse_time_cell(c);
      if (!minutes) return "invalid time " + quote_value(trim(c.text));
      (f == field::departure ? row.departure_minutes : row.arrival_minutes) = *minutes;
      return std::nullopt;
    }
    case field::fare: {
      if (is_blank(c.text)) return std::string(value_required);
      const auto fare = parse_fare_cell(c);
      if (!fare) {
        return "invalid fare " + quote_value(trim(c.text)) +
               ": expected a whole number from 0 to " + std::to_string(max_fare);
      }
      row.fare = *fare;
      return std::nullopt;
    }
  }
  return std::string("unknown column");
}

parse_result rows_from_grid(const grid_read& grid, const limits& lim) {
  if (grid.error) return failure(*grid.error);
  if (grid.rows.empty()) {
    return failure({0, {}, "the file is empty: expected a header row and schedule rows"});
  }

  // The first non-blank row is the header; usually sheet row 1.
  const grid_row& header = grid.rows.front();
  std::array<std::optional<std::size_t>, columns.size()> position;
  for (std::size_t col = 0; col < header.cells.size(); ++col) {
    const std::string key = header_key(header.cells[col].text);
    for (std::size_t k = 0; k < columns.size(); ++k) {
      if (key != to_lower_ascii(columns[k].name)) continue;
      // Two "Fare (INR)" columns leave no way to know which one the operator meant.
      if (position[k]) {
        return failure({header.line, std::string(columns[k].name), "the column appears twice"});
      }
      position[k] = col;
    }
  }
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (!position[k]) {
      return failure({header.line, std::string(columns[k].name), "required column is missing"});
    }
  }

  if (grid.rows.size() == 1) return failure({0, {}, "no schedule rows"});
  if (grid.rows.size() - 1 > lim.max_rows) return failure(too_many_rows_error(lim));

  // Check cells left to right as they sit in the sheet, so "the first failing cell" is the one
  // the operator would find first when reading the row.
  std::array<std::size_t, columns.size()> order;
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return *position[a] < *position[b]; });

  parse_result result;
  result.rows.reserve(grid.rows.size() - 1);
  for (std::size_t i = 1; i < grid.rows.size(); ++i) {
    const grid_row& src = grid.rows[i];
    schedule_row row;
    row.line = src.line;
    for (const std::size_t k : order) {
      const std::size_t col = *position[k];
      const cell& c = col < src.cells.size() ? src.cells[col] : empty_cell();
      if (auto message = apply(columns[k].target, c, row)) {
        return failure({src.line, std::string(columns[k].name), std::move(*message)});
      }
    }
    result.rows.push_back(std::move(row));
  }
  return result;
}

std::optional<import_error> check_size(std::string_view bytes, const limits& lim) {
  if (bytes.size() <= lim.max_file_bytes) return std::nullopt;
  return import_error{
      0, {}, "the file is too large: the limit is " + format_bytes(lim.max_file_bytes)};
}

// The readers report limits and malformed input as values; what can still escape is running
// out of memory (or a library throwing), and that must not take the server's request down.
template <class F>
parse_result guarded(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return failure({0, {}, "the file could not be read: out of memory"});
  } catch (const std::exception& e) {
    return failure({0, {}, std::string("the file could not be read: ") + e.what()});
  } catch (...) {
    return failure({0, {}, "the file could not be read"});
  }
}

}  // namespace

file_kind detect_kind(std::string_view filename, std::string_view bytes) {
  constexpr std::string_view zip_magic{"PK\x03\x04", 4};
  if (iends_with(filename, ".xlsx") && bytes.substr(0, zip_magic.size()) == zip_magic) {
    return file_kind::xlsx;
  }
  if (iends_with(filename, ".csv")) return file_kind::csv;
  return file_kind::unknown;
}

parse_result parse_xlsx(std::string_view bytes, const limits& lim) {
  if (auto e = check_size(bytes, lim)) return failure(std::move(*e));
  return guarded([&] { return rows_from_grid(read_xlsx_grid(bytes, lim), lim); });
}

parse_result parse_csv(std::string_view bytes, const limits& lim) {
  if (auto e = check_size(bytes, lim)) return failure(std::move(*e));
  return guarded([&] { return rows_from_grid(read_csv_grid(bytes, lim), lim); });
}

parse_result parse_schedule(std::string_view filename, std::string_view bytes, const limits& lim) {
  switch (detect_kind(filename, bytes)) {
    case file_kind::xlsx:
      return parse_xlsx(bytes, lim);
    case file_kind::csv:
      return parse_csv(bytes, lim);
    case file_kind::unknown:
      break;
  }
  // Named .xlsx but not a zip: say so, rather than suggest the extension is the problem.
  if (iends_with(filename, ".xlsx")) return failure({0, {}, "not a valid .xlsx file"});
  return failure({0, {}, "unsupported file type: upload an .xlsx or .csv schedule"});
}

}  // namespace seatd::importer
