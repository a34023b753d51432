// The waiting list over real sockets (issue 16): POST/GET/DELETE /trips/{trip_id}/waitlist on
// one seatd (SQLite, in-process holds). Joining is refused while the seats wanted are free;
// a freed seat (a cancellation, a released hold, a lapsed offer, an offer given up) is held
// for the first in line whose count fits, who is told over the WebSocket (WAITLIST_OFFER to
// the viewers identified as them) and by e-mail (the outbox); booking it accepts the offer;
// the bounds answer 409; hostile bodies 422.
#include <algorithm>
#include <iostream>
#include <thread>

#include "component/test_support.hpp"
#include "component/ws_client.hpp"

namespace seatd::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class waitlist : public ::testing::Test {
 protected:
  void start(std::map<std::string, std::string> env = {}, std::vector<std::string> args = {}) {
    env.try_emplace("MAX_HOLDS_PER_USER", "40");
    env.try_emplace("SEATD_HOLD_RATE_PER_MINUTE", "0");
    env.try_emplace("SEATD_OUTBOX_POLL_MS", "100");
    server_ = std::make_unique<seatd_process>(std::move(args), std::move(env));
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
    auto r = upload(*c_, admin_, "waitlist.csv", two_trips_csv);
    ASSERT_EQ(r.status, 200) << r.body;
    seller_ = signup_and_login(*c_, unique_email("seller"));
  }
  void TearDown() override {
    if (!server_) return;
    if (HasFailure()) {
      const std::string log = server_->log_text();
      std::cerr << "seatd's log (last 6000 bytes):\n"
                << log.substr(log.size() > 6000 ? log.size() - 6000 : 0) << "\n";
    }
    EXPECT_EQ(server_->stop(), 0);
  }

  http_reply call(http::verb verb, const std::string& target, const std::string& token,
                  const std::string& body = "") {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    if (!body.empty()) h["Content-Type"] = "application/json";
    return c_->request(verb, target, body, h);
  }
  http_reply join(const std::string& token, int count, int trip = 1) {
    return call(http::verb::post, "/trips/" + std::to_string(trip) + "/waitlist", token,
                json::serialize(json::object{{"count", count}}));
  }
  http_reply see(const std::string& token, int trip = 1) {
    return call(http::verb::get, "/trips/" + std::to_string(trip) + "/waitlist", token);
  }
  http_reply leave(const std::string& token, int trip = 1) {
    return call(http::verb::delete_, "/trips/" + std::to_string(trip) + "/waitlist", token);
  }
  // Holds and books `seats` on trip 1 for `token`: the booking number.
  std::string sell(const std::string& token, const std::vector<int>& seats, int trip = 1) {
    json::array list;
    for (int s : seats) list.push_back(s);
    auto held = c_->post_json("/bookings/holds", {{"trip_id", trip}, {"seat_nos", list}}, token);
    EXPECT_EQ(held.status, 200) << held.body;
    json::array numbers;
    for (int s : seats) numbers.push_back(s);
    auto booked = c_->post_json("/bookings/", {{"trip_id", trip}, {"seat_numbers", numbers}}, token);
    EXPECT_EQ(booked.status, 201) << booked.body;
    return booked.status == 201 ? std::string(booked.json().at("booking_number").as_string()) : "";
  }
  // Sells every seat of the trip but `keep`; returns the booking of seat 1 (alone).
  std::string sell_out(const std::vector<int>& keep = {}, int trip = 1) {
    std::string first;
    std::vector<int> batch;
    for (int s = 1; s <= 40; ++s) {
      if (std::find(keep.begin(), keep.end(), s) != keep.end()) continue;
      if (s == 1) {
        first = sell(seller_, {1}, trip);
        continue;
      }
      batch.push_back(s);
      if (batch.size() == 12 || s == 40) {
        sell(seller_, batch, trip);
        batch.clear();
      }
    }
    if (!batch.empty()) sell(seller_, batch, trip);
    return first;
  }
  // The entry's status once it is `want` (or the last seen after `wait`).
  json::object await_status(const std::string& token, const std::string& want,
                            std::chrono::milliseconds wait = 10s) {
    json::object last;
    const auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until) {
      auto r = see(token);
      if (r.status == 200) {
        last = r.json().as_object();
        if (last.at("status").as_string() == want) return last;
      } else {
        last = {{"http", r.status}};
        if (want == "gone" && r.status == 404) return last;
      }
      std::this_thread::sleep_for(50ms);
    }
    return last;
  }

  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_, seller_;
};

