// After "Book" over HTTP (issue 13): a passenger per seat, the manifest, check-in by booking
// number and by signed boarding code, and the admin's view of the outbox.
#include "auth/random.hpp"
#include "component/test_support.hpp"
#include "ticket/boarding_code.hpp"

namespace seatd::testing {
namespace {

const char* schedule_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
    "ABC Travels,Monday,Bus One,Chennai,Madurai,08:00 AM,02:00 PM,900,Sleeper,AC\n"
    "ABC Travels,Tuesday,Bus Two,Chennai,Madurai,08:00 AM,02:00 PM,900,Sleeper,AC\n";

std::string detail(const http_reply& r) {
  auto j = r.json();
  return j.is_object() && j.as_object().contains("detail") && j.at("detail").is_string()
             ? std::string(j.at("detail").as_string())
             : r.body;
}

class boarding : public ::testing::Test {
 protected:
  void SetUp() override {
    // No mail server (nothing listens on port 1): the delivery loop's attempts fail and every
    // outbox row stays pending, so the outbox test sees a pending message whatever the timing.
    server_ = std::make_unique<seatd_process>(
        std::vector<std::string>{}, std::map<std::string, std::string>{{"SMTP_URL", "smtp://127.0.0.1:1"}});
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
    ASSERT_EQ(upload(*c_, admin_, "s.csv", schedule_csv).status, 200);
    user_ = signup_and_login(*c_, unique_email("traveller"));
  }
  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0);
    }
  }
  http_reply book(int trip, std::vector<int> seats, boost::json::value passengers = nullptr) {
    for (int s : seats)
      EXPECT_EQ(c_->post_json("/bookings/lock-seat/" + std::to_string(trip) + "/" +
                                  std::to_string(s),
                              boost::json::object{}, user_)
                    .status,
                200);
    boost::json::object body{{"trip_id", trip},
                             {"seat_numbers", boost::json::array(seats.begin(), seats.end())}};
    if (!passengers.is_null()) body["passengers"] = passengers;
    return c_->post_json("/bookings/", body, user_);
  }
  std::string number_of(const http_reply& r) {
    return std::string(r.json().at("booking_number").as_string());
  }

  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_, user_;
};

TEST_F(boarding, passengers_are_stored_per_seat_and_returned_with_the_ticket) {
  boost::json::array ps{
      boost::json::object{{"seat_no", 4}, {"name", "Zoë Núñez"}, {"age", 31}, {"gender", "female"}},
      boost::json::object{{"seat_no", 3}, {"name", "Ravi Kumar"}, {"age", 8}, {"gender", "Male"}}};
  auto r = book(1, {3, 4}, ps);
  ASSERT_EQ(r.status, 201) << r.body;
  auto t = c_->get("/bookings/" + number_of(r), user_);
  ASSERT_EQ(t.status, 200) << t.body;
  auto got = t.json().at("passengers").as_array();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].at("seat_no"), 3);
  EXPECT_EQ(got[0].at("name"), "Ravi Kumar");
  EXPECT_EQ(got[1].at("name"), "Zoë Núñez");
  EXPECT_EQ(got[1].at("gender"), "Female") << "stored in the original's spelling";
  EXPECT_EQ(got[1].at("age"), 31);
  EXPECT_TRUE(got[1].at("boarded_at").is_null());
  auto mine = c_->get("/bookings/my-tickets", user_);
  EXPECT_EQ(mine.json().as_array()[0].at("passengers").as_array().size(), 2u);

  // The original's body still works, unchanged.
  auto plain = book(1, {7});
  ASSERT_EQ(plain.status, 201) << plain.body;
}

