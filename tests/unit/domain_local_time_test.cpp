#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/local_time.hpp"

namespace {

using namespace std::chrono;
using seatd::format_date;
using seatd::format_iso;
using seatd::local_date;
using seatd::local_time;
using seatd::parse_date;
using seatd::parse_iso;
using seatd::weekday_short;

local_date ymd(int y, unsigned m, unsigned d) { return local_date{year{y} / month{m} / day{d}}; }

local_time at(int y, unsigned m, unsigned d, int h, int mi, int s) {
  return local_time{ymd(y, m, d)} + hours{h} + minutes{mi} + seconds{s};
}

// ---- parse_date ----------------------------------------------------------------------------

TEST(domain_parse_date, accepts_a_valid_date) {
  auto d = parse_date("2026-11-30");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, ymd(2026, 11, 30));
}

TEST(domain_parse_date, accepts_first_and_last_day_of_year) {
  EXPECT_EQ(parse_date("2026-01-01"), std::optional{ymd(2026, 1, 1)});
  EXPECT_EQ(parse_date("2026-12-31"), std::optional{ymd(2026, 12, 31)});
}

TEST(domain_parse_date, accepts_feb_29_in_leap_years) {
  EXPECT_EQ(parse_date("2024-02-29"), std::optional{ymd(2024, 2, 29)});
  EXPECT_EQ(parse_date("2000-02-29"), std::optional{ymd(2000, 2, 29)});  // divisible by 400
}

TEST(domain_parse_date, rejects_feb_29_in_non_leap_years) {
  EXPECT_FALSE(parse_date("2026-02-29"));
  EXPECT_FALSE(parse_date("1900-02-29"));  // divisible by 100, not by 400
}

TEST(domain_parse_date, rejects_impossible_days_and_months) {
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_FALSE(parse_date("2026-04-31"));
  EXPECT_FALSE(parse_date("2026-01-32"));
  EXPECT_FALSE(parse_date("2026-01-00"));
  EXPECT_FALSE(parse_date("2026-00-10"));
  EXPECT_FALSE(parse_date("2026-13-01"));
}

TEST(domain_parse_date, rejects_wrong_lengths) {
  EXPECT_FALSE(parse_date(""));
  EXPECT_FALSE(parse_date("2026-1-30"));
  EXPECT_FALSE(parse_date("2026-11-3"));
  EXPECT_FALSE(parse_date("26-11-30"));
  EXPECT_FALSE(parse_date("2026-11-300"));
  EXPECT_FALSE(parse_date("02026-11-30"));
  EXPECT_FALSE(parse_date("2026-11-30T00:00:00"));
}

TEST(domain_parse_date, rejects_wrong_separators) {
  EXPECT_FALSE(parse_date("2026/11/30"));
  EXPECT_FALSE(parse_date("2026.11.30"));
  EXPECT_FALSE(parse_date("20261130xx"));
  EXPECT_FALSE(parse_date("2026-11_30"));
}

TEST(domain_parse_date, rejects_letters) {
  EXPECT_FALSE(parse_date("abcd-ef-gh"));
  EXPECT_FALSE(parse_date("2026-1a-30"));
  EXPECT_FALSE(parse_date("2026-11-3x"));
  EXPECT_FALSE(parse_date("20x6-11-30"));
  EXPECT_FALSE(parse_date("2026-0x-1f"));
}

TEST(domain_parse_date, rejects_signs) {
  EXPECT_FALSE(parse_date("+026-11-30"));
  EXPECT_FALSE(parse_date("-026-11-30"));
  EXPECT_FALSE(parse_date("2026-+1-30"));
  EXPECT_FALSE(parse_date("2026--1-30"));
  EXPECT_FALSE(parse_date("2026-11-+3"));
  EXPECT_FALSE(parse_date("2026-11--3"));
}

TEST(domain_parse_date, rejects_spaces) {
  EXPECT_FALSE(parse_date(" 2026-11-3"));
  EXPECT_FALSE(parse_date("2026-11-3 "));
  EXPECT_FALSE(parse_date("2026- 1-30"));
  EXPECT_FALSE(parse_date("2026-11- 3"));
  EXPECT_FALSE(parse_date(" 026-11-30"));
  EXPECT_FALSE(parse_date("          "));
}

