// Schedule import (HTTP and CLI), trips, analytics: a real seatd over real sockets.
#include <algorithm>

#include "component/test_support.hpp"
#include "domain/local_time.hpp"

namespace seatd::testing {
namespace {

class schedule_and_trips : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<seatd_process>();
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
  }
  void TearDown() override {
    EXPECT_EQ(c_->get("/").status, 200);
    EXPECT_EQ(server_->stop(), 0);
  }
  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_;
};

TEST_F(schedule_and_trips, upload_real_schedule_then_search_and_seats) {
  auto r = upload(*c_, admin_, "abctravels_schedule.xlsx", read_file(schedule_path()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json().as_object();
  EXPECT_EQ(j.at("status"), "success");
  EXPECT_EQ(j.at("trips_created"), 200);
  EXPECT_NE(std::string(j.at("message").as_string()).find("200 trips"), std::string::npos);

  auto t = c_->get("/trips/1");
  ASSERT_EQ(t.status, 200);
  auto trip = t.json().as_object();
  for (auto key : {"id", "bus_id", "source", "destination", "departure_time", "arrival_time", "price"})
    EXPECT_TRUE(trip.contains(key)) << key;
  // Added beyond the contract: the bus, so a trip page opened from a link can name it.
  EXPECT_FALSE(trip.at("bus_name").as_string().empty());
  EXPECT_FALSE(trip.at("bus_type").as_string().empty());
  EXPECT_EQ(trip.at("total_seats"), 40);
  EXPECT_EQ(c_->get("/trips/200").status, 200);
  EXPECT_EQ(c_->get("/trips/201").status, 404);
  EXPECT_EQ(c_->get("/trips/201").json(), boost::json::parse(R"({"detail":"Trip not found"})"));

  // Search on the first trip's day, with the cities in other letter cases.
  std::string dep(trip.at("departure_time").as_string());
  std::string src(trip.at("source").as_string()), dst(trip.at("destination").as_string());
  std::string src_upper = src, dst_lower = dst;
  for (auto& ch : src_upper) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  for (auto& ch : dst_lower) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  auto s = c_->get("/trips/search?source=" + src_upper + "&destination=" + dst_lower +
                   "&travel_date=" + dep.substr(0, 10));
  ASSERT_EQ(s.status, 200) << s.body << " for departure " << dep;
  auto list = s.json().as_array();
  ASSERT_FALSE(list.empty());
  bool found = false;
  for (auto& row : list) {
    auto o = row.as_object();
    for (auto key : {"trip_id", "bus_name", "bus_type", "source", "destination", "departure_time",
                     "arrival_time", "price", "available_seats"})
      EXPECT_TRUE(o.contains(key)) << key;
    EXPECT_EQ(std::string(o.at("departure_time").as_string()).substr(0, 10), dep.substr(0, 10));
    if (o.at("trip_id") == 1) {
      found = true;
      EXPECT_EQ(o.at("available_seats"), 40);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(c_->get("/trips/search?source=Nowhere&destination=Elsewhere&travel_date=2030-01-01").json(),
            boost::json::array{});

  auto seats = c_->get("/trips/1/seats");
  ASSERT_EQ(seats.status, 200);
  auto sa = seats.json().as_array();
  ASSERT_EQ(sa.size(), 40u);
  for (std::size_t i = 0; i < sa.size(); ++i) {
    auto o = sa[i].as_object();
    EXPECT_EQ(o.at("seat_number"), int(i + 1));
    EXPECT_EQ(o.at("trip_id"), 1);
    EXPECT_EQ(o.at("is_booked"), false);
    EXPECT_EQ(o.at("is_locked"), false);
    EXPECT_TRUE(o.at("locked_until").is_null());
  }
  EXPECT_EQ(c_->get("/trips/999/seats").status, 404);

  // Without a chosen week, the second import lands in the week after the latest trip.
  auto again =
      upload(*c_, admin_, "abctravels_schedule.xlsx", read_file(schedule_path()), std::nullopt);
  ASSERT_EQ(again.status, 200) << again.body;
  auto dep201 = parse_iso(c_->get("/trips/201").json().at("departure_time").as_string());
  auto dep1 = parse_iso(dep);
  ASSERT_TRUE(dep201 && dep1);
  EXPECT_EQ(*dep201 - *dep1, std::chrono::days{7});
}

const char* monday_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
    "ABC,Monday,Bus X,Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n";

std::string week_start(const http_reply& r) {
  auto j = r.json();
  return j.is_object() && j.as_object().contains("week_start")
             ? std::string(j.at("week_start").as_string())
             : "no week_start: " + r.body;
}

std::string departure_day(http_client& c, int trip) {
  auto r = c.get("/trips/" + std::to_string(trip));
  return r.status == 200 ? std::string(r.json().at("departure_time").as_string()).substr(0, 10)
                         : "no trip " + std::to_string(trip) + ": " + r.body;
}

TEST_F(schedule_and_trips, upload_for_a_chosen_week_places_the_trips_in_that_week) {
  // "The week of" a Wednesday two weeks ahead: its Monday.
  const local_date monday = week_monday(today_local()) + std::chrono::days{14};
  auto r = upload(*c_, admin_, "s.csv", monday_csv, format_date(monday + std::chrono::days{2}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(week_start(r), format_date(monday));
  EXPECT_EQ(departure_day(*c_, 1), format_date(monday));

  // The current week may still be chosen (after a later week exists), and so may next week.
  auto current = upload(*c_, admin_, "s.csv", monday_csv, this_monday());
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(week_start(current), this_monday());
  EXPECT_EQ(departure_day(*c_, 2), this_monday());
  EXPECT_EQ(week_start(upload(*c_, admin_, "s.csv", monday_csv, next_monday())), next_monday());
}

TEST_F(schedule_and_trips, upload_for_a_week_that_has_ended_or_a_malformed_week_is_refused) {
  const local_date last_sunday = week_monday(today_local()) - std::chrono::days{1};
  auto past = upload(*c_, admin_, "s.csv", monday_csv, format_date(last_sunday));
  EXPECT_EQ(past.status, 400) << past.body;
  EXPECT_NE(past.body.find("has already ended"), std::string::npos) << past.body;
  auto far = upload(*c_, admin_, "s.csv", monday_csv, "9999-12-31");
  EXPECT_EQ(far.status, 400) << far.body;
  EXPECT_NE(far.body.find("too far ahead"), std::string::npos) << far.body;
  for (const char* bad : {"2026-02-30", "next week", "14/12/2026", ""}) {
    auto r = upload(*c_, admin_, "s.csv", monday_csv, bad);
    ASSERT_EQ(r.status, 422) << bad << ": " << r.body;
    EXPECT_EQ(r.json().at("detail").at(0).at("loc"), boost::json::parse(R"(["body","week_of"])"));
  }
  EXPECT_EQ(c_->get("/trips/1").status, 404);  // nothing imported
}

TEST_F(schedule_and_trips, upload_without_a_week_keeps_the_contracts_placement) {
  // No trips yet: the current week, even though its first days may have gone.
  auto r = upload(*c_, admin_, "s.csv", monday_csv, std::nullopt);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(week_start(r), this_monday());
  EXPECT_EQ(departure_day(*c_, 1), this_monday());
}

TEST_F(schedule_and_trips, search_and_ids_validate_input) {
  auto r = c_->get("/trips/search?source=A&destination=B");
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.json().at("detail").at(0).at("loc"), boost::json::parse(R"(["query","travel_date"])"));
  r = c_->get("/trips/search?source=A&destination=B&travel_date=2026-02-30");
  EXPECT_EQ(r.status, 422);
  r = c_->get("/trips/search?source=A&destination=B&travel_date=tomorrow");
  EXPECT_EQ(r.status, 422);
  r = c_->get("/trips/search?source=A%00B&destination=B&travel_date=2030-01-01");
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.json().at("detail").at(0).at("loc"), boost::json::parse(R"(["query","source"])"));
  r = c_->get("/trips/abc");
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.json().at("detail").at(0).at("loc"), boost::json::parse(R"(["path","trip_id"])"));
  EXPECT_EQ(c_->get("/trips/99999999999999999999999").status, 422);
  EXPECT_EQ(c_->get("/trips/-1").status, 404);
  EXPECT_EQ(c_->get("/trips/1.5/seats").status, 422);
}

TEST_F(schedule_and_trips, an_alias_in_a_file_takes_the_stored_spelling_and_a_trip_to_itself_is_refused) {
  const std::string head =
      "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n";
  ASSERT_EQ(upload(*c_, admin_, "a.csv", head + "ABC,Monday,Bus A,Bangalore,Chennai,09:00 PM,06:00 AM,900,Sleeper,AC\n").status, 200);
  // Bengaluru and MADRAS are Bangalore and Chennai; mysuru is new, and a second spelling of it
  // later in the same file (Mysore) takes the first one's.
  auto r = upload(*c_, admin_, "b.csv",
                  head + "ABC,Tuesday,Bus B,Bengaluru,MADRAS,09:00 PM,06:00 AM,900,Sleeper,AC\n"
                         "ABC,Tuesday,Bus C,Mysuru,Bangalore,07:00 AM,10:00 AM,300,Day,AC\n"
                         "ABC,Wednesday,Bus C,Bangalore,Mysore,07:00 PM,10:00 PM,300,Day,AC\n");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> cities;
  const auto listed = c_->get("/trips/cities").json();  // named: the loop must not outlive it
  for (const auto& c : listed.as_array()) cities.emplace_back(c.as_string());
  std::sort(cities.begin(), cities.end());
  EXPECT_EQ(cities, (std::vector<std::string>{"Bangalore", "Chennai", "Mysuru"}));

  auto same = upload(*c_, admin_, "c.csv", head + "ABC,Monday,Bus D,Chennai,Madras,09:00 PM,06:00 AM,900,Sleeper,AC\n");
  ASSERT_EQ(same.status, 400) << same.body;
  std::string detail(same.json().at("detail").as_string());
  EXPECT_NE(detail.find("Row 2"), std::string::npos) << detail;
  EXPECT_NE(detail.find("same city"), std::string::npos) << detail;
}

TEST_F(schedule_and_trips, bad_uploads_are_rejected_whole) {
  auto bad_type = upload(*c_, admin_, "schedule.txt", "hello");
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_TRUE(bad_type.json().at("detail").is_string());

  std::string csv =
      "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
      "ABC,Monday,Bus X,Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n"
      "ABC,Tuesday,Bus Y,Chennai,Madurai,25:99 PM,06:00 AM,900,Sleeper,AC\n";
  auto r = upload(*c_, admin_, "schedule.csv", csv);
  ASSERT_EQ(r.status, 400) << r.body;
  std::string detail(r.json().at("detail").as_string());
  EXPECT_NE(detail.find("Row 3"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Departure Time"), std::string::npos) << detail;
  EXPECT_EQ(c_->get("/trips/1").status, 404);  // nothing half-imported

  auto missing = upload(*c_, admin_, "schedule.csv", "Operator,Day\nABC,Monday\n");
  EXPECT_EQ(missing.status, 400);

  auto full = read_file(schedule_path());
  auto truncated = upload(*c_, admin_, "schedule.xlsx", full.substr(0, full.size() / 2));
  EXPECT_EQ(truncated.status, 400);
  auto junk = upload(*c_, admin_, "schedule.xlsx", std::string(2000, 'x'));
  EXPECT_EQ(junk.status, 400);
  EXPECT_EQ(c_->get("/trips/1").status, 404);

  // Not multipart at all.
  auto plain = c_->request(http::verb::post, "/setup/seed-schedule", "abc",
                           {{"Authorization", "Bearer " + admin_}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(plain.status, 400);

  // A valid CSV imports.
  std::string ok_csv =
      "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
      "ABC,Monday,Bus X,Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n";
  auto good = upload(*c_, admin_, "schedule.csv", ok_csv);
  ASSERT_EQ(good.status, 200) << good.body;
  auto t = c_->get("/trips/1").json().as_object();
  std::string dep(t.at("departure_time").as_string()), arr(t.at("arrival_time").as_string());
  EXPECT_EQ(dep.substr(11), "21:00:00");
  EXPECT_EQ(arr.substr(11), "06:00:00");
  EXPECT_GT(arr, dep);  // arrival earlier in the day: the next day
}

TEST_F(schedule_and_trips, analytics_shape_for_admin) {
  ASSERT_EQ(upload(*c_, admin_, "s.xlsx", read_file(schedule_path())).status, 200);
  auto r = c_->get("/admin/analytics", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json().as_object();
  auto trend = j.at("trend").as_array();
  ASSERT_EQ(trend.size(), 7u);
  for (auto& d : trend) {
    EXPECT_EQ(d.at("day").as_string().size(), 3u);
    EXPECT_TRUE(d.at("amount").is_double());
  }
  EXPECT_TRUE(j.at("bus_performance").is_array());
  auto m = j.at("metrics").as_object();
  EXPECT_GE(m.at("users").as_int64(), 1);
  EXPECT_TRUE(m.at("occupancy").is_double());
  EXPECT_TRUE(m.at("revenue").is_double());
}

TEST_F(schedule_and_trips, cli_import_and_cities) {
  auto r = run_seatd({"--database", server_->database_url(), "--env-file", "/none", "import", schedule_path()});
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("200 trips"), std::string::npos) << r.output;
  auto cities = c_->get("/trips/cities").json().as_array();
  EXPECT_GE(cities.size(), 4u);
  auto bad = run_seatd({"--database", server_->database_url(), "--env-file", "/none", "import", "/etc/hostname"});
  EXPECT_NE(bad.code, 0);
}

TEST_F(schedule_and_trips, cli_import_for_a_chosen_week) {
  auto import = [&](const std::string& week) {
    return run_seatd({"--database", server_->database_url(), "--env-file", "/none", "import",
                      schedule_path(), "--week-of", week});
  };
  auto r = import(next_monday());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("for the week starting " + next_monday()), std::string::npos)
      << r.output;

  auto past = import(format_date(week_monday(today_local()) - std::chrono::days{7}));
  EXPECT_EQ(past.code, 1) << past.output;
  EXPECT_NE(past.output.find("has already ended"), std::string::npos) << past.output;
  auto malformed = import("2026-13-01");
  EXPECT_EQ(malformed.code, 2) << malformed.output;
  EXPECT_NE(malformed.output.find("--week-of"), std::string::npos) << malformed.output;
  EXPECT_EQ(c_->get("/trips/201").status, 404);  // only the first import wrote trips
}

}  // namespace
}  // namespace seatd::testing
