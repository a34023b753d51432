// .xlsx schedules: the real operator file, SpreadsheetML variants, and hostile packages.
#include <gtest/gtest.h>
#include <zip.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "importer/schedule_import.hpp"
#include "component/test_paths.hpp"

namespace seatd::importer {
namespace {

using entries = std::vector<std::pair<std::string, std::string>>;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::string& real_file() {
  static const std::string bytes =
      read_file(seatd::test::source_dir() + "/tests/data/abctravels_schedule.xlsx");
  return bytes;
}

// Builds a zip in memory with libzip's write API. Deflate level 1 keeps the zip-bomb test fast.
std::string make_zip(const entries& files) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (src == nullptr) throw std::runtime_error("zip_source_buffer_create");
  zip_source_keep(src);  // survive zip_close so the written bytes can be read back
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  if (z == nullptr) throw std::runtime_error("zip_open_from_source");
  for (const auto& [name, data] : files) {
    zip_source_t* s = zip_source_buffer(z, data.data(), data.size(), 0);
    const zip_int64_t idx = zip_file_add(z, name.c_str(), s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) throw std::runtime_error("zip_file_add");
    zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 1);
  }
  if (zip_close(z) != 0) throw std::runtime_error("zip_close");

  std::string out;
  if (zip_source_open(src) != 0) throw std::runtime_error("zip_source_open");
  char buf[65536];
  for (zip_int64_t n; (n = zip_source_read(src, buf, sizeof buf)) > 0;) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&err);
  return out;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const std::string ns =
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

std::string sheet_xml(const std::string& rows_xml) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><worksheet " + ns +
         "><sheetData>" + rows_xml + "</sheetData></worksheet>";
}

// Rows of inline-string cells, numbered from 1, with explicit references.
std::string inline_rows(const std::vector<std::vector<std::string>>& rows) {
  std::string xml;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::string line = std::to_string(r + 1);
    xml += "<row r=\"" + line + "\">";
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string ref = std::string(1, static_cast<char>('A' + c)) + line;
      xml +=
          "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + xml_escape(rows[r][c]) + "</t></is></c>";
    }
    xml += "</row>";
  }
  return xml;
}

const std::vector<std::string> header_cells{
    "Operator",       "Day",          "Bus Name",   "Source",       "Destination",
    "Departure Time", "Arrival Time", "Fare (INR)", "Service Type", "Bus Type"};

const std::vector<std::string> good_row{"ABC",      "Monday",   "Bus 1", "Chennai", "Madurai",
                                        "09:00 PM", "06:00 AM", "500",   "Night",   "AC"};

std::string xlsx_with_sheet(const std::string& sheet, const std::string& shared = {}) {
  entries files{{"xl/worksheets/sheet1.xml", sheet}};
  if (!shared.empty()) files.emplace_back("xl/sharedStrings.xml", shared);
  return make_zip(files);
}

