#include "importer/cell_values.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <string_view>

#include "importer/schedule_import.hpp"
#include "importer/text_util.hpp"

namespace seatd::importer {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max_digits decimal digits from the front of `s`.
std::optional<int> take_number(std::string_view& s, std::size_t min_digits,
                               std::size_t max_digits) {
  std::size_t n = 0;
  int value = 0;
  while (n < s.size() && n < max_digits && is_digit(s[n])) {
    value = value * 10 + (s[n] - '0');
    ++n;
  }
  if (n < min_digits || (n < s.size() && is_digit(s[n]))) return std::nullopt;
  s.remove_prefix(n);
  return value;
}

enum class meridiem { none, am, pm };

// "AM", "pm", "a.m.", "P.M." -> am/pm; empty -> none; anything else -> nullopt.
std::optional<meridiem> parse_meridiem(std::string_view s) {
  if (s.empty()) return meridiem::none;
  for (std::string_view am : {"am", "a.m.", "a.m"}) {
    if (iequals(s, am)) return meridiem::am;
  }
  for (std::string_view pm : {"pm", "p.m.", "p.m"}) {
    if (iequals(s, pm)) return meridiem::pm;
  }
  return std::nullopt;
}

std::optional<double> to_double(std::string_view s) {
  s = trim(s);
  double v = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc{} || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::optional<int> parse_clock_time(std::string_view s) {
  s = trim(s);
  const auto hour = take_number(s, 1, 2);
  if (!hour) return std::nullopt;
  std::optional<int> minute;
  if (!s.empty() && s.front() == ':') {
    s.remove_prefix(1);
    minute = take_number(s, 2, 2);
    if (!minute || *minute > 59) return std::nullopt;
    if (!s.empty() && s.front() == ':') {
      // Seconds are accepted for "21:00:00" but a schedule is kept to the minute.
      s.remove_prefix(1);
      const auto second = take_number(s, 2, 2);
      if (!second || *second > 59) return std::nullopt;
    }
  }
  const auto suffix = parse_meridiem(trim(s));
  if (!suffix) return std::nullopt;
  if (*suffix == meridiem::none) {
    // A bare "21" is too likely to be something other than a time (a fare, a bus number).
    if (!minute || *hour > 23) return std::nullopt;
    return *hour * 60 + *minute;
  }
  // 12-hour clock: 12 AM is midnight, 12 PM is noon; "0:30 AM" and "13:00 PM" are not times.
  if (*hour < 1 || *hour > 12) return std::nullopt;
  const int h24 = (*hour % 12) + (*suffix == meridiem::pm ? 12 : 0);
  return h24 * 60 + minute.value_or(0);
}

std::optional<int> parse_weekday(std::string_view s) {
  struct name {
    std::string_view text;
    int day;
  };
  static constexpr std::array<name, 18> names{{
      {"monday", 0},
      {"mon", 0},
      {"tuesday", 1},
      {"tue", 1},
      {"tues", 1},
      {"wednesday", 2},
      {"wed", 2},
      {"weds", 2},
      {"thursday", 3},
      {"thu", 3},
      {"thur", 3},
      {"thurs", 3},
      {"friday", 4},
      {"fri", 4},
      {"saturday", 5},
      {"sat", 5},
      {"sunday", 6},
      {"sun", 6},
  }};
  s = trim(s);
  for (const auto& n : names) {
    if (iequals(s, n.text)) return n.day;
  }
  return std::nullopt;
}

std::optional<int> parse_time_cell(const cell& c) {
  if (!c.numeric) return parse_clock_time(c.text);
  const auto v = to_double(c.text);
  // Only a pure time of day: a date-time serial (45000.875) or a plain number typed into a
  // time column is more likely a mistake than something to silently reduce to a clock time.
  if (!v || *v < 0 || *v >= 1) return std::nullopt;
  const auto minutes = std::llround(*v * 24 * 60);
  if (minutes >= 24 * 60) return std::nullopt;
  return static_cast<int>(minutes);
}

std::optional<std::int64_t> parse_fare_cell(const cell& c) {
  const std::string_view text = trim(c.text);
  if (c.numeric) {
    const auto v = to_double(text);
    if (!v || *v < 0 || *v > static_cast<double>(max_fare)) return std::nullopt;
    // A formula such as =0.1*8500 stores 850.0000000000001; that is still a whole fare.
    const double whole = std::round(*v);
    if (std::fabs(*v - whole) > 1e-6) return std::nullopt;
    return static_cast<std::int64_t>(whole);
  }
  // Text: digits, optionally followed by a decimal point and zeros ("1200.0"). No signs,
  // separators or exponents: a person typed this, and "1,200" or "1e3" are ambiguous.
  std::string_view digits = text.substr(0, text.find('.'));
  if (digits.size() < text.size()) {
    const std::string_view fraction = text.substr(digits.size() + 1);
    if (fraction.find_first_not_of('0') != std::string_view::npos) return std::nullopt;
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || ptr != digits.data() + digits.size() || value > max_fare) {
    return std::nullopt;
  }
  return value;
}

}  // namespace seatd::importer
