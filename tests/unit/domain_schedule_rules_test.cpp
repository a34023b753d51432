#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "domain/local_time.hpp"
#include "domain/model.hpp"
#include "domain/schedule_rules.hpp"

namespace {

using namespace std::chrono;
using seatd::format_date;
using seatd::format_iso;
using seatd::import_week_allowed;
using seatd::import_week_start;
using seatd::local_date;
using seatd::local_time;
using seatd::place_trip;
using seatd::schedule_row;
using seatd::week_monday;

local_date ymd(int y, unsigned m, unsigned d) { return local_date{year{y} / month{m} / day{d}}; }

local_time at(local_date d, int h, int mi) { return local_time{d} + hours{h} + minutes{mi}; }

schedule_row row(int weekday, int dep_minutes, int arr_minutes) {
  schedule_row r;
  r.weekday = weekday;
  r.departure_minutes = dep_minutes;
  r.arrival_minutes = arr_minutes;
  return r;
}

// 2026-11-30 is a Monday; 2026-12-06 the Sunday of that week.
const local_date monday = ymd(2026, 11, 30);

// ---- week_monday ---------------------------------------------------------------------------

TEST(domain_week_monday, every_day_of_the_week_maps_to_its_monday) {
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(format_date(week_monday(monday + days{i})), "2026-11-30") << "offset " << i;
}

TEST(domain_week_monday, sunday_belongs_to_the_week_that_started_six_days_earlier) {
  EXPECT_EQ(week_monday(ymd(2026, 12, 6)), ymd(2026, 11, 30));
  // and the following Monday starts a new week
  EXPECT_EQ(week_monday(ymd(2026, 12, 7)), ymd(2026, 12, 7));
}

TEST(domain_week_monday, crosses_month_and_year_boundaries) {
  EXPECT_EQ(week_monday(ymd(2026, 3, 1)), ymd(2026, 2, 23));   // Sunday 1 March
  EXPECT_EQ(week_monday(ymd(2027, 1, 1)), ymd(2026, 12, 28));  // Friday
  EXPECT_EQ(week_monday(ymd(2024, 3, 1)), ymd(2024, 2, 26));   // leap year Friday
}

TEST(domain_week_monday, result_is_always_a_monday_within_six_days) {
  for (local_date d = ymd(2025, 12, 1); d < ymd(2026, 2, 1); d += days{1}) {
    auto m = week_monday(d);
    EXPECT_EQ(weekday{m}, Monday) << format_date(d);
    EXPECT_LE(m, d);
    EXPECT_LT(d - m, days{7}) << format_date(d);
  }
}

// ---- import_week_start ---------------------------------------------------------------------

TEST(domain_import_week_start, without_trips_uses_the_current_week) {
  EXPECT_EQ(import_week_start(ymd(2026, 12, 2), std::nullopt), monday);  // Wednesday
  EXPECT_EQ(import_week_start(monday, std::nullopt), monday);            // Monday itself
  EXPECT_EQ(import_week_start(ymd(2026, 12, 6), std::nullopt), monday);  // Sunday
}

TEST(domain_import_week_start, with_trips_uses_the_week_after_the_latest_departure) {
  // Latest departure on Thursday 2026-12-03: next import goes to Monday 2026-12-07.
  EXPECT_EQ(import_week_start(ymd(2026, 11, 1), at(ymd(2026, 12, 3), 10, 0)), ymd(2026, 12, 7));
}

TEST(domain_import_week_start, today_is_ignored_when_trips_exist) {
  const local_time latest = at(ymd(2026, 12, 3), 10, 0);
  EXPECT_EQ(import_week_start(ymd(2020, 1, 1), latest), ymd(2026, 12, 7));
  EXPECT_EQ(import_week_start(ymd(2030, 1, 1), latest), ymd(2026, 12, 7));
}

TEST(domain_import_week_start, latest_departure_on_monday_midnight) {
  EXPECT_EQ(import_week_start(monday, at(monday, 0, 0)), ymd(2026, 12, 7));
}

TEST(domain_import_week_start, latest_departure_late_on_sunday_stays_in_its_own_week) {
  // Sunday 23:30 belongs to the week of Monday 2026-11-30; the next week is 2026-12-07,
  // not the week after (the arrival is irrelevant, only the departure counts).
  EXPECT_EQ(import_week_start(monday, at(ymd(2026, 12, 6), 23, 30)), ymd(2026, 12, 7));
  EXPECT_EQ(import_week_start(monday, local_time{ymd(2026, 12, 7)} - seconds{1}), ymd(2026, 12, 7));
}

TEST(domain_import_week_start, a_chosen_week_is_the_monday_of_the_chosen_day) {
  // "The week of 14 December" (a Monday) and any other day of that week.
  const local_date dec14 = ymd(2026, 12, 14);
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(import_week_start(monday, std::nullopt, dec14 + days{i}), dec14) << "offset " << i;
}

TEST(domain_import_week_start, a_chosen_week_wins_over_the_latest_departure) {
  // Trips up to 2026-12-24 exist; the operator still gets the week asked for, earlier or later.
  const local_time latest = at(ymd(2026, 12, 24), 10, 0);
  EXPECT_EQ(import_week_start(monday, latest, ymd(2026, 12, 9)), ymd(2026, 12, 7));
  EXPECT_EQ(import_week_start(monday, latest, ymd(2027, 3, 3)), ymd(2027, 3, 1));
  EXPECT_EQ(import_week_start(monday, std::nullopt, ymd(2027, 1, 1)), ymd(2026, 12, 28));
}

TEST(domain_import_week_allowed, the_current_week_and_later_weeks_are_allowed) {
  const local_date wednesday = ymd(2026, 12, 2);
  EXPECT_TRUE(import_week_allowed(wednesday, monday));           // this week, already begun
  EXPECT_TRUE(import_week_allowed(wednesday, ymd(2026, 12, 6)));  // this week's Sunday
  EXPECT_TRUE(import_week_allowed(wednesday, ymd(2026, 12, 7)));  // next Monday
  EXPECT_TRUE(import_week_allowed(ymd(2026, 12, 6), ymd(2027, 6, 1)));
  // Up to two years (104 weeks) ahead: the week of 2028-11-27 (its Sunday too).
  EXPECT_TRUE(import_week_allowed(wednesday, ymd(2028, 11, 27)));
  EXPECT_TRUE(import_week_allowed(wednesday, ymd(2028, 12, 3)));
}

TEST(domain_import_week_allowed, a_week_too_far_ahead_is_refused) {
  const local_date wednesday = ymd(2026, 12, 2);
  EXPECT_EQ(monday + seatd::max_import_lead, ymd(2028, 11, 27));
  EXPECT_FALSE(import_week_allowed(wednesday, ymd(2028, 12, 4)));  // week 105
  EXPECT_FALSE(import_week_allowed(wednesday, ymd(9999, 12, 31)));
}

TEST(domain_import_week_allowed, a_week_that_has_ended_is_refused) {
  const local_date wednesday = ymd(2026, 12, 2);
  EXPECT_FALSE(import_week_allowed(wednesday, ymd(2026, 11, 29)));  // last week's Sunday
  EXPECT_FALSE(import_week_allowed(wednesday, ymd(2026, 11, 23)));
  EXPECT_FALSE(import_week_allowed(monday, monday - days{1}));
  EXPECT_FALSE(import_week_allowed(ymd(2027, 1, 1), ymd(2026, 12, 27)));  // across a new year
}

TEST(domain_import_week_start, result_is_a_monday_across_a_year_boundary) {
  auto start = import_week_start(ymd(2026, 12, 1), at(ymd(2026, 12, 30), 8, 0));  // Wednesday
  EXPECT_EQ(start, ymd(2027, 1, 4));
  EXPECT_EQ(weekday{start}, Monday);
}

// ---- place_trip ----------------------------------------------------------------------------

TEST(domain_place_trip, monday_row_is_placed_on_the_week_start) {
  auto p = place_trip(monday, row(0, 9 * 60 + 15, 13 * 60 + 45));
  EXPECT_EQ(format_iso(p.departure), "2026-11-30T09:15:00");
  EXPECT_EQ(format_iso(p.arrival), "2026-11-30T13:45:00");
}

TEST(domain_place_trip, weekday_offsets_the_day) {
  for (int wd = 0; wd < 7; ++wd) {
    auto p = place_trip(monday, row(wd, 600, 700));
    EXPECT_EQ(p.departure, at(monday + days{wd}, 10, 0)) << wd;
    EXPECT_EQ(p.arrival, at(monday + days{wd}, 11, 40)) << wd;
  }
}

TEST(domain_place_trip, sunday_row_is_weekday_six) {
  auto p = place_trip(monday, row(6, 20 * 60, 23 * 60));
  EXPECT_EQ(format_iso(p.departure), "2026-12-06T20:00:00");
  EXPECT_EQ(format_iso(p.arrival), "2026-12-06T23:00:00");
  EXPECT_EQ(seatd::weekday_short(floor<days>(p.departure)), "Sun");
}

TEST(domain_place_trip, arrival_earlier_than_departure_is_next_day) {
  auto p = place_trip(monday, row(2, 21 * 60, 6 * 60 + 30));  // Wednesday overnight
  EXPECT_EQ(format_iso(p.departure), "2026-12-02T21:00:00");
  EXPECT_EQ(format_iso(p.arrival), "2026-12-03T06:30:00");
  EXPECT_GT(p.arrival, p.departure);
}

TEST(domain_place_trip, sunday_overnight_arrives_on_the_next_weeks_monday) {
  auto p = place_trip(monday, row(6, 23 * 60 + 30, 5 * 60));
  EXPECT_EQ(format_iso(p.departure), "2026-12-06T23:30:00");
  EXPECT_EQ(format_iso(p.arrival), "2026-12-07T05:00:00");
}

TEST(domain_place_trip, one_minute_earlier_arrival_is_almost_a_day_later) {
  auto p = place_trip(monday, row(0, 12 * 60, 12 * 60 - 1));
  EXPECT_EQ(p.arrival - p.departure, hours{23} + minutes{59});
}

TEST(domain_place_trip, equal_times_stay_on_the_same_day) {
  auto p = place_trip(monday, row(3, 8 * 60, 8 * 60));
  EXPECT_EQ(format_iso(p.departure), "2026-12-03T08:00:00");
  EXPECT_EQ(p.arrival, p.departure);
}

TEST(domain_place_trip, midnight_departure_and_last_minute_arrival) {
  auto p = place_trip(monday, row(1, 0, 23 * 60 + 59));
  EXPECT_EQ(format_iso(p.departure), "2026-12-01T00:00:00");
  EXPECT_EQ(format_iso(p.arrival), "2026-12-01T23:59:00");
}

TEST(domain_place_trip, placed_in_the_week_import_week_start_chose) {
  auto start = import_week_start(monday, at(ymd(2026, 12, 6), 23, 30));
  auto p = place_trip(start, row(0, 7 * 60, 9 * 60));
  EXPECT_EQ(format_iso(p.departure), "2026-12-07T07:00:00");
}

}  // namespace