TEST_F(boarding, passengers_are_validated) {
  auto bad = [&](boost::json::value ps) {
    auto r = book(1, {5}, ps);
    EXPECT_EQ(r.status, 422) << r.body;
    c_->post_json("/bookings/unlock-seat/1/5", boost::json::object{}, user_);
    return r;
  };
  using boost::json::object;
  using boost::json::array;
  bad(array{object{{"seat_no", 5}, {"name", ""}}});
  bad(array{object{{"seat_no", 5}, {"name", std::string(81, 'a')}}});
  bad(array{object{{"seat_no", 5}, {"name", "Line\nbreak"}}});
  bad(array{object{{"seat_no", 5}, {"name", "Bad\xC3"}}});  // invalid UTF-8
  bad(array{object{{"seat_no", 5}, {"name", "Evil\u202Eeman"}}});  // a bidi override
  bad(array{object{{"seat_no", 5}, {"name", "A"}, {"age", 121}}});
  bad(array{object{{"seat_no", 5}, {"name", "A"}, {"gender", "robot"}}});
  bad(array{object{{"seat_no", 6}, {"name", "A"}}});  // not the booked seat
  bad(array{object{{"seat_no", 5}, {"name", "A"}}, object{{"seat_no", 5}, {"name", "B"}}});
  bad(array{"just a string"});
  bad("not a list");
  bad(array{object{{"seat_no", 5}, {"name", "   "}}});             // shows nothing
  bad(array{object{{"seat_no", 5}, {"name", "\u200b"}}});           // zero-width space
  // 80 characters of any script are fine.
  std::string eighty;
  for (int i = 0; i < 80; ++i) eighty += "é";
  EXPECT_EQ(book(1, {5}, array{object{{"seat_no", 5}, {"name", eighty}}}).status, 201);
}

TEST_F(boarding, the_manifest_lists_every_seat_and_check_in_boards_once) {
  auto r = book(1, {2, 3},
                boost::json::array{boost::json::object{{"seat_no", 2}, {"name", "Asha"}},
                                   boost::json::object{{"seat_no", 3}, {"name", "=cmd|' /C calc'!A0"}}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto number = number_of(r);

  auto m = c_->get("/admin/trips/1/manifest", admin_);
  ASSERT_EQ(m.status, 200) << m.body;
  auto seats = m.json().at("seats").as_array();
  ASSERT_EQ(seats.size(), 40u);
  EXPECT_EQ(seats[0].at("booked"), false);
  EXPECT_EQ(seats[1].at("passenger"), "Asha");
  EXPECT_EQ(seats[1].at("booking_number").as_string(), number);
  EXPECT_EQ(seats[1].at("boarded"), false);
  EXPECT_EQ(m.json().at("booked"), 2);
  EXPECT_EQ(c_->get("/admin/trips/1/manifest", user_).status, 403);
  EXPECT_EQ(c_->get("/admin/trips/999/manifest", admin_).status, 404);

  auto csv = c_->get("/admin/trips/1/manifest?format=csv", admin_);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.headers[http::field::content_type], "text/csv; charset=utf-8");
  EXPECT_NE(csv.body.find("2," + number + ",Asha,,,no,\r\n"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("\"\t=cmd|' /C calc'!A0\""), std::string::npos)
      << "a formula is kept text: " << csv.body;

  // Typed by hand, lower case and spaces forgiven.
  std::string typed = number;
  for (auto& ch : typed) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  auto in = c_->post_json("/admin/checkin", {{"code", " " + typed + " "}}, admin_);
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.json().at("already_boarded"), false);
  EXPECT_EQ(in.json().at("passengers").as_array().size(), 2u);
  auto again = c_->post_json("/admin/checkin", {{"code", number}}, admin_);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("already_boarded"), true);
  EXPECT_TRUE(std::string(again.json().at("message").as_string()).starts_with("Already boarded at "));
  auto after = c_->get("/admin/trips/1/manifest", admin_);
  EXPECT_EQ(after.json().at("boarded"), 2);

  // A boarded booking cannot be cancelled (the seat is in use and the record would go).
  auto cancel = c_->post_json("/bookings/" + number + "/cancel", boost::json::object{}, user_);
  EXPECT_EQ(cancel.status, 409) << cancel.body;
  EXPECT_EQ(c_->get("/bookings/" + number, user_).json().at("status"), "confirmed");

  // A scanner's trailing CR LF and a pasted leading space are forgiven.
  auto scanned = c_->post_json("/admin/checkin", {{"code", " " + number + "\r\n"}}, admin_);
  EXPECT_EQ(scanned.status, 200) << scanned.body;

  // At another bus's door.
  auto elsewhere = c_->post_json("/admin/checkin", {{"code", number}, {"trip_id", 2}}, admin_);
  EXPECT_EQ(elsewhere.status, 409) << elsewhere.body;
  EXPECT_EQ(c_->post_json("/admin/checkin", {{"code", "NOPE-1"}}, admin_).status, 404);
  EXPECT_EQ(c_->post_json("/admin/checkin", {{"code", "<script>"}}, admin_).status, 400);
  EXPECT_EQ(c_->post_json("/admin/checkin", {{"code", number}}, user_).status, 403);
}

