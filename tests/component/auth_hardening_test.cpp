// Logins under attack, against a real seatd over real sockets: the hashing lane, the login
// throttle under concurrency and from several client addresses (127.0.0.x: every loopback
// address reaches the server), the password rules, tokens without a jti, logout everywhere
// and a deleted user's token. Each test runs its own seatd, so one test's attempts do not use
// up another's limits.
#include <sqlite3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <barrier>
#include <mutex>
#include <thread>

#include "auth/init.hpp"
#include "auth/jwt_codec.hpp"
#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

namespace asio = boost::asio;

// One request from a chosen loopback address (a client other than 127.0.0.1), on a fresh
// connection that the request closes.
http_reply request_from(const std::string& local_address, unsigned short port,
                        const std::string& target, const boost::json::value& body,
                        const std::string& token = "") {
  asio::io_context ioc;
  asio::ip::tcp::socket s(ioc);
  s.open(asio::ip::tcp::v4());
  s.bind({asio::ip::make_address(local_address), 0});
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  const std::string payload = boost::json::serialize(body);
  std::string req = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                    "Content-Type: application/json\r\nContent-Length: " +
                    std::to_string(payload.size()) + "\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  req += "\r\n" + payload;
  asio::write(s, asio::buffer(req));
  std::string raw;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(raw), ec);  // until the server closes
  http_reply out;
  if (raw.size() > 12) out.status = std::stoi(raw.substr(9, 3));
  if (auto end = raw.find("\r\n\r\n"); end != std::string::npos) {
    out.body = raw.substr(end + 4);
    auto head = raw.substr(0, end);
    if (auto ra = head.find("Retry-After: "); ra != std::string::npos)
      out.headers.set(http::field::retry_after, head.substr(ra + 13, head.find("\r\n", ra) - ra - 13));
  }
  return out;
}

boost::json::object credentials(const std::string& email, const std::string& password) {
  return {{"email", email}, {"password", password}};
}

bool invalid_password_answer(const http_reply& r) {
  return r.status == 200 && r.json().is_object() && r.json().as_object().contains("success") &&
         r.json().at("success") == false;
}

class auth_hardening : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { auth::init(); }
  void start(std::map<std::string, std::string> env = {}) {
    server_ = std::make_unique<seatd_process>(std::vector<std::string>{}, std::move(env));
    c_ = std::make_unique<http_client>(server_->port());
  }
  void TearDown() override {
    if (!server_) return;
    EXPECT_EQ(c_->get("/").status, 200);
    EXPECT_EQ(server_->stop(), 0);
  }
  std::unique_ptr<seatd_process> server_;
  std::unique_ptr<http_client> c_;
};

// Issue 11 item 2: password hashing shared the worker pool with all database work, so a flood
// of logins queued every other request behind it. Now hashing has its own lane (here 1 thread,
// 1 waiting): the flood's excess is refused at once with 503 + Retry-After, and requests that
// need the database (GET /trips/cities) are all answered meanwhile.
TEST_F(auth_hardening, a_login_flood_fills_the_hashing_lane_not_the_worker_pool) {
  // One client floods here: its own share of the lane is off, so the lane itself fills.
  start({{"SEATD_HASH_THREADS", "1"}, {"SEATD_HASH_QUEUE", "1"}, {"SEATD_HASH_PER_CLIENT", "0"}});
  // Accounts with production-cost hashes (the CLI without --fast-password-hash): checking a
  // password against one takes real time, as in production.
  std::vector<std::string> emails;
  for (int i = 0; i < 4; ++i) {
    emails.push_back(unique_email("costly"));
    auto r = run_seatd({"--database", server_->database_url(), "--env-file", "/nonexistent.env",
                        "admin", "create", "--email", emails.back(), "--password",
                        "right-password"});
    ASSERT_EQ(r.code, 0) << r.output;
  }
  constexpr int flood = 24;  // 6 per account: under every throttle limit
  std::barrier go(flood + 1);
  std::mutex m;
  std::vector<http_reply> logins;
  std::vector<int> reads;
  std::vector<std::thread> threads;
  for (int i = 0; i < flood; ++i)
    threads.emplace_back([&, i] {
      http_client own(server_->port());
      (void)own.get("/");  // connected before the burst
      go.arrive_and_wait();
      auto r = own.post_json("/auth/login", credentials(emails[std::size_t(i % 4)], "wrong"));
      std::lock_guard lock(m);
      logins.push_back(r);
    });
  threads.emplace_back([&] {
    http_client own(server_->port());
    (void)own.get("/");
    go.arrive_and_wait();
    for (int i = 0; i < 10; ++i) {
      auto r = own.get("/trips/cities");
      std::lock_guard lock(m);
      reads.push_back(r.status);
    }
  });
  for (auto& t : threads) t.join();

  int refused = 0, checked = 0;
  for (const auto& r : logins) {
    if (r.status == 503) {
      ++refused;
      EXPECT_EQ(r.headers[http::field::retry_after], "1");
    } else {
      EXPECT_TRUE(invalid_password_answer(r)) << r.status << " " << r.body;
      ++checked;
    }
  }
  EXPECT_GE(refused, 1) << "the hashing lane never filled";
  EXPECT_GE(checked, 1);
  EXPECT_EQ(reads, std::vector<int>(10, 200));
  // The lane drains: a correct password works again.
  auto ok = c_->post_json("/auth/login", credentials(emails[0], "right-password"));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(ok.json().as_object().contains("access_token")) << ok.body;
}

