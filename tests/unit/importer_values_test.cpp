// Value parsing (times, weekdays), error wording and file-kind detection.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "importer/schedule_import.hpp"

namespace seatd::importer {
namespace {

struct clock_case {
  std::string_view text;
  std::optional<int> minutes;
};

TEST(importer_clock, parses_the_shapes_schedules_use) {
  const clock_case cases[] = {
      {"09:00 PM", 21 * 60},
      {"9:00 pm", 21 * 60},
      {"9:00PM", 21 * 60},
      {"  09:00 PM  ", 21 * 60},
      {"12:00 AM", 0},
      {"12:30 AM", 30},
      {"12:00 PM", 12 * 60},
      {"12:30 PM", 750},
      {"01:15 am", 75},
      {"11:59 PM", 23 * 60 + 59},
      {"9 PM", 21 * 60},
      {"9:00 p.m.", 21 * 60},
      {"21:00", 21 * 60},
      {"21:00:00", 21 * 60},
      {"00:00", 0},
      {"0:05", 5},
      {"23:59", 23 * 60 + 59},
      {"07:00:59", 7 * 60},
      {"06:00 AM", 6 * 60},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(parse_clock_time(c.text), c.minutes) << "'" << c.text << "'";
  }
}

TEST(importer_clock, rejects_what_is_not_a_time) {
  const std::string_view bad[] = {
      "",           "   ",   "25:00 PM", "13:00 PM",    "0:30 AM", "24:00",
      "21:60",      "21:0",  "21:000",   "21",          "2100",    "9:00 XM",
      "9:00 PMX",   "abc",   "-1:00",    "21:00:60",    "21:00:0", "9:00 P M",
      "12:00 noon", "9..00", "a.m.",     "09:00 AM PM", "1e3",
  };
  for (const auto text : bad) {
    EXPECT_EQ(parse_clock_time(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(importer_weekday, full_and_short_names_any_case) {
  const std::pair<std::string_view, int> cases[] = {
      {"Monday", 0}, {"monday", 0},    {"MON", 0}, {"Tuesday", 1},  {"tue", 1},
      {"Tues", 1},   {"Wednesday", 2}, {"wed", 2}, {"Thursday", 3}, {"thu", 3},
      {"Thurs", 3},  {"Friday", 4},    {"fri", 4}, {"Saturday", 5}, {" Saturday ", 5},
      {"sat", 5},    {"Sunday", 6},    {"SUN", 6},
  };
  for (const auto& [text, day] : cases) {
    EXPECT_EQ(parse_weekday(text), std::optional<int>(day)) << "'" << text << "'";
  }
  for (const std::string_view bad : {"", "Funday", "Mo", "Mondays", "1", "Sat urday"}) {
    EXPECT_EQ(parse_weekday(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(importer_error, describe_names_row_and_column) {
  EXPECT_EQ((import_error{7, "Departure Time", "invalid time '25:00 PM'"}.describe()),
            "Row 7, column 'Departure Time': invalid time '25:00 PM'");
  EXPECT_EQ((import_error{7, "", "too short"}.describe()), "Row 7: too short");
  EXPECT_EQ((import_error{0, "", "no schedule rows"}.describe()), "no schedule rows");
}

TEST(importer_kind, by_extension_and_magic) {
  const std::string zip_bytes("PK\x03\x04rest", 8);
  EXPECT_EQ(detect_kind("schedule.xlsx", zip_bytes), file_kind::xlsx);
  EXPECT_EQ(detect_kind("SCHEDULE.XLSX", zip_bytes), file_kind::xlsx);
  EXPECT_EQ(detect_kind("schedule.xlsx", "not a zip"), file_kind::unknown);
  EXPECT_EQ(detect_kind("schedule.xlsx", ""), file_kind::unknown);
  EXPECT_EQ(detect_kind("schedule.csv", "a,b"), file_kind::csv);
  EXPECT_EQ(detect_kind("Schedule.CSV", ""), file_kind::csv);
  EXPECT_EQ(detect_kind("schedule.xls", zip_bytes), file_kind::unknown);
  EXPECT_EQ(detect_kind("schedule.txt", "a,b"), file_kind::unknown);
  EXPECT_EQ(detect_kind("xlsx", zip_bytes), file_kind::unknown);
}

TEST(importer_kind, parse_schedule_rejects_unknown_kinds) {
  auto r = parse_schedule("schedule.pdf", "%PDF-1.4");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->row, 0);
  EXPECT_EQ(r.error->message, "unsupported file type: upload an .xlsx or .csv schedule");
  EXPECT_TRUE(r.rows.empty());

  r = parse_schedule("schedule.xlsx", "Operator,Day\n");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->describe(), "not a valid .xlsx file");
}

}  // namespace
}  // namespace seatd::importer
