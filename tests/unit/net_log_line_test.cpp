// The JSON log line encoder and the text line's request id: whatever a client sends, a log line
// stays one line, and a JSON line parses back to what was logged.
#include "net/log_line.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace seatd::net {
namespace {

using namespace std::chrono;

// 2026-01-31T12:34:56.789Z
const system_clock::time_point when =
    sys_days{year{2026} / January / 31} + hours(12) + minutes(34) + seconds(56) + milliseconds(789);

std::string text(const boost::json::value& v) {
  auto s = v.as_string();
  return std::string(s.data(), s.size());
}

std::size_t newlines(const std::string& s) { return std::size_t(std::count(s.begin(), s.end(), '\n')); }

TEST(log_line, a_json_line_has_time_level_message_and_fields) {
  auto line = json_log_line(when, "info", "GET /trips 200",
                            {text_field("request_id", "abc-123"), text_field("method", "GET"),
                             number_field("status", 200), number_field("duration_us", 1234)});
  ASSERT_EQ(newlines(line), 1u);
  ASSERT_EQ(line.back(), '\n');
  auto j = boost::json::parse(line).as_object();
  EXPECT_EQ(j.at("time"), "2026-01-31T12:34:56.789Z");
  EXPECT_EQ(j.at("level"), "info");
  EXPECT_EQ(j.at("message"), "GET /trips 200");
  EXPECT_EQ(j.at("request_id"), "abc-123");
  EXPECT_EQ(j.at("method"), "GET");
  EXPECT_EQ(j.at("status").as_int64(), 200);  // a number, not a string
  EXPECT_EQ(j.at("duration_us").as_int64(), 1234);
}

TEST(log_line, empty_text_fields_are_left_out) {
  auto j = boost::json::parse(json_log_line(when, "warning", "m", {text_field("error", "")}))
               .as_object();
  EXPECT_FALSE(j.contains("error"));
  EXPECT_EQ(j.size(), 3u);
}

TEST(log_line, hostile_text_cannot_break_the_json_or_the_line) {
  const std::string path = std::string("/a\"b\\c\nX-Evil: 1\r\n{\"level\":\"error\"}\t") +
                           std::string("\0\x01\x1f\x7f", 4) + "/\xE2\x80\xA8/\xE2\x80\xA9/";
  const std::string message = "caf\xC3\xA9 \xFF\xFE bad \xE2\x82 cut \xED\xA0\x80 surrogate";
  auto line = json_log_line(when, "error", message, {text_field("path", path)});
  ASSERT_EQ(newlines(line), 1u) << line;
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find("\xE2\x80\xA8"), std::string::npos);  // U+2028 is escaped
  auto j = boost::json::parse(line).as_object();
  EXPECT_EQ(j.at("level"), "error");  // the forged member did not win
  EXPECT_EQ(text(j.at("path")), path);  // valid UTF-8 comes back exactly
  // Bytes that are not UTF-8 come back as U+FFFD, one per byte; valid text around them stays.
  EXPECT_EQ(text(j.at("message")),
            "caf\xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD bad \xEF\xBF\xBD\xEF\xBF\xBD cut "
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD surrogate");
}

TEST(log_line, a_field_is_cut_to_its_bound) {
  auto f = text_field("path", std::string(10 * max_log_field_bytes, 'a'));
  EXPECT_EQ(f.value.size(), max_log_field_bytes);
}

TEST(log_line, the_text_suffix_names_the_request_and_escapes_anything_odd) {
  EXPECT_EQ(text_log_suffix({text_field("method", "GET")}), "");
  EXPECT_EQ(text_log_suffix({text_field("request_id", "")}), "");
  EXPECT_EQ(text_log_suffix({text_field("method", "GET"), text_field("request_id", "f00d")}),
            " request_id=f00d");
  auto odd = text_log_suffix({text_field("request_id", "a b\nc")});
  EXPECT_EQ(odd, " request_id=\"a b\\nc\"");
  EXPECT_EQ(newlines(odd), 0u);
}

}  // namespace
}  // namespace seatd::net