TEST_F(waitlist, joining_is_for_seats_that_cannot_be_had_and_answers_a_place) {
  start();
  auto a = signup_and_login(*c_, unique_email("wa"));
  auto b = signup_and_login(*c_, unique_email("wb"));
  // Every seat free: hold them instead.
  auto r = join(a, 1);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("hold"), std::string::npos) << r.body;
  sell_out({39, 40});  // two seats left
  EXPECT_EQ(join(a, 2).status, 409) << "two wanted, two free";
  r = join(a, 3);
  ASSERT_EQ(r.status, 201) << r.body;
  auto e = r.json().as_object();
  EXPECT_EQ(e.at("position").as_int64(), 1);
  EXPECT_EQ(e.at("count").as_int64(), 3);
  EXPECT_EQ(e.at("status").as_string(), "waiting");
  EXPECT_TRUE(e.at("offer").is_null());
  // Joining again answers the entry as it is (a retried request keeps its place).
  r = join(a, 5);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("count").as_int64(), 3);
  r = join(b, 3);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("position").as_int64(), 2);
  EXPECT_EQ(see(b).json().at("position").as_int64(), 2);
  // Leaving moves the next up.
  r = leave(a);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("status").as_string(), "left");
  EXPECT_EQ(leave(a).status, 404);
  EXPECT_EQ(see(a).status, 404);
  EXPECT_EQ(see(b).json().at("position").as_int64(), 1);
}

TEST_F(waitlist, hostile_requests_get_clear_answers) {
  start();
  auto a = signup_and_login(*c_, unique_email("wh"));
  sell_out();
  EXPECT_EQ(join("", 1).status, 401);
  EXPECT_EQ(join("forged.token.here", 1).status, 401);
  EXPECT_EQ(see("").status, 401);
  EXPECT_EQ(leave("").status, 401);
  for (const char* body : {"", "{", "[]", "{\"count\": 0}", "{\"count\": 13}", "{\"count\": -1}",
                           "{\"count\": \"2\"}", "{\"count\": 1.5}", "{\"count\": null}",
                           "{\"count\": 99999999999999999999}", "{\"seats\": 2}"}) {
    auto r = call(http::verb::post, "/trips/1/waitlist", a, body);
    EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
  }
  EXPECT_EQ(join(a, 1, 99999).status, 404);
  EXPECT_EQ(call(http::verb::post, "/trips/abc/waitlist", a, "{\"count\":1}").status, 422);
  EXPECT_EQ(see(a, 99999).status, 404);
  EXPECT_EQ(call(http::verb::put, "/trips/1/waitlist", a, "{\"count\":1}").status, 405);
  // Nothing of that joined anyone.
  EXPECT_EQ(see(a).status, 404);
}

TEST_F(waitlist, the_bounds_per_trip_and_per_account_answer_409) {
  start({{"SEATD_WAITLIST_MAX_PER_TRIP", "2"}, {"SEATD_WAITLIST_MAX_PER_USER", "1"}});
  sell_out();
  auto a = signup_and_login(*c_, unique_email("wa"));
  auto b = signup_and_login(*c_, unique_email("wb"));
  auto d = signup_and_login(*c_, unique_email("wd"));
  EXPECT_EQ(join(a, 1).status, 201);
  EXPECT_EQ(join(b, 1).status, 201);
  auto r = join(d, 1);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("full"), std::string::npos) << r.body;
  EXPECT_EQ(leave(b).status, 200);
  EXPECT_EQ(join(d, 1).status, 201) << "a place came free";
  // Per account: a waits already for as many trips as one account may.
  sell_out({}, 2);
  r = join(a, 1, 2);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(join(b, 1, 2).status, 201);
}

