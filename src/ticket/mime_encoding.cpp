#include "ticket/mime_encoding.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "ticket/utf8_text.hpp"

namespace seatd::tickets {

namespace {

constexpr std::string_view word_open = "=?UTF-8?B?";
constexpr std::string_view word_close = "?=";
constexpr std::size_t max_word = 75;  // RFC 2047 section 2

std::string base64(std::string_view bytes) {
  if (bytes.empty()) return {};
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

std::size_t b64_size(std::size_t bytes) { return (bytes + 2) / 3 * 4; }

}  // namespace

std::string encoded_words(std::string_view text, std::size_t used) {
  const std::size_t overhead = word_open.size() + word_close.size();
  std::string out;
  std::string chunk;  // UTF-8 bytes of the word being filled
  // The first word shares its line with what precedes it; later ones follow CRLF SP.
  std::size_t budget = std::min(max_word, max_encoded_line > used ? max_encoded_line - used : 0);
  if (budget < overhead + 4) budget = max_word;  // no room at all: the caller's line is long
  auto flush = [&] {
    if (!out.empty()) out += "\r\n ";
    out += word_open;
    out += base64(chunk);
    out += word_close;
    chunk.clear();
    budget = max_word;  // a continuation line: 1 space + 75
  };
  for (char32_t cp : utf8_code_points(text)) {
    std::string one;
    append_utf8(one, cp);
    if (!chunk.empty() && overhead + b64_size(chunk.size() + one.size()) > budget) flush();
    chunk += one;
  }
  if (!chunk.empty() || out.empty()) flush();
  return out;
}

std::string quoted_printable(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  // Split into lines on CRLF, CR or LF.
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  lines.push_back(text.substr(start));

  std::string out;
  out.reserve(text.size() * 11 / 10 + 16);
  for (const std::string_view line : lines) {
    std::size_t col = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      // "From " at the start of a line is rewritten to ">From " by mbox-minded systems, and a
      // lone "." ends an SMTP message: encoded there, neither can happen.
      auto risky_at_line_start = [&] {
        return c == '.' || (c == 'F' && line.substr(i, 5) == "From ");
      };
      bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
      if (literal && col == 0 && risky_at_line_start()) literal = false;
      std::size_t width = literal ? 1 : 3;
      // A soft break "=" takes the 76th column, so the text may use 75.
      if (col + width > max_encoded_line - 1) {
        out += "=\r\n";
        col = 0;
        if (literal && risky_at_line_start()) literal = false, width = 3;
      }
      if (literal) {
        out.push_back(static_cast<char>(c));
      } else {
        out.push_back('=');
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0x0F]);
      }
      col += width;
    }
    out += "\r\n";
  }
  return out;
}

std::string base64_lines(std::string_view bytes) {
  const std::string b = base64(bytes);
  std::string out;
  out.reserve(b.size() + b.size() / max_encoded_line * 2 + 2);
  for (std::size_t i = 0; i < b.size(); i += max_encoded_line) {
    out.append(b, i, max_encoded_line);
    out += "\r\n";
  }
  return out;
}

std::string rfc5322_date(sys_ms t) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::weekday wd{day};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000", days[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), months[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace seatd::tickets
