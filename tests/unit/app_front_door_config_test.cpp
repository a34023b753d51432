// The HTTP front door's settings: connection cap, first-byte timeout, body budget, proxies,
// the metrics listener and who may read /metrics.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "app/config.hpp"

namespace {

using seatd::apply_environment;
using seatd::config;
using seatd::config_error;

TEST(app_front_door_config, defaults) {
  config c;
  apply_environment(c, {});
  EXPECT_EQ(c.max_connections, 0u);  // derived from the descriptor limit at startup
  EXPECT_EQ(c.first_byte_timeout, std::chrono::seconds(10));
  EXPECT_EQ(c.max_inflight_body_bytes, 64u << 20);
  EXPECT_TRUE(c.trusted_proxies.empty());
}

TEST(app_front_door_config, read_from_the_environment) {
  config c;
  apply_environment(c, {{"SEATD_MAX_CONNECTIONS", "500"},
                        {"SEATD_FIRST_BYTE_TIMEOUT_SECONDS", "3"},
                        {"SEATD_MAX_INFLIGHT_BODY_BYTES", "1048576"},
                        {"SEATD_TRUSTED_PROXIES", "10.0.0.0/8, ::1"}});
  EXPECT_EQ(c.max_connections, 500u);
  EXPECT_EQ(c.first_byte_timeout, std::chrono::seconds(3));
  EXPECT_EQ(c.max_inflight_body_bytes, 1048576u);
  EXPECT_EQ(c.trusted_proxies, "10.0.0.0/8, ::1");
}

TEST(app_front_door_config, bad_values_name_the_variable) {
  for (auto [k, v] : std::map<std::string, std::string>{
           {"SEATD_MAX_CONNECTIONS", "-1"},
           {"SEATD_FIRST_BYTE_TIMEOUT_SECONDS", "0"},
           {"SEATD_MAX_INFLIGHT_BODY_BYTES", "12"},
           {"SEATD_TRUSTED_PROXIES", "10.0.0.0/40"},
           {"SEATD_METRICS_LISTEN", "localhost:9100"},
           {"SEATD_METRICS_ALLOW", "10.0.0.0/40"}}) {
    config c;
    try {
      apply_environment(c, {{k, v}});
      ADD_FAILURE() << k << "=" << v << " accepted";
    } catch (const config_error& e) {
      EXPECT_NE(std::string(e.what()).find(k), std::string::npos) << e.what();
    }
  }
}

}  // namespace