TEST_F(waitlist, a_cancellation_is_offered_to_the_first_whose_count_fits_who_is_told_and_books) {
  start();
  auto a = signup_and_login(*c_, unique_email("wa"));
  auto b = signup_and_login(*c_, unique_email("wb"));
  const auto b_id = c_->get("/user/me", b).json().at("id").as_int64();
  const std::string first = sell_out();
  ASSERT_FALSE(first.empty());
  // b's viewer of the trip, identified as b; a plain viewer beside it.
  ws_client mine(server_->port(), "/ws/seats/1");
  ws_client other(server_->port(), "/ws/seats/1?v=2");
  ASSERT_TRUE(mine.wait_for("INITIAL_STATE"));
  ASSERT_TRUE(other.wait_for("INITIAL_STATE"));
  mine.send_text(json::serialize(json::object{{"type", "AUTH"}, {"token", b}}));
  auto ok = mine.wait_for("AUTH_OK");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->at("user_id").as_int64(), b_id);

  ASSERT_EQ(join(a, 2).status, 201);  // first in line, but wants two
  ASSERT_EQ(join(b, 1).status, 201);
  auto cancelled = c_->post_json("/bookings/" + first + "/cancel", json::object{}, seller_);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;

  auto offered = await_status(b, "offered");
  ASSERT_EQ(offered.at("status").as_string(), "offered") << json::serialize(offered);
  EXPECT_EQ(offered.at("offer").at("seat_nos"), json::value(json::array{1}));
  EXPECT_EQ(await_status(a, "waiting").at("position").as_int64(), 1) << "a keeps its place";
  auto told = mine.wait_for("WAITLIST_OFFER");
  ASSERT_TRUE(told);
  EXPECT_EQ(told->at("trip_id").as_int64(), 1);
  EXPECT_EQ(told->at("seat_nos"), json::value(json::array{1}));
  // The seat map shows it held (by b) to everyone; only b's viewer was told of the offer.
  // (A one-seat group is a SEAT_LOCKED, in protocol v2 too.)
  auto locked = other.wait_for("SEAT_LOCKED");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->at("user_id").as_int64(), b_id);
  EXPECT_FALSE(other.wait_for("WAITLIST_OFFER", 500ms));
  // Someone else cannot take it; b books it as any held seat.
  auto x = c_->post_json("/bookings/lock-seat/1/1", json::object{}, a);
  EXPECT_EQ(x.status, 400) << x.body;
  auto booked = c_->post_json("/bookings/", {{"trip_id", 1}, {"seat_numbers", json::array{1}}}, b);
  ASSERT_EQ(booked.status, 201) << booked.body;
  EXPECT_EQ(see(b).status, 404) << "accepted: out of the queue";
  // The offer's e-mail went through the outbox, once.
  int mails = 0;
  for (int tries = 0; tries < 50 && mails == 0; ++tries) {
    const auto box = c_->get("/admin/outbox?limit=200", admin_).json();
    for (const auto& m : box.at("messages").as_array())
      if (m.at("kind").as_string() == "waitlist_offer") ++mails;
    if (mails == 0) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(mails, 1);
}

TEST_F(waitlist, an_offer_left_to_run_out_or_given_up_passes_to_the_next) {
  start({}, {"--hold-ttl", "2"});
  auto a = signup_and_login(*c_, unique_email("wa"));
  auto b = signup_and_login(*c_, unique_email("wb"));
  auto d = signup_and_login(*c_, unique_email("wd"));
  const std::string first = sell_out();
  ASSERT_EQ(join(a, 1).status, 201);
  ASSERT_EQ(join(b, 1).status, 201);
  ASSERT_EQ(join(d, 1).status, 201);
  ASSERT_EQ(c_->post_json("/bookings/" + first + "/cancel", json::object{}, seller_).status, 200);
  ASSERT_EQ(await_status(a, "offered").at("status").as_string(), "offered");
  // a does not answer: two seconds later the seat is b's.
  ASSERT_EQ(await_status(b, "offered").at("status").as_string(), "offered");
  EXPECT_EQ(see(a).status, 404) << "a's offer lapsed: out of the queue";
  // b gives it up by leaving: the seat is released and offered to d at once.
  auto left = leave(b);
  ASSERT_EQ(left.status, 200) << left.body;
  ASSERT_EQ(await_status(d, "offered", 1500ms).at("status").as_string(), "offered");
}

// The ladies' seat rule: seat 2 is beside seat 1, sold to a woman. When seats 2 and 40 come
// free together, the offer (to someone whose passenger is not known yet) is seat 40, though
// the picker alone would fill seat 2 (a single beside a sold seat) first.
TEST_F(waitlist, an_offer_keeps_off_a_seat_for_women_while_another_is_free) {
  start({}, {"--hold-ttl", "2"});
  auto a = signup_and_login(*c_, unique_email("wa"));
  auto booked = c_->post_json("/bookings/holds", {{"trip_id", 1}, {"seat_nos", json::array{1}}}, seller_);
  ASSERT_EQ(booked.status, 200) << booked.body;
  booked = c_->post_json("/bookings/",
                         {{"trip_id", 1},
                          {"seat_numbers", json::array{1}},
                          {"passengers", json::array{json::object{
                                             {"seat_no", 1}, {"name", "Asha"}, {"gender", "Female"}}}}},
                         seller_);
  ASSERT_EQ(booked.status, 201) << booked.body;
  sell_out({1, 2, 40});
  // Seats 2 and 40 held (not sold) by the seller; they lapse together.
  ASSERT_EQ(c_->post_json("/bookings/holds", {{"trip_id", 1}, {"seat_nos", json::array{2, 40}}}, seller_).status,
            200);
  ASSERT_EQ(join(a, 1).status, 201);
  auto offered = await_status(a, "offered");
  ASSERT_EQ(offered.at("status").as_string(), "offered") << json::serialize(offered);
  EXPECT_EQ(offered.at("offer").at("seat_nos"), json::value(json::array{40}));
}

}  // namespace
}  // namespace seatd::testing
