// assess: the verdict of /readyz and the body naming each check.
#include "api/readiness.hpp"

#include <gtest/gtest.h>

namespace seatd::api {
namespace {

using db = readiness_checks::database_state;

readiness_checks all_good() {
  readiness_checks c;
  c.database = db::ok;
  c.schema_version = 7;
  c.expected_schema_version = 7;
  return c;
}

TEST(readiness, every_check_passing_is_ready) {
  auto r = assess(all_good());
  EXPECT_TRUE(r.ready);
  EXPECT_EQ(r.body.at("status"), "ready");
  auto& checks = r.body.at("checks").as_object();
  EXPECT_EQ(checks.at("database"), "ok");
  EXPECT_EQ(checks.at("migrations"), "ok");
  EXPECT_EQ(checks.at("draining"), false);
  EXPECT_FALSE(checks.contains("redis"));  // not configured: not a check
}

TEST(readiness, each_failing_check_makes_it_not_ready_and_is_named) {
  auto c = all_good();
  c.database = db::unreachable;
  c.schema_version.reset();
  auto r = assess(c);
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.body.at("status"), "not_ready");
  EXPECT_EQ(r.body.at("checks").at("database"), "unreachable");
  EXPECT_EQ(r.body.at("checks").at("migrations"), "unknown");

  c = all_good();
  c.database = db::timeout;
  c.schema_version.reset();
  EXPECT_EQ(assess(c).body.at("checks").at("database"), "timeout");
  EXPECT_FALSE(assess(c).ready);

  c = all_good();
  c.schema_version = 6;  // an older schema than this build needs
  r = assess(c);
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.body.at("checks").at("migrations"), "pending");

  c = all_good();
  c.redis = false;
  r = assess(c);
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.body.at("checks").at("redis"), "unreachable");
  c.redis = true;
  r = assess(c);
  EXPECT_TRUE(r.ready);
  EXPECT_EQ(r.body.at("checks").at("redis"), "ok");
}

TEST(readiness, draining_is_never_ready_whatever_the_backends_say) {
  auto c = all_good();
  c.draining = true;
  auto r = assess(c);
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.body.at("status"), "draining");
  EXPECT_EQ(r.body.at("checks").at("draining"), true);
  EXPECT_EQ(r.body.at("checks").at("database"), "ok");
}

}  // namespace
}  // namespace seatd::api
