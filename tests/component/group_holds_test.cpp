// Group holds over real sockets (issue 16): POST /bookings/holds (named seats, or N together),
// DELETE /bookings/holds/{trip_id}, POST /bookings/holds/{trip_id}/extend, and how viewers of
// both protocol versions see a group: one SEATS_LOCKED with ?v=2, one SEAT_LOCKED per seat
// (sharing the group's seq) without.
#include <algorithm>
#include <thread>

#include "component/test_support.hpp"
#include "component/ws_client.hpp"

namespace seatd::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class group_holds : public ::testing::Test {
 protected:
  void start(std::map<std::string, std::string> env = {}) {
    server_ = std::make_unique<seatd_process>(std::vector<std::string>{}, std::move(env));
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
    auto r = upload(*c_, admin_, "group.csv", two_trips_csv);
    ASSERT_EQ(r.status, 200) << r.body;
    a_ = signup_and_login(*c_, unique_email("ga"));
    b_ = signup_and_login(*c_, unique_email("gb"));
    a_id_ = c_->get("/user/me", a_).json().at("id").as_int64();
    b_id_ = c_->get("/user/me", b_).json().at("id").as_int64();
  }
  void SetUp() override { start(); }
  void TearDown() override { EXPECT_EQ(server_->stop(), 0); }

  http_reply hold(const std::string& token, json::value body) {
    return c_->post_json("/bookings/holds", body, token);
  }
  http_reply hold_seats(const std::string& token, json::array seats, int trip = 1) {
    return hold(token, json::object{{"trip_id", trip}, {"seat_nos", std::move(seats)}});
  }
  http_reply release_all(const std::string& token, const std::string& trip = "1") {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return c_->request(http::verb::delete_, "/bookings/holds/" + trip, "", h);
  }
  http_reply extend(const std::string& token, const std::string& trip = "1") {
    return c_->post_json("/bookings/holds/" + trip + "/extend", json::object{}, token);
  }
  http_reply lock(const std::string& token, int seat, int trip = 1) {
    return c_->post_json("/bookings/lock-seat/" + std::to_string(trip) + "/" + std::to_string(seat),
                         json::object{}, token);
  }
  // Seats shown as held on GET /trips/1/seats.
  std::vector<int> locked_seats(int trip = 1) {
    std::vector<int> out;
    auto seats = c_->get("/trips/" + std::to_string(trip) + "/seats").json().as_array();
    for (std::size_t i = 0; i < seats.size(); ++i)
      if (seats[i].at("is_locked").as_bool()) out.push_back(int(i) + 1);
    return out;
  }

  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_, a_, b_;
  std::int64_t a_id_ = 0, b_id_ = 0;
};

std::uint64_t seq_of(const json::object& m) { return m.at("seq").to_number<std::uint64_t>(); }

std::vector<int> ints(const json::value& v) {
  std::vector<int> out;
  for (const auto& x : v.as_array()) out.push_back(int(x.as_int64()));
  return out;
}

