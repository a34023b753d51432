#include "importer/csv_reader.hpp"

#include <string>
#include <vector>

#include "importer/text_util.hpp"

namespace seatd::importer {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// RFC 4180 with the leniencies spreadsheets produce in practice: LF or lone CR line ends as
// well as CRLF, spaces after a closing quote, and a stray quote inside an unquoted field taken
// literally. Row numbers count records, so a quoted line break does not shift them and they
// match the row a spreadsheet shows when it opens the file.
class csv_parser {
 public:
  csv_parser(std::string_view bytes, const limits& lim) : in_(bytes), lim_(lim) {}

  grid_read run() {
    if (in_.substr(0, utf8_bom.size()) == utf8_bom) pos_ = utf8_bom.size();
    while (pos_ < in_.size() && !out_.error) read_record();
    if (out_.error) out_.rows.clear();
    return std::move(out_);
  }

 private:
  void fail(int row, std::string message) {
    out_.error = import_error{row, {}, std::move(message)};
  }

  bool at_line_end() const { return in_[pos_] == '\n' || in_[pos_] == '\r'; }

  void skip_line_end() {
    if (in_[pos_] == '\r' && pos_ + 1 < in_.size() && in_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
  }

  void read_record() {
    ++line_;
    std::vector<cell> cells;
    std::size_t column = 0;
    for (;;) {
      std::string field;
      if (!read_field(field)) return;
      if (column < max_columns) {
        cells.push_back(cell{std::move(field), false});
      } else if (!is_blank(field)) {
        fail(line_, "the row has more than " + std::to_string(max_columns) + " columns");
        return;
      }
      ++column;
      if (pos_ >= in_.size()) break;
      if (in_[pos_] == ',') {
        ++pos_;
        // A trailing comma at the very end still means one more (empty) field.
        if (pos_ >= in_.size()) break;
        continue;
      }
      skip_line_end();
      break;
    }
    bool has_value = false;
    for (const auto& c : cells) {
      if (!is_blank(c.text)) {
        has_value = true;
        break;
      }
    }
    if (!has_value) return;
    out_.rows.push_back(grid_row{line_, std::move(cells)});
    if (out_.rows.size() > max_grid_rows(lim_)) out_.error = too_many_rows_error(lim_);
  }

  // Leaves pos_ on the delimiter, the line end, or the end of input.
  bool read_field(std::string& field) {
    if (pos_ < in_.size() && in_[pos_] == '"') return read_quoted(field);
    const std::size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] != ',' && !at_line_end()) ++pos_;
    field.assign(in_.substr(start, pos_ - start));
    return true;
  }

  bool read_quoted(std::string& field) {
    const int start_line = line_;
    ++pos_;  // opening quote
    for (;;) {
      const std::size_t quote = in_.find('"', pos_);
      if (quote == std::string_view::npos) {
        fail(start_line, "a quoted field is never closed");
        return false;
      }
      field.append(in_.substr(pos_, quote - pos_));
      pos_ = quote + 1;
      if (pos_ < in_.size() && in_[pos_] == '"') {  // "" is an escaped quote
        field += '"';
        ++pos_;
        continue;
      }
      break;
    }
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t')) ++pos_;
    if (pos_ < in_.size() && in_[pos_] != ',' && !at_line_end()) {
      fail(start_line, "unexpected text after a closing quote");
      return false;
    }
    return true;
  }

  std::string_view in_;
  const limits& lim_;
  std::size_t pos_ = 0;
  int line_ = 0;
  grid_read out_;
};

}  // namespace

grid_read read_csv_grid(std::string_view bytes, const limits& lim) {
  return csv_parser(bytes, lim).run();
}

}  // namespace seatd::importer