// Found by a hostile test of item 2: a hundred concurrent logins from one address filled the
// hashing lane's queue, so every other client's login waited ~10 s or got 503. Each client
// now has a share of the lane (here 2 hashes at once): the flood's excess is refused with 429
// at once, and a login from another address goes through while the flood is in flight.
TEST_F(auth_hardening, one_address_cannot_fill_the_hashing_lane) {
  start({{"SEATD_HASH_THREADS", "1"}, {"SEATD_HASH_QUEUE", "64"}, {"SEATD_HASH_PER_CLIENT", "2"}});
  // A production-cost account, so each check takes real time while the flood is in flight.
  const auto email = unique_email("costly");
  auto made = run_seatd({"--database", server_->database_url(), "--env-file", "/nonexistent.env",
                         "admin", "create", "--email", email, "--password", "right-password"});
  ASSERT_EQ(made.code, 0) << made.output;
  constexpr int flood = 8;  // wrong passwords for that account: under the 10 per (client, account)
  std::barrier go(flood + 1);
  std::atomic<int> at_once{0}, checked{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < flood; ++i)
    threads.emplace_back([&, i] {
      http_client own(server_->port());
      (void)own.get("/");
      go.arrive_and_wait();
      auto r = own.post_json("/auth/login", credentials(email, "wrong-" + std::to_string(i)));
      if (r.status == 429 && r.headers[http::field::retry_after] == "1")
        ++at_once;
      else if (invalid_password_answer(r))
        ++checked;
      else
        ++other;
    });
  go.arrive_and_wait();
  // The owner, from another address, while the flood's hashes are queued.
  auto owner = request_from("127.0.0.9", server_->port(), "/auth/login",
                            credentials(email, "right-password"));
  for (auto& t : threads) t.join();
  EXPECT_EQ(owner.status, 200) << owner.body;
  EXPECT_NE(owner.body.find("access_token"), std::string::npos) << owner.body;
  EXPECT_GE(at_once.load(), 1) << "one address had the whole lane";
  EXPECT_LE(checked.load(), flood - at_once.load());
  EXPECT_EQ(other.load(), 0);
}

// Found by a hostile test: a username with a NUL byte was stored and echoed back.
TEST_F(auth_hardening, a_username_with_control_characters_is_refused) {
  start();
  // And (issue 13's hostile test) the characters a passenger's name may not have either: the
  // username is printed as the passenger when a booking names nobody.
  for (std::string name : {std::string("a\0b", 3), std::string("bell\a"), std::string("esc\x1b[31m"),
                           std::string("\xE2\x80\xAE" "evil"), std::string("nel\xC2\x85"),
                           std::string("   "), std::string("\xEF\xBB\xBF" "bom")}) {
    auto r = c_->post_json("/auth/signup", {{"username", name},
                                            {"email", unique_email("ctl")},
                                            {"password", "a-fine-password"}});
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.body.find("username"), std::string::npos) << r.body;
  }
}

