// The rules of selling seats over HTTP (issue 11): no holds, bookings or cancellations after
// departure (nor holds and bookings inside the cut-off), departed trips marked in search and
// on the trip, no results for a past date; and the anti-hoarding limits as a client sees them.
#include <chrono>
#include <thread>

#include "component/test_support.hpp"
#include "domain/local_time.hpp"
#include "store/store.hpp"

namespace seatd::testing {
namespace {

using namespace std::chrono_literals;

// Without a chosen week, an import places its week in the current week when the database has
// no trips, and in the week after the latest trip otherwise (schedule_rules). So, whatever today
// is: the first import's Monday 00:00 has departed (it is the first instant of the current
// week), and the second import's Monday 00:00 is in the future. These tests rely on that rule,
// so they upload without `week_of`.
const char* past_monday_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
    "ABC,Monday,Bus Past,Chennai,Madurai,12:00 AM,06:00 AM,900,Sleeper,AC\n";
const char* next_monday_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
    "ABC,Monday,Bus Next,Chennai,Madurai,12:00 AM,06:00 AM,900,Sleeper,AC\n";

constexpr int departed_trip = 1;
constexpr int future_trip = 2;

std::string detail(const http_reply& r) {
  auto j = r.json();
  return j.is_object() && j.as_object().contains("detail") && j.at("detail").is_string()
             ? std::string(j.at("detail").as_string())
             : r.body;
}

class sale_rules : public ::testing::Test {
 protected:
  // env: settings for this server.
  void start(std::map<std::string, std::string> env = {}) {
    server_ = std::make_unique<seatd_process>(std::vector<std::string>{}, std::move(env));
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
    ASSERT_EQ(upload(*c_, admin_, "past.csv", past_monday_csv, std::nullopt).status, 200);
    ASSERT_EQ(upload(*c_, admin_, "next.csv", next_monday_csv, std::nullopt).status, 200);
    user_ = signup_and_login(*c_, unique_email("traveller"));
  }
  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0);
    }
  }
  http_reply lock(int trip, int seat, const std::string& token = "") {
    return c_->post_json("/bookings/lock-seat/" + std::to_string(trip) + "/" + std::to_string(seat),
                         boost::json::object{}, token.empty() ? user_ : token);
  }
  http_reply book(int trip, std::vector<int> seats) {
    boost::json::array a(seats.begin(), seats.end());
    return c_->post_json("/bookings/", {{"trip_id", trip}, {"seat_numbers", a}}, user_);
  }
  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_, user_;
};

TEST_F(sale_rules, a_departed_trip_takes_no_holds_and_no_bookings) {
  start();
  auto held = lock(departed_trip, 1);
  EXPECT_EQ(held.status, 400) << held.body;
  EXPECT_EQ(detail(held), "Trip has already departed");
  auto booked = book(departed_trip, {1});
  EXPECT_EQ(booked.status, 400) << booked.body;
  EXPECT_EQ(detail(booked), "Trip has already departed");
  // The trip that has not left sells as before.
  ASSERT_EQ(lock(future_trip, 1).status, 200);
  EXPECT_EQ(book(future_trip, {1}).status, 201);
}

TEST_F(sale_rules, a_booking_cannot_be_cancelled_after_departure) {
  start();
  // A booking made while the trip was on sale (written straight into the database: the API
  // no longer sells the departed trip).
  auto me = c_->get("/user/me", user_).json();
  booking_request req;
  req.user_id = me.at("id").as_int64();
  req.trip_id = departed_trip;
  req.seat_numbers = {5};
  req.created_at = to_local(system_clock{}.now()) - std::chrono::hours(24 * 8);
  int n = 0;
  auto outcome = open_store(server_->database_url())
                     ->create_booking(req, [&] { return "PAST" + std::to_string(n++); });
  ASSERT_FALSE(outcome.code) << outcome.code.message();
  auto cancelled = c_->post_json("/bookings/" + outcome.booking_number + "/cancel",
                                 boost::json::object{}, user_);
  EXPECT_EQ(cancelled.status, 400) << cancelled.body;
  EXPECT_EQ(detail(cancelled), "Trip has already departed: the booking cannot be cancelled");
  // Before departure a cancellation still works.
  ASSERT_EQ(lock(future_trip, 2).status, 200);
  auto b = book(future_trip, {2});
  ASSERT_EQ(b.status, 201) << b.body;
  std::string number(b.json().at("booking_number").as_string());
  EXPECT_EQ(c_->post_json("/bookings/" + number + "/cancel", boost::json::object{}, user_).status,
            200);
}

