// /readyz against real backends going away and coming back: a redis-server killed and
// restarted, a PostgreSQL server stopped and started (a server of the test's own, never the
// run's shared one).
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "integration/seatd_cluster.hpp"
#include "store/pg_test_server.hpp"

namespace seatd::testing {
namespace {

// Polls /readyz until `want` holds (or 20 s pass); returns the last answer.
http_reply readyz_until(unsigned short port, const std::function<bool(const http_reply&)>& want) {
  http_reply r;
  for (int i = 0; i < 400; ++i) {
    try {
      http_client c(port, std::chrono::seconds(5));
      r = c.get("/readyz");
      if (want(r)) return r;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return r;
}

std::string check(const http_reply& r, const char* name) {
  auto j = r.json();
  if (!j.is_object() || !j.as_object().contains("checks")) return "(no checks: " + r.body + ")";
  auto& checks = j.at("checks").as_object();
  if (!checks.contains(name)) return "(absent)";
  auto& v = checks.at(name);
  return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v);
}

TEST(readiness, follows_redis_and_postgresql_going_away_and_coming_back) {
  auto pg = test::pg_test_server::launch();
  seatd_cluster::options opts;
  opts.instances = 1;
  opts.database_url = pg->fresh_database_url();
  seatd_cluster cluster(opts);
  const auto port = cluster.port(0);

  auto ok = [](const http_reply& r) { return r.status == 200; };
  auto r = readyz_until(port, ok);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(check(r, "database"), "ok");
  EXPECT_EQ(check(r, "migrations"), "ok");
  EXPECT_EQ(check(r, "redis"), "ok");

  cluster.redis().kill();
  r = readyz_until(port, [](const http_reply& x) { return x.status == 503; });
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(check(r, "redis"), "unreachable") << r.body;
  EXPECT_EQ(check(r, "database"), "ok") << r.body;
  // Alive all the while: an orchestrator must not restart an instance for its backend.
  EXPECT_EQ(http_client(port).get("/healthz").status, 200);

  cluster.redis().start();
  r = readyz_until(port, ok);
  EXPECT_EQ(r.status, 200) << r.body;

  pg->stop();
  r = readyz_until(port, [](const http_reply& x) { return x.status == 503; });
  EXPECT_EQ(r.status, 503) << r.body;
  auto db = check(r, "database");
  EXPECT_TRUE(db == "unreachable" || db == "timeout") << r.body;
  EXPECT_EQ(check(r, "redis"), "ok") << r.body;
  EXPECT_EQ(http_client(port).get("/healthz").status, 200);

  pg->start();
  r = readyz_until(port, ok);
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace seatd::testing