TEST_F(group_holds, all_or_nothing_one_change_for_both_protocol_versions) {
  ws_client v1(server_->port(), "/ws/seats/1");
  ws_client v2(server_->port(), "/ws/seats/1?v=2");
  auto s0 = seq_of(*v1.read_json());
  ASSERT_EQ(seq_of(*v2.read_json()), s0);

  ASSERT_EQ(lock(b_, 3).status, 200);
  auto refused = hold_seats(a_, {2, 3, 4});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json().at("seat_no"), 3);
  EXPECT_EQ(str(refused.json().at("detail")), "Seat 3 is held by someone else");
  EXPECT_EQ(locked_seats(), std::vector<int>{3});  // nothing of the group was held

  auto held = hold_seats(a_, {4, 2, 5, 5});  // a seat named twice is one seat
  ASSERT_EQ(held.status, 200) << held.body;
  EXPECT_EQ(ints(held.json().at("seat_nos")), (std::vector<int>{2, 4, 5}));
  const auto expires = held.json().at("expires_at");
  ASSERT_EQ(held.json().at("holds").as_array().size(), 3u);
  EXPECT_EQ(held.json().at("holds").at(0).at("expires_at"), expires);
  EXPECT_EQ(locked_seats(), (std::vector<int>{2, 3, 4, 5}));

  // v2: B's lock, then the group as one message.
  for (auto* v : {&v1, &v2}) {
    auto b_lock = v->read_json();
    ASSERT_TRUE(b_lock);
    EXPECT_EQ(b_lock->at("type"), "SEAT_LOCKED");
    EXPECT_EQ(seq_of(*b_lock), s0 + 1);
  }
  auto group = v2.read_json();
  ASSERT_TRUE(group);
  EXPECT_EQ(group->at("type"), "SEATS_LOCKED");
  EXPECT_EQ(ints(group->at("seat_nos")), (std::vector<int>{2, 4, 5}));
  EXPECT_EQ(group->at("user_id"), a_id_);
  EXPECT_EQ(group->at("expires_at"), expires);
  EXPECT_EQ(seq_of(*group), s0 + 2);
  // v1 (the original's clients): one SEAT_LOCKED per seat, as for a single hold, same seq.
  for (int seat : {2, 4, 5}) {
    auto m = v1.read_json();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->at("type"), "SEAT_LOCKED");
    EXPECT_EQ(m->at("seat_no"), seat);
    EXPECT_EQ(m->at("user_id"), a_id_);
    EXPECT_EQ(m->at("expires_at"), expires);
    EXPECT_EQ(seq_of(*m), s0 + 2);
  }
  // A resume replays the group the way each version receives it.
  ws_client r1(server_->port(), "/ws/seats/1?since=" + std::to_string(s0 + 1));
  for (int seat : {2, 4, 5}) {
    auto m = r1.read_json();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->at("type"), "SEAT_LOCKED");
    EXPECT_EQ(m->at("seat_no"), seat);
  }
  ws_client r2(server_->port(), "/ws/seats/1?v=2&since=" + std::to_string(s0 + 1));
  auto again = r2.read_json();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->at("type"), "SEATS_LOCKED");
  EXPECT_EQ(seq_of(*again), s0 + 2);

  // Releasing the group: one SEAT_UNLOCKED per seat, each its own change.
  auto released = release_all(a_);
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(ints(released.json().at("seat_nos")), (std::vector<int>{2, 4, 5}));
  for (auto* v : {&v1, &v2}) {
    std::uint64_t seq = s0 + 3;
    for (int seat : {2, 4, 5}) {
      auto m = v->read_json();
      ASSERT_TRUE(m);
      EXPECT_EQ(m->at("type"), "SEAT_UNLOCKED");
      EXPECT_EQ(m->at("seat_no"), seat);
      EXPECT_EQ(m->at("user_id"), a_id_);
      EXPECT_EQ(seq_of(*m), seq++);
    }
  }
  EXPECT_EQ(locked_seats(), std::vector<int>{3});
  auto nothing = release_all(a_);
  ASSERT_EQ(nothing.status, 200);
  EXPECT_TRUE(nothing.json().at("seat_nos").as_array().empty());
  EXPECT_EQ(ints(release_all(b_).json().at("seat_nos")), std::vector<int>{3});
}

