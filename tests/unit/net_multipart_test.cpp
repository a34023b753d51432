#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/multipart.hpp"

namespace {

using seatd::net::form_part;
using seatd::net::multipart_boundary;
using seatd::net::parse_multipart;

// ---- multipart_boundary --------------------------------------------------------------------

TEST(net_multipart_boundary, unquoted) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=abc123"), "abc123");
}

TEST(net_multipart_boundary, quoted) {
  EXPECT_EQ(multipart_boundary(R"(multipart/form-data; boundary="abc 123")"), "abc 123");
}

TEST(net_multipart_boundary, quoted_with_a_semicolon_inside) {
  EXPECT_EQ(multipart_boundary(R"(multipart/form-data; boundary="a;b")"), "a;b");
}

TEST(net_multipart_boundary, browser_style_boundary) {
  EXPECT_EQ(
      multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
      "----WebKitFormBoundary7MA4YWxkTrZu0gW");
}

TEST(net_multipart_boundary, type_and_parameter_name_are_case_insensitive) {
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data; boundary=xyz"), "xyz");
  EXPECT_EQ(multipart_boundary("MULTIPART/FORM-DATA; BOUNDARY=xyz"), "xyz");
}

TEST(net_multipart_boundary, boundary_value_keeps_its_case) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=AbC"), "AbC");
}

TEST(net_multipart_boundary, among_other_parameters) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; charset=utf-8; boundary=xyz"), "xyz");
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=xyz; charset=utf-8"), "xyz");
}

TEST(net_multipart_boundary, tolerates_whitespace) {
  EXPECT_EQ(multipart_boundary("multipart/form-data ;  boundary=xyz  "), "xyz");
  EXPECT_EQ(multipart_boundary("multipart/form-data;boundary=xyz"), "xyz");
}

TEST(net_multipart_boundary, missing_boundary) {
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data;"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; charset=utf-8"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary"));
}

TEST(net_multipart_boundary, empty_boundary) {
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary="));
  EXPECT_FALSE(multipart_boundary(R"(multipart/form-data; boundary="")"));
}

TEST(net_multipart_boundary, unterminated_quote) {
  EXPECT_FALSE(multipart_boundary(R"(multipart/form-data; boundary="abc)"));
}

TEST(net_multipart_boundary, other_types_are_refused) {
  EXPECT_FALSE(multipart_boundary("multipart/mixed; boundary=xyz"));
  EXPECT_FALSE(multipart_boundary("application/json; boundary=xyz"));
  EXPECT_FALSE(multipart_boundary("text/plain"));
  EXPECT_FALSE(multipart_boundary(""));
  EXPECT_FALSE(multipart_boundary("multipart/form-data-x; boundary=xyz"));
}

TEST(net_multipart_boundary, at_most_seventy_characters) {
  const std::string b70(70, 'b');
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=" + b70), b70);
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + b70 + "b"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=\"" + b70 + "b\""));
}

// ---- parse_multipart -----------------------------------------------------------------------

constexpr std::string_view crlf = "\r\n";

std::string file_part(std::string_view boundary, std::string_view name, std::string_view filename,
                      std::string_view type, std::string_view data) {
  std::string s = "--" + std::string(boundary) + std::string(crlf);
  s += "Content-Disposition: form-data; name=\"" + std::string(name) + "\"";
  if (!filename.empty()) s += "; filename=\"" + std::string(filename) + "\"";
  s += crlf;
  if (!type.empty()) s += "Content-Type: " + std::string(type) + std::string(crlf);
  s += crlf;
  s += data;
  s += crlf;
  return s;
}

std::string closing(std::string_view boundary) { return "--" + std::string(boundary) + "--\r\n"; }

