// The ladies' seat rule over HTTP (issue 16): a seat beside one sold to a woman is marked
// "for_women" on the seat list and booked only for a woman (409 otherwise); a booking's own
// seats do not restrict one another; SEATD_LADIES_SEAT_RULE=false switches both off.
#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

const char* schedule_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
    "ABC Travels,Monday,Bus One,Chennai,Madurai,08:00 AM,02:00 PM,900,Sleeper,AC\n";

std::string detail(const http_reply& r) {
  auto j = r.json();
  return j.is_object() && j.as_object().contains("detail") && j.at("detail").is_string()
             ? std::string(j.at("detail").as_string())
             : r.body;
}

boost::json::array one_passenger(int seat, const char* gender) {
  return boost::json::array{
      boost::json::object{{"seat_no", seat}, {"name", "Traveller"}, {"gender", gender}}};
}

class ladies_seat : public ::testing::Test {
 protected:
  void start(std::map<std::string, std::string> env = {}) {
    server_ = std::make_unique<seatd_process>(std::vector<std::string>{}, std::move(env));
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
    ASSERT_EQ(upload(*c_, admin_, "s.csv", schedule_csv).status, 200);
    woman_ = signup_and_login(*c_, unique_email("woman"));
    man_ = signup_and_login(*c_, unique_email("man"));
  }
  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0);
    }
  }
  http_reply book(const std::string& who, std::vector<int> seats,
                  boost::json::value passengers = nullptr) {
    for (int s : seats)
      EXPECT_EQ(c_->post_json("/bookings/lock-seat/1/" + std::to_string(s), boost::json::object{},
                              who)
                    .status,
                200);
    boost::json::object body{{"trip_id", 1},
                             {"seat_numbers", boost::json::array(seats.begin(), seats.end())}};
    if (!passengers.is_null()) body["passengers"] = passengers;
    return c_->post_json("/bookings/", body, who);
  }
  http_reply put(const std::string& path, const std::string& body, const std::string& token) {
    return c_->request(http::verb::put, path, body,
                       {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  }
  // seat number -> for_women, from GET /trips/1/seats
  std::map<int, bool> for_women() {
    auto r = c_->get("/trips/1/seats");
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<int, bool> out;
    const auto list = r.json();  // kept alive: the loop walks into it
    for (const auto& s : list.as_array())
      out[int(s.at("seat_number").as_int64())] = s.at("for_women").as_bool();
    return out;
  }

  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_, woman_, man_;
};

TEST_F(ladies_seat, a_seat_beside_a_woman_is_shown_and_sold_for_women_only) {
  start();
  auto before = for_women();
  ASSERT_EQ(before.size(), 40u);
  for (const auto& [seat, women] : before) EXPECT_FALSE(women) << seat;

  // Seat 5 for a woman: 6 (same side of the aisle, sharing the armrest) is for women now;
  // 7, across the aisle, is not; 5 itself is sold.
  ASSERT_EQ(book(woman_, {5}, one_passenger(5, "female")).status, 201);
  auto after = for_women();
  EXPECT_TRUE(after[6]);
  EXPECT_FALSE(after[5]);
  EXPECT_FALSE(after[7]);
  EXPECT_FALSE(after[1]);

  // A man on 6, or nobody named: 409 naming the seat; the hold stays, so a woman's name helps.
  auto refused = book(man_, {6, 12}, boost::json::array{
      boost::json::object{{"seat_no", 12}, {"name", "A"}, {"gender", "Male"}},
      boost::json::object{{"seat_no", 6}, {"name", "B"}, {"gender", "Male"}}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(detail(refused), "Seat 6 is beside a seat booked for a woman: for women only");
  auto unnamed = c_->post_json("/bookings/", {{"trip_id", 1}, {"seat_numbers", {6}}}, man_);
  EXPECT_EQ(unnamed.status, 409) << unnamed.body;
  EXPECT_TRUE(for_women()[6]) << "nothing was sold";
  auto ok = c_->post_json(
      "/bookings/", {{"trip_id", 1}, {"seat_numbers", {6}}, {"passengers", one_passenger(6, "Female")}},
      man_);
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_FALSE(for_women()[6]);
}

TEST_F(ladies_seat, a_bookings_own_seats_do_not_restrict_one_another) {
  start();
  auto r = book(man_, {9, 10}, boost::json::array{
      boost::json::object{{"seat_no", 9}, {"name", "Priya"}, {"gender", "Female"}},
      boost::json::object{{"seat_no", 10}, {"name", "Arjun"}, {"gender", "Male"}}});
  EXPECT_EQ(r.status, 201) << r.body;
  auto w = for_women();
  EXPECT_FALSE(w[10]);
  EXPECT_FALSE(w[11]) << "across the aisle";
}

TEST_F(ladies_seat, the_operator_can_switch_the_rule_off) {
  start({{"SEATD_LADIES_SEAT_RULE", "false"}});
  ASSERT_EQ(book(woman_, {5}, one_passenger(5, "Female")).status, 201);
  EXPECT_FALSE(for_women()[6]);
  auto r = book(man_, {6}, one_passenger(6, "Male"));
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(ladies_seat, the_operator_switches_it_per_trip) {
  start();
  ASSERT_EQ(book(woman_, {5}, one_passenger(5, "Female")).status, 201);
  const std::string path = "/admin/trips/1/ladies-rule";
  EXPECT_EQ(put(path, R"({"enabled": false})", man_).status, 403);
  EXPECT_EQ(put(path, R"({})", admin_).status, 422);
  EXPECT_EQ(put("/admin/trips/999/ladies-rule", R"({"enabled": false})", admin_)
                .status,
            404);
  auto off = put(path, R"({"enabled": false})", admin_);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json().at("enabled"), false);
  EXPECT_FALSE(for_women()[6]);
  auto on = put(path, R"({"enabled": true})", admin_);
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_TRUE(for_women()[6]);
  EXPECT_EQ(book(man_, {6}, one_passenger(6, "Male")).status, 409);
  ASSERT_EQ(put(path, R"({"enabled": false})", admin_).status, 200);
  auto r = c_->post_json("/bookings/", {{"trip_id", 1}, {"seat_numbers", {6}}, {"passengers", one_passenger(6, "Male")}}, man_);
  EXPECT_EQ(r.status, 201) << r.body;
}

}  // namespace
}  // namespace seatd::testing
