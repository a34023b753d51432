#include "net/log_line.hpp"

#include <fmt/format.h>

#include "net/ws_wire.hpp"

namespace seatd::net {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const auto len = ws::utf8_sequence_length(s, i);
      if (len == 0) {
        out += "\\ufffd";  // one replacement per stray byte
        ++i;
        continue;
      }
      const auto seq = s.substr(i, len);
      // Valid JSON, but a line separator to some readers (JavaScript, some log shippers).
      if (seq == "\xE2\x80\xA8")
        out += "\\u2028";
      else if (seq == "\xE2\x80\xA9")
        out += "\\u2029";
      else
        out += seq;
      i += len;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F)
          out += fmt::format("\\u{:04x}", unsigned(c));
        else
          out += char(c);
    }
    ++i;
  }
  out += '"';
}

std::string json_log_line(std::chrono::system_clock::time_point time, std::string_view level,
                          std::string_view message, const std::vector<log_field>& fields) {
  // UTC by the calendar (std::chrono), whatever the process's time zone.
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(time);
  const auto day = std::chrono::floor<std::chrono::days>(ms);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{ms - day};
  std::string out = fmt::format(
      "{{\"time\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\",\"level\":", int(ymd.year()),
      unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(), hms.minutes().count(),
      hms.seconds().count(), hms.subseconds().count());
  append_json_string(out, level);
  out += ",\"message\":";
  append_json_string(out, message);
  for (const auto& f : fields) {
    if (f.value.empty() && !f.number) continue;
    out += ',';
    append_json_string(out, f.key);
    out += ':';
    if (f.number)
      out += f.value;
    else
      append_json_string(out, f.value);
  }
  out += "}\n";
  return out;
}

std::string text_log_suffix(const std::vector<log_field>& fields) {
  for (const auto& f : fields) {
    if (f.key != "request_id" || f.value.empty()) continue;
    std::string quoted;
    append_json_string(quoted, f.value);
    // A well-formed id needs no quotes (request_id.hpp); anything else shows escaped.
    return " request_id=" + (quoted.size() == f.value.size() + 2 ? f.value : quoted);
  }
  return {};
}

}  // namespace seatd::net
