// Finding a bus (issue 14): cities by any of their names, the operator on every trip, the route
// calendar and the list of routes, over a real seatd with the real ABC Travels schedule.
#include <algorithm>

#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

namespace json = boost::json;

class trip_finder : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<seatd_process>();
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
    // Next week: every trip is still to depart, whatever day the test runs.
    ASSERT_EQ(upload(*c_, admin_, "s.xlsx", read_file(schedule_path())).status, 200);
  }
  void TearDown() override { EXPECT_EQ(server_->stop(), 0); }

  json::value get_ok(const std::string& target) {
    auto r = c_->get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.json();
  }
  // The `loc` of a 422's first problem, or what came instead.
  std::string refused(const std::string& target) {
    auto r = c_->get(target);
    if (r.status != 422) return "status " + std::to_string(r.status) + ": " + r.body;
    return json::serialize(r.json().at("detail").at(0).at("loc"));
  }

  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_;
};


TEST_F(trip_finder, every_trip_names_its_operator) {
  auto trip = get_ok("/trips/1").as_object();
  EXPECT_EQ(trip.at("operator"), "ABC TRAVELS");
  const std::string day = str(trip.at("departure_time")).substr(0, 10);
  auto list = get_ok("/trips/search?source=" + str(trip.at("source")) +
                     "&destination=" + str(trip.at("destination")) + "&travel_date=" + day)
                  .as_array();
  ASSERT_FALSE(list.empty());
  for (const auto& t : list) EXPECT_EQ(t.at("operator"), "ABC TRAVELS") << json::serialize(t);
}

TEST_F(trip_finder, search_finds_the_schedules_spelling_under_any_name) {
  // The schedule says "Bangalore" and "Chennai"; travellers type the new names or the old.
  auto routes = get_ok("/trips/routes?source=Bengaluru").as_array();
  ASSERT_FALSE(routes.empty());
  for (const auto& r : routes) EXPECT_EQ(r.at("source"), "Bangalore");
  const std::string dest = str(routes[0].at("destination"));
  const std::string day = str(routes[0].at("next_date"));
  auto expected = get_ok("/trips/search?source=Bangalore&destination=" + dest +
                         "&travel_date=" + day).as_array();
  ASSERT_FALSE(expected.empty());
  for (const char* typed : {"Bengaluru", "bengaluru", "%20%20BANGALORE%20", "Banglore"}) {
    auto found = get_ok(std::string("/trips/search?source=") + typed + "&destination=" + dest +
                        "&travel_date=" + day);
    EXPECT_EQ(found, expected) << typed;
  }
  // Both ends by their other names: Madras to Bengaluru is the schedule's Chennai to Bangalore.
  auto from_chennai = get_ok("/trips/routes?source=madras").as_array();
  auto it = std::find_if(from_chennai.begin(), from_chennai.end(),
                         [](const json::value& r) { return r.at("destination") == "Bangalore"; });
  ASSERT_NE(it, from_chennai.end());
  const std::string chennai_day = str(it->at("next_date"));
  auto by_schedule =
      get_ok("/trips/search?source=Chennai&destination=Bangalore&travel_date=" + chennai_day);
  EXPECT_FALSE(by_schedule.as_array().empty());
  EXPECT_EQ(get_ok("/trips/search?source=Madras&destination=Bengaluru&travel_date=" + chennai_day),
            by_schedule);
  EXPECT_EQ(get_ok("/trips/search?source=Mysuru&destination=Bengaluru&travel_date=" + chennai_day),
            json::array{});
}