namespace seatd {
namespace {

// The demo's weeks: whatever the day, a newcomer finds the days ahead in the timetable.
TEST(demo_import_plan, covers_today_and_the_week_ahead_from_any_day) {
  const local_date monday = *parse_date("2026-11-30");
  for (int d = 0; d < 7; ++d) {
    const local_date today = monday + std::chrono::days{d};
    const import_plan plan = demo_import_plan(today);
    EXPECT_EQ(plan.week_of, monday) << d;
    EXPECT_GE(plan.weeks, 2) << d;  // the current week and the next, at least
    const local_date end = plan.week_of + std::chrono::days{7 * plan.weeks};
    for (int ahead = 0; ahead <= 7; ++ahead)
      EXPECT_LT(today + std::chrono::days{ahead}, end) << "day " << d << " +" << ahead;
  }
  // Sunday night: the current week is all but over, and the whole next week is loaded.
  const import_plan sunday = demo_import_plan(*parse_date("2026-12-06"));
  EXPECT_EQ(sunday.week_of, monday);
  EXPECT_EQ(sunday.weeks, 2);
  // Looking further ahead takes more weeks, within the upload's bound.
  EXPECT_EQ(demo_import_plan(*parse_date("2026-12-06"), std::chrono::days{14}).weeks, 3);
  EXPECT_EQ(demo_import_plan(monday, std::chrono::days{365}).weeks, max_import_weeks);
}

}  // namespace
}  // namespace seatd
