// Startup, configuration and shutdown of the real binary.
#include <signal.h>

#include <thread>

#include "component/test_support.hpp"

namespace seatd::testing {
namespace {

TEST(lifecycle, sigterm_exits_zero_quickly_with_idle_connections_open) {
  seatd_process p;
  std::vector<std::unique_ptr<http_client>> idle;
  for (int i = 0; i < 20; ++i) {
    idle.push_back(std::make_unique<http_client>(p.port()));
    ASSERT_EQ(idle.back()->get("/").status, 200);  // keep-alive connection left open
  }
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(p.stop(std::chrono::seconds(5)), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(lifecycle, schema_survives_restart) {
  seatd_process first;
  http_client c(first.port());
  auto email = unique_email("persist");
  signup_and_login(c, email);
  auto url = first.database_url();
  ASSERT_EQ(first.stop(), 0);
  seatd_process second({"--database", url});
  http_client c2(second.port());
  auto r = c2.post_json("/auth/login", {{"email", email}, {"password", "secret-pass"}});
  EXPECT_EQ(r.json().at("success"), true);
}

TEST(lifecycle, invalid_configuration_is_refused_clearly) {
  auto r = run_seatd({"--env-file", "/none", "--port", "0"}, {{"ALGORITHM", "HS512"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("ALGORITHM"), std::string::npos) << r.output;

  r = run_seatd({"--env-file", "/none", "--port", "0"}, {{"SEATD_ENV", "production"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("SECRET_KEY"), std::string::npos) << r.output;

  r = run_seatd({"--env-file", "/none", "--port", "0"},
                {{"SEATD_ENV", "production"}, {"SECRET_KEY", "short"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("SECRET_KEY"), std::string::npos) << r.output;

  // A settings file that is not one (a device, a log) is refused, not read into memory.
  r = run_seatd({"--env-file", "/dev/zero", "--port", "0"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("over 1 MiB"), std::string::npos) << r.output;

  r = run_seatd({"--env-file", "/none", "--port", "0"}, {{"DATABASE_URL", "mysql://x/y"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("DATABASE_URL"), std::string::npos) << r.output;

  r = run_seatd({"--env-file", "/none", "--port", "0"}, {{"ACCESS_TOKEN_EXPIRE_MINUTES", "soon"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("ACCESS_TOKEN_EXPIRE_MINUTES"), std::string::npos) << r.output;

  r = run_seatd({"--env-file", "/none", "--port", "0"}, {{"REDIS_URL", "http://nope"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("REDIS_URL"), std::string::npos) << r.output;

  r = run_seatd({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("--port"), std::string::npos);
}

TEST(lifecycle, dotenv_file_is_read_and_environment_wins) {
  auto dir = std::filesystem::temp_directory_path() / ("seatd-env-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto env = dir / "test.env";
  {
    std::ofstream f(env);
    f << "# settings\nALGORITHM=HS384\n";
  }
  auto r = run_seatd({"--env-file", env.string(), "--port", "0"});
  EXPECT_EQ(r.code, 2) << r.output;  // the .env value was read
  EXPECT_NE(r.output.find("HS384"), std::string::npos) << r.output;
  std::filesystem::remove_all(dir);
}

TEST(lifecycle, demo_mode_imports_schedule_and_prints_accounts) {
  seatd_process p({"--demo", "--demo-schedule", schedule_path()});
  EXPECT_NE(p.banner().find("admin@seatd.demo"), std::string::npos) << p.banner();
  EXPECT_NE(p.banner().find("traveller@seatd.demo"), std::string::npos);
  http_client c(p.port());
  EXPECT_EQ(c.get("/trips/200").status, 200);
  auto l = c.post_json("/auth/login", {{"email", "admin@seatd.demo"}, {"password", "demo-admin-pass"}});
  auto token = std::string(l.json().at("access_token").as_string());
  EXPECT_EQ(c.get("/admin/analytics", token).status, 200);
}

TEST(lifecycle, demo_mode_imports_the_current_week_and_the_next_one_once) {
  auto week_of_trip = [](http_client& c, int id) {
    auto r = c.get("/trips/" + std::to_string(id));
    auto day = r.status == 200 ? parse_date(std::string(r.json().at("departure_time").as_string()).substr(0, 10))
                               : std::nullopt;
    return day ? format_date(week_monday(*day)) : "no trip " + std::to_string(id) + ": " + r.body;
  };
  seatd_process first({"--demo", "--demo-schedule", schedule_path()});
  {
    http_client c(first.port());
    // Late in the week most of the current week has departed: the next one still sells.
    EXPECT_EQ(week_of_trip(c, 1), this_monday());
    EXPECT_EQ(week_of_trip(c, 200), this_monday());
    EXPECT_EQ(week_of_trip(c, 201), next_monday());
    EXPECT_EQ(week_of_trip(c, 400), next_monday());
    EXPECT_EQ(c.get("/trips/401").status, 404);
  }
  ASSERT_EQ(first.stop(), 0);
  // A restart on the same database (the first one's directory lives on) imports nothing more.
  seatd_process again({"--demo", "--demo-schedule", schedule_path(), "--database",
                       first.database_url()});
  http_client c(again.port());
  EXPECT_EQ(c.get("/trips/400").status, 200);
  EXPECT_EQ(c.get("/trips/401").status, 404);
}

TEST(lifecycle, admin_cli_validates_input) {
  auto r = run_seatd({"--env-file", "/none", "--database", "sqlite:///tmp/seatd-cli-" + std::to_string(::getpid()) + ".db",
                      "admin", "create", "--email", "bad", "--password", "longenough"});
  EXPECT_EQ(r.code, 2);
  r = run_seatd({"--env-file", "/none", "admin", "create", "--email", "a@b.co", "--password", "short"});
  EXPECT_EQ(r.code, 2);
}

}  // namespace
}  // namespace seatd::testing

namespace seatd::testing {
namespace {

// Health for load balancers and orchestrators: /healthz (alive), /readyz (ready, and why not).

// Sends SIGTERM, then asks /readyz until it stops answering 200 (the signal is handled on an
// I/O thread: wait for the flip rather than guess its timing); returns that answer.
http_reply sigterm_then_readyz(seatd_process& p, http_client& c) {
  p.signal(SIGTERM);
  http_reply ready;
  for (int i = 0; i < 100; ++i) {
    ready = c.get("/readyz");
    if (ready.status != 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ready;
}

TEST(health, healthz_and_readyz_answer_with_every_check_named) {
  seatd_process p;
  http_client c(p.port());
  auto alive = c.get("/healthz");
  EXPECT_EQ(alive.status, 200);
  EXPECT_EQ(alive.json().at("status"), "alive") << alive.body;
  auto ready = c.get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  auto j = ready.json();
  EXPECT_EQ(j.at("status"), "ready") << ready.body;
  EXPECT_EQ(j.at("checks").at("database"), "ok") << ready.body;
  EXPECT_EQ(j.at("checks").at("migrations"), "ok") << ready.body;
  EXPECT_EQ(j.at("checks").at("draining"), false) << ready.body;
  // No Redis configured: no Redis check.
  EXPECT_FALSE(j.at("checks").as_object().contains("redis")) << ready.body;
  EXPECT_EQ(std::string(ready.headers[http::field::cache_control]), "no-store");
}

TEST(health, head_asks_what_get_would_answer_without_the_body) {
  // Load balancers often check with HEAD (HAProxy's `option httpchk HEAD /readyz`).
  seatd_process p;
  http_client c(p.port());
  const auto get = c.get("/readyz");
  ASSERT_EQ(get.status, 200);
  auto head = c.raw("HEAD /readyz HTTP/1.1\r\nHost: seatd\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Length: " + std::to_string(get.body.size()) + "\r\n"),
            std::string::npos)
      << head;
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "") << head;
  auto post = c.raw("POST /readyz HTTP/1.1\r\nHost: seatd\r\nContent-Length: 0\r\n"
                    "Connection: close\r\n\r\n");
  EXPECT_EQ(post.rfind("HTTP/1.1 405", 0), 0u) << post;
  EXPECT_NE(post.find("Allow: GET, HEAD\r\n"), std::string::npos) << post;
  EXPECT_EQ(p.stop(), 0);
}

TEST(health, sigterm_drains_then_stops) {
  // The drain: /readyz fails at once, everything else is still served (each answer closing
  // its connection) until the drain ends, then the graceful stop.
  seatd_process p({"--drain-seconds", "2"});
  http_client c(p.port());
  ASSERT_EQ(c.get("/readyz").status, 200);
  auto before = c.get("/trips/cities");
  ASSERT_EQ(before.status, 200);
  EXPECT_NE(std::string(before.headers[http::field::connection]), "close");

  auto signalled = std::chrono::steady_clock::now();
  auto ready = sigterm_then_readyz(p, c);
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(ready.json().at("status"), "draining") << ready.body;
  EXPECT_EQ(ready.json().at("checks").at("draining"), true) << ready.body;
  EXPECT_EQ(ready.json().at("checks").at("database"), "ok") << ready.body;
  EXPECT_EQ(c.get("/healthz").status, 200);
  auto during = c.get("/trips/cities");  // a new connection: the last answer closed the old one
  EXPECT_EQ(during.status, 200) << during.body;
  EXPECT_EQ(std::string(during.headers[http::field::connection]), "close");
  // A new live seat map is not opened only to be closed with 1001: 503, to reconnect elsewhere.
  http_client ws(p.port());
  auto upgrade = ws.raw(
      "GET /ws/seats/1 HTTP/1.1\r\nHost: seatd\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(upgrade.rfind("HTTP/1.1 503", 0), 0u) << upgrade;
  EXPECT_NE(upgrade.find("Retry-After: 1"), std::string::npos) << upgrade;
  // Still serving well into the drain (it did not stop at once).
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(c.get("/trips/cities").status, 200);
  // Then the graceful stop, on its own: exit 0 within the drain and the shutdown deadline (3 s).
  EXPECT_EQ(p.wait(std::chrono::seconds(10)), 0);
  EXPECT_GE(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(2));
  auto log = p.log_text();
  EXPECT_NE(log.find("draining for 2 s"), std::string::npos) << log;
  EXPECT_NE(log.find("drain over"), std::string::npos) << log;
}

TEST(health, a_second_signal_ends_the_drain_at_once) {
  seatd_process p({"--drain-seconds", "600"});
  http_client c(p.port());
  auto ready = sigterm_then_readyz(p, c);
  ASSERT_EQ(ready.status, 503) << ready.body;
  // A 600 s drain would outlast this stop()'s 10 s wait: only its signal, the second, ends it.
  EXPECT_EQ(p.stop(std::chrono::seconds(10)), 0);
  EXPECT_NE(p.log_text().find("during the drain"), std::string::npos) << p.log_text();
}

TEST(health, sigint_stops_at_once_without_a_drain) {
  // Ctrl-C at a terminal: nobody balances load there, so no drain.
  seatd_process p({"--drain-seconds", "600"});
  http_client c(p.port());
  ASSERT_EQ(c.get("/readyz").status, 200);
  p.signal(SIGINT);
  EXPECT_EQ(p.wait(std::chrono::seconds(10)), 0);
  auto log = p.log_text();
  EXPECT_NE(log.find("seatd stopped"), std::string::npos) << log;
  EXPECT_EQ(log.find("draining"), std::string::npos) << log;
}

TEST(health, drain_seconds_is_validated) {
  auto r = run_seatd({"--env-file", "/none", "--port", "0"}, {{"SEATD_DRAIN_SECONDS", "soon"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("SEATD_DRAIN_SECONDS"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace seatd::testing