TEST(importer_xlsx, real_operator_file) {
  const auto r = parse_schedule("abctravels_schedule.xlsx", real_file());
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.rows.size(), 200u);

  // Row 2 of the sheet, as read from sheet1.xml and sharedStrings.xml.
  const auto& first = r.rows.front();
  EXPECT_EQ(first.line, 2);
  EXPECT_EQ(first.operator_name, "ABC TRAVELS");
  EXPECT_EQ(first.weekday, 5);  // Saturday
  EXPECT_EQ(first.bus_name, "Bus 28");
  EXPECT_EQ(first.source, "Bangalore");
  EXPECT_EQ(first.destination, "Tirunelveli");
  EXPECT_EQ(first.departure_minutes, 21 * 60);  // 09:00 PM
  EXPECT_EQ(first.arrival_minutes, 7 * 60);     // 07:00 AM
  EXPECT_EQ(first.fare, 850);
  EXPECT_EQ(first.service_type, "Night");
  EXPECT_EQ(first.bus_type, "Non-AC");

  const auto& second = r.rows[1];
  EXPECT_EQ(second.line, 3);
  EXPECT_EQ(second.weekday, 0);  // Monday
  EXPECT_EQ(second.bus_name, "Bus 15");
  EXPECT_EQ(second.source, "Madurai");
  EXPECT_EQ(second.destination, "Chennai");
  EXPECT_EQ(second.departure_minutes, 6 * 60);
  EXPECT_EQ(second.arrival_minutes, 14 * 60);
  EXPECT_EQ(second.fare, 750);
  EXPECT_EQ(second.bus_type, "AC");

  const auto& last = r.rows.back();
  EXPECT_EQ(last.line, 201);
  EXPECT_EQ(last.weekday, 0);
  EXPECT_EQ(last.bus_name, "Bus 12");
  EXPECT_EQ(last.source, "Madurai");
  EXPECT_EQ(last.destination, "Bangalore");
  EXPECT_EQ(last.fare, 750);
  EXPECT_EQ(last.bus_type, "Non-AC");

  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const auto& row = r.rows[i];
    EXPECT_EQ(row.line, static_cast<int>(i) + 2);
    EXPECT_EQ(row.operator_name, "ABC TRAVELS");
    EXPECT_GE(row.weekday, 0);
    EXPECT_LE(row.weekday, 6);
    EXPECT_GE(row.departure_minutes, 0);
    EXPECT_LT(row.departure_minutes, 24 * 60);
    EXPECT_EQ(row.departure_minutes % 60, 0);
    EXPECT_LT(row.arrival_minutes, 24 * 60);
    EXPECT_GT(row.fare, 0);
    EXPECT_LE(row.fare, 10'000);
    EXPECT_TRUE(row.bus_type == "AC" || row.bus_type == "Non-AC") << row.bus_type;
    EXPECT_EQ(row.bus_name.rfind("Bus ", 0), 0u) << row.bus_name;
  }
}

TEST(importer_xlsx, truncated_real_file) {
  const std::string half = real_file().substr(0, real_file().size() / 2);
  const auto r = parse_schedule("abctravels_schedule.xlsx", half);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 0);
  EXPECT_EQ(r.error->message.rfind("not a valid .xlsx file", 0), 0u) << r.error->message;
  EXPECT_TRUE(r.rows.empty());
}

TEST(importer_xlsx, every_truncation_is_an_error_not_a_crash) {
  const std::string& full = real_file();
  for (std::size_t n = 0; n < full.size(); n += 97) {
    const auto r = parse_xlsx(std::string_view(full).substr(0, n));
    EXPECT_TRUE(r.error) << n;
  }
}

TEST(importer_xlsx, corrupted_bytes_are_an_error_not_a_crash) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    std::string bytes = real_file();
    for (int k = 0; k < 8; ++k) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xFF);
    }
    const auto r = parse_xlsx(bytes);
    if (r.error) {
      EXPECT_TRUE(r.rows.empty());
    }
  }
}

// Mutating the XML itself (rather than the compressed bytes, which mostly fails the CRC)
// drives the sheet and shared-string handlers through broken structure.
TEST(importer_xlsx, mutated_xml_is_an_error_or_valid_rows) {
  std::string shared = "<sst " + ns + ">";
  for (const auto& h : header_cells) shared += "<si><r><t>" + h + "</t></r></si>";
  shared += "</sst>";
  std::string rows = "<row r=\"1\">";
  for (int c = 0; c < 10; ++c) {
    rows += "<c r=\"" + std::string(1, static_cast<char>('A' + c)) + "1\" t=\"s\"><v>" +
            std::to_string(c) + "</v></c>";
  }
  rows += "</row>" + inline_rows({good_row, good_row});
  const std::string sheet = sheet_xml(rows);
  const std::string alphabet = "<>/\"=&;:rcvtsi 0123456789AZ\xC3\xFF";
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string a = sheet;
    std::string b = shared;
    std::string& target = (round % 3 == 0) ? b : a;
    for (int k = 0; k < 3; ++k) {
      const std::size_t at = rng() % target.size();
      switch (rng() % 3) {
        case 0:
          target[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          target.erase(at, 1 + rng() % 8);
          break;
        default:
          target.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
    }
    const auto r = parse_xlsx(xlsx_with_sheet(a, b));
    if (r.error) {
      EXPECT_TRUE(r.rows.empty());
    } else {
      EXPECT_LE(r.rows.size(), 3u);
    }
  }
}

TEST(importer_xlsx, random_bytes_named_xlsx) {
  std::mt19937 rng(42);
  std::string bytes(4096, '\0');
  for (auto& b : bytes) b = static_cast<char>(rng() & 0xFF);
  auto r = parse_schedule("schedule.xlsx", bytes);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "not a valid .xlsx file");

  // Even with the zip magic in front, garbage is not a package.
  bytes.replace(0, 4, std::string("PK\x03\x04", 4));
  r = parse_schedule("schedule.xlsx", bytes);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message.rfind("not a valid .xlsx file", 0), 0u) << r.error->message;
}

