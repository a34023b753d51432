#include <gtest/gtest.h>

#include "auth_test_support.hpp"

namespace {

// Registered before main() so every suite in unit_auth runs with libsodium initialised.
[[maybe_unused]] ::testing::Environment* const sodium_env =
    ::testing::AddGlobalTestEnvironment(new seatd::auth::testing::sodium_environment);

TEST(auth_init, is_idempotent) {
  EXPECT_NO_THROW(seatd::auth::init());
  EXPECT_NO_THROW(seatd::auth::init());
}

}  // namespace