TEST_F(group_holds, refusals) {
  // Who and which trip.
  EXPECT_EQ(hold_seats("", {1}).status, 401);
  EXPECT_EQ(release_all("").status, 401);
  EXPECT_EQ(extend("").status, 401);
  EXPECT_EQ(hold_seats(a_, {1}, 999).status, 404);
  EXPECT_EQ(release_all(a_, "999").status, 404);
  EXPECT_EQ(extend(a_, "999").status, 404);
  EXPECT_EQ(release_all(a_, "abc").status, 422);
  EXPECT_EQ(extend(a_, "abc").status, 422);
  // Malformed bodies, seats the trip does not have, more than 12: 422, nothing held.
  json::array thirteen;
  for (int s = 1; s <= 13; ++s) thirteen.push_back(s);
  for (const auto& body : std::vector<json::value>{
           json::object{},
           json::object{{"trip_id", 1}},
           json::object{{"trip_id", 1}, {"seat_nos", json::array{}}},
           json::object{{"trip_id", 1}, {"seat_nos", thirteen}},
           json::object{{"trip_id", 1}, {"seat_nos", json::array{0}}},
           json::object{{"trip_id", 1}, {"seat_nos", json::array{1, 41}}},
           json::object{{"trip_id", 1}, {"seat_nos", json::array{"one"}}},
           json::object{{"trip_id", 1}, {"seat_nos", json::array{1}}, {"count", 1}, {"together", true}},
           json::object{{"trip_id", 1}, {"count", 2}},
           json::object{{"trip_id", 1}, {"count", 2}, {"together", false}},
           json::object{{"trip_id", 1}, {"count", 2}, {"together", "yes"}},
           json::object{{"trip_id", 1}, {"count", 13}, {"together", true}},
           json::object{{"trip_id", 1}, {"count", 0}, {"together", true}}}) {
    auto r = hold(a_, body);
    EXPECT_EQ(r.status, 422) << json::serialize(body) << " -> " << r.body;
    EXPECT_TRUE(r.json().at("detail").is_array()) << r.body;
  }
  EXPECT_TRUE(locked_seats().empty());
  // A booked seat: 409 naming it.
  ASSERT_EQ(lock(b_, 10).status, 200);
  auto booked = c_->post_json("/bookings/", {{"trip_id", 1}, {"seat_numbers", json::array{10}}}, b_);
  ASSERT_EQ(booked.status, 201) << booked.body;
  auto sold = hold_seats(a_, {9, 10});
  EXPECT_EQ(sold.status, 409) << sold.body;
  EXPECT_EQ(sold.json().at("seat_no"), 10);
  EXPECT_EQ(str(sold.json().at("detail")), "Seat 10 already booked");
  // The cap of 6 per trip counts the group's seats together.
  auto seven = hold_seats(a_, {1, 2, 3, 4, 5, 6, 7});
  EXPECT_EQ(seven.status, 400) << seven.body;
  EXPECT_EQ(str(seven.json().at("detail")),
            "You are holding the maximum number of seats on this trip");
  EXPECT_TRUE(locked_seats().empty());
  // Extending nothing.
  auto none = extend(a_);
  EXPECT_EQ(none.status, 404) << none.body;
  EXPECT_EQ(str(none.json().at("detail")), "You hold no seats on this trip");
}

TEST_F(group_holds, seats_together_or_the_best_split) {
  auto together = hold(a_, json::object{{"trip_id", 1}, {"count", 3}, {"together", true}});
  ASSERT_EQ(together.status, 200) << together.body;
  auto seats = ints(together.json().at("seat_nos"));
  ASSERT_EQ(seats.size(), 3u);
  EXPECT_EQ(locked_seats(), seats);
  // Twelve seats are never together (at most two rows): 409 with the best split, nothing held.
  auto twelve = hold(b_, json::object{{"trip_id", 1}, {"count", 12}, {"together", true}});
  ASSERT_EQ(twelve.status, 409) << twelve.body;
  const auto answer = twelve.json();
  const auto& split = answer.at("split").as_array();
  ASSERT_GE(split.size(), 2u);
  std::size_t total = 0, last = 100;
  for (const auto& part : split) {
    auto group = ints(part);
    EXPECT_LE(group.size(), last) << "largest first";
    last = group.size();
    total += group.size();
    for (int s : group) EXPECT_EQ(std::count(seats.begin(), seats.end(), s), 0) << s;
  }
  EXPECT_EQ(total, 12u);
  EXPECT_EQ(locked_seats(), seats);
  // Two travellers asking at once get different seats.
  auto b_pair = hold(b_, json::object{{"trip_id", 1}, {"count", 2}, {"together", true}});
  ASSERT_EQ(b_pair.status, 200) << b_pair.body;
  for (int s : ints(b_pair.json().at("seat_nos")))
    EXPECT_EQ(std::count(seats.begin(), seats.end(), s), 0) << s;
  EXPECT_EQ(locked_seats().size(), 5u);
}