TEST(importer_xlsx, empty_file) {
  auto r = parse_schedule("schedule.xlsx", "");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "not a valid .xlsx file");
  r = parse_xlsx("");
  ASSERT_TRUE(r.error);

  // A valid package whose sheet has nothing in it.
  r = parse_xlsx(xlsx_with_sheet(sheet_xml("")));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 0);
}

TEST(importer_xlsx, header_only) {
  const auto r = parse_xlsx(xlsx_with_sheet(sheet_xml(inline_rows({header_cells}))));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->describe(), "no schedule rows");
}

TEST(importer_xlsx, inline_strings_and_numeric_cells) {
  // Fare as a number, times as Excel day fractions, one formula string result (t="str").
  const std::string rows =
      inline_rows({header_cells}) +
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>ABC</t></is></c>"
      "<c r=\"B2\" t=\"str\"><f>TEXT(1,\"dddd\")</f><v>Sunday</v></c>"
      "<c r=\"C2\" t=\"inlineStr\"><is><r><t>Bus </t></r><r><rPr><b/></rPr><t>9</t></r></is></c>"
      "<c r=\"D2\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> Chennai </t></is></c>"
      "<c r=\"E2\" t=\"inlineStr\"><is><t>Madurai &amp; Co</t></is></c>"
      "<c r=\"F2\" s=\"3\"><v>0.875</v></c>"
      "<c r=\"G2\"><v>0.39583333333333331</v></c>"
      "<c r=\"H2\" t=\"n\"><v>1200</v></c>"
      "<c r=\"J2\" t=\"inlineStr\"><is><t>AC</t></is></c></row>";
  const auto r = parse_xlsx(xlsx_with_sheet(sheet_xml(rows)));
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.rows.size(), 1u);
  const auto& row = r.rows[0];
  EXPECT_EQ(row.weekday, 6);
  EXPECT_EQ(row.bus_name, "Bus 9");
  EXPECT_EQ(row.source, "Chennai");
  EXPECT_EQ(row.destination, "Madurai & Co");
  EXPECT_EQ(row.departure_minutes, 21 * 60);
  EXPECT_EQ(row.arrival_minutes, 9 * 60 + 30);
  EXPECT_EQ(row.fare, 1200);
  EXPECT_EQ(row.service_type, "");  // I2 absent
  EXPECT_EQ(row.bus_type, "AC");
}

TEST(importer_xlsx, numeric_cell_rules) {
  auto with = [](const std::string& col, const std::string& v) {
    std::vector<std::string> cells = good_row;
    std::string row = "<row r=\"2\">";
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string ref = std::string(1, static_cast<char>('A' + c)) + "2";
      if (ref[0] == col[0]) {
        row += "<c r=\"" + ref + "\"><v>" + v + "</v></c>";
      } else {
        row += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + cells[c] + "</t></is></c>";
      }
    }
    row += "</row>";
    return parse_xlsx(xlsx_with_sheet(sheet_xml(inline_rows({header_cells}) + row)));
  };
  EXPECT_FALSE(with("H", "850.0000000000001").error);
  EXPECT_FALSE(with("F", "0").error);
  auto r = with("H", "12.5");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->describe(),
            "Row 2, column 'Fare (INR)': invalid fare '12.5': expected a whole number from 0 to "
            "1000000");
  r = with("H", "-100");
  ASSERT_TRUE(r.error);
  r = with("H", "2000000");
  ASSERT_TRUE(r.error);
  r = with("F", "1.5");  // a date-time serial, not a time of day
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->column, "Departure Time");
  r = with("G", "45000.875");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->column, "Arrival Time");
}

