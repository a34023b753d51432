#include "importer/xlsx_reader.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "importer/shared_strings.hpp"
#include "importer/text_util.hpp"
#include "importer/xlsx_package.hpp"
#include "importer/xml_stream.hpp"
#include "importer/zip_archive.hpp"

namespace seatd::importer {
namespace {

// Excel's own bounds: 1,048,576 rows and columns A..XFD.
constexpr int max_sheet_row = 1'048'576;
constexpr std::size_t max_sheet_column = 16'384;

std::optional<int> parse_row_number(std::string_view s) {
  if (s.empty() || s.size() > 7 || s.front() == '0') return std::nullopt;
  int value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || ptr != s.data() + s.size() || value < 1 || value > max_sheet_row) {
    return std::nullopt;
  }
  return value;
}

// "B7" -> column 1 (0-based). Only the plain A1 form a worksheet uses; no '$', no sheet names.
std::optional<std::size_t> parse_cell_column(std::string_view ref) {
  std::size_t letters = 0;
  std::size_t column = 0;
  while (letters < ref.size() && letters < 3) {
    char c = ref[letters];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + static_cast<std::size_t>(c - 'A' + 1);
    ++letters;
  }
  if (letters == 0 || column > max_sheet_column) return std::nullopt;
  if (!parse_row_number(ref.substr(letters))) return std::nullopt;
  return column - 1;
}

std::optional<std::size_t> parse_index(std::string_view s) {
  s = trim(s);
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string column_letters(std::size_t column) {
  std::string out;
  for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

// Turns <sheetData> into grid rows. Cell values are resolved as each </c> closes, so only the
// current row is held in its raw form.
class sheet_handler final : public xml_handler {
 public:
  sheet_handler(const std::vector<std::string>& shared, const limits& lim, grid_read& out)
      : shared_(shared), lim_(lim), out_(out), text_budget_(lim.max_entry_bytes) {}

  // Set when the failure concerns a particular row, so the message can name it.
  std::optional<import_error> detail;

  void start(std::string_view name, const XML_Char** attrs) override {
    if (name == "sheetData") {
      in_sheet_data_ = true;
    } else if (in_sheet_data_ && name == "row") {
      start_row(attrs);
    } else if (in_row_ && name == "c") {
      start_cell(attrs);
    } else if (in_cell_) {
      if (name == "v") ++v_depth_;
      if (name == "is") ++is_depth_;
      if (name == "t" && is_depth_ > 0) ++t_depth_;
      if (name == "rPh") ++phonetic_depth_;
    }
  }

  void end(std::string_view name) override {
    if (name == "sheetData") {
      in_sheet_data_ = false;
    } else if (in_row_ && name == "row") {
      end_row();
    } else if (in_cell_ && name == "c") {
      end_cell();
    } else if (in_cell_) {
      if (name == "v" && v_depth_ > 0) --v_depth_;
      if (name == "is" && is_depth_ > 0) --is_depth_;
      if (name == "t" && t_depth_ > 0) --t_depth_;
      if (name == "rPh" && phonetic_depth_ > 0) --phonetic_depth_;
    }
  }

  void text(std::string_view s) override {
    if (!in_cell_) return;
    if (v_depth_ > 0) {
      value_.append(s);
    } else if (t_depth_ > 0 && phonetic_depth_ == 0) {
      inline_text_.append(s);
    }
  }

 private:
  void fail_at(int row, std::string message) {
    detail = import_error{row, {}, message};
    fail(std::move(message));
  }

  void start_row(const XML_Char** attrs) {
    int line = last_line_ + 1;
    if (const auto r = attribute(attrs, "r")) {
      const auto parsed = parse_row_number(*r);
      if (!parsed) {
        fail_at(0, std::string(invalid_xlsx) + ": invalid row number " + quote_value(*r));
        return;
      }
      line = *parsed;
    }
    if (line > max_sheet_row) {
      fail_at(0, std::string(invalid_xlsx) + ": more rows than a worksheet can hold");
      return;
    }
    in_row_ = true;
    line_ = line;
    last_line_ = line;
    cells_.clear();
    next_column_ = 0;
  }

  void end_row() {
    in_row_ = false;
    bool has_value = false;
    for (const auto& c : cells_) {
      if (!is_blank(c.text)) {
        has_value = true;
        break;
      }
    }
    if (!has_value) return;
    out_.rows.push_back(grid_row{line_, std::move(cells_)});
    cells_ = {};
    if (out_.rows.size() > max_grid_rows(lim_)) {
      const auto e = too_many_rows_error(lim_);
      fail_at(e.row, e.message);
    }
  }

  void start_cell(const XML_Char** attrs) {
    std::size_t column = next_column_;
    if (const auto r = attribute(attrs, "r")) {
      const auto parsed = parse_cell_column(*r);
      if (!parsed) {
        fail_at(line_, std::string(invalid_xlsx) + ": invalid cell reference " + quote_value(*r));
        return;
      }
      column = *parsed;
    }
    in_cell_ = true;
    column_ = column;
    next_column_ = column + 1;
    type_ = std::string(attribute(attrs, "t").value_or(""));
    value_.clear();
    inline_text_.clear();
    v_depth_ = is_depth_ = t_depth_ = phonetic_depth_ = 0;
  }

  void end_cell() {
    in_cell_ = false;
    cell c;
    if (type_ == "s") {
      if (!is_blank(value_)) {
        const auto index = parse_index(value_);
        if (!index || *index >= shared_.size()) {
          fail_at(line_, std::string(invalid_xlsx) + ": cell " + column_letters(column_) +
                             std::to_string(line_) + " refers to a missing shared string");
          return;
        }
        c.text = shared_[*index];
      }
    } else if (type_ == "inlineStr") {
      c.text = std::move(inline_text_);
    } else if (type_ == "b") {
      c.text = trim(value_) == "1" ? "TRUE" : trim(value_) == "0" ? "FALSE" : value_;
    } else if (type_.empty() || type_ == "n") {
      c.numeric = !is_blank(value_);
      c.text = std::move(value_);
    } else {
      // "str" (a formula's text result), "e" (an error such as #N/A), "d" (ISO date): the
      // value is the text as it stands.
      c.text = std::move(value_);
    }
    if (is_blank(c.text)) return;  // styling-only cells carry nothing to keep
    if (column_ >= max_columns) {
      fail_at(line_, "cell " + column_letters(column_) + std::to_string(line_) + " is beyond the " +
                         std::to_string(max_columns) + " columns a schedule may use");
      return;
    }
    // One long shared string referenced from every cell would multiply without this.
    if (c.text.size() > text_budget_) {
      fail_at(0, std::string(invalid_xlsx) + ": the sheet holds more text than the limit of " +
                     format_bytes(lim_.max_entry_bytes));
      return;
    }
    text_budget_ -= c.text.size();
    if (cells_.size() <= column_) cells_.resize(column_ + 1);
    cells_[column_] = std::move(c);
  }

  const std::vector<std::string>& shared_;
  const limits& lim_;
  grid_read& out_;
  std::size_t text_budget_;

  bool in_sheet_data_ = false;
  bool in_row_ = false;
  int line_ = 0;
  int last_line_ = 0;
  std::vector<cell> cells_;
  std::size_t next_column_ = 0;

  bool in_cell_ = false;
  std::size_t column_ = 0;
  std::string type_;
  std::string value_;        // <v>
  std::string inline_text_;  // <is><t>, runs joined
  int v_depth_ = 0;
  int is_depth_ = 0;
  int t_depth_ = 0;
  int phonetic_depth_ = 0;
};

grid_read failed(std::string message) {
  grid_read r;
  r.error = import_error{0, {}, std::move(message)};
  return r;
}

}  // namespace

grid_read read_xlsx_grid(std::string_view bytes, const limits& lim) {
  const auto zip = zip_archive::open(bytes);
  if (!zip) return failed(std::string(invalid_xlsx));

  const auto parts = locate_parts(*zip, lim);
  if (parts.error) return failed(*parts.error);

  std::vector<std::string> shared;
  if (parts.shared_strings) {
    if (auto err = read_shared_strings(*zip, *parts.shared_strings, lim, shared)) {
      return failed(std::move(*err));
    }
  }

  grid_read out;
  sheet_handler sheet(shared, lim, out);
  const auto result = parse_xml_part(*zip, parts.worksheet, lim, sheet);
  if (sheet.detail) {
    grid_read r;
    r.error = std::move(sheet.detail);
    return r;
  }
  if (result.error) return failed(*result.error);
  return out;
}

}  // namespace seatd::importer