TEST_F(boarding, a_signed_code_checks_in_and_a_forged_or_cancelled_one_is_refused) {
  auto r = book(1, {9});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto number = number_of(r);
  // The server's own secret signs a real code; another one forges.
  tickets::boarding_codec ours(server_->secret()), theirs("another-secret-entirely-0123456789");
  auto code = ours.issue(number, 1);
  ASSERT_TRUE(code);
  auto forged = theirs.issue(number, 1);
  auto f = c_->post_json("/admin/checkin", {{"code", *forged}}, admin_);
  EXPECT_EQ(f.status, 400) << f.body;
  auto wrong_bus = c_->post_json("/admin/checkin", {{"code", *code}, {"trip_id", 2}}, admin_);
  EXPECT_EQ(wrong_bus.status, 409);
  EXPECT_NE(detail(wrong_bus).find("another bus"), std::string::npos);
  auto ok = c_->post_json("/admin/checkin", {{"code", " " + *code + "\r\n"}, {"trip_id", 1}}, admin_);
  ASSERT_EQ(ok.status, 200) << ok.body;

  auto other = book(1, {10});
  const auto gone = number_of(other);
  ASSERT_EQ(c_->post_json("/bookings/" + gone + "/cancel", boost::json::object{}, user_).status, 200);
  auto cancelled = c_->post_json("/admin/checkin", {{"code", *ours.issue(gone, 1)}}, admin_);
  EXPECT_EQ(cancelled.status, 409);
  EXPECT_NE(detail(cancelled).find("cancelled"), std::string::npos);
}

TEST_F(boarding, the_admin_sees_the_outbox_and_cannot_resend_a_pending_message) {
  auto r = book(1, {11});
  ASSERT_EQ(r.status, 201);
  auto box = c_->get("/admin/outbox", admin_);
  ASSERT_EQ(box.status, 200) << box.body;
  auto msgs = box.json().at("messages").as_array();
  ASSERT_GE(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].at("kind"), "booking_confirmation");
  EXPECT_EQ(msgs[0].at("booking_number").as_string(), number_of(r));
  EXPECT_EQ(c_->get("/admin/outbox?status=bogus", admin_).status, 400);
  EXPECT_EQ(c_->get("/admin/outbox?limit=0", admin_).status, 400);
  EXPECT_EQ(c_->get("/admin/outbox?limit=12x", admin_).status, 400);
  EXPECT_EQ(c_->get("/admin/outbox", user_).status, 403);
  EXPECT_EQ(c_->post_json("/admin/outbox/999999/resend", boost::json::object{}, admin_).status, 404);
  auto id = msgs[0].at("id").as_int64();
  auto status = std::string(msgs[0].at("status").as_string());
  auto resend = c_->post_json("/admin/outbox/" + std::to_string(id) + "/resend",
                              boost::json::object{}, admin_);
  // Pending (no delivery loop yet took it) answers 409; sent already (a loop did) resends.
  if (status == "pending") {
    EXPECT_EQ(resend.status, 409) << resend.body;
  }
}

}  // namespace
}  // namespace seatd::testing