TEST(net_multipart_parse, single_file_part) {
  const std::string body =
      file_part("XyZ", "file", "schedule.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04") +
      closing("XyZ");
  auto parts = parse_multipart(body, "XyZ");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  const form_part& p = (*parts)[0];
  EXPECT_EQ(p.name, "file");
  EXPECT_EQ(p.filename, "schedule.xlsx");
  EXPECT_EQ(p.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(p.data, "PK\x03\x04");
}

TEST(net_multipart_parse, data_views_point_into_the_body) {
  const std::string body = file_part("b", "file", "a.csv", "text/csv", "x,y") + closing("b");
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  const char* d = (*parts)[0].data.data();
  EXPECT_GE(d, body.data());
  EXPECT_LT(d, body.data() + body.size());
}

TEST(net_multipart_parse, binary_data_with_crlf_dashes_and_nul) {
  const std::string data("line1\r\nline2\r\n--not-the-boundary\r\n-- b\0\xff\r\n\r\n--", 46);
  const std::string body =
      file_part("bnd", "file", "x.bin", "application/octet-stream", data) + closing("bnd");
  auto parts = parse_multipart(body, "bnd");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  EXPECT_EQ((*parts)[0].data.size(), data.size());
  EXPECT_EQ((*parts)[0].data, data);
}

TEST(net_multipart_parse, boundary_text_without_leading_crlf_is_data) {
  // "--bnd" inside a line is not a delimiter: only CRLF "--bnd" is.
  const std::string data = "abc--bnd--def";
  const std::string body = file_part("bnd", "file", "x", "", data) + closing("bnd");
  auto parts = parse_multipart(body, "bnd");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  EXPECT_EQ((*parts)[0].data, data);
}

TEST(net_multipart_parse, two_parts) {
  const std::string body = file_part("b", "note", "", "", "hello") +
                           file_part("b", "file", "s.csv", "text/csv", "a,b\r\n1,2") + closing("b");
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 2U);
  EXPECT_EQ((*parts)[0].name, "note");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[0].content_type, "");
  EXPECT_EQ((*parts)[0].data, "hello");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "s.csv");
  EXPECT_EQ((*parts)[1].content_type, "text/csv");
  EXPECT_EQ((*parts)[1].data, "a,b\r\n1,2");
}

TEST(net_multipart_parse, preamble_and_epilogue_are_ignored) {
  const std::string body =
      "This is a preamble.\r\n" + file_part("b", "f", "", "", "v") + "--b--\r\nepilogue text";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  EXPECT_EQ((*parts)[0].data, "v");
}

TEST(net_multipart_parse, final_delimiter_without_trailing_crlf) {
  const std::string body = file_part("b", "f", "", "", "v") + "--b--";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->size(), 1U);
}

TEST(net_multipart_parse, header_names_are_case_insensitive) {
  const std::string body =
      "--b\r\ncontent-disposition: FORM-DATA; NAME=\"f\"; FileName=\"a.txt\"\r\n"
      "CONTENT-TYPE: text/plain\r\n\r\nv\r\n--b--\r\n";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  EXPECT_EQ((*parts)[0].name, "f");
  EXPECT_EQ((*parts)[0].filename, "a.txt");
  EXPECT_EQ((*parts)[0].content_type, "text/plain");
}

TEST(net_multipart_parse, unquoted_and_escaped_parameter_values) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=f; filename=\"a\\\"q\\\".txt\"\r\n\r\n"
      "v\r\n--b--\r\n";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  EXPECT_EQ((*parts)[0].name, "f");
  EXPECT_EQ((*parts)[0].filename, "a\"q\".txt");
}

TEST(net_multipart_parse, filename_parameter_is_not_taken_for_name) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; filename=\"x.csv\"; name=\"file\"\r\n\r\n"
      "v\r\n--b--\r\n";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  EXPECT_EQ((*parts)[0].name, "file");
  EXPECT_EQ((*parts)[0].filename, "x.csv");
}

TEST(net_multipart_parse, no_parts_at_all) {
  auto parts = parse_multipart("--b--\r\n", "b");
  ASSERT_TRUE(parts.has_value());
  EXPECT_TRUE(parts->empty());
}

TEST(net_multipart_parse, empty_part_data) {
  const std::string body = file_part("b", "file", "empty.csv", "text/csv", "") + closing("b");
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  EXPECT_EQ((*parts)[0].filename, "empty.csv");
  EXPECT_TRUE((*parts)[0].data.empty());
}

TEST(net_multipart_parse, empty_body_is_malformed) { EXPECT_FALSE(parse_multipart("", "b")); }

TEST(net_multipart_parse, body_without_the_boundary_is_malformed) {
  EXPECT_FALSE(parse_multipart("just some text\r\n", "b"));
  const std::string body = file_part("other", "f", "", "", "v") + closing("other");
  EXPECT_FALSE(parse_multipart(body, "b"));
}

