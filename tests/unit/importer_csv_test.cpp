// CSV schedules: RFC 4180 reading plus the validation rules shared with .xlsx.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "importer/schedule_import.hpp"

namespace seatd::importer {
namespace {

const std::string header =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),"
    "Service Type,Bus Type\n";

const std::string two_rows =
    header +
    "ABC TRAVELS,Saturday,Bus 28,Bangalore,Tirunelveli,09:00 PM,07:00 AM,850,Night,Non-AC\n"
    "ABC TRAVELS,Monday,Bus 15,Madurai,Chennai,06:00 AM,02:00 PM,750,Day,AC\n";

// The error for a CSV of `header` plus one data row.
import_error error_for_row(const std::string& row) {
  auto r = parse_csv(header + row + "\n");
  EXPECT_TRUE(r.rows.empty());
  if (!r.error) {
    ADD_FAILURE() << "accepted: " << row;
    return {};
  }
  return *r.error;
}

TEST(importer_csv, parses_the_same_rows_as_the_spreadsheet) {
  const auto r = parse_schedule("abc.csv", two_rows);
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.rows.size(), 2u);
  const auto& a = r.rows[0];
  EXPECT_EQ(a.line, 2);
  EXPECT_EQ(a.operator_name, "ABC TRAVELS");
  EXPECT_EQ(a.weekday, 5);
  EXPECT_EQ(a.bus_name, "Bus 28");
  EXPECT_EQ(a.source, "Bangalore");
  EXPECT_EQ(a.destination, "Tirunelveli");
  EXPECT_EQ(a.departure_minutes, 21 * 60);
  EXPECT_EQ(a.arrival_minutes, 7 * 60);
  EXPECT_EQ(a.fare, 850);
  EXPECT_EQ(a.service_type, "Night");
  EXPECT_EQ(a.bus_type, "Non-AC");
  const auto& b = r.rows[1];
  EXPECT_EQ(b.line, 3);
  EXPECT_EQ(b.weekday, 0);
  EXPECT_EQ(b.departure_minutes, 6 * 60);
  EXPECT_EQ(b.arrival_minutes, 14 * 60);
  EXPECT_EQ(b.bus_type, "AC");
}

TEST(importer_csv, quotes_bom_crlf_and_reordered_columns) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "  bus type ,DAY,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),"
      "Notes,Operator,Service Type\r\n"
      "\"Non-AC, Sleeper\",Sunday,\"Bus \"\"7\"\"\",Chennai,Madurai,21:00,06:30:00,1200.0,"
      "\"multi\r\nline note\",,\r\n"
      "\r\n"
      ",,,,,,,,,,\r\n"
      "AC,fri,Bus 8,Madurai,Chennai,9:30 am,1:45 PM,0,x,XYZ,Day\r\n";
  const auto r = parse_csv(csv);
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[0].bus_type, "Non-AC, Sleeper");
  EXPECT_EQ(r.rows[0].bus_name, "Bus \"7\"");
  EXPECT_EQ(r.rows[0].weekday, 6);
  EXPECT_EQ(r.rows[0].arrival_minutes, 6 * 60 + 30);
  EXPECT_EQ(r.rows[0].fare, 1200);
  EXPECT_EQ(r.rows[0].operator_name, "");
  EXPECT_EQ(r.rows[0].service_type, "");
  // Blank lines are skipped but still counted, as a spreadsheet would number them.
  EXPECT_EQ(r.rows[1].line, 5);
  EXPECT_EQ(r.rows[1].weekday, 4);
  EXPECT_EQ(r.rows[1].departure_minutes, 9 * 60 + 30);
  EXPECT_EQ(r.rows[1].arrival_minutes, 13 * 60 + 45);
  EXPECT_EQ(r.rows[1].fare, 0);
  EXPECT_EQ(r.rows[1].operator_name, "XYZ");
}

