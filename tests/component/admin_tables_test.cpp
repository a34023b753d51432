// The operator's tables (issue 14): GET /admin/trips (trips over a range of days with their
// sales and live holds) and GET /admin/bookings (every booking, searchable, a page at a time).
#include <algorithm>

#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

namespace json = boost::json;
using std::chrono::days;

const char* schedule_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
    "ABC Travels,Monday,Bus One,Chennai,Madurai,08:00 AM,02:00 PM,900,Sleeper,AC\n"
    "ABC Travels,Tuesday,Bus Two,Madurai,Chennai,08:00 AM,02:00 PM,700,Seater,Non-AC\n";

std::string day_after_next_monday(int n) {
  return format_date(week_monday(today_local()) + days{7 + n});
}

class admin_tables : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<seatd_process>();
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
    ASSERT_EQ(upload(*c_, admin_, "s.csv", schedule_csv).status, 200);  // next week
    ann_email_ = unique_email("Ann.Traveller");
    ann_ = signup_and_login(*c_, ann_email_);
    bob_ = signup_and_login(*c_, unique_email("bob"));
  }
  void TearDown() override { EXPECT_EQ(server_->stop(), 0); }

  std::string book(const std::string& token, int trip, std::vector<int> seats) {
    for (int s : seats)
      EXPECT_EQ(c_->post_json("/bookings/lock-seat/" + std::to_string(trip) + "/" +
                                  std::to_string(s), json::object{}, token).status, 200);
    auto r = c_->post_json(
        "/bookings/", {{"trip_id", trip}, {"seat_numbers", json::array(seats.begin(), seats.end())}},
        token);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(r.json().at("booking_number")) : "";
  }
  std::string refused(const std::string& target) {
    auto r = c_->get(target, admin_);
    if (r.status != 422) return "status " + std::to_string(r.status) + ": " + r.body;
    return json::serialize(r.json().at("detail").at(0).at("loc"));
  }

  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_, ann_, bob_, ann_email_;
};

