// /auth/* and /user/me against a real seatd over real sockets, including hostile tokens.
#include "auth/init.hpp"
#include "auth/jwt_codec.hpp"
#include "auth/random.hpp"
#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

class auth_api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auth::init();
    server_ = new seatd_process();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0);
    delete server_;
  }
  void TearDown() override {
    // Whatever a test sent, the server must still answer.
    http_client fresh(server_->port());
    EXPECT_EQ(fresh.get("/").status, 200);
  }
  static seatd_process* server_;
  http_client c{server_->port()};
};
seatd_process* auth_api::server_ = nullptr;

std::string sign_with(const std::string& secret, const std::string& email, std::int64_t id,
                      std::int64_t exp) {
  auth::jwt_codec codec(secret);
  return codec.sign({email, id, exp, exp - 3600, auth::random_token_id()});
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(auth_api, health_is_live) {
  auto r = c.get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), boost::json::parse(R"({"success":true,"message":"Bus Booking API is Live"})"));
}

TEST_F(auth_api, signup_returns_user_without_password) {
  auto email = unique_email("signup");
  auto r = c.post_json("/auth/signup", {{"username", "Asha"}, {"email", email}, {"password", "pw123456"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = r.json().as_object();
  EXPECT_EQ(j.at("success"), true);
  auto d = j.at("data").as_object();
  EXPECT_EQ(d.at("email"), email.c_str());
  EXPECT_EQ(d.at("username"), "Asha");
  EXPECT_EQ(d.at("is_admin"), false);
  EXPECT_TRUE(d.at("id").is_int64());
  EXPECT_FALSE(d.contains("password"));
  EXPECT_FALSE(d.contains("password_hash"));
  EXPECT_EQ(r.body.find("argon2"), std::string::npos);
}

TEST_F(auth_api, signup_duplicate_email_any_case) {
  auto email = unique_email("dup");
  ASSERT_EQ(c.post_json("/auth/signup", {{"username", "A"}, {"email", email}, {"password", "pw123456"}}).status, 201);
  std::string upper = email;
  for (auto& ch : upper) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  for (const auto& e : {email, upper}) {
    auto r = c.post_json("/auth/signup", {{"username", "B"}, {"email", e}, {"password", "pw123456"}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), boost::json::parse(R"({"success":false,"message":"Email already Exists"})"));
  }
}

TEST_F(auth_api, signup_validation_errors_are_422_with_loc) {
  auto r = c.post_json("/auth/signup", {{"username", "A"}, {"email", unique_email("v")}});
  ASSERT_EQ(r.status, 422);
  auto d = r.json().at("detail").as_array();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].at("loc"), boost::json::parse(R"(["body","password"])"));
  EXPECT_EQ(d[0].at("type"), "value_error.missing");

  r = c.post_json("/auth/signup", {{"username", 5}, {"email", unique_email("v")}, {"password", "pw123456"}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.json().at("detail").at(0).at("loc"), boost::json::parse(R"(["body","username"])"));

  r = c.post_json("/auth/signup", {{"username", "A"}, {"email", "not-an-email"}, {"password", "pw123456"}});
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.json().at("detail").at(0).at("type"), "value_error.email");

  r = c.request(http::verb::post, "/auth/signup", "{\"username\": ", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(r.json().at("detail").is_array());

  r = c.request(http::verb::post, "/auth/signup", "[1,2,3]", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 422);
  r = c.request(http::verb::post, "/auth/signup", "", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 422);
  // Deeply nested JSON is refused, not recursed into.
  r = c.request(http::verb::post, "/auth/signup", std::string(5000, '[') + std::string(5000, ']'));
  EXPECT_EQ(r.status, 422);
}

TEST_F(auth_api, login_success_and_failures) {
  auto email = unique_email("login");
  ASSERT_EQ(c.post_json("/auth/signup", {{"username", "L"}, {"email", email}, {"password", "right-pass"}}).status, 201);
  auto ok = c.post_json("/auth/login", {{"email", email}, {"password", "right-pass"}});
  ASSERT_EQ(ok.status, 200);
  auto j = ok.json().as_object();
  EXPECT_EQ(j.at("success"), true);
  EXPECT_EQ(j.at("token_type"), "bearer");
  EXPECT_EQ(std::count(j.at("access_token").as_string().begin(), j.at("access_token").as_string().end(), '.'), 2);

  auto bad = c.post_json("/auth/login", {{"email", email}, {"password", "wrong-pass"}});
  EXPECT_EQ(bad.status, 200);
  EXPECT_EQ(bad.json(), boost::json::parse(R"({"success":false,"message":"Invalid email or password"})"));
  auto unknown = c.post_json("/auth/login", {{"email", unique_email("nobody")}, {"password", "x"}});
  EXPECT_EQ(unknown.json(), bad.json());
  EXPECT_EQ(c.post_json("/auth/login", {{"email", email}}).status, 422);
}

TEST_F(auth_api, repeated_failed_logins_are_throttled) {
  auto email = unique_email("throttle");
  ASSERT_EQ(c.post_json("/auth/signup", {{"username", "T"}, {"email", email}, {"password", "right-pass"}}).status, 201);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(c.post_json("/auth/login", {{"email", email}, {"password", "wrong"}}).status, 200);
  auto r = c.post_json("/auth/login", {{"email", email}, {"password", "right-pass"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_TRUE(r.json().at("detail").is_string());
}

TEST_F(auth_api, me_returns_profile) {
  auto email = unique_email("me");
  auto token = signup_and_login(c, email);
  auto r = c.get("/user/me", token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json().as_object();
  EXPECT_EQ(j.at("email"), email.c_str());
  EXPECT_EQ(j.at("username"), "User");
  EXPECT_EQ(j.at("is_admin"), false);
  EXPECT_TRUE(j.at("phone_number").is_null());
  EXPECT_TRUE(j.at("age").is_null());
  EXPECT_TRUE(j.at("gender").is_null());
  // Trailing slash reaches the same route.
  EXPECT_EQ(c.get("/user/me/", token).status, 200);
}

TEST_F(auth_api, bad_tokens_get_401_with_bearer_challenge) {
  auto email = unique_email("tok");
  auto token = signup_and_login(c, email);
  auto id = c.get("/user/me", token).json().at("id").as_int64();

  std::vector<std::string> bad = {
      "",                                                            // missing
      "garbage",                                                     // not a JWT
      sign_with("some-other-secret-of-sufficient-length!!", email, id, now_s() + 600),  // forged
      sign_with(seatd_process::secret(), email, id, now_s() - 10),  // expired
      sign_with(seatd_process::secret(), email, 999999, now_s() + 600),  // unknown user
      token.substr(0, token.size() - 2) + (token.back() == 'A' ? "BB" : "AA"),  // tampered MAC
  };
  // alg: none with a valid-looking payload and an empty signature.
  auto dot = token.find('.');
  auto dot2 = token.find('.', dot + 1);
  bad.push_back("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + token.substr(dot + 1, dot2 - dot - 1) + ".");
  bad.push_back(std::string(6000, 'a'));  // oversized for a token, within the header limit
  for (const auto& t : bad) {
    auto r = c.get("/user/me", t);
    EXPECT_EQ(r.status, 401) << "token: " << t.substr(0, 60);
    EXPECT_EQ(r.headers[http::field::www_authenticate], "Bearer");
    EXPECT_EQ(r.json(), boost::json::parse(R"({"detail":"Could not validate credentials"})"));
  }
  // Not the Bearer scheme.
  auto r = c.request(http::verb::get, "/user/me", "", {{"Authorization", "Basic " + token}});
  EXPECT_EQ(r.status, 401);
}

TEST_F(auth_api, logout_revokes_only_that_token) {
  auto email = unique_email("logout");
  auto t1 = signup_and_login(c, email);
  auto t2 = c.post_json("/auth/login", {{"email", email}, {"password", "secret-pass"}}).json().at("access_token").as_string();
  ASSERT_EQ(c.get("/user/me", t1).status, 200);
  auto r = c.post_json("/auth/logout", boost::json::object{}, t1);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(c.get("/user/me", t1).status, 401);
  EXPECT_EQ(c.get("/user/me", std::string(t2)).status, 200);
  EXPECT_EQ(c.post_json("/auth/logout", boost::json::object{}).status, 401);
}

TEST_F(auth_api, admin_routes_refuse_users_and_anonymous) {
  auto token = signup_and_login(c, unique_email("plain"));
  EXPECT_EQ(c.get("/admin/analytics").status, 401);
  auto r = c.get("/admin/analytics", token);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.json().at("detail").is_string());
  EXPECT_EQ(upload(c, token, "s.xlsx", read_file(schedule_path())).status, 403);
  EXPECT_EQ(upload(c, "", "s.xlsx", read_file(schedule_path())).status, 401);
}

}  // namespace
}  // namespace seatd::testing