TEST_F(sale_rules, search_and_trip_pages_mark_departed_trips_and_past_dates_have_none) {
  start();
  auto past = c_->get("/trips/" + std::to_string(departed_trip)).json().as_object();
  auto next = c_->get("/trips/" + std::to_string(future_trip)).json().as_object();
  EXPECT_EQ(past.at("departed"), true);
  EXPECT_EQ(next.at("departed"), false);

  auto search = [&](const std::string& day) {
    return c_->get("/trips/search?source=Chennai&destination=Madurai&travel_date=" + day);
  };
  std::string next_day = std::string(next.at("departure_time").as_string()).substr(0, 10);
  auto found = search(next_day);
  ASSERT_EQ(found.status, 200);
  ASSERT_EQ(found.json().as_array().size(), 1u) << found.body;
  EXPECT_EQ(found.json().as_array()[0].at("departed"), false);

  auto today = std::chrono::floor<std::chrono::days>(to_local(system_clock{}.now()));
  std::string past_day = std::string(past.at("departure_time").as_string()).substr(0, 10);
  auto on_past_day = search(past_day);
  ASSERT_EQ(on_past_day.status, 200);
  if (*parse_date(past_day) < today) {
    EXPECT_EQ(on_past_day.json(), boost::json::array{}) << on_past_day.body;
  } else {  // today is that Monday: the trip is listed, marked as gone
    ASSERT_EQ(on_past_day.json().as_array().size(), 1u) << on_past_day.body;
    EXPECT_EQ(on_past_day.json().as_array()[0].at("departed"), true);
  }
  EXPECT_EQ(search(format_date(today - std::chrono::days(1))).json(), boost::json::array{});
  EXPECT_EQ(search("2020-01-01").json(), boost::json::array{});
}

TEST_F(sale_rules, the_booking_cutoff_closes_sales_before_departure) {
  // A week: the next Monday 00:00 is always inside it.
  start({{"SEATD_BOOKING_CUTOFF_MINUTES", "10080"}});
  auto held = lock(future_trip, 1);
  EXPECT_EQ(held.status, 400) << held.body;
  EXPECT_EQ(detail(held), "Booking for this trip closed 10080 minutes before departure");
  EXPECT_EQ(detail(book(future_trip, {1})), "Booking for this trip closed 10080 minutes before departure");
}

TEST_F(sale_rules, new_holds_per_client_are_rate_limited_with_retry_after) {
  start({{"SEATD_HOLD_RATE_PER_MINUTE", "3"}});
  for (int s = 1; s <= 3; ++s) ASSERT_EQ(lock(future_trip, s).status, 200) << s;
  auto other = signup_and_login(*c_, unique_email("second-account"));
  auto limited = lock(future_trip, 4, other);  // same client address, another account
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_NE(detail(limited).find("Too many seat requests"), std::string::npos) << limited.body;
  auto retry = limited.headers[http::field::retry_after];
  ASSERT_FALSE(retry.empty());
  EXPECT_GE(std::stoi(std::string(retry)), 1);
}

TEST_F(sale_rules, an_account_is_capped_across_trips_and_cools_down_after_a_lapse) {
  start({{"SEATD_MAX_HOLDS_PER_ACCOUNT", "2"},
         {"SEATD_HOLD_COOLDOWN_SECONDS", "60"},
         {"HOLD_TTL_SECONDS", "1"}});
  ASSERT_EQ(lock(future_trip, 1).status, 200);
  ASSERT_EQ(lock(future_trip, 2).status, 200);
  auto third = lock(future_trip, 3);
  EXPECT_EQ(third.status, 400) << third.body;
  EXPECT_EQ(detail(third), "You are holding the maximum number of seats across all trips");
  // Both lapse after a second; the holder may not take seat 1 straight back.
  std::this_thread::sleep_for(1500ms);
  auto again = lock(future_trip, 1);
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_EQ(detail(again),
            "Your hold on seat 1 just expired: please wait a moment before taking it again");
  EXPECT_EQ(lock(future_trip, 3).status, 200);  // any other seat
}

}  // namespace
}  // namespace seatd::testing