TEST(importer_xlsx, rich_shared_strings_and_workbook_relationships) {
  // The sheet lives at a non-default path, named only through workbook.xml and its rels.
  std::string shared = "<sst " + ns + ">";
  for (const auto& h : header_cells) shared += "<si><t>" + xml_escape(h) + "</t></si>";
  shared +=
      "<si><r><rPr><b/></rPr><t>Bus</t></r><r><t xml:space=\"preserve\"> 4</t></r>"
      "<rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>";  // index 10
  shared += "</sst>";
  std::string rows = "<row r=\"1\">";
  for (int c = 0; c < 10; ++c) {
    rows += "<c r=\"" + std::string(1, static_cast<char>('A' + c)) + "1\" t=\"s\"><v>" +
            std::to_string(c) + "</v></c>";
  }
  rows += "</row><row r=\"3\">";
  std::vector<std::string> cells = good_row;
  for (int c = 0; c < 10; ++c) {
    const std::string ref = std::string(1, static_cast<char>('A' + c)) + "3";
    if (c == 2) {
      rows += "<c r=\"" + ref + "\" t=\"s\"><v>10</v></c>";
    } else {
      rows += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + cells[c] + "</t></is></c>";
    }
  }
  rows += "</row>";
  const std::string workbook =
      "<workbook " + ns +
      "><sheets><sheet name=\"Schedule\" sheetId=\"7\" r:id=\"rId9\"/>"
      "<sheet name=\"Other\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  const std::string rels =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
      "Target=\"worksheets/sheet1.xml\"/>"
      "<Relationship Id=\"rId9\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
      "Target=\"/xl/worksheets/schedule.xml\"/>"
      "<Relationship Id=\"rId4\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
      "sharedStrings\" Target=\"strings/table.xml\"/></Relationships>";
  const std::string decoy = sheet_xml(inline_rows({{"not", "this", "sheet"}}));
  const auto bytes = make_zip({{"xl/workbook.xml", workbook},
                               {"xl/_rels/workbook.xml.rels", rels},
                               {"xl/worksheets/sheet1.xml", decoy},
                               {"xl/worksheets/schedule.xml", sheet_xml(rows)},
                               {"xl/strings/table.xml", shared}});
  const auto r = parse_schedule("book.XLSX", bytes);
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].line, 3);
  EXPECT_EQ(r.rows[0].bus_name, "Bus 4");
}

TEST(importer_xlsx, prefixed_spreadsheet_ml_namespace) {
  const std::string sheet =
      "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<x:sheetData>" +
      [] {
        std::string xml = inline_rows({header_cells, good_row});
        std::string out;
        // Prefix every element: <row -> <x:row, </c> -> </x:c>, ...
        for (std::size_t i = 0; i < xml.size(); ++i) {
          out += xml[i];
          if (xml[i] == '<') {
            if (xml[i + 1] == '/') out += xml[++i];
            out += "x:";
          }
        }
        return out;
      }() +
      "</x:sheetData></x:worksheet>";
  const auto r = parse_xlsx(xlsx_with_sheet(sheet));
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.rows.size(), 1u);
}

TEST(importer_xlsx, missing_column_and_bad_cells) {
  auto no_bus_type = header_cells;
  no_bus_type.pop_back();
  auto r = parse_xlsx(xlsx_with_sheet(sheet_xml(inline_rows({no_bus_type, good_row}))));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->describe(), "Row 1, column 'Bus Type': required column is missing");

  auto bad = good_row;
  bad[5] = "25:00 PM";
  r = parse_xlsx(xlsx_with_sheet(sheet_xml(inline_rows({header_cells, good_row, bad}))));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->describe(), "Row 3, column 'Departure Time': invalid time '25:00 PM'");

  bad = good_row;
  bad[1] = "Caturday";
  r = parse_xlsx(xlsx_with_sheet(sheet_xml(inline_rows({header_cells, bad}))));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->describe(), "Row 2, column 'Day': invalid day 'Caturday'");

  bad = good_row;
  bad[7] = "abc";
  r = parse_xlsx(xlsx_with_sheet(sheet_xml(inline_rows({header_cells, bad}))));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 2);
  EXPECT_EQ(r.error->column, "Fare (INR)");
}