TEST(importer_csv, no_trailing_newline_and_short_rows) {
  auto r = parse_csv(header + "A,Mon,B,S,D,10:00,11:00,5,Day,AC");
  ASSERT_FALSE(r.error) << r.error->describe();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].bus_type, "AC");

  // A row that stops early leaves the later cells empty, so Bus Type is reported missing.
  const auto e = error_for_row("A,Mon,B,S,D,10:00,11:00,5");
  EXPECT_EQ(e.describe(), "Row 2, column 'Bus Type': a value is required");
}

TEST(importer_csv, missing_column_names_it) {
  const std::string csv =
      "Operator,Day,Bus Name,Source,Destination,Departure Time,Fare (INR),Service Type,Bus Type\n"
      "A,Mon,B,S,D,10:00,5,Day,AC\n";
  const auto r = parse_csv(csv);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 1);
  EXPECT_EQ(r.error->column, "Arrival Time");
  EXPECT_TRUE(r.rows.empty());
}

TEST(importer_csv, optional_columns_must_still_exist) {
  const std::string csv =
      "Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,"
      "Bus Type\nMon,B,S,D,10:00,11:00,5,Day,AC\n";
  const auto r = parse_csv(csv);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->describe(), "Row 1, column 'Operator': required column is missing");
}

TEST(importer_csv, duplicate_column_is_an_error) {
  const std::string csv =
      "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),"
      "Service Type,Bus Type,fare (inr)\n";
  const auto r = parse_csv(csv);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 1);
  EXPECT_EQ(r.error->column, "Fare (INR)");
}

TEST(importer_csv, bad_time_names_row_and_column) {
  auto e = error_for_row("A,Mon,B,S,D,25:00 PM,11:00,5,Day,AC");
  EXPECT_EQ(e.describe(), "Row 2, column 'Departure Time': invalid time '25:00 PM'");
  e = error_for_row("A,Mon,B,S,D,10:00,noon,5,Day,AC");
  EXPECT_EQ(e.describe(), "Row 2, column 'Arrival Time': invalid time 'noon'");
}

TEST(importer_csv, error_row_is_the_sheet_row) {
  const auto r =
      parse_csv(two_rows + "\n" + "A,Mon,B,S,D,10:00,11:00,5,Day,AC\n" +
                "A,Mon,B,S,D,10:00,11:00,5,Day,AC\n" + "A,Mon,B,S,D,10:00,31:00,5,Day,AC\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 7);
  EXPECT_EQ(r.error->column, "Arrival Time");
  EXPECT_TRUE(r.rows.empty());
}

TEST(importer_csv, bad_day) {
  const auto e = error_for_row("A,Funday,B,S,D,10:00,11:00,5,Day,AC");
  EXPECT_EQ(e.describe(), "Row 2, column 'Day': invalid day 'Funday'");
}

TEST(importer_csv, bad_fares) {
  for (const std::string fare : {"abc", "-5", "12.5", "1000001", "1,200", "1e3", "+5", "₹500"}) {
    const auto e = error_for_row("A,Mon,B,S,D,10:00,11:00," +
                                 (fare == "1,200" ? "\"1,200\"" : fare) + ",Day,AC");
    EXPECT_EQ(e.row, 2) << fare;
    EXPECT_EQ(e.column, "Fare (INR)") << fare;
    EXPECT_NE(e.message.find("invalid fare"), std::string::npos) << e.message;
  }
  const auto ok = parse_csv(header + "A,Mon,B,S,D,10:00,11:00,1000000,Day,AC\n");
  ASSERT_FALSE(ok.error);
  EXPECT_EQ(ok.rows[0].fare, 1'000'000);
}

TEST(importer_csv, text_rules) {
  auto e = error_for_row("A,Mon,  ,S,D,10:00,11:00,5,Day,AC");
  EXPECT_EQ(e.describe(), "Row 2, column 'Bus Name': a value is required");
  e = error_for_row("A,Mon,B," + std::string(101, 'x') + ",D,10:00,11:00,5,Day,AC");
  EXPECT_EQ(e.column, "Source");
  e = error_for_row("A,Mon,B,S,D,10:00,11:00,5,Day," + std::string(51, 'x'));
  EXPECT_EQ(e.column, "Bus Type");
  e = error_for_row("A,Mon,B,S,\"D\nE\",10:00,11:00,5,Day,AC");
  EXPECT_EQ(e.column, "Destination");
  e = error_for_row("A,Mon,B\xff,S,D,10:00,11:00,5,Day,AC");
  EXPECT_EQ(e.column, "Bus Name");
  EXPECT_EQ(e.message, "the text is not valid UTF-8");

  // 100 characters exactly is fine, and length counts characters, not bytes.
  std::string name;
  for (int i = 0; i < 100; ++i) name += "\xE0\xAE\x9A";  // Tamil letter, 3 bytes in UTF-8
  const auto r = parse_csv(header + "A,Mon," + name + ",  S  ,D,10:00,11:00,5,Day,AC\n");
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.rows[0].bus_name, name);
  EXPECT_EQ(r.rows[0].source, "S");
}