TEST_F(trip_finder, calendar_counts_each_day_like_the_search_does) {
  auto trip = get_ok("/trips/1").as_object();
  const std::string src = str(trip.at("source")), dst = str(trip.at("destination"));
  auto cal = get_ok("/trips/calendar?source=" + src + "&destination=" + dst + "&from=" +
                    next_monday() + "&days=7").as_object();
  EXPECT_EQ(str(cal.at("source")), src);
  EXPECT_EQ(str(cal.at("destination")), dst);
  auto days = cal.at("days").as_array();
  ASSERT_EQ(days.size(), 7u);
  int with_trips = 0;
  for (std::size_t i = 0; i < days.size(); ++i) {
    auto d = days[i].as_object();
    EXPECT_EQ(str(d.at("date")),
              format_date(week_monday(today_local()) + std::chrono::days{7 + int(i)}));
    EXPECT_EQ(d.at("past"), false);
    // The same day's search: trips not departed with a seat left, and their lowest price.
    auto found = get_ok("/trips/search?source=" + src + "&destination=" + dst +
                        "&travel_date=" + str(d.at("date"))).as_array();
    std::int64_t lowest = -1;
    int sellable = 0;
    for (const auto& t : found)
      if (t.at("departed") == false && t.at("available_seats").as_int64() > 0) {
        ++sellable;
        auto price = t.at("price").as_int64();
        lowest = lowest < 0 ? price : std::min(lowest, price);
      }
    EXPECT_EQ(d.at("trips"), sellable) << str(d.at("date"));
    if (sellable == 0)
      EXPECT_TRUE(d.at("lowest_fare").is_null());
    else
      EXPECT_EQ(d.at("lowest_fare"), lowest);
    with_trips += sellable > 0;
  }
  EXPECT_GT(with_trips, 0);
  // By another name, the same days.
  if (src == "Bangalore" || dst == "Chennai") {
    auto alias = get_ok("/trips/calendar?source=" + std::string(src == "Bangalore" ? "Bengaluru" : src) +
                        "&destination=" + std::string(dst == "Chennai" ? "Madras" : dst) +
                        "&from=" + next_monday() + "&days=7");
    EXPECT_EQ(alias.at("days"), cal.at("days"));
  }
}

TEST_F(trip_finder, calendar_defaults_marks_past_days_and_knows_no_city) {
  auto cal = get_ok("/trips/calendar?source=Chennai&destination=Madurai").as_object();
  ASSERT_EQ(cal.at("days").as_array().size(), 7u);  // from today, a week
  EXPECT_EQ(str(cal.at("days").at(0).at("date")), format_date(today_local()));
  EXPECT_EQ(cal.at("days").at(0).at("past"), false);

  const local_date back = today_local() - std::chrono::days{3};
  auto past = get_ok("/trips/calendar?source=Chennai&destination=Madurai&days=5&from=" +
                     format_date(back)).at("days").as_array();
  ASSERT_EQ(past.size(), 5u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(past[i].at("past"), true);
    EXPECT_EQ(past[i].at("trips"), 0);
    EXPECT_TRUE(past[i].at("lowest_fare").is_null());
  }
  EXPECT_EQ(past[3].at("past"), false);

  for (std::string nowhere :
       {"Atlantis", "Chennai'%20OR%20'1'='1", "Chennai%25", "%3Cscript%3E", "Chennai;DROP%20TABLE%20trips"}) {
    auto none = get_ok("/trips/calendar?source=" + nowhere + "&destination=Madurai&days=31&from=" +
                       next_monday()).as_object();
    ASSERT_EQ(none.at("days").as_array().size(), 31u) << nowhere;
    for (const auto& d : none.at("days").as_array()) EXPECT_EQ(d.at("trips"), 0) << nowhere;
  }
  EXPECT_EQ(get_ok("/trips/calendar?source=%20madras%20&destination=madurai").at("source"),
            "Chennai");
  EXPECT_EQ(c_->get("/trips/1").status, 200);  // the schedule survived the hostile strings
}