TEST(importer_xlsx, garbage_cell_references) {
  for (const std::string ref : {"1A", "A0", "A", "", "ABCD1", "A1B", "$A$1", "XFE1", "A1048577"}) {
    const std::string rows = inline_rows({header_cells}) + "<row r=\"2\"><c r=\"" + ref +
                             "\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
    const auto r = parse_xlsx(xlsx_with_sheet(sheet_xml(rows)));
    ASSERT_TRUE(r.error) << ref;
    EXPECT_NE(r.error->message.find("invalid cell reference"), std::string::npos)
        << r.error->message;
  }
  for (const std::string row : {"0", "x", "-1", "1048577", "99999999999"}) {
    const std::string rows = "<row r=\"" + row + "\"></row>";
    EXPECT_TRUE(parse_xlsx(xlsx_with_sheet(sheet_xml(rows))).error) << row;
  }
  // A shared-string index past the table.
  const std::string rows =
      inline_rows({header_cells}) + "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>5</v></c></row>";
  const auto r =
      parse_xlsx(xlsx_with_sheet(sheet_xml(rows), "<sst " + ns + "><si><t>a</t></si></sst>"));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 2);
}

TEST(importer_xlsx, columns_beyond_the_cap) {
  // An empty, styled cell far to the right is harmless; a value there is refused.
  std::string rows = inline_rows({header_cells, good_row});
  rows.insert(rows.rfind("</row>"), "<c r=\"XFD2\" s=\"4\"/>");
  EXPECT_FALSE(parse_xlsx(xlsx_with_sheet(sheet_xml(rows))).error);
  rows.insert(rows.rfind("</row>"), "<c r=\"CW2\"><v>1</v></c>");  // column 101
  const auto r = parse_xlsx(xlsx_with_sheet(sheet_xml(rows)));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 2);
}

TEST(importer_xlsx, malformed_xml) {
  auto r = parse_xlsx(xlsx_with_sheet("<worksheet><sheetData><row r=\"1\"></sheetData>"));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message.rfind("not a valid .xlsx file", 0), 0u) << r.error->message;

  r = parse_xlsx(xlsx_with_sheet(sheet_xml(inline_rows({header_cells, good_row})).substr(0, 300)));
  ASSERT_TRUE(r.error);

  r = parse_xlsx(
      make_zip({{"xl/workbook.xml", "<workbook"}, {"xl/worksheets/sheet1.xml", sheet_xml("")}}));
  ASSERT_TRUE(r.error);

  r = parse_xlsx(make_zip({{"docProps/app.xml", "<x/>"}}));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message, "not a valid .xlsx file: it has no worksheet");
}

TEST(importer_xlsx, doctype_entity_expansion_is_refused) {
  std::string lol =
      "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY lol \"lol\">"
      "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">";
  for (int i = 2; i <= 9; ++i) {
    lol += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) lol += "&lol" + std::to_string(i - 1) + ";";
    lol += "\">";
  }
  lol += "]><worksheet " + ns +
         "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>"
         "&lol9;</t></is></c></row></sheetData></worksheet>";

  const auto start = std::chrono::steady_clock::now();
  auto r = parse_xlsx(xlsx_with_sheet(lol));
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("DOCTYPE"), std::string::npos) << r.error->message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  // Same attack through the shared strings part.
  std::string sst = lol;
  sst.replace(sst.find("<worksheet"), std::string::npos,
              "<sst " + ns + "><si><t>&lol9;</t></si></sst>");
  r = parse_xlsx(xlsx_with_sheet(sheet_xml(inline_rows({header_cells, good_row})), sst));
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("sharedStrings.xml"), std::string::npos) << r.error->message;

  // An external entity is refused the same way (no file is ever read).
  r = parse_xlsx(xlsx_with_sheet(
      "<?xml version=\"1.0\"?><!DOCTYPE w SYSTEM \"file:///etc/passwd\"><worksheet/>"));
  ASSERT_TRUE(r.error);
}

