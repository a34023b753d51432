// Schedules that keep running (issue 14): one upload for several weeks, a dry run that writes
// nothing, the CLI's --weeks and --dry-run, the demo's weeks, and the admin's view of the
// timetable week by week.
#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

namespace json = boost::json;
using std::chrono::days;

const char* two_day_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
    "ABC,Monday,Bus X,Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n"
    "ABC,Sunday,Bus Y,Madurai,Chennai,11:00 PM,06:00 AM,800,Sleeper,AC\n";

http_reply upload_fields(http_client& c, const std::string& token, const std::string& content,
                         const std::vector<std::pair<std::string, std::string>>& fields) {
  return upload_form(c, token, "s.csv", content, fields);
}

std::string monday_in(int weeks) {
  return format_date(week_monday(today_local()) + days{7 * weeks});
}

class schedule_weeks : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<seatd_process>();
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
  }
  void TearDown() override { EXPECT_EQ(server_->stop(), 0); }
  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_;
};

TEST_F(schedule_weeks, one_upload_fills_consecutive_weeks_and_names_each) {
  auto r = upload_fields(*c_, admin_, two_day_csv, {{"week_of", monday_in(1)}, {"weeks", "3"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json().as_object();
  // Every field the upload answered before, and the new ones.
  EXPECT_EQ(j.at("status"), "success");
  EXPECT_EQ(j.at("trips_created"), 6);
  EXPECT_EQ(j.at("buses_created"), 2);
  EXPECT_EQ(str(j.at("week_start")), monday_in(1));
  EXPECT_EQ(j.at("dry_run"), false);
  EXPECT_EQ(j.at("already_scheduled"), json::array{});
  auto weeks = j.at("weeks").as_array();
  ASSERT_EQ(weeks.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(str(weeks[i].at("week_start")), monday_in(1 + i));
    EXPECT_EQ(weeks[i].at("trips"), 2);
  }
  EXPECT_NE(str(j.at("message")).find("6 trips"), std::string::npos) << j.at("message");
  EXPECT_EQ(str(c_->get("/trips/5").json().at("departure_time")).substr(0, 10), monday_in(3));
  EXPECT_EQ(c_->get("/trips/7").status, 404);

  // Without a week: after the latest one, and nothing was there before.
  auto next = upload_fields(*c_, admin_, two_day_csv, {{"weeks", "2"}}).json().as_object();
  EXPECT_EQ(str(next.at("week_start")), monday_in(4));
  EXPECT_EQ(next.at("weeks").as_array().size(), 2u);

  // The admin's view, oldest first.
  auto list = c_->get("/admin/schedule/weeks", admin_);
  ASSERT_EQ(list.status, 200) << list.body;
  auto wl = list.json().as_array();
  ASSERT_EQ(wl.size(), 5u);
  for (std::size_t i = 0; i < wl.size(); ++i) {
    auto w = wl[i].as_object();
    EXPECT_EQ(str(w.at("week_start")), monday_in(1 + int(i)));
    EXPECT_EQ(w.at("trips"), 2);
    EXPECT_EQ(w.at("buses"), 2);
    EXPECT_EQ(w.at("departed"), 0);
    EXPECT_EQ(str(w.at("first_departure")), monday_in(1 + int(i)) + "T21:00:00");
    EXPECT_EQ(str(w.at("last_departure")),
              format_date(week_monday(today_local()) + days{7 * (1 + int(i)) + 6}) + "T23:00:00");
  }
}

TEST_F(schedule_weeks, a_dry_run_answers_the_same_and_writes_nothing) {
  auto dry = upload_fields(*c_, admin_, two_day_csv,
                           {{"week_of", monday_in(1)}, {"weeks", "2"}, {"dry_run", "true"}});
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(dry.json().at("dry_run"), true);
  EXPECT_EQ(dry.json().at("trips_created"), 4);
  EXPECT_EQ(dry.json().at("buses_created"), 2);
  EXPECT_EQ(c_->get("/trips/1").status, 404);
  EXPECT_EQ(c_->get("/admin/schedule/weeks", admin_).json(), json::array{});

  auto real = upload_fields(*c_, admin_, two_day_csv,
                            {{"week_of", monday_in(1)}, {"weeks", "2"}, {"dry_run", "false"}});
  ASSERT_EQ(real.status, 200) << real.body;
  auto a = dry.json().as_object(), b = real.json().as_object();
  for (auto key : {"trips_created", "buses_created", "week_start", "weeks", "already_scheduled"})
    EXPECT_EQ(a.at(key), b.at(key)) << key;
  EXPECT_EQ(c_->get("/trips/4").status, 200);

  // Weeks that already had trips are named (the upload still adds to them, as week_of always
  // has: the operator chose them).
  auto again = upload_fields(*c_, admin_, two_day_csv,
                             {{"week_of", monday_in(2)}, {"weeks", "2"}, {"dry_run", "1"}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("already_scheduled"), (json::array{json::string(monday_in(2))}));
  EXPECT_NE(str(again.json().at("message")).find("Would import"), std::string::npos);
  EXPECT_NE(str(again.json().at("message")).find("already had trips"), std::string::npos);
  EXPECT_EQ(c_->get("/trips/5").status, 404);
  EXPECT_EQ(again.json().at("trips_created"), 2);  // week 3 only: week 2 already has both buses
  EXPECT_EQ(again.json().at("trips_skipped"), 2);
}

TEST_F(schedule_weeks, the_same_upload_twice_into_a_week_schedules_nothing_twice) {
  // A double-click or a retried upload with the same week: the buses already leave then.
  auto first = upload_fields(*c_, admin_, two_day_csv, {{"week_of", monday_in(1)}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("trips_created"), 2);
  EXPECT_EQ(first.json().at("trips_skipped"), 0);
  auto second = upload_fields(*c_, admin_, two_day_csv, {{"week_of", monday_in(1)}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json().at("trips_created"), 0);
  EXPECT_EQ(second.json().at("trips_skipped"), 2);
  EXPECT_NE(str(second.json().at("message")).find("2 trips already scheduled"), std::string::npos)
      << second.body;
  EXPECT_EQ(c_->get("/trips/3").status, 404);
  const auto weeks = c_->get("/admin/schedule/weeks", admin_).json();
  ASSERT_EQ(weeks.as_array().size(), 1u);
  EXPECT_EQ(weeks.as_array()[0].at("trips"), 2);
}

TEST_F(schedule_weeks, bad_weeks_and_dry_run_values_are_refused_and_write_nothing) {
  for (const char* bad : {"0", "9", "-1", "abc", "", "2.5", "99999999999999999999"}) {
    auto r = upload_fields(*c_, admin_, two_day_csv, {{"weeks", bad}});
    ASSERT_EQ(r.status, 422) << bad << ": " << r.body;
    EXPECT_EQ(r.json().at("detail").at(0).at("loc"), json::parse(R"(["body","weeks"])")) << bad;
  }
  for (const char* bad : {"maybe", "", "2", "true; DROP TABLE trips"}) {
    auto r = upload_fields(*c_, admin_, two_day_csv, {{"dry_run", bad}});
    ASSERT_EQ(r.status, 422) << bad << ": " << r.body;
    EXPECT_EQ(r.json().at("detail").at(0).at("loc"), json::parse(R"(["body","dry_run"])"));
  }
  // Eight weeks from a week near the far end reach beyond what may be scheduled.
  const std::string far = format_date(week_monday(today_local()) + max_import_lead);
  auto too_far = upload_fields(*c_, admin_, two_day_csv, {{"week_of", far}, {"weeks", "8"}});
  EXPECT_EQ(too_far.status, 400) << too_far.body;
  EXPECT_NE(too_far.body.find("too far ahead"), std::string::npos) << too_far.body;
  EXPECT_EQ(upload_fields(*c_, admin_, two_day_csv, {{"week_of", far}, {"weeks", "1"}}).status, 200);
  EXPECT_EQ(c_->get("/trips/3").status, 404);  // only the last upload wrote
  // A traveller may not upload, dry run or not.
  auto user = signup_and_login(*c_, unique_email("weeks"));
  EXPECT_EQ(upload_fields(*c_, user, two_day_csv, {{"dry_run", "true"}}).status, 403);
}

TEST_F(schedule_weeks, the_admins_weeks_are_admin_only) {
  EXPECT_EQ(c_->get("/admin/schedule/weeks").status, 401);
  auto user = signup_and_login(*c_, unique_email("weeks"));
  EXPECT_EQ(c_->get("/admin/schedule/weeks", user).status, 403);
  EXPECT_EQ(c_->get("/admin/schedule/weeks", "not-a-token").status, 401);
}

TEST_F(schedule_weeks, cli_import_takes_weeks_and_a_dry_run) {
  auto import = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"--database", server_->database_url(), "--env-file", "/none",
                                  "import", schedule_path()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_seatd(args);
  };
  auto dry = import({"--week-of", monday_in(1), "--weeks", "2", "--dry-run"});
  ASSERT_EQ(dry.code, 0) << dry.output;
  EXPECT_NE(dry.output.find("Would import 400 trips"), std::string::npos) << dry.output;
  EXPECT_EQ(c_->get("/trips/1").status, 404);
  auto real = import({"--week-of", monday_in(1), "--weeks", "2"});
  ASSERT_EQ(real.code, 0) << real.output;
  EXPECT_NE(real.output.find("Imported 400 trips (30 new buses) for the 2 weeks starting " +
                             monday_in(1)),
            std::string::npos)
      << real.output;
  EXPECT_EQ(c_->get("/trips/400").status, 200);
  EXPECT_NE(import({"--weeks", "9"}).code, 0);
  EXPECT_NE(import({"--weeks", "0"}).code, 0);
  EXPECT_EQ(c_->get("/trips/401").status, 404);
}

// The README's demo: whatever the day (a Sunday night included), the days ahead have buses.
TEST(demo_schedule, a_newcomer_finds_buses_for_each_of_the_next_days) {
  seatd_process demo({"--demo", "--demo-schedule", schedule_path()});
  http_client c(demo.port());
  auto routes = c.get("/trips/routes").json().as_array();
  ASSERT_FALSE(routes.empty());
  const local_date tomorrow = today_local() + days{1};
  std::vector<int> per_day(7, 0);
  for (const auto& r : routes) {
    auto cal = c.get("/trips/calendar?source=" + str(r.at("source")) + "&destination=" +
                     str(r.at("destination")) + "&days=7&from=" + format_date(tomorrow));
    ASSERT_EQ(cal.status, 200) << cal.body;
    auto d = cal.json().at("days").as_array();
    ASSERT_EQ(d.size(), 7u);
    for (int i = 0; i < 7; ++i) per_day[i] += int(d[i].at("trips").as_int64());
  }
  for (int i = 0; i < 7; ++i)
    EXPECT_GT(per_day[i], 0) << "no bus on " << format_date(tomorrow + days{i});
  EXPECT_EQ(demo.stop(), 0);
}

}  // namespace
}  // namespace seatd::testing