// Item 4: 60 concurrent wrong passwords for one account were all checked (limit 10): the
// throttle was read before and written after the check. Now an attempt is reserved first.
TEST_F(auth_hardening, concurrent_wrong_passwords_are_checked_at_most_ten_times) {
  start({{"SEATD_HASH_PER_CLIENT", "0"}});  // the attempts, not the lane share, are under test
  auto email = unique_email("victim");
  signup_and_login(*c_, email, "right-password");
  constexpr int n = 60;
  std::barrier go(n);
  std::atomic<int> checked{0}, throttled{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&] {
      http_client own(server_->port());
      (void)own.get("/");
      go.arrive_and_wait();
      auto r = own.post_json("/auth/login", credentials(email, "wrong-password"));
      if (invalid_password_answer(r))
        ++checked;
      else if (r.status == 429 && !r.headers[http::field::retry_after].empty())
        ++throttled;
      else
        ++other;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(checked.load(), 10);
  EXPECT_EQ(throttled.load(), n - 10);
  EXPECT_EQ(other.load(), 0);
}

// Item 5: ten wrong passwords from anyone locked the real owner out everywhere. The limit is
// per (client, account): the attacker's client is refused, the owner elsewhere logs in.
TEST_F(auth_hardening, an_attacker_cannot_lock_the_owner_out) {
  start();
  auto email = unique_email("owner");
  signup_and_login(*c_, email, "right-password");
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(invalid_password_answer(
        request_from("127.0.0.2", server_->port(), "/auth/login", credentials(email, "guess"))));
  auto attacker = request_from("127.0.0.2", server_->port(), "/auth/login",
                               credentials(email, "right-password"));
  EXPECT_EQ(attacker.status, 429);
  EXPECT_FALSE(attacker.headers[http::field::retry_after].empty());
  auto owner = request_from("127.0.0.3", server_->port(), "/auth/login",
                            credentials(email, "right-password"));
  EXPECT_EQ(owner.status, 200) << owner.body;
  EXPECT_TRUE(owner.json().as_object().contains("access_token")) << owner.body;
}

// Item 5: a client spraying unknown e-mails is slowed (progressive delays, 429 with
// Retry-After) without touching other clients.
TEST_F(auth_hardening, a_client_spraying_accounts_is_slowed_alone) {
  start();
  auto email = unique_email("bystander");
  signup_and_login(*c_, email, "right-password");
  int refused = 0;
  for (int i = 0; i < 40; ++i) {
    auto r = request_from("127.0.0.4", server_->port(), "/auth/login",
                          credentials(unique_email("nobody"), "guess"));
    if (r.status == 429) {
      ++refused;
      EXPECT_FALSE(r.headers[http::field::retry_after].empty());
    } else {
      EXPECT_TRUE(invalid_password_answer(r)) << r.status << " " << r.body;
    }
  }
  EXPECT_GE(refused, 1);
  auto other = request_from("127.0.0.5", server_->port(), "/auth/login",
                            credentials(email, "right-password"));
  EXPECT_EQ(other.status, 200) << other.body;
}

// Item 2: signups cost a full hash each and were unlimited. So many per client per hour
// (SEATD_SIGNUPS_PER_CLIENT), then 429 with Retry-After; other clients are not affected.
TEST_F(auth_hardening, signups_are_limited_per_client) {
  start({{"SEATD_SIGNUPS_PER_CLIENT", "3"}});
  auto signup_from = [&](const std::string& address) {
    return request_from(address, server_->port(), "/auth/signup",
                        {{"username", "N"}, {"email", unique_email("many")},
                         {"password", "secret-pass"}});
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(signup_from("127.0.0.6").status, 201);
  auto r = signup_from("127.0.0.6");
  EXPECT_EQ(r.status, 429) << r.body;
  const std::string retry = r.headers[http::field::retry_after];
  ASSERT_FALSE(retry.empty());
  EXPECT_GT(std::stoi(retry), 0);
  EXPECT_LE(std::stoi(retry), 3600);
  EXPECT_EQ(signup_from("127.0.0.7").status, 201);
}

// Item 10: six spaces were a valid password.
TEST_F(auth_hardening, a_password_of_only_spaces_is_refused) {
  start();
  for (const char* pw : {"      ", "        \t "}) {
    auto r = c_->post_json("/auth/signup",
                           {{"username", "S"}, {"email", unique_email("spaces")}, {"password", pw}});
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.json().at("detail").at(0).at("loc"), boost::json::parse(R"(["body","password"])"));
  }
  auto r = c_->post_json("/auth/signup", {{"username", "S"}, {"email", unique_email("short")},
                                          {"password", "abcde"}});
  EXPECT_EQ(r.status, 422);
  r = c_->post_json("/auth/signup", {{"username", "S"}, {"email", unique_email("ok")},
                                     {"password", " pass phrase "}});
  EXPECT_EQ(r.status, 201) << r.body;
}

// Item 10: a token without a jti could not be revoked; it is no longer accepted.
TEST_F(auth_hardening, a_token_without_jti_is_refused) {
  start();
  auto email = unique_email("nojti");
  auto token = signup_and_login(*c_, email);
  auto id = c_->get("/user/me", token).json().at("id").as_int64();
  auth::jwt_codec codec(seatd_process::secret());
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  auto bare = codec.sign({email, id, now + 600, now, ""});
  EXPECT_EQ(c_->get("/user/me", bare).status, 401);
  EXPECT_EQ(c_->post_json("/auth/logout", boost::json::object{}, bare).status, 401);
}

// Item 10: logout could not end a user's other sessions.
TEST_F(auth_hardening, logout_all_ends_every_session_and_new_logins_work) {
  start();
  auto email = unique_email("everywhere");
  auto t1 = signup_and_login(*c_, email);
  auto t2 = std::string(c_->post_json("/auth/login", credentials(email, "secret-pass"))
                            .json().at("access_token").as_string());
  ASSERT_EQ(c_->get("/user/me", t2).status, 200);
  auto r = c_->post_json("/auth/logout-all", boost::json::object{}, t1);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("success"), true);
  for (const auto& t : {t1, t2}) {
    EXPECT_EQ(c_->get("/user/me", t).status, 401);
    EXPECT_EQ(c_->get("/bookings/my-tickets", t).status, 401);
    EXPECT_EQ(c_->post_json("/auth/logout-all", boost::json::object{}, t).status, 401);
  }
  // A login right after (the same second, even) gives a working token.
  auto t3 = std::string(c_->post_json("/auth/login", credentials(email, "secret-pass"))
                            .json().at("access_token").as_string());
  EXPECT_EQ(c_->get("/user/me", t3).status, 200);
  EXPECT_EQ(c_->post_json("/auth/logout-all", boost::json::object{}).status, 401);
}

