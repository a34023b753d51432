#include "domain/local_time.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace seatd {
namespace {
bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}
}  // namespace

std::string format_date(local_date d) {
  std::chrono::year_month_day ymd{d};
  return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()));
}

std::string format_iso(local_time t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{}T{:02}:{:02}:{:02}", format_date(day), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

std::optional<local_date> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), m) ||
      !parse_int(s.substr(8, 2), d))
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                  std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  return local_date{ymd};
}

std::optional<local_time> parse_iso(std::string_view s) {
  if (s.size() != 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  auto d = parse_date(s.substr(0, 10));
  int h = 0, mi = 0, se = 0;
  if (!d || !parse_int(s.substr(11, 2), h) || !parse_int(s.substr(14, 2), mi) ||
      !parse_int(s.substr(17, 2), se) || h > 23 || mi > 59 || se > 59)
    return std::nullopt;
  return local_time{*d} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{se};
}

local_time to_local(sys_ms t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(t));
  std::tm tm{};
  localtime_r(&tt, &tm);
  return local_time{std::chrono::seconds{tt + tm.tm_gmtoff}};
}

std::string_view weekday_short(local_date d) {
  static constexpr std::string_view names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  return names[std::chrono::weekday{d}.c_encoding()];
}

}  // namespace seatd