// An entry of 64 MiB of one repeated byte deflates to ~64 KiB. The reader must refuse it once
// the uncompressed byte count passes the limit, not after inflating it all.
TEST(importer_xlsx, zip_bomb_is_refused) {
  const std::string bomb = make_zip({{"xl/worksheets/sheet1.xml", std::string(64u << 20, '<')}});
  ASSERT_LT(bomb.size(), 1u << 20);
  limits lim;
  lim.max_entry_bytes = 1u << 20;
  const auto start = std::chrono::steady_clock::now();
  const auto r = parse_schedule("bomb.xlsx", bomb, lim);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("larger than the limit"), std::string::npos) << r.error->message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// Overwrites a little-endian 32-bit field.
void put_u32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// The same bomb with its headers claiming a harmless 1000 bytes: the cap must hold on the bytes
// the decompressor actually produces, not on what the header says.
TEST(importer_xlsx, zip_bomb_with_lying_sizes_is_refused) {
  std::string bomb = make_zip({{"xl/worksheets/sheet1.xml", std::string(64u << 20, 'a')}});
  const std::size_t local = bomb.find(std::string("PK\x03\x04", 4));
  const std::size_t central = bomb.find(std::string("PK\x01\x02", 4));
  ASSERT_NE(local, std::string::npos);
  ASSERT_NE(central, std::string::npos);
  put_u32(bomb, local + 22, 1000);    // local header: uncompressed size
  put_u32(bomb, central + 24, 1000);  // central directory: uncompressed size
  limits lim;
  lim.max_entry_bytes = 1u << 20;
  const auto start = std::chrono::steady_clock::now();
  const auto r = parse_xlsx(bomb, lim);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->message.rfind("not a valid .xlsx file", 0), 0u) << r.error->message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(importer_xlsx, shared_string_amplification_is_bounded) {
  // One 64 KiB shared string referenced from every cell of many rows.
  std::string shared = "<sst " + ns + "><si><t>" + std::string(64 * 1024, 'x') + "</t></si></sst>";
  std::string rows = inline_rows({header_cells});
  for (int r = 2; r < 2000; ++r) {
    rows += "<row>";
    for (int c = 0; c < 10; ++c) rows += "<c t=\"s\"><v>0</v></c>";
    rows += "</row>";
  }
  limits lim;
  lim.max_entry_bytes = 4u << 20;
  const auto r = parse_xlsx(xlsx_with_sheet(sheet_xml(rows), shared), lim);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("more text than the limit"), std::string::npos)
      << r.error->message;
}

TEST(importer_xlsx, row_limit) {
  limits lim;
  lim.max_rows = 150;
  auto r = parse_xlsx(real_file(), lim);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 0);
  EXPECT_NE(r.error->message.find("too many rows"), std::string::npos) << r.error->message;
  EXPECT_TRUE(r.rows.empty());

  lim.max_rows = 200;
  r = parse_xlsx(real_file(), lim);
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.rows.size(), 200u);
}

TEST(importer_xlsx, file_size_limit) {
  limits lim;
  lim.max_file_bytes = real_file().size() - 1;
  const auto r = parse_schedule("abctravels_schedule.xlsx", real_file(), lim);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("too large"), std::string::npos);
}

TEST(importer_xlsx, rows_without_references_and_blank_rows) {
  // Cells and rows without r= follow on from the previous ones; rows of empty cells are skipped
  // but keep their numbers.
  std::string rows = "<row>";
  for (const auto& h : header_cells) rows += "<c t=\"inlineStr\"><is><t>" + h + "</t></is></c>";
  rows += "</row><row><c t=\"inlineStr\"><is><t>  </t></is></c><c s=\"1\"/></row><row>";
  for (const auto& v : good_row) rows += "<c t=\"inlineStr\"><is><t>" + v + "</t></is></c>";
  rows += "</row>";
  const auto r = parse_xlsx(xlsx_with_sheet(sheet_xml(rows)));
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].line, 3);
  EXPECT_EQ(r.rows[0].bus_type, "AC");
}

}  // namespace
}  // namespace seatd::importer
