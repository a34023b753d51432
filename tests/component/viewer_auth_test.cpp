// A seat-map viewer that says who it is (issue 16, waiting-list offers): AUTH with the HTTP
// API's bearer token over a real socket to a real seatd — accepted, refused for every kind of
// bad token, and bounded in size and in attempts; the connection stays a working seat map.
#include "auth/jwt_codec.hpp"
#include "component/test_support.hpp"
#include "component/ws_client.hpp"

namespace seatd::testing {
namespace {

const char* one_trip_csv =
    "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare (INR),Service Type,Bus Type\n"
    "ABC,Monday,Bus X,Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n";

std::string auth_message(const std::string& token) {
  return boost::json::serialize(boost::json::object{{"type", "AUTH"}, {"token", token}});
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class viewer_auth : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<seatd_process>();
    c_ = std::make_unique<http_client>(server_->port());
    admin_ = make_admin(*server_, *c_);
    auto r = upload(*c_, admin_, "one.csv", one_trip_csv);
    ASSERT_EQ(r.status, 200) << r.body;
    email_ = unique_email("viewer");
    token_ = signup_and_login(*c_, email_);
    id_ = c_->get("/user/me", token_).json().at("id").as_int64();
  }
  void TearDown() override { EXPECT_EQ(server_->stop(), 0); }

  // A viewer of trip 1, past its INITIAL_STATE.
  std::unique_ptr<ws_client> viewer() {
    auto v = std::make_unique<ws_client>(server_->port(), "/ws/seats/1");
    auto init = v->read_json();
    EXPECT_TRUE(init && init->at("type") == "INITIAL_STATE");
    return v;
  }
  // The answer to one message: the next JSON message.
  static boost::json::object answer(ws_client& v, const std::string& text) {
    v.send_text(text);
    auto m = v.read_json();
    EXPECT_TRUE(m) << "no answer to " << text.substr(0, 80);
    return m ? *m : boost::json::object{};
  }
  // Still open and a seat map: a ping is answered.
  static void still_open(ws_client& v) {
    v.send_text("ping");
    auto pong = v.read();
    ASSERT_TRUE(pong) << "closed: " << v.close_reason().code;
    EXPECT_EQ(*pong, "pong");
  }

  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
  std::string admin_, email_, token_;
  std::int64_t id_ = 0;
};

TEST_F(viewer_auth, a_real_token_is_answered_with_auth_ok_and_the_users_id) {
  auto v = viewer();
  auto ok = answer(*v, auth_message(token_));
  EXPECT_EQ(ok.at("type"), "AUTH_OK");
  EXPECT_EQ(ok.at("user_id"), id_);
  still_open(*v);
  // The seat map goes on as before.
  auto r = c_->post_json("/bookings/lock-seat/1/7", boost::json::object{}, token_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto locked = v->wait_for("SEAT_LOCKED");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->at("seat_no"), 7);
  // White space before the JSON is fine; another user's token identifies that user instead.
  auto other = signup_and_login(*c_, unique_email("other"));
  auto again = answer(*v, "  \n" + auth_message(other));
  EXPECT_EQ(again.at("type"), "AUTH_OK");
  EXPECT_NE(again.at("user_id"), id_);
}

TEST_F(viewer_auth, forged_expired_malformed_and_revoked_tokens_fail_and_the_viewer_stays) {
  const auto now = now_seconds();
  auth::jwt_codec forger("not-the-servers-secret-not-the-servers-secret");
  auth::jwt_codec codec(seatd_process::secret());
  const std::vector<std::pair<std::string, std::string>> bad{
      {"forged", forger.sign({email_, id_, now + 600, now, "forged-jti"})},
      {"expired", codec.sign({email_, id_, now - 10, now - 700, "expired-jti"})},
      {"malformed", "not.a.jwt"},
      {"another user's id", codec.sign({email_, id_ + 1000, now + 600, now, "other-jti"})},
  };
  auto v = viewer();
  for (const auto& [what, token] : bad) {
    auto m = answer(*v, auth_message(token));
    EXPECT_EQ(m.at("type"), "AUTH_FAILED") << what;
    EXPECT_EQ(m.at("detail"), "invalid or expired token") << what;
  }
  still_open(*v);
  // Logged out: the same token the HTTP API now refuses is refused here too; and a viewer that
  // had identified itself is anonymous again after a failed AUTH.
  auto v2 = viewer();
  EXPECT_EQ(answer(*v2, auth_message(token_)).at("type"), "AUTH_OK");
  ASSERT_EQ(c_->post_json("/auth/logout", boost::json::object{}, token_).status, 200);
  ASSERT_EQ(c_->get("/user/me", token_).status, 401);
  auto revoked = answer(*v2, auth_message(token_));
  EXPECT_EQ(revoked.at("type"), "AUTH_FAILED");
  still_open(*v2);
}

TEST_F(viewer_auth, malformed_auth_messages_get_auth_failed_never_a_crash) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"({"type":"AUTH","token":5})", "token missing: expected a string"},
      {R"({"type":"AUTH"})", "token missing: expected a string"},
      {R"({"type":"AUTH","token":""})", "token missing: expected a string"},
      {R"({"type":"AUTH","token":{"a":1}})", "token missing: expected a string"},
      {R"({"type":5,"token":"x"})",
       R"(malformed message: expected {"type":"AUTH","token":"..."})"},
  };
  for (const auto& [text, detail] : cases) {
    auto v = viewer();
    auto m = answer(*v, text);
    EXPECT_EQ(m.at("type"), "AUTH_FAILED") << text;
    EXPECT_EQ(str(m.at("detail")), detail) << text;
    still_open(*v);
  }
  for (const std::string& text :
       {std::string("{"), std::string(R"({"type":"AUTH","token":"abc)"),
        std::string(R"({"type":"AUTH","token":"\ud800"})"), std::string(500, '{'),
        std::string("{\"a\":") + std::string(200, '[') + std::string(200, ']') + "}"}) {
    auto v = viewer();
    auto m = answer(*v, text);
    EXPECT_EQ(m.at("type"), "AUTH_FAILED") << text.substr(0, 40);
    still_open(*v);
  }
  // Too large: refused unparsed (up to the transport's 4 KiB; beyond it, 1009 as ever).
  auto v = viewer();
  auto big = answer(*v, auth_message(std::string(3000, 'x')));
  EXPECT_EQ(big.at("type"), "AUTH_FAILED");
  EXPECT_EQ(big.at("detail"), "message too large");
  still_open(*v);
  // Other text, and a JSON message of another type, are ignored: the ping's pong comes next.
  v->send_text("hello");
  v->send_text(R"({"type":"HELLO"})");
  still_open(*v);
}

TEST_F(viewer_auth, the_sixth_json_message_closes_with_1008) {
  auto v = viewer();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(answer(*v, auth_message("x")).at("type"), "AUTH_FAILED");
  v->send_text(auth_message(token_));  // even a good token, once past the bound
  while (v->read()) {
  }
  ASSERT_TRUE(v->closed());
  EXPECT_EQ(v->close_reason().code, 1008);
  const auto& reason = v->close_reason().reason;
  EXPECT_EQ(std::string(reason.data(), reason.size()), "too many AUTH attempts");
  // Each connection has its own count.
  auto fresh = viewer();
  EXPECT_EQ(answer(*fresh, auth_message(token_)).at("type"), "AUTH_OK");
}

}  // namespace
}  // namespace seatd::testing