TEST(importer_csv, empty_file_and_header_only) {
  auto r = parse_schedule("empty.csv", "");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 0);

  r = parse_csv("\n\r\n,,,\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 0);

  r = parse_csv(header + ",,,,\n\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->describe(), "no schedule rows");
}

TEST(importer_csv, malformed_quoting) {
  auto r = parse_csv(header + "A,Mon,\"B,S,D,10:00,11:00,5,Day,AC\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 2);
  EXPECT_TRUE(r.rows.empty());

  r = parse_csv(header + "A,Mon,\"B\"x,S,D,10:00,11:00,5,Day,AC\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 2);
}

TEST(importer_csv, row_limit) {
  std::string csv = header;
  for (int i = 0; i < 6; ++i) csv += "A,Mon,B,S,D,10:00,11:00,5,Day,AC\n";
  limits lim;
  lim.max_rows = 5;
  auto r = parse_csv(csv, lim);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("too many rows"), std::string::npos) << r.error->message;
  EXPECT_TRUE(r.rows.empty());

  lim.max_rows = 6;
  r = parse_csv(csv, lim);
  ASSERT_FALSE(r.error) << r.error->describe();
  EXPECT_EQ(r.rows.size(), 6u);
}

TEST(importer_csv, file_size_limit) {
  limits lim;
  lim.max_file_bytes = 64;
  const auto r = parse_schedule("big.csv", two_rows, lim);
  ASSERT_TRUE(r.error);
  EXPECT_NE(r.error->message.find("too large"), std::string::npos);
}

TEST(importer_csv, mutated_input_is_an_error_or_valid_rows) {
  const std::string alphabet = ",\"\r\n x0:9PMAé\xFF";
  std::mt19937 rng(99);
  for (int round = 0; round < 2000; ++round) {
    std::string csv = two_rows;
    for (int k = 0; k < 4; ++k) {
      const std::size_t at = rng() % csv.size();
      switch (rng() % 3) {
        case 0:
          csv[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          csv.erase(at, 1 + rng() % 4);
          break;
        default:
          csv.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
    }
    const auto r = parse_csv(csv);
    if (r.error) {
      EXPECT_TRUE(r.rows.empty());
    } else {
      EXPECT_LE(r.rows.size(), 4u);
      for (const auto& row : r.rows) {
        EXPECT_FALSE(row.bus_name.empty());
        EXPECT_LT(row.departure_minutes, 24 * 60);
      }
    }
  }
}

TEST(importer_csv, too_many_columns) {
  std::string row = "A,Mon,B,S,D,10:00,11:00,5,Day,AC";
  for (int i = 0; i < 200; ++i) row += ",";
  // Empty trailing fields are harmless...
  auto r = parse_csv(header + row + "\n");
  ASSERT_FALSE(r.error) << r.error->describe();
  // ...but a value far to the right is refused rather than stored.
  r = parse_csv(header + row + "x\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 2);
}

}  // namespace
}  // namespace seatd::importer