TEST_F(trip_finder, calendar_refuses_bad_values_with_a_422_naming_each) {
  const std::string base = "/trips/calendar?source=Chennai&destination=Madurai";
  EXPECT_EQ(refused(base + "&days=0"), R"(["query","days"])");
  EXPECT_EQ(refused(base + "&days=32"), R"(["query","days"])");
  EXPECT_EQ(refused(base + "&days=1000"), R"(["query","days"])");
  EXPECT_EQ(refused(base + "&days=-1"), R"(["query","days"])");
  EXPECT_EQ(refused(base + "&days=7.5"), R"(["query","days"])");
  EXPECT_EQ(refused(base + "&days=abc"), R"(["query","days"])");
  EXPECT_EQ(refused(base + "&days="), R"(["query","days"])");
  EXPECT_EQ(refused(base + "&days=99999999999999999999999"), R"(["query","days"])");
  EXPECT_EQ(refused(base + "&from=2026-02-30"), R"(["query","from"])");
  EXPECT_EQ(refused(base + "&from=tomorrow"), R"(["query","from"])");
  EXPECT_EQ(refused(base + "&from=9999-12-31"), R"(["query","from"])");
  EXPECT_EQ(refused(base + "&from=0001-01-01"), R"(["query","from"])");
  EXPECT_EQ(refused("/trips/calendar?destination=Madurai"), R"(["query","source"])");
  EXPECT_EQ(refused("/trips/calendar?source=Chen%00nai&destination=Madurai"), R"(["query","source"])");
  EXPECT_EQ(refused("/trips/calendar?source=Chennai&destination=%20"), R"(["query","destination"])");
  EXPECT_EQ(refused("/trips/calendar?source=" + std::string(101, 'x') + "&destination=Madurai"),
            R"(["query","source"])");
  // Not UTF-8 (a truncated sequence, a lone surrogate, an overlong '/'): refused, never echoed
  // into the JSON answer.
  EXPECT_EQ(refused("/trips/calendar?source=%C3%28&destination=Madurai"), R"(["query","source"])");
  EXPECT_EQ(refused("/trips/calendar?source=Chennai&destination=%ED%A0%80"), R"(["query","destination"])");
  EXPECT_EQ(refused("/trips/calendar?source=%C0%AF&destination=Madurai"), R"(["query","source"])");
  // The limit counts characters: 100 Devanagari letters (300 bytes) pass, 101 do not.
  std::string letters;
  for (int i = 0; i < 100; ++i) letters += "%E0%A4%AC";
  auto ok = c_->get("/trips/calendar?source=" + letters + "&destination=Madurai");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(refused("/trips/calendar?source=" + letters + "%E0%A4%AC&destination=Madurai"),
            R"(["query","source"])");
  // Every problem at once, in the contract's shape.
  auto r = c_->get("/trips/calendar?days=0&from=x");
  ASSERT_EQ(r.status, 422);
  const auto problems = r.json().at("detail").as_array();
  EXPECT_EQ(problems.size(), 4u) << r.body;
  for (const auto& d : problems) {
    EXPECT_TRUE(d.at("msg").is_string());
    EXPECT_TRUE(d.at("type").is_string());
  }
}

TEST_F(trip_finder, routes_list_the_upcoming_routes_sorted_and_filtered_by_any_name) {
  auto all = get_ok("/trips/routes").as_array();
  ASSERT_GE(all.size(), 2u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto r = all[i].as_object();
    for (auto key : {"source", "destination", "next_date", "trips"})
      EXPECT_TRUE(r.contains(key)) << key;
    EXPECT_GT(r.at("trips").as_int64(), 0);
    EXPECT_GE(str(r.at("next_date")), next_monday());
    if (i > 0) {
      auto prev = all[i - 1].as_object();
      EXPECT_LT(std::make_pair(str(prev.at("source")), str(prev.at("destination"))),
                std::make_pair(str(r.at("source")), str(r.at("destination"))));
    }
  }
  // 200 trips, every one of them ahead.
  std::int64_t total = 0;
  for (const auto& r : all) total += r.at("trips").as_int64();
  EXPECT_EQ(total, 200);

  auto madras = get_ok("/trips/routes?source=%20MADRAS").as_array();
  ASSERT_FALSE(madras.empty());
  for (const auto& r : madras) EXPECT_EQ(r.at("source"), "Chennai");
  EXPECT_EQ(get_ok("/trips/routes?source="), all);  // blank: every route
  EXPECT_EQ(get_ok("/trips/routes?source=Atlantis"), json::array{});
  EXPECT_EQ(get_ok("/trips/routes?source=x'%20OR%20'1'='1"), json::array{});
  EXPECT_EQ(refused("/trips/routes?source=" + std::string(101, 'y')), R"(["query","source"])");
  EXPECT_EQ(refused("/trips/routes?source=Chennai%00"), R"(["query","source"])");
}

}  // namespace
}  // namespace seatd::testing
