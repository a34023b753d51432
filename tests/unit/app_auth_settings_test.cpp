// The settings of the hashing lane and the signup limit (issue 11 item 2).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "app/config.hpp"

namespace seatd {
namespace {

TEST(auth_settings, defaults) {
  config cfg;
  EXPECT_EQ(cfg.hash_threads, 2);
  EXPECT_EQ(cfg.hash_queue, 32u);
  EXPECT_EQ(cfg.hash_per_client, 4);
  EXPECT_EQ(cfg.signups_per_client, 200);
}

TEST(auth_settings, read_from_the_environment) {
  config cfg;
  apply_environment(cfg, {{"SEATD_HASH_THREADS", "1"},
                          {"SEATD_HASH_QUEUE", "0"},
                          {"SEATD_SIGNUPS_PER_CLIENT", "0"}});
  EXPECT_EQ(cfg.hash_threads, 1);
  EXPECT_EQ(cfg.hash_queue, 0u);
  EXPECT_EQ(cfg.signups_per_client, 0);
}

TEST(auth_settings, invalid_values_name_the_variable) {
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{{"SEATD_HASH_THREADS", "0"},
                                                               {"SEATD_HASH_THREADS", "x"},
                                                               {"SEATD_HASH_QUEUE", "-1"},
                                                               {"SEATD_SIGNUPS_PER_CLIENT", "many"}}) {
    config cfg;
    try {
      apply_environment(cfg, {{k, v}});
      ADD_FAILURE() << k << "=" << v << " was accepted";
    } catch (const config_error& e) {
      EXPECT_NE(std::string(e.what()).find(k), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace seatd