TEST_F(admin_tables, trips_carry_sales_holds_and_totals) {
  book(ann_, 1, {1, 2});
  book(bob_, 2, {5});
  // A hold without a booking shows as held, not sold.
  ASSERT_EQ(c_->post_json("/bookings/lock-seat/1/9", json::object{}, bob_).status, 200);

  auto r = c_->get("/admin/trips?from=" + day_after_next_monday(0) + "&to=" +
                       day_after_next_monday(6), admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json().as_object();
  EXPECT_EQ(str(j.at("from")), day_after_next_monday(0));
  EXPECT_EQ(str(j.at("to")), day_after_next_monday(6));
  auto trips = j.at("trips").as_array();
  ASSERT_EQ(trips.size(), 2u);
  auto t1 = trips[0].as_object(), t2 = trips[1].as_object();
  EXPECT_EQ(t1.at("trip_id"), 1);
  EXPECT_EQ(str(t1.at("departure_time")), day_after_next_monday(0) + "T08:00:00");
  EXPECT_EQ(t1.at("source"), "Chennai");
  EXPECT_EQ(t1.at("destination"), "Madurai");
  EXPECT_EQ(t1.at("bus_name"), "Bus One");
  EXPECT_EQ(t1.at("bus_type"), "AC");
  EXPECT_EQ(t1.at("operator"), "ABC Travels");
  EXPECT_EQ(t1.at("total_seats"), 40);
  EXPECT_EQ(t1.at("booked_seats"), 2);
  EXPECT_EQ(t1.at("held_seats"), 1);
  EXPECT_EQ(t1.at("revenue"), 1800);
  EXPECT_EQ(t1.at("departed"), false);
  EXPECT_EQ(t2.at("trip_id"), 2);
  EXPECT_EQ(t2.at("booked_seats"), 1);
  EXPECT_EQ(t2.at("held_seats"), 0);
  EXPECT_EQ(t2.at("revenue"), 700);
  auto totals = j.at("totals").as_object();
  EXPECT_EQ(totals.at("trips"), 2);
  EXPECT_EQ(totals.at("total_seats"), 80);
  EXPECT_EQ(totals.at("booked_seats"), 3);
  EXPECT_EQ(totals.at("revenue"), 2500);
  EXPECT_DOUBLE_EQ(totals.at("occupancy").to_number<double>(), 3.8);  // 3 of 80, one decimal

  // One day: only Tuesday's bus.
  auto tuesday = c_->get("/admin/trips?from=" + day_after_next_monday(1) + "&to=" +
                             day_after_next_monday(1), admin_).json();
  ASSERT_EQ(tuesday.at("trips").as_array().size(), 1u);
  EXPECT_EQ(tuesday.at("trips").at(0).at("trip_id"), 2);

  // By default today and the six days after it.
  auto week = c_->get("/admin/trips", admin_).json().as_object();
  EXPECT_EQ(str(week.at("from")), format_date(today_local()));
  EXPECT_EQ(str(week.at("to")), format_date(today_local() + days{6}));
  // Only `from`: a week from there.
  EXPECT_EQ(str(c_->get("/admin/trips?from=" + day_after_next_monday(0), admin_).json().at("to")),
            day_after_next_monday(6));
}

TEST_F(admin_tables, trips_refuse_bad_ranges_and_non_admins) {
  const std::string mon = day_after_next_monday(0);
  EXPECT_EQ(refused("/admin/trips?from=2026-02-30"), R"(["query","from"])");
  EXPECT_EQ(refused("/admin/trips?from=monday"), R"(["query","from"])");
  EXPECT_EQ(refused("/admin/trips?to="), R"(["query","to"])");
  EXPECT_EQ(refused("/admin/trips?from=" + mon + "&to=" + format_date(week_monday(today_local()))),
            R"(["query","to"])");  // to before from
  const local_date first = week_monday(today_local()) + days{7};
  EXPECT_EQ(refused("/admin/trips?from=" + mon + "&to=" + format_date(first + days{62})),
            R"(["query","to"])");  // 63 days
  EXPECT_EQ(c_->get("/admin/trips?from=" + mon + "&to=" + format_date(first + days{61}), admin_)
                .status, 200);  // 62 days
  EXPECT_EQ(refused("/admin/trips?from=0001-01-01&to=0001-01-02"), R"(["query","from"])");
  EXPECT_EQ(refused("/admin/trips?from=9999-12-30&to=9999-12-31"), R"(["query","from"])");
  EXPECT_EQ(refused("/admin/trips?from=2026-01-01';DROP%20TABLE%20trips;--"), R"(["query","from"])");
  EXPECT_EQ(c_->get("/admin/trips").status, 401);
  EXPECT_EQ(c_->get("/admin/trips", ann_).status, 403);
  EXPECT_EQ(c_->get("/trips/1").status, 200);
}

TEST_F(admin_tables, bookings_newest_first_searchable_and_paged) {
  const std::string a1 = book(ann_, 1, {3, 4});
  const std::string b1 = book(bob_, 1, {7});
  const std::string a2 = book(ann_, 2, {1});
  ASSERT_EQ(c_->post_json("/bookings/" + b1 + "/cancel", json::object{}, bob_).status, 200);
  ASSERT_EQ(c_->post_json("/admin/checkin", {{"code", a1}, {"trip_id", 1}}, admin_).status, 200);

  auto r = c_->get("/admin/bookings", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json().as_object();
  EXPECT_EQ(j.at("total"), 3);
  auto list = j.at("bookings").as_array();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(str(list[0].at("booking_number")), a2);
  EXPECT_EQ(str(list[1].at("booking_number")), b1);
  EXPECT_EQ(str(list[2].at("booking_number")), a1);
  auto first = list[2].as_object();
  EXPECT_EQ(first.at("status"), "confirmed");
  EXPECT_EQ(first.at("seats"), (json::array{3, 4}));
  EXPECT_EQ(first.at("total_price"), 1800);
  EXPECT_EQ(str(first.at("user_email")), ann_email_);
  EXPECT_EQ(first.at("boarded"), true);
  EXPECT_EQ(first.at("passengers").as_array().size(), 2u);
  EXPECT_TRUE(first.at("created_at").is_string());
  auto trip = first.at("trip").as_object();
  EXPECT_EQ(trip.at("trip_id"), 1);
  EXPECT_EQ(trip.at("source"), "Chennai");
  EXPECT_EQ(trip.at("destination"), "Madurai");
  EXPECT_EQ(str(trip.at("departure_time")), day_after_next_monday(0) + "T08:00:00");
  EXPECT_EQ(trip.at("bus_name"), "Bus One");
  EXPECT_EQ(list[1].at("status"), "cancelled");
  EXPECT_EQ(list[0].at("boarded"), false);

  auto numbers = [&](const std::string& query) {
    auto res = c_->get("/admin/bookings?" + query, admin_);
    EXPECT_EQ(res.status, 200) << query << ": " << res.body;
    std::vector<std::string> out;
    const auto page = res.json();
    for (const auto& b : page.at("bookings").as_array()) out.push_back(str(b.at("booking_number")));
    return out;
  };
  std::string lower = a1;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  EXPECT_EQ(numbers("q=" + lower), std::vector<std::string>{a1});  // whole, any case
  EXPECT_EQ(numbers("q=%20" + a1.substr(0, 7) + "%20"), std::vector<std::string>{a1});  // its start
  EXPECT_EQ(numbers("q=ann.TRAVELLER"), (std::vector<std::string>{a2, a1}));  // e-mail part
  EXPECT_EQ(numbers("status=cancelled"), std::vector<std::string>{b1});
  EXPECT_EQ(numbers("status=confirmed&q=ann"), (std::vector<std::string>{a2, a1}));
  EXPECT_EQ(numbers("limit=1&offset=1"), std::vector<std::string>{b1});
  EXPECT_EQ(c_->get("/admin/bookings?limit=1", admin_).json().at("total"), 3);
  EXPECT_TRUE(numbers("offset=3").empty());
  for (const char* hostile : {"%25", "_", "'%20OR%201=1--", "ABC%25", "%5C"})
    EXPECT_TRUE(numbers(std::string("q=") + hostile).empty()) << hostile;
}

TEST_F(admin_tables, bookings_refuse_bad_values_and_non_admins) {
  EXPECT_EQ(refused("/admin/bookings?limit=0"), R"(["query","limit"])");
  EXPECT_EQ(refused("/admin/bookings?limit=201"), R"(["query","limit"])");
  EXPECT_EQ(refused("/admin/bookings?limit=ten"), R"(["query","limit"])");
  EXPECT_EQ(refused("/admin/bookings?offset=-1"), R"(["query","offset"])");
  EXPECT_EQ(refused("/admin/bookings?offset=99999999999999999999"), R"(["query","offset"])");
  EXPECT_EQ(refused("/admin/bookings?status=pending"), R"(["query","status"])");
  EXPECT_EQ(refused("/admin/bookings?status=CONFIRMED"), R"(["query","status"])");
  EXPECT_EQ(refused("/admin/bookings?q=" + std::string(101, 'a')), R"(["query","q"])");
  // A NUL would cut the text short on its way to PostgreSQL (and match everything).
  EXPECT_EQ(refused("/admin/bookings?q=%00"), R"(["query","q"])");
  EXPECT_EQ(refused("/admin/bookings?q=ABC%0A"), R"(["query","q"])");
  EXPECT_EQ(c_->get("/admin/bookings?limit=200", admin_).status, 200);
  EXPECT_EQ(c_->get("/admin/bookings").status, 401);
  EXPECT_EQ(c_->get("/admin/bookings", ann_).status, 403);
}

}  // namespace
}  // namespace seatd::testing