TEST(domain_parse_date, rejects_embedded_nul) {
  EXPECT_FALSE(parse_date(std::string_view("2026-11-3\0", 10)));
}

// ---- parse_iso -----------------------------------------------------------------------------

TEST(domain_parse_iso, accepts_t_separator) {
  auto t = parse_iso("2026-11-30T21:05:09");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, at(2026, 11, 30, 21, 5, 9));
}

TEST(domain_parse_iso, accepts_space_separator) {
  auto t = parse_iso("2026-11-30 21:05:09");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, at(2026, 11, 30, 21, 5, 9));
}

TEST(domain_parse_iso, accepts_bounds_of_the_day) {
  EXPECT_EQ(parse_iso("2026-11-30T00:00:00"), std::optional{at(2026, 11, 30, 0, 0, 0)});
  EXPECT_EQ(parse_iso("2026-11-30T23:59:59"), std::optional{at(2026, 11, 30, 23, 59, 59)});
}

TEST(domain_parse_iso, rejects_hour_24) { EXPECT_FALSE(parse_iso("2026-11-30T24:00:00")); }

TEST(domain_parse_iso, rejects_out_of_range_minutes_and_seconds) {
  EXPECT_FALSE(parse_iso("2026-11-30T23:60:00"));
  EXPECT_FALSE(parse_iso("2026-11-30T23:59:60"));  // no leap seconds
  EXPECT_FALSE(parse_iso("2026-11-30T99:99:99"));
}

TEST(domain_parse_iso, rejects_an_invalid_date_part) {
  EXPECT_FALSE(parse_iso("2026-02-30T10:00:00"));
  EXPECT_FALSE(parse_iso("2026-02-29T10:00:00"));
  EXPECT_TRUE(parse_iso("2024-02-29T10:00:00"));
}

TEST(domain_parse_iso, rejects_other_separators) {
  EXPECT_FALSE(parse_iso("2026-11-30t21:00:00"));
  EXPECT_FALSE(parse_iso("2026-11-30_21:00:00"));
  EXPECT_FALSE(parse_iso("2026-11-30T21-00-00"));
  EXPECT_FALSE(parse_iso("2026-11-30T21:00.00"));
}

TEST(domain_parse_iso, rejects_wrong_lengths) {
  EXPECT_FALSE(parse_iso(""));
  EXPECT_FALSE(parse_iso("2026-11-30"));
  EXPECT_FALSE(parse_iso("2026-11-30T21:00"));
  EXPECT_FALSE(parse_iso("2026-11-30T1:00:00"));
  EXPECT_FALSE(parse_iso("2026-11-30T21:00:00Z"));
  EXPECT_FALSE(parse_iso("2026-11-30T21:00:00.000"));
  EXPECT_FALSE(parse_iso("2026-11-30T21:00:00+02:00"));
}

TEST(domain_parse_iso, rejects_letters_signs_and_spaces_in_the_time) {
  EXPECT_FALSE(parse_iso("2026-11-30Taa:00:00"));
  EXPECT_FALSE(parse_iso("2026-11-30T+1:00:00"));
  EXPECT_FALSE(parse_iso("2026-11-30T-1:00:00"));
  EXPECT_FALSE(parse_iso("2026-11-30T 1:00:00"));
  EXPECT_FALSE(parse_iso("2026-11-30T21:0 :00"));
  EXPECT_FALSE(parse_iso("2026-11-30T21:00:0x"));
}

// ---- format and roundtrips -----------------------------------------------------------------

TEST(domain_format, format_date_pads_fields) {
  EXPECT_EQ(format_date(ymd(2026, 1, 5)), "2026-01-05");
  EXPECT_EQ(format_date(ymd(999, 12, 31)), "0999-12-31");
}

