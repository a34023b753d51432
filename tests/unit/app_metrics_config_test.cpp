// The metrics settings: SEATD_METRICS_LISTEN (a HOST:PORT of its own) and SEATD_METRICS_ALLOW
// (who may read /metrics on the public port). Bad values: app_front_door_config_test.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "app/config.hpp"

namespace {

using seatd::apply_environment;
using seatd::config;

TEST(app_metrics_config, defaults_serve_metrics_on_the_public_port_to_loopback_only) {
  config c;
  apply_environment(c, {});
  EXPECT_EQ(c.metrics_listen, "");
  EXPECT_EQ(c.metrics_allow, "127.0.0.0/8,::1");
}

TEST(app_metrics_config, read_from_the_environment) {
  config c;
  apply_environment(
      c, {{"SEATD_METRICS_LISTEN", " [::1]:9100 "}, {"SEATD_METRICS_ALLOW", "10.0.0.0/8"}});
  EXPECT_EQ(c.metrics_listen, "[::1]:9100");
  EXPECT_EQ(c.metrics_allow, "10.0.0.0/8");
  apply_environment(c, {{"SEATD_METRICS_LISTEN", ""}, {"SEATD_METRICS_ALLOW", ""}});
  EXPECT_EQ(c.metrics_listen, "");  // no separate listener
  EXPECT_EQ(c.metrics_allow, "");   // nobody on the public port
}

}  // namespace