class group_holds_short : public group_holds {
 protected:
  void SetUp() override {
    start({{"HOLD_TTL_SECONDS", "2"}, {"SEATD_HOLD_MAX_LIFETIME_SECONDS", "3"}});
  }
};

TEST_F(group_holds_short, extend_moves_the_deadline_up_to_the_cap_and_viewers_see_it) {
  ws_client v2(server_->port(), "/ws/seats/1?v=2");
  auto s0 = seq_of(*v2.read_json());
  auto held = hold_seats(a_, {7, 8});
  ASSERT_EQ(held.status, 200) << held.body;
  const auto first = held.json().at("expires_at").as_int64();
  const auto cap = first - 2000 + 3000;  // first take + the maximum lifetime
  ASSERT_TRUE(v2.wait_for("SEATS_LOCKED"));
  std::this_thread::sleep_for(1200ms);
  auto extended = extend(a_);
  ASSERT_EQ(extended.status, 200) << extended.body;
  EXPECT_EQ(ints(extended.json().at("seat_nos")), (std::vector<int>{7, 8}));
  const auto moved = extended.json().at("expires_at").as_int64();
  EXPECT_GT(moved, first);
  EXPECT_LE(moved, cap);
  auto told = v2.wait_for("SEATS_LOCKED");
  ASSERT_TRUE(told);
  EXPECT_EQ(told->at("expires_at").as_int64(), moved);
  EXPECT_EQ(seq_of(*told), s0 + 2);
  // Past the cap nothing moves; the holds lapse there.
  auto again = extend(a_);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("expires_at").as_int64(), cap);
  auto expired = v2.wait_for("SEAT_UNLOCKED", 5s);
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->at("reason"), "expired");
  EXPECT_GE(system_clock{}.now().time_since_epoch() / 1ms, cap);
}

class group_holds_cooldown : public group_holds {
 protected:
  void SetUp() override {
    start({{"HOLD_TTL_SECONDS", "2"}, {"SEATD_HOLD_COOLDOWN_SECONDS", "30"}});
  }
};

TEST_F(group_holds_cooldown, together_passes_over_the_callers_own_seats_in_their_cool_down) {
  // A hold that lapsed keeps its holder off those seats for the cool-down (30 s): asked for
  // seats together, the holder gets others, not a refusal while the coach is empty.
  ws_client v2(server_->port(), "/ws/seats/1?v=2");
  ASSERT_TRUE(v2.read_json());
  ASSERT_EQ(hold_seats(a_, {1, 2}).status, 200);
  ASSERT_TRUE(v2.wait_for("SEAT_UNLOCKED", 5s));  // lapsed
  auto pair = hold(a_, json::object{{"trip_id", 1}, {"count", 2}, {"together", true}});
  ASSERT_EQ(pair.status, 200) << pair.body;
  auto seats = ints(pair.json().at("seat_nos"));
  EXPECT_EQ(seats.size(), 2u);
  EXPECT_EQ(std::count(seats.begin(), seats.end(), 1), 0);
  EXPECT_EQ(std::count(seats.begin(), seats.end(), 2), 0);
  // Named, they are still refused with the reason.
  EXPECT_EQ(hold_seats(a_, {1, 2}).status, 400);
}

class group_holds_rate : public group_holds {
 protected:
  void SetUp() override { start({{"SEATD_HOLD_RATE_PER_MINUTE", "2"}}); }
};

TEST_F(group_holds_rate, the_hold_rate_applies_to_groups_and_extends) {
  ASSERT_EQ(hold_seats(a_, {1, 2}).status, 200);
  ASSERT_EQ(extend(a_).status, 200);
  auto limited = hold_seats(b_, {5});  // same client address, another account
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_FALSE(limited.headers[http::field::retry_after].empty());
  EXPECT_EQ(release_all(a_).status, 200);  // letting go is never limited
}

}  // namespace
}  // namespace seatd::testing