TEST(domain_format, format_iso_pads_fields_and_uses_t) {
  EXPECT_EQ(format_iso(at(2026, 11, 30, 21, 0, 0)), "2026-11-30T21:00:00");
  EXPECT_EQ(format_iso(at(2026, 1, 2, 3, 4, 5)), "2026-01-02T03:04:05");
  EXPECT_EQ(format_iso(at(2026, 1, 2, 0, 0, 0)), "2026-01-02T00:00:00");
  EXPECT_EQ(format_iso(at(2026, 1, 2, 23, 59, 59)), "2026-01-02T23:59:59");
}

TEST(domain_format, format_iso_of_a_date_before_the_epoch) {
  EXPECT_EQ(format_iso(at(1969, 12, 31, 23, 30, 15)), "1969-12-31T23:30:15");
}

TEST(domain_format, iso_roundtrip_text_to_time_to_text) {
  for (std::string_view s : {"2026-11-30T21:00:00", "2024-02-29T00:00:00", "2026-12-31T23:59:59",
                             "1970-01-01T00:00:00", "2000-01-01T12:34:56"}) {
    auto t = parse_iso(s);
    ASSERT_TRUE(t.has_value()) << s;
    EXPECT_EQ(format_iso(*t), s);
  }
}

TEST(domain_format, space_separated_iso_formats_back_with_t) {
  auto t = parse_iso("2026-11-30 08:15:00");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_iso(*t), "2026-11-30T08:15:00");
}

TEST(domain_format, iso_roundtrip_time_to_text_to_time) {
  // Every 7919 seconds across a year, including day and month boundaries.
  const local_time start = at(2024, 1, 1, 0, 0, 0);
  for (int i = 0; i < 4000; ++i) {
    const local_time t = start + seconds{std::int64_t{i} * 7919};
    auto back = parse_iso(format_iso(t));
    ASSERT_TRUE(back.has_value()) << format_iso(t);
    ASSERT_EQ(*back, t) << format_iso(t);
  }
}

TEST(domain_format, date_roundtrip_every_day_of_a_leap_year) {
  for (local_date d = ymd(2024, 1, 1); d <= ymd(2024, 12, 31); d += days{1}) {
    auto back = parse_date(format_date(d));
    ASSERT_TRUE(back.has_value()) << format_date(d);
    ASSERT_EQ(*back, d);
  }
}

// ---- weekday_short -------------------------------------------------------------------------

TEST(domain_weekday_short, names_each_day_of_a_known_week) {
  // 2026-11-30 is a Monday.
  const char* expected[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(weekday_short(ymd(2026, 11, 30) + days{i}), expected[i]) << i;
}

TEST(domain_weekday_short, known_dates) {
  EXPECT_EQ(weekday_short(ymd(1970, 1, 1)), "Thu");
  EXPECT_EQ(weekday_short(ymd(2000, 1, 1)), "Sat");
  EXPECT_EQ(weekday_short(ymd(2024, 2, 29)), "Thu");
  EXPECT_EQ(weekday_short(ymd(1969, 12, 28)), "Sun");  // before the epoch
}

// ---- to_local ------------------------------------------------------------------------------

// Sets TZ for one test and restores it afterwards.
class scoped_tz {
 public:
  explicit scoped_tz(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~scoped_tz() {
    if (old_)
      ::setenv("TZ", old_->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }
  scoped_tz(const scoped_tz&) = delete;
  scoped_tz& operator=(const scoped_tz&) = delete;

 private:
  std::optional<std::string> old_;
};

TEST(domain_to_local, utc_is_the_wall_time_of_the_instant) {
  scoped_tz tz("UTC0");
  // 1'800'000'000 s after the epoch = 2027-01-15T08:00:00Z.
  const seatd::sys_ms t{milliseconds{1'800'000'000'123}};
  EXPECT_EQ(format_iso(seatd::to_local(t)), "2027-01-15T08:00:00");
}

TEST(domain_to_local, applies_the_process_time_zone_offset) {
  scoped_tz tz("XXX-3");  // POSIX: three hours east of UTC
  const seatd::sys_ms t{milliseconds{1'800'000'000'000}};
  EXPECT_EQ(format_iso(seatd::to_local(t)), "2027-01-15T11:00:00");
}

}  // namespace