// Item 10: a deleted user's token still locked and unlocked seats (only /user/me loaded the
// user). Every authenticated route now agrees with /user/me.
TEST_F(auth_hardening, a_deleted_users_token_locks_nothing) {
  start();
  auto admin = make_admin(*server_, *c_);
  auto up = upload(*c_, admin, "one.csv",
                   "Operator,Day,Bus Name,Source,Destination,Departure Time,Arrival Time,Fare "
                   "(INR),Service Type,Bus Type\n"
                   "ABC,Monday,Bus X,Chennai,Madurai,09:00 PM,06:00 AM,900,Sleeper,AC\n");
  ASSERT_EQ(up.status, 200) << up.body;
  auto token = signup_and_login(*c_, unique_email("deleted"));
  auto id = c_->get("/user/me", token).json().at("id").as_int64();
  ASSERT_EQ(c_->post_json("/bookings/lock-seat/1/3", boost::json::object{}, token).status, 200);
  ASSERT_EQ(c_->post_json("/bookings/unlock-seat/1/3", boost::json::object{}, token).status, 200);

  // Deleted behind the server's back, as an operator would.
  const auto file = (server_->dir() / "seatd.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  const std::string sql = "DELETE FROM users WHERE id = " + std::to_string(id);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  EXPECT_EQ(c_->get("/user/me", token).status, 401);
  EXPECT_EQ(c_->post_json("/bookings/lock-seat/1/4", boost::json::object{}, token).status, 401);
  EXPECT_EQ(c_->post_json("/bookings/unlock-seat/1/4", boost::json::object{}, token).status, 401);
  EXPECT_EQ(c_->get("/bookings/my-tickets", token).status, 401);
}

}  // namespace
}  // namespace seatd::testing