TEST(net_multipart_parse, missing_final_delimiter) {
  const std::string part = file_part("b", "f", "x.csv", "text/csv", "data");
  // The part's data never ends with a delimiter.
  EXPECT_FALSE(
      parse_multipart("--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\ndata", "b"));
  // A complete part followed by nothing: the body stops after the CRLF.
  EXPECT_FALSE(parse_multipart(part, "b"));
  // A delimiter that is neither closed ("--") nor followed by CRLF.
  EXPECT_FALSE(parse_multipart(part + "--b", "b"));
  EXPECT_FALSE(parse_multipart(part + "--bX", "b"));
}

TEST(net_multipart_parse, truncated_in_the_part_headers) {
  EXPECT_FALSE(parse_multipart("--b\r\nContent-Disposition: form-data; name=\"f\"", "b"));
  EXPECT_FALSE(parse_multipart("--b\r\n", "b"));
}

TEST(net_multipart_parse, missing_content_disposition) {
  const std::string body = "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--\r\n";
  EXPECT_FALSE(parse_multipart(body, "b"));
}

TEST(net_multipart_parse, content_disposition_must_be_form_data) {
  const std::string body =
      "--b\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nv\r\n--b--\r\n";
  EXPECT_FALSE(parse_multipart(body, "b"));
}

TEST(net_multipart_parse, content_disposition_without_name) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; filename=\"x.csv\"\r\n\r\nv\r\n--b--\r\n";
  EXPECT_FALSE(parse_multipart(body, "b"));
}

TEST(net_multipart_parse, part_headers_without_blank_line) {
  // The data line is read as a header line without a colon.
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"f\"\r\nhello\r\n--b--\r\n";
  EXPECT_FALSE(parse_multipart(body, "b"));
}

TEST(net_multipart_parse, header_line_without_colon) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"f\"\r\nX-Broken\r\n\r\nv\r\n--b--\r\n";
  EXPECT_FALSE(parse_multipart(body, "b"));
}

TEST(net_multipart_parse, unknown_part_headers_are_ignored) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"f\"\r\nX-Extra: 1\r\n\r\nv\r\n--b--\r\n";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  EXPECT_EQ((*parts)[0].data, "v");
}

std::string n_parts(std::size_t n) {
  std::string body;
  for (std::size_t i = 0; i < n; ++i) body += file_part("b", "f" + std::to_string(i), "", "", "v");
  return body + closing("b");
}

TEST(net_multipart_parse, exactly_max_parts_is_accepted) {
  auto parts = parse_multipart(n_parts(3), "b", 3);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->size(), 3U);
  EXPECT_EQ((*parts)[2].name, "f2");
}

TEST(net_multipart_parse, more_than_max_parts_is_refused) {
  EXPECT_FALSE(parse_multipart(n_parts(4), "b", 3));
}

TEST(net_multipart_parse, default_max_parts_is_sixteen) {
  EXPECT_TRUE(parse_multipart(n_parts(16), "b"));
  EXPECT_FALSE(parse_multipart(n_parts(17), "b"));
}

TEST(net_multipart_parse, max_parts_zero_allows_only_an_empty_form) {
  EXPECT_TRUE(parse_multipart("--b--", "b", 0));
  EXPECT_FALSE(parse_multipart(n_parts(1), "b", 0));
}

// ---- quoted parameter values containing ';' ------------------------------------------------
// Former bug (src/net/multipart.cpp, param(), the `header.find(';', pos)` scan): parameters are split
// at every ';', including one inside a quoted-string, so a quoted value that contains
// ";<key>=" earlier in the header is taken for the parameter <key>. RFC 7578/2045 allow ';'
// inside a quoted-string and parameters in any order. This test guards the fix.

TEST(net_multipart_parse, quoted_filename_containing_semicolon_name_before_name) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; filename=\"x;name=y.csv\"; name=\"file\"\r\n\r\n"
      "v\r\n--b--\r\n";
  auto parts = parse_multipart(body, "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1U);
  EXPECT_EQ((*parts)[0].filename, "x;name=y.csv");
  EXPECT_EQ((*parts)[0].name, "file");  
}

TEST(net_multipart_boundary, quoted_parameter_containing_semicolon_boundary) {
  EXPECT_EQ(multipart_boundary(R"(multipart/form-data; x="a;boundary=evil"; boundary=real)"),
            "real");  // actual: "evil\""
}

}  // namespace
