#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "ticket/mime_encoding.hpp"
#include "ticket/utf8_text.hpp"  // repaired_utf8: no character split between words
#include "ticket_mime_test_support.hpp"

namespace {

using namespace seatd::tickets;
namespace t = seatd::tickets::testing;

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ticket_mime_encoding, encoded_word_matches_a_known_vector) {
  EXPECT_EQ(encoded_words("Zoë", 9), "=?UTF-8?B?Wm/Dqw==?=");
  EXPECT_EQ(encoded_words("€", 9), "=?UTF-8?B?4oKs?=");
}

TEST(ticket_mime_encoding, long_text_folds_into_words_of_whole_characters) {
  std::string text;
  for (int i = 0; i < 12; ++i) text += "Дмитрий → Łódź 🚌 ";
  const std::string header = "Subject: " + encoded_words(text, 9);
  const auto lines = t::lines(header);
  ASSERT_GT(lines.size(), 3U);
  for (const auto& line : lines) {
    EXPECT_LE(line.size(), max_encoded_line) << line;
    // Each line holds exactly one word after its prefix, at most 75 characters long.
    const auto open = line.find("=?UTF-8?B?");
    ASSERT_NE(open, std::string::npos) << line;
    const std::string word = line.substr(open);
    EXPECT_LE(word.size(), 75U);
    // Each word on its own is valid UTF-8: no character is split between two words.
    const std::string bytes = t::base64_decode(word.substr(10, word.size() - 12));
    EXPECT_EQ(repaired_utf8(bytes), bytes) << word;
  }
  EXPECT_EQ(t::decode_words(t::headers(header + "\r\n\r\n").find("Subject")->second), text);
}

TEST(ticket_mime_encoding, an_empty_text_is_one_empty_word) {
  EXPECT_EQ(t::decode_words(encoded_words("", 9)), "");
}

TEST(ticket_mime_encoding, quoted_printable_round_trips_with_crlf_line_ends) {
  const std::string text =
      "Hello Zoë,\nline with trailing spaces   \r\nFrom here on\r.\n= sign & tab\t\n" +
      std::string(300, 'x') + "\n" + repeat("é", 100) + "\nend";
  const std::string qp = quoted_printable(text);
  for (const auto& line : t::lines(qp)) EXPECT_LE(line.size(), max_encoded_line) << line;
  EXPECT_EQ(qp.find('\n'), qp.find("\r\n") + 1);  // the first LF is part of a CRLF
  for (std::size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] == '\n') {
      ASSERT_GT(i, 0U);
      EXPECT_EQ(qp[i - 1], '\r') << "bare LF at " << i;
    }
    EXPECT_LT(static_cast<unsigned char>(qp[i]), 0x80) << "8-bit byte at " << i;
  }
  std::string expected = text;
  // Every line break of the input becomes CRLF.
  std::string normalized;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] == '\r' && i + 1 < expected.size() && expected[i + 1] == '\n') continue;
    if (expected[i] == '\r' || expected[i] == '\n') {
      normalized += "\r\n";
    } else {
      normalized += expected[i];
    }
  }
  EXPECT_EQ(t::qp_decode(qp), normalized + "\r\n");
  // No line of the encoded text starts with "From " or "." literally.
  for (const auto& line : t::lines(qp)) {
    EXPECT_NE(line.rfind("From ", 0), 0U) << line;
    EXPECT_NE(line.rfind(".", 0), 0U) << line;
  }
  EXPECT_NE(qp.find("spaces  =20\r\n"), std::string::npos);
}

TEST(ticket_mime_encoding, base64_lines_are_76_characters_and_decode_back) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>(i * 7));
  const std::string b64 = base64_lines(bytes);
  const auto lines = t::lines(b64);
  ASSERT_GT(lines.size(), 10U);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_EQ(lines[i].size(), 76U);
  EXPECT_LE(lines.back().size(), 76U);
  EXPECT_EQ(b64.substr(b64.size() - 2), "\r\n");
  EXPECT_EQ(t::base64_decode(b64), bytes);
}

TEST(ticket_mime_encoding, rfc5322_dates) {
  using namespace std::chrono;
  EXPECT_EQ(rfc5322_date(seatd::sys_ms{}), "Thu, 01 Jan 1970 00:00:00 +0000");
  const auto t1 = sys_days{2026y / December / 5} + 6h + 38min + 52s + 999ms;
  EXPECT_EQ(rfc5322_date(time_point_cast<milliseconds>(t1)), "Sat, 05 Dec 2026 06:38:52 +0000");
  const auto t2 = sys_days{2028y / February / 29} + 23h + 59min + 59s;
  EXPECT_EQ(rfc5322_date(time_point_cast<milliseconds>(t2)), "Tue, 29 Feb 2028 23:59:59 +0000");
}

}  // namespace
